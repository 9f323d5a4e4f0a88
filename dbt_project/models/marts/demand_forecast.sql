{{ config(tags=['forecast']) }}

-- The demand forecast of every planning item of every scope (each child and the master), one
-- row per future period of the horizon, with its bounds, the standard deviation of its error
-- (what the planner's safety stock uses) and the model chosen by the backtest.
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
        model

    from forecasts

)

select * from final
