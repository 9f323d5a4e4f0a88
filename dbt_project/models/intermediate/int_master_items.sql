-- The master's item rows before defaults: on_hand summed over the children, every other field
-- from the master items file (accounts.yaml master.items_file) when it gives it, else from the
-- first child (accounts.yaml order) that gives it, field by field. Children's items count in master
-- item codes and units (item_map): quantities times the multiplier, per-unit values divided by it.
with

items as (

    select * from {{ ref('stg_items') }}

),

overrides as (

    select * from {{ ref('stg_master_items') }}

),

-- in master item codes and units: a pack's quantities grow and its per-unit values shrink; stock
-- and sales prices in the master's currency at the as_of rate (purchase_price stays in
-- supplier_currency)
child_items as (

    {{ master_rows(
        'items',
        quantities=[
            'on_hand', 'display_qty', 'min_lot', 'max_lot', 'rounding', 'group_min_qty',
            'container_load_qty',
        ],
        per_unit=[
            'inventory_value_per_unit', 'purchase_price', 'sales_price', 'weight_per_unit',
            'volume_per_unit',
        ],
        money=['inventory_value_per_unit', 'sales_price'],
        extra_columns=[
            'child_rows.account_id as source_account_id',
            'child_accounts.position',
            'child_rows.item_code as source_item_code',
        ],
    ) }}

),

combined as (

    select
        account_id,
        item_code,
        location,
        {%- for column in item_first_wins_columns() %}
        {%- if column == 'order_cycle_unit' %}
        -- the unit goes with the order cycle it qualifies
        first(order_cycle_unit order by position, source_item_code) filter (
            where order_cycle is not null
        ) as order_cycle_unit,
        {%- else %}
        first({{ column }} order by position, source_item_code) filter (
            where {{ column }} is not null
        ) as {{ column }},
        {%- endif %}
        {%- endfor %}
        sum(on_hand) as on_hand,
        -- flagged when any child holds negative stock, as in inventory_position
        coalesce(bool_or(on_hand < 0), false) as on_hand_negative,
        -- each child once, in accounts.yaml order, even when two of its codes map to this item
        list_transform(
            list_sort(list(distinct { 'position': position, 'account_id': source_account_id })),
            source -> source.account_id
        ) as source_account_ids

    from child_items
    group by
        account_id,
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
