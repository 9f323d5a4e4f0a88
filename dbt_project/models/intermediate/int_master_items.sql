-- The master's item rows before defaults: on_hand summed over the children, every other field
-- from the master items file (accounts.yaml master.items_file) when it gives it, else from the
-- first child (accounts.yaml order) that gives it, field by field.
with

items as (

    select * from {{ ref('stg_items') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

overrides as (

    select * from {{ ref('stg_master_items') }}

),

child_items as (

    select
        items.*,
        child_accounts.position

    from items
    inner join child_accounts
        on items.account_id = child_accounts.account_id

),

combined as (

    select
        'master' as account_id,
        item_code,
        location,
        {%- for column in item_first_wins_columns() %}
        {%- if column == 'order_cycle_unit' %}
        -- the unit goes with the order cycle it qualifies
        first(order_cycle_unit order by position) filter (where order_cycle is not null)
            as order_cycle_unit,
        {%- else %}
        first({{ column }} order by position) filter (where {{ column }} is not null)
            as {{ column }},
        {%- endif %}
        {%- endfor %}
        sum(on_hand) as on_hand,
        -- flagged when any child holds negative stock, as in inventory_position
        coalesce(bool_or(on_hand < 0), false) as on_hand_negative,
        list(account_id order by position) as source_account_ids

    from child_items
    group by
        item_code,
        location

),

final as (

    select
        combined.account_id,
        combined.item_code,
        combined.location,
        combined.on_hand,
        combined.on_hand_negative,
        {%- for column in item_first_wins_columns() %}
        {%- if column == 'order_cycle_unit' %}
        -- an overriding order cycle brings its own unit
        case
            when overrides.order_cycle is not null then overrides.order_cycle_unit
            else combined.order_cycle_unit
        end as order_cycle_unit,
        {%- else %}
        coalesce(overrides.{{ column }}, combined.{{ column }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        combined.source_account_ids

    from combined
    left join overrides
        on combined.item_code = overrides.item_code
        and combined.location = overrides.location

)

select * from final
