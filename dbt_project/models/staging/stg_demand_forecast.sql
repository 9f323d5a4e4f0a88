{{ config(tags=['forecast']) }}

with

source as (

    select * from {{ source('derived', 'demand_forecast') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(location as varchar) as location,
        cast(period_start as date) as period_start,
        cast(forecast_qty as double) as forecast_qty,
        cast(forecast_lo as double) as forecast_lo,
        cast(forecast_hi as double) as forecast_hi,
        cast(forecast_sigma as double) as forecast_sigma,
        cast(model as varchar) as model,
        cast(forecast_qty_statistical as double) as forecast_qty_statistical,
        cast(override_note as varchar) as override_note,
        cast(override_flagged as boolean) as override_flagged

    from source
    where {{ registered_account('account') }}

)

select * from renamed
