{#- The body of a staging model over files the loader or a Python asset writes with a fixed
    Parquet schema, one hive partition `account=<id>` per account: the key renamed to
    account_id (first), every other column as written, `defaults` (column: SQL value) filled
    in where a value is missing, and only rows of registered accounts (registered_account).
    The files' schema is the one statement of the columns and their types, so nothing is cast
    here. -#}
{% macro staged_files(source_name, table_name, defaults={}) -%}
with

source as (

    select * from {{ source(source_name, table_name) }}

),

renamed as (

    select
        account as account_id,
        * exclude (account)
        {%- if defaults %} replace (
            {%- for column, value in defaults.items() %}
            coalesce({{ column }}, {{ value }}) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- endif %}

    from source
    where {{ registered_account('account') }}

)

select * from renamed
{%- endmacro %}
