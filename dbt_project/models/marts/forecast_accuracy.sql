{{ config(tags=['forecast']) }}

-- Why each model was chosen: its rolling-origin backtest scores per planning item and scope. Its
-- columns are the Parquet schema of tributary.outputs, read by stg_forecast_accuracy: stated once
-- there, not listed again here.
select * from {{ ref('stg_forecast_accuracy') }}
