-- Each account's files as written (tributary.contract.arrow_schema, staged_files): only the key is
-- renamed. A location not given is '' (no location).
{{ staged_files('lake', 'batches', defaults={'location': "''"}) }}
