with

source as (

    select * from {{ source('lake', 'orders_to_ship') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(qty as double) as qty,
        cast(shipment_date as date) as shipment_date,
        coalesce(cast(location as varchar), '') as location,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
