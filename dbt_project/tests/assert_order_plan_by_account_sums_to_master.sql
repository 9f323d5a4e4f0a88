{{ config(tags=['plan']) }}

-- Output contract: the order_plan_by_account rows of one master item sum to the master's
-- on_hand and on_order, and their shares, each in its child's own units times its multiplier, sum
-- to the master's order_qty.
with

by_account as (

    select
        item_code,
        location,
        sum(on_hand) as on_hand,
        sum(on_order) as on_order,
        sum(source_share_of_master_order_qty * source_multiplier) as order_qty,
        sum(share_of_demand) as share_of_demand

    from {{ ref('order_plan_by_account') }}
    group by all

),

master_plan as (

    select * from {{ ref('order_plan') }}
    where account_id = {{ master_id() }}

)

select
    master_plan.item_code,
    master_plan.location,
    master_plan.on_hand,
    by_account.on_hand as children_on_hand,
    master_plan.on_order,
    by_account.on_order as children_on_order,
    master_plan.order_qty,
    by_account.order_qty as children_order_qty

from master_plan
left join by_account
    on master_plan.item_code = by_account.item_code
    and master_plan.location = by_account.location
where abs(master_plan.on_hand - coalesce(by_account.on_hand, 0)) > 1e-6
    or abs(master_plan.on_order - coalesce(by_account.on_order, 0)) > 1e-6
    -- with no demand over lead time in any child there are no shares to split the order by
    or (
        by_account.share_of_demand > 0
        and abs(master_plan.order_qty - by_account.order_qty)
        > 1e-6 * greatest(1, master_plan.order_qty)
    )
