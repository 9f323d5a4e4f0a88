with

source as (

    select * from {{ source('lake', 'promotions') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        coalesce(cast(location as varchar), '') as location,
        coalesce(cast(channel as varchar), '') as channel,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(discount as double) as discount,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
