{#- Passes when, for every key, the master's `columns` equal the sum of its children's (missing
    values count as 0). With `master_may_add_keys`, the master may hold keys no child has
    (zero-filled periods), as long as they sum to 0; a child's key missing in the master always
    fails.

    The children's rows count in the master's item codes, units and currency: their item maps
    (stg_item_map) turn item_code into the master item code and multiply every column but the
    `money` ones by the map's multiplier; `money` columns are converted at the child's rate on
    `money_date` (a SQL expression over source_rows, e.g. the period start). -#}
{% test master_sums_children(
    model, keys, columns, master_may_add_keys=false, money=[], money_date=none,
    master_modes=none
) %}
{#- `master_modes`: hold only when var('master_mode') is one of them (the forecast's sum). -#}
{%- if master_modes is not none and var('master_mode', 'combined') not in master_modes %}
select 1 as not_held_in_this_master_mode where false
{%- else %}

with

source_rows as (

    select * from {{ model }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

children as (

    select
        {% for key in keys %}{% if key == 'item_code' -%}
        coalesce(item_map.master_item_code, source_rows.item_code) as item_code,
        {% else %}source_rows.{{ key }},
        {% endif %}{% endfor -%}
        {% for column in columns %}sum({{ master_terms_value(
            'coalesce(source_rows.' ~ column ~ ', 0)', column,
            quantities=columns | reject('in', money) | list, money=money
        ) }}) as {{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    from source_rows
    inner join child_accounts
        on source_rows.account_id = child_accounts.account_id
    {{ master_terms_joins('source_rows', money_date=money_date if money else none) }}
    group by all

),

master as (

    select * from source_rows
    where account_id = {{ master_id() }}

),

final as (

    select
        {% for key in keys %}coalesce(master.{{ key }}, children.{{ key }}) as {{ key }},
        {% endfor -%}
        master.account_id is null as missing_in_master,
        children.{{ keys[0] }} is null as missing_in_children,
        {% for column in columns %}master.{{ column }} as master_{{ column }},
        children.{{ column }} as children_{{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    from master
    full outer join children
        on {% for key in keys %}master.{{ key }} is not distinct from children.{{ key }}{{ '\n        and ' if not loop.last }}{% endfor %}
    where master.account_id is null
        {% if not master_may_add_keys %}or children.{{ keys[0] }} is null{% endif %}
        {% for column in columns %}or abs(coalesce(master.{{ column }}, 0) - coalesce(children.{{ column }}, 0))
            > 1e-9 * greatest(1, abs(coalesce(children.{{ column }}, 0)))
        {% endfor %}
)

select * from final

{%- endif %}

{% endtest %}
