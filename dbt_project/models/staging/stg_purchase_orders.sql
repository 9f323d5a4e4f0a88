{{ config(tags=['plan']) }}

with

source as (

    select * from {{ source('derived', 'purchase_orders') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(supplier_code as varchar) as supplier_code,
        cast(order_date as date) as order_date,
        cast(delivery_date as date) as delivery_date,
        cast(item_code as varchar) as item_code,
        cast(supplier_item_code as varchar) as supplier_item_code,
        cast(location as varchar) as location,
        cast(qty as double) as qty,
        cast(currency as varchar) as currency,
        cast(unit_cost as double) as unit_cost,
        cast(line_cost as double) as line_cost,
        cast(container_id as varchar) as container_id,
        cast(container_no as bigint) as container_no

    from source
    where {{ registered_account('account') }}

)

select * from renamed
