-- Each account's files as written (tributary.contract.arrow_schema, staged_files): only the key is
-- renamed.
{{ staged_files('lake', 'bom') }}
