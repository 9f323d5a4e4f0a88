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
            {{ master_terms_value('child_rows.' ~ column, column, quantities, per_unit, money) }}
                as {{ column }}
            {%- endfor %}
        )
        {%- for expression in extra_columns %},
        {{ expression }}
        {%- endfor %}

    from {{ relation }} as child_rows
    inner join {{ ref('int_child_accounts') }} as child_accounts
        on child_rows.account_id = child_accounts.account_id
    {{ master_terms_joins('child_rows', item_column, (money_date or as_of()) if money else none) }}
{%- endmacro %}

{#- The joins that put rows of `rows` (a relation's alias) in the master's terms: their child's
    item map on `item_column` (as item_map) and, given `money_date` (a SQL expression), their
    child's exchange rate on that day (as exchange_rate). The one definition of how a child's
    row maps into the master, shared by master_rows and the master invariant tests. -#}
{% macro master_terms_joins(rows, item_column='item_code', money_date=none) -%}
    left join {{ ref('stg_item_map') }} as item_map
        on {{ rows }}.account_id = item_map.account_id
        and {{ rows }}.{{ item_column }} = item_map.item_code
    {%- if money_date %}
    left join {{ ref('int_account_exchange_rates') }} as exchange_rate
        on {{ rows }}.account_id = exchange_rate.account_id
        and {{ money_date }} >= exchange_rate.valid_from
        and {{ money_date }} < exchange_rate.valid_to
    {%- endif %}
{%- endmacro %}

{#- `value` (a SQL expression for `column`) in the master's terms, after master_terms_joins:
    multiplied by the item map's multiplier when the column is in `quantities`, divided by it
    when in `per_unit`, converted at the exchange rate when in `money` (`missing_rate` where no
    rate was found; null by default). -#}
{% macro master_terms_value(
    value, column, quantities=[], per_unit=[], money=[], missing_rate=none
) -%}
    {{ value }}
    {%- if column in quantities %} * coalesce(item_map.multiplier, 1.0){% endif %}
    {%- if column in per_unit %} / coalesce(item_map.multiplier, 1.0){% endif %}
    {%- if column in money %} * {% if missing_rate is none -%}
        exchange_rate.rate_to_base
    {%- else -%}
        coalesce(exchange_rate.rate_to_base, {{ missing_rate }})
    {%- endif %}{% endif %}
{%- endmacro %}
