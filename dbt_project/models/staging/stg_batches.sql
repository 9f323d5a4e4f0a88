with

source as (

    select * from {{ source('lake', 'batches') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        coalesce(cast(location as varchar), '') as location,
        cast(batch_code as varchar) as batch_code,
        cast(expiration_date as date) as expiration_date,
        cast(on_hand as double) as on_hand,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
