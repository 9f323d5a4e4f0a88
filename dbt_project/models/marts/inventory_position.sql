-- Stock position per planning item. on_hand as imported: items.on_hand, else the last on_hand
-- seen in transactions, else 0. on_order: open orders to receive. backorders: dated orders to
-- ship. available: on_hand less undated orders to ship (rule 3). Master: sums over children.
with

planning_items as (

    select * from {{ ref('int_planning_items') }}

),

transactions as (

    select * from {{ ref('stg_transactions') }}

),

open_orders as (

    select * from {{ ref('int_open_orders_delivery') }}

),

orders_to_ship as (

    select * from {{ ref('int_orders_to_ship_split') }}

),

last_seen_on_hand as (

    select
        account_id,
        item_code,
        location,
        last(on_hand order by date, source_file, source_row) as on_hand

    from transactions
    where on_hand is not null
    group by all

),

on_order as (

    select
        account_id,
        item_code,
        location,
        sum(qty) as on_order

    from open_orders
    group by all

),

to_ship as (

    select
        account_id,
        item_code,
        location,
        sum(backorder_qty) as backorders,
        sum(undated_qty) as undated_to_ship

    from orders_to_ship
    group by all

),

child_positions as (

    select
        planning_items.account_id,
        planning_items.item_code,
        planning_items.location,
        coalesce(planning_items.on_hand, last_seen_on_hand.on_hand, 0) as on_hand,
        case
            when planning_items.on_hand is not null then 'items'
            when last_seen_on_hand.on_hand is not null then 'transactions'
            else 'none'
        end as on_hand_source,
        coalesce(on_order.on_order, 0) as on_order,
        coalesce(to_ship.backorders, 0) as backorders,
        coalesce(to_ship.undated_to_ship, 0) as undated_to_ship

    from planning_items
    left join last_seen_on_hand
        on {{ same_planning_item('planning_items', 'last_seen_on_hand') }}
    left join on_order
        on {{ same_planning_item('planning_items', 'on_order') }}
    left join to_ship
        on {{ same_planning_item('planning_items', 'to_ship') }}
    where planning_items.account_id <> {{ master_id() }}

),

children as (

    select
        *,
        on_hand < 0 as on_hand_negative

    from child_positions

),

master as (

    select
        account_id,
        item_code,
        location,
        sum(on_hand) as on_hand,
        'children' as on_hand_source,
        sum(on_order) as on_order,
        sum(backorders) as backorders,
        sum(undated_to_ship) as undated_to_ship,
        -- any child's negative on hand is a back-order there, whatever the sum
        bool_or(on_hand_negative) as on_hand_negative

    from (
        {{ master_rows(
            'children', quantities=['on_hand', 'on_order', 'backorders', 'undated_to_ship']
        ) }}
    )
    group by
        account_id,
        item_code,
        location

),

unioned as (

    select * from children
    union all
    select * from master

),

final as (

    select
        account_id,
        item_code,
        location,
        on_hand,
        on_hand_negative,
        on_hand_source,
        on_order,
        backorders,
        undated_to_ship,
        on_hand - undated_to_ship as available

    from unioned

)

select * from final
