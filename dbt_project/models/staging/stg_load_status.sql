with

source as (

    select * from {{ source('lake', 'load_status') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(load_id as varchar) as load_id,
        cast(status as varchar) as status,
        cast(last_loaded_at as timestamp) as last_loaded_at,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_rejected as bigint) as rows_rejected,
        cast(last_error as varchar) as last_error,
        cast(failed_at as timestamp) as failed_at

    from source
    where {{ registered_account('account') }}

)

select * from renamed
