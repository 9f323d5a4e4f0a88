with

source as (

    select * from {{ source('lake', 'transactions') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(date as date) as date,
        cast(item_code as varchar) as item_code,
        cast(qty_sold as double) as qty_sold,
        coalesce(cast(location as varchar), '') as location,
        coalesce(cast(channel as varchar), '') as channel,
        cast(outlier as boolean) as outlier,
        cast(sales_price as double) as sales_price,
        cast(revenue as double) as revenue,
        cast(on_hand as double) as on_hand,
        cast(on_hand_change as double) as on_hand_change,
        cast(profit as double) as profit,
        cast(channel_categories as varchar[]) as channel_categories,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
