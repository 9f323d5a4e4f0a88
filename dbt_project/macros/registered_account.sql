{#- True for rows of an account listed in accounts.yaml (or the master). A lake folder of an
    account removed by hand from accounts.yaml stays on disk, untouched, but is not served. -#}
{% macro registered_account(column) -%}
    cast({{ column }} as varchar) in (select account_id from {{ source('lake', 'accounts') }})
{%- endmacro %}
