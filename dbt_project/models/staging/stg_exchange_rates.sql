with

source as (

    select * from {{ source('lake', 'exchange_rates') }}

),

renamed as (

    select
        upper(trim(cast(currency as varchar))) as currency,
        cast(rate_to_base as double) as rate_to_base,
        cast(valid_from as date) as valid_from,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source

)

select * from renamed
