{{ config(tags=['plan']) }}

with

source as (

    select * from {{ source('derived', 'transfers') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(from_location as varchar) as from_location,
        cast(to_location as varchar) as to_location,
        cast(transfer_region as varchar) as transfer_region,
        cast(qty as double) as qty,
        cast(kind as varchar) as kind,
        cast(ship_date as date) as ship_date,
        cast(delivery_date as date) as delivery_date

    from source
    where {{ registered_account('account') }}

)

select * from renamed
