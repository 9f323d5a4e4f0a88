{{ config(tags=['kpi']) }}

-- Inventory KPIs per planning item of every scope (each child and the master); definitions in
-- docs/kpis.md.
-- Its columns are the Parquet schema of tributary.outputs, read by stg_kpis: stated once
-- there, not listed again here.
select * from {{ ref('stg_kpis') }}
