with

source as (

    select * from {{ source('lake', 'substitutions') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(target_code as varchar) as target_code,
        cast(item_description as varchar) as item_description,
        cast(multiplier as double) as multiplier,
        cast(item_code as varchar) as item_code,
        cast(substitution_date as date) as substitution_date,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
