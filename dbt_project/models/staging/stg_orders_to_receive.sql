with

source as (

    select * from {{ source('lake', 'orders_to_receive') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(qty as double) as qty,
        cast(delivery_date as date) as delivery_date,
        cast(sendout_date as date) as sendout_date,
        coalesce(cast(location as varchar), '') as location,
        cast(lot_cost as double) as lot_cost,
        cast(order_number as varchar) as order_number,
        cast(order_type as varchar) as order_type,
        cast(source_from as varchar) as source_from,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
