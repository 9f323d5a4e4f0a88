{{ config(tags=['plan']) }}

-- The master's order plan expanded into its children ("expand the accounts"): for each master
-- item and location, one row per child item holding it, with the child's own stock, open orders,
-- demand over lead time and own order quantity (in master units), its share of the demand, and
-- that share of the master's order in the child's own item code and units (item_map).
with

order_plan as (

    select * from {{ ref('order_plan') }}

),

master_plan as (

    select * from order_plan
    where account_id = {{ master_id() }}

),

-- each child's plan in master item codes and units (item_map), so it joins the master's item
child_plans as (

    {{ master_rows(
        'order_plan',
        quantities=['on_hand', 'on_order', 'demand_over_lead_time', 'order_qty'],
        extra_columns=[
            'child_rows.account_id as source_account_id',
            'child_rows.item_code as source_item_code',
            'coalesce(item_map.multiplier, 1.0) as source_multiplier',
        ],
    ) }}

),

expanded as (

    select
        master_plan.account_id,
        master_plan.item_code,
        master_plan.location,
        child_plans.source_account_id,
        child_plans.source_item_code,
        child_plans.source_multiplier,
        child_plans.on_hand,
        child_plans.on_order,
        child_plans.demand_over_lead_time,
        child_plans.order_qty,
        master_plan.order_qty as master_order_qty,
        sum(child_plans.demand_over_lead_time) over (
            partition by master_plan.item_code, master_plan.location
        ) as total_demand_over_lead_time

    from master_plan
    inner join child_plans
        on master_plan.item_code = child_plans.item_code
        and master_plan.location = child_plans.location

),

shares as (

    select
        *,
        coalesce(demand_over_lead_time / nullif(total_demand_over_lead_time, 0), 0)
            as share_of_demand

    from expanded

),

final as (

    select
        account_id,
        item_code,
        location,
        source_account_id,
        on_hand,
        on_order,
        demand_over_lead_time,
        order_qty,
        share_of_demand,
        share_of_demand * master_order_qty as share_of_master_order_qty,
        source_item_code,
        source_multiplier,
        -- the same share in the child's own item code and units
        share_of_demand * master_order_qty / source_multiplier
            as source_share_of_master_order_qty

    from shares

)

select * from final
