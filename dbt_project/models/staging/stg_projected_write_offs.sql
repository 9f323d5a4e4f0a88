{{ config(tags=['plan']) }}

with

source as (

    select * from {{ source('derived', 'projected_write_offs') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(location as varchar) as location,
        cast(batch_code as varchar) as batch_code,
        cast(expiration_date as date) as expiration_date,
        cast(qty_expiring as double) as qty_expiring,
        cast(value as double) as value

    from source
    where {{ registered_account('account') }}

)

select * from renamed
