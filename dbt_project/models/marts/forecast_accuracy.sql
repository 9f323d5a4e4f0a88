{{ config(tags=['forecast']) }}

-- Why each model was chosen: its rolling-origin backtest scores per planning item and scope.
with

accuracy as (

    select * from {{ ref('stg_forecast_accuracy') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        model,
        series_class,
        wape,
        mase,
        bias,
        periods_tested,
        runner_up,
        runner_up_mase

    from accuracy

)

select * from final
