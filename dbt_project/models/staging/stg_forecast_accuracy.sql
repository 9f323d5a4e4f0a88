{{ config(tags=['forecast']) }}

-- Each account's files as written (tributary.outputs.FORECAST_ACCURACY_SCHEMA, staged_files): only
-- the key is renamed.
{{ staged_files('derived', 'forecast_accuracy') }}
