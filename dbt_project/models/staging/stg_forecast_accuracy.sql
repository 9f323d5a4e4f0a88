{{ config(tags=['forecast']) }}

with

source as (

    select * from {{ source('derived', 'forecast_accuracy') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(location as varchar) as location,
        cast(model as varchar) as model,
        cast(series_class as varchar) as series_class,
        cast(wape as double) as wape,
        cast(mase as double) as mase,
        cast(bias as double) as bias,
        cast(periods_tested as bigint) as periods_tested,
        cast(runner_up as varchar) as runner_up,
        cast(runner_up_mase as double) as runner_up_mase

    from source
    where {{ registered_account('account') }}

)

select * from renamed
