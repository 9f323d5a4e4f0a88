-- The registry as the CLI writes it (tributary.lake.ACCOUNTS_SCHEMA); position as the integer
-- the marts publish.
with

source as (

    select * from {{ source('lake', 'accounts') }}

),

renamed as (

    select * replace (cast(position as integer) as position)

    from source

)

select * from renamed
