-- Each account's files as written (tributary.contract.arrow_schema, staged_files): only the key is
-- renamed. Location and channel not given are '' (no location, no channel).
{{ staged_files('lake', 'promotions', defaults={'location': "''", 'channel': "''"}) }}
