{{ config(tags=['forecast']) }}

-- The demand forecast of every planning item of every scope (each child and the master), one
-- row per future period of the horizon, with its bounds, the standard deviation of its error
-- (what the planner's safety stock uses) and the model chosen by the backtest; a planner's
-- override (overrides.csv) replaces forecast_qty and keeps the model's value beside it.
-- Its columns are the Parquet schema of tributary.outputs, read by stg_demand_forecast: stated once
-- there, not listed again here.
select * from {{ ref('stg_demand_forecast') }}
