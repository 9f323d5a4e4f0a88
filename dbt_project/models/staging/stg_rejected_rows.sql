-- Each account's files as written (tributary.contract.REJECTED_ROWS_SCHEMA, staged_files): only
-- the key is renamed.
{{ staged_files('lake', 'rejected_rows') }}
