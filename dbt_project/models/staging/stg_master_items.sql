-- The master's item overrides: the items columns the master takes from this file before any
-- child (on hand is not overridden: the master's stock is the sum of its children's).
with

source as (

    select * from {{ source('lake', 'master_items') }}

),

renamed as (

    select * exclude (on_hand)

    from source

)

select * from renamed
