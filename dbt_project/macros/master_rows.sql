{#- The master account's id: the one spelling of it in the dbt project. -#}
{% macro master_id() -%}
    'master'
{%- endmacro %}

{#- A child relation's rows as the master sees them. account_id becomes the master's, and
    - through the children's item maps (stg_item_map) each item code becomes its master item code,
      the `quantities` are multiplied and the `per_unit` values divided by the map's multiplier
      (one child unit = multiplier master units); unmapped codes stay as they are;
    - the `money` columns are converted to the master's currency at the child's rate on
      `money_date` (a SQL expression over child_rows; as_of by default), from
      int_account_exchange_rates (rate 1 for a child in the master's currency).
    A column may be in both per_unit and money (a price). Only rows of child accounts are kept.
    Columns keep their positions, so the result unions with the children's rows;
    `extra_columns` (SQL expressions with aliases) are appended after them and may use
    child_rows, child_accounts.position and item_map. -#}
{% macro master_rows(
    relation, quantities=[], per_unit=[], money=[], money_date=none, item_column='item_code',
    extra_columns=[]
) -%}
    select
        {{ master_id() }} as account_id,
        child_rows.* exclude (account_id) replace (
            coalesce(item_map.master_item_code, child_rows.{{ item_column }}) as {{ item_column }}
            {%- for column in (quantities + per_unit + money) | unique %},
            child_rows.{{ column }}
            {%- if column in quantities %} * coalesce(item_map.multiplier, 1.0){% endif %}
            {%- if column in per_unit %} / coalesce(item_map.multiplier, 1.0){% endif %}
            {%- if column in money %} * exchange_rate.rate_to_base{% endif %} as {{ column }}
            {%- endfor %}
        )
        {%- for expression in extra_columns %},
        {{ expression }}
        {%- endfor %}

    from {{ relation }} as child_rows
    inner join {{ ref('int_child_accounts') }} as child_accounts
        on child_rows.account_id = child_accounts.account_id
    left join {{ ref('stg_item_map') }} as item_map
        on child_rows.account_id = item_map.account_id
        and child_rows.{{ item_column }} = item_map.item_code
    {%- if money %}
    left join {{ ref('int_account_exchange_rates') }} as exchange_rate
        on child_rows.account_id = exchange_rate.account_id
        and {{ money_date or as_of() }} >= exchange_rate.valid_from
        and {{ money_date or as_of() }} < exchange_rate.valid_to
    {%- endif %}
{%- endmacro %}
