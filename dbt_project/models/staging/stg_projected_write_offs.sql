{{ config(tags=['plan']) }}

-- Each account's files as written (tributary.outputs.PROJECTED_WRITE_OFFS_SCHEMA, staged_files):
-- only the key is renamed.
{{ staged_files('derived', 'projected_write_offs') }}
