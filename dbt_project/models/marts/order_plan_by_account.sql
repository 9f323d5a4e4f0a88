{{ config(tags=['plan']) }}

-- The master's order plan expanded into its children ("expand the accounts"): for each master
-- item and location, one row per child holding it, with the child's own stock, open orders,
-- demand over lead time and own order quantity, and its share of the demand.
with

order_plan as (

    select * from {{ ref('order_plan') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

master_plan as (

    select * from order_plan
    where account_id = 'master'

),

child_plans as (

    select order_plan.*
    from order_plan
    inner join child_accounts
        on order_plan.account_id = child_accounts.account_id

),

expanded as (

    select
        'master' as account_id,
        master_plan.item_code,
        master_plan.location,
        child_plans.account_id as source_account_id,
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
        coalesce(demand_over_lead_time / nullif(total_demand_over_lead_time, 0), 0)
            as share_of_demand,
        coalesce(demand_over_lead_time / nullif(total_demand_over_lead_time, 0), 0)
            * master_order_qty as share_of_master_order_qty

    from expanded

)

select * from final
