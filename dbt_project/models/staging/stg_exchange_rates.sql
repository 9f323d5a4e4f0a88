-- The master's exchange rates as written; currency codes compared in upper case without spaces.
with

source as (

    select * from {{ source('lake', 'exchange_rates') }}

),

renamed as (

    select * replace (upper(trim(currency)) as currency)

    from source

)

select * from renamed
