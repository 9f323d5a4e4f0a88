-- Open orders to receive with their expected delivery date (given, or rule 2 in the child),
-- per child, and the children's lines unchanged in the master's view.
with

orders as (

    select * from {{ ref('int_open_orders_delivery') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

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
        source_row

    from orders

),

master_orders as (

    select
        'master' as account_id,
        child_orders.* exclude (account_id)

    from child_orders
    inner join child_accounts
        on child_orders.account_id = child_accounts.account_id

),

final as (

    select * from child_orders
    union all
    select * from master_orders

)

select * from final
