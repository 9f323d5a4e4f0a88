-- Output contract: for every item, the master's inventory_position.on_hand (and on_order,
-- backorders, available) equals the sum of its children's.
with

positions as (

    select * from {{ ref('inventory_position') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

children as (

    select
        positions.item_code,
        positions.location,
        sum(positions.on_hand) as on_hand,
        sum(positions.on_order) as on_order,
        sum(positions.backorders) as backorders,
        sum(positions.available) as available

    from positions
    inner join child_accounts
        on positions.account_id = child_accounts.account_id
    group by all

),

master as (

    select * from positions
    where account_id = 'master'

),

final as (

    select
        coalesce(master.item_code, children.item_code) as item_code,
        coalesce(master.location, children.location) as location,
        master.on_hand as master_on_hand,
        children.on_hand as children_on_hand

    from master
    full outer join children
        on master.item_code = children.item_code
        and master.location = children.location
    where master.item_code is null
        or children.item_code is null
        or abs(master.on_hand - children.on_hand) > 1e-9
        or abs(master.on_order - children.on_order) > 1e-9
        or abs(master.backorders - children.backorders) > 1e-9
        or abs(master.available - children.available) > 1e-9

)

select * from final
