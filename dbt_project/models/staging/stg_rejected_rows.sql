with

source as (

    select * from {{ source('lake', 'rejected_rows') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(piece as varchar) as piece,
        cast(source_file as varchar) as source_file,
        cast(row_number as bigint) as row_number,
        cast(column_name as varchar) as column_name,
        cast(value as varchar) as value,
        cast(reason as varchar) as reason,
        cast(load_id as varchar) as load_id

    from source
    where {{ registered_account('account') }}

)

select * from renamed
