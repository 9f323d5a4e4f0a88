{{ config(tags=['plan']) }}

-- The projected write offs of every scope (each child and the master), from the planning asset.
-- Its columns are the Parquet schema of tributary.outputs, read by stg_projected_write_offs:
-- stated once there, not listed again here.
select * from {{ ref('stg_projected_write_offs') }}
