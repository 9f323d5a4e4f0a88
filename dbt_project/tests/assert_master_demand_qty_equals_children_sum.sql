-- Output contract: the master's demand_history qty and revenue per item, location and period
-- equal the sum of its children's (zero-filled periods count as 0).
with

demand as (

    select * from {{ ref('demand_history') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

children as (

    select
        demand.item_code,
        demand.location,
        demand.period_start,
        sum(demand.qty) as qty,
        sum(coalesce(demand.revenue, 0)) as revenue

    from demand
    inner join child_accounts
        on demand.account_id = child_accounts.account_id
    group by all

),

master as (

    select * from demand
    where account_id = 'master'

),

final as (

    select
        coalesce(master.item_code, children.item_code) as item_code,
        coalesce(master.location, children.location) as location,
        coalesce(master.period_start, children.period_start) as period_start,
        master.qty as master_qty,
        children.qty as children_qty

    from master
    full outer join children
        on master.item_code = children.item_code
        and master.location = children.location
        and master.period_start = children.period_start
    where abs(coalesce(master.qty, 0) - coalesce(children.qty, 0)) > 1e-9
        or abs(coalesce(master.revenue, 0) - coalesce(children.revenue, 0)) > 1e-9
        -- the master starts at the first sale of any child, so it has every child period
        or master.item_code is null

)

select * from final
