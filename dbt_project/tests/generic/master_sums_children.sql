{#- Passes when, for every key, the master's `columns` equal the sum of its children's (missing
    values count as 0). With `master_may_add_keys`, the master may hold keys no child has
    (zero-filled periods), as long as they sum to 0; a child's key missing in the master always
    fails. -#}
{% test master_sums_children(model, keys, columns, master_may_add_keys=false) %}

with

source_rows as (

    select * from {{ model }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

children as (

    select
        {% for key in keys %}source_rows.{{ key }},
        {% endfor -%}
        {% for column in columns %}sum(coalesce(source_rows.{{ column }}, 0)) as {{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    from source_rows
    inner join child_accounts
        on source_rows.account_id = child_accounts.account_id
    group by all

),

master as (

    select * from source_rows
    where account_id = 'master'

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
        {% for column in columns %}or abs(coalesce(master.{{ column }}, 0) - coalesce(children.{{ column }}, 0)) > 1e-9
        {% endfor %}
)

select * from final

{% endtest %}
