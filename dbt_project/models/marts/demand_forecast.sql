{{ config(tags=['forecast']) }}

-- The demand forecast of every planning item of every scope (each child and the master), one
-- row per future period of the horizon, with its bounds, the standard deviation of its error
-- (what the planner's safety stock uses) and the model chosen by the backtest; a planner's
-- override (overrides.csv) replaces forecast_qty and keeps the model's value beside it.
with

forecasts as (

    select * from {{ ref('stg_demand_forecast') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        period_start,
        forecast_qty,
        forecast_lo,
        forecast_hi,
        forecast_sigma,
        model,
        forecast_qty_statistical,
        override_note,
        override_flagged

    from forecasts

)

select * from final
