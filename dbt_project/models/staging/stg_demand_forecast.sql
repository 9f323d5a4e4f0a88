{{ config(tags=['forecast']) }}

-- Each account's files as written (tributary.outputs.DEMAND_FORECAST_SCHEMA, staged_files): only
-- the key is renamed.
{{ staged_files('derived', 'demand_forecast') }}
