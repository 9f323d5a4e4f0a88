{{ config(tags=['kpi']) }}

-- Each account's files as written (tributary.outputs.KPIS_SCHEMA, staged_files): only the key is
-- renamed.
{{ staged_files('derived', 'kpis') }}
