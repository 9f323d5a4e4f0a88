{{ config(tags=['plan']) }}

-- The purchase orders of every scope (each child and the master), from the planning asset.
with

plans as (

    select * from {{ ref('stg_purchase_orders') }}

),

final as (

    select
        account_id,
        supplier_code,
        order_date,
        delivery_date,
        item_code,
        supplier_item_code,
        location,
        qty,
        currency,
        unit_cost,
        line_cost,
        container_id,
        container_no

    from plans

)

select * from final
