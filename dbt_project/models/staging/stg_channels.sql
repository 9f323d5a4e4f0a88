with

source as (

    select * from {{ source('lake', 'channels') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        coalesce(cast(location as varchar), '') as location,
        coalesce(cast(channel as varchar), '') as channel,
        cast(channel_categories as varchar[]) as channel_categories,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
