-- Open orders to receive with their expected delivery date (given, or rule 2 in the child),
-- per child, and the children's lines in the master's view, in master item codes and units
-- (item_map; source_item_code keeps the child's code).
with

orders as (

    select * from {{ ref('int_open_orders_delivery') }}

),

child_orders as (

    select
        account_id,
        account_id as source_account_id,
        item_code,
        location,
        order_type,
        order_number,
        qty,
        sendout_date,
        delivery_date,
        delivery_date_rule,
        lot_cost,
        source_from,
        source_file,
        source_row,
        item_code as source_item_code

    from orders

),

master_orders as (

    {{ master_rows('child_orders', quantities=['qty'], money=['lot_cost']) }}

),

final as (

    select * from child_orders
    union all
    select * from master_orders

)

select * from final
