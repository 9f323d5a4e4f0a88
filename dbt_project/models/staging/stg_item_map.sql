with

source as (

    select * from {{ source('lake', 'item_map') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(master_item_code as varchar) as master_item_code,
        -- data contract: one child unit is one master unit unless the map says otherwise
        coalesce(cast(multiplier as double), 1.0) as multiplier,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
