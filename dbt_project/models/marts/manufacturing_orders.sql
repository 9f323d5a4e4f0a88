{{ config(tags=['plan']) }}

-- The manufacturing orders of every scope (each child and the master), from the planning asset.
-- Its columns are the Parquet schema of tributary.outputs, read by stg_manufacturing_orders:
-- stated once there, not listed again here.
select * from {{ ref('stg_manufacturing_orders') }}
