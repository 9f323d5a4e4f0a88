-- The master's item overrides: the items columns the master takes from this file before any
-- child (on hand is not overridden: the master's stock is the sum of its children's).
with

source as (

    select * from {{ source('lake', 'master_items') }}

),

renamed as (

    select
        cast(item_code as varchar) as item_code,
        coalesce(cast(location as varchar), '') as location,
        {%- for column in item_first_wins_columns() %}
        {{ column }},
        {%- endfor %}
        cast(source_row as bigint) as source_row

    from source

)

select * from renamed
