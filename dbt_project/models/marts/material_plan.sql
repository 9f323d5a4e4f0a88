{{ config(tags=['plan']) }}

-- The material plan of every scope (each child and the master), from the planning asset.
-- Its columns are the Parquet schema of tributary.outputs, read by stg_material_plan: stated once
-- there, not listed again here.
select * from {{ ref('stg_material_plan') }}
