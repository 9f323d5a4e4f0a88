{{ config(tags=['plan']) }}

-- Each account's files as written (tributary.outputs.TRANSFERS_SCHEMA, staged_files): only the key
-- is renamed.
{{ staged_files('derived', 'transfers') }}
