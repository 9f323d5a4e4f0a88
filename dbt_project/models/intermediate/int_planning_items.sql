-- Every planning item (account_id, item_code, location) that appears in items, transactions
-- (kit components included), channels, orders or batches, with its item parameters; items not in
-- the items file get the defaults of rule 1. The master's planning items are the union of its
-- children's.
with

items as (

    select * from {{ ref('int_items_with_defaults') }}

),

kits_exploded as (

    select * from {{ ref('int_kits_exploded') }}

),

channels as (

    select * from {{ ref('stg_channels') }}

),

orders_to_receive as (

    select * from {{ ref('stg_orders_to_receive') }}

),

orders_to_ship as (

    select * from {{ ref('stg_orders_to_ship') }}

),

batches as (

    select * from {{ ref('stg_batches') }}

),

child_keys as (

    select
        account_id,
        item_code,
        location
    from items
    where account_id <> {{ master_id() }}
    union
    select
        account_id,
        item_code,
        location
    from kits_exploded
    union
    select
        account_id,
        item_code,
        location
    from channels
    union
    select
        account_id,
        item_code,
        location
    from orders_to_receive
    union
    select
        account_id,
        item_code,
        location
    from orders_to_ship
    union
    select
        account_id,
        item_code,
        location
    from batches

),

master_keys as (

    select
        account_id,
        item_code,
        location,
        -- each child once, in accounts.yaml order, even when two of its codes map to this item
        list_transform(
            list_sort(list(distinct { 'position': position, 'account_id': source_account_id })),
            source -> source.account_id
        ) as source_account_ids

    from (
        {{ master_rows(
            'child_keys',
            extra_columns=[
                'child_rows.account_id as source_account_id',
                'child_accounts.position',
            ],
        ) }}
    )
    group by
        account_id,
        item_code,
        location

),

all_keys as (

    select
        *,
        [account_id] as source_account_ids

    from child_keys

    union all

    select * from master_keys

),

joined as (

    select
        all_keys.account_id,
        all_keys.item_code,
        all_keys.location,
        all_keys.source_account_ids,
        -- sqlfluff reads the names in exclude () as unqualified columns
        items.* exclude (account_id, item_code, location, source_account_ids)  -- noqa: RF02

    from all_keys
    left join items
        on {{ same_planning_item('all_keys', 'items') }}

),

final as (

    select
        * replace (
            coalesce(lead_time_days, {{ item_defaults()['lead_time_days'] }}) as lead_time_days,
            coalesce(order_cycle, {{ item_defaults()['order_cycle'] }}) as order_cycle,
            coalesce(order_cycle_unit, {{ item_defaults()['order_cycle_unit'] }})
                as order_cycle_unit,
            coalesce(
                order_cycle_days,
                {{ item_defaults()['order_cycle'] }} * {{ period_days() }}
            ) as order_cycle_days,
            coalesce(inactive, {{ item_defaults()['inactive'] }}) as inactive,
            coalesce(termination, {{ item_defaults()['termination'] }}) as termination,
            coalesce(purchase_for_bom, {{ item_defaults()['purchase_for_bom'] }})
                as purchase_for_bom,
            coalesce(on_hand_negative, false) as on_hand_negative,
            coalesce(has_item_row, false) as has_item_row
        )

    from joined

)

select * from final
