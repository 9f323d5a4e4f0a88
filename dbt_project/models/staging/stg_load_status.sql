-- Each account's last load as the loader writes it (tributary.lake.LOAD_STATUS_SCHEMA); its
-- warnings are not staged.
with

source as (

    select * from {{ source('lake', 'load_status') }}

),

renamed as (

    select
        account as account_id,
        * exclude (account, warnings)

    from source
    where {{ registered_account('account') }}

)

select * from renamed
