with

source as (

    select * from {{ source('lake', 'accounts') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(name as varchar) as name,
        cast(role as varchar) as role,
        cast(position as integer) as position,
        cast(currency as varchar) as currency,
        cast(connection_type as varchar) as connection_type,
        cast(period as varchar) as period,
        cast(as_of as date) as as_of

    from source

)

select * from renamed
