-- Rule 1 of the data contract: every item row (children, and the master's first-wins rows) with
-- the defaults applied and its order cycle in days.
with

child_items as (

    select * from {{ ref('stg_items') }}

),

master_items as (

    select * from {{ ref('int_master_items') }}

),

all_items as (

    select
        account_id,
        item_code,
        location,
        on_hand,
        coalesce(on_hand < 0, false) as on_hand_negative,
        {%- for column in item_first_wins_columns() %}
        {{ column }},
        {%- endfor %}
        [account_id] as source_account_ids

    from child_items

    union all

    select * from master_items

),

defaulted as (

    select
        * replace (
            coalesce(lead_time_days, {{ item_defaults()['lead_time_days'] }}) as lead_time_days,
            -- an order cycle that is not given is one aggregation period, whatever the unit says
            coalesce(order_cycle, {{ item_defaults()['order_cycle'] }}) as order_cycle,
            case
                when order_cycle is null then {{ item_defaults()['order_cycle_unit'] }}
                else coalesce(order_cycle_unit, {{ item_defaults()['order_cycle_unit'] }})
            end as order_cycle_unit,
            coalesce(inactive, {{ item_defaults()['inactive'] }}) as inactive,
            coalesce(termination, {{ item_defaults()['termination'] }}) as termination,
            coalesce(purchase_for_bom, {{ item_defaults()['purchase_for_bom'] }})
                as purchase_for_bom,
            coalesce(group_id, supplier_code) as group_id
        )

    from all_items

),

final as (

    select
        *,
        {{ order_cycle_days('order_cycle', 'order_cycle_unit', 'lead_time_days') }}
            as order_cycle_days,
        true as has_item_row

    from defaulted

)

select * from final
