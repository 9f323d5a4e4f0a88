{{ config(tags=['plan']) }}

-- The files are written with exactly the Parquet schema of tributary.outputs
-- (ORDER_PLAN_SCHEMA) and the hive key `account` is read as varchar (_sources.yml):
-- the columns only need renaming, no cast.
with

source as (

    select * from {{ source('derived', 'order_plan') }}

),

renamed as (

    select
        account as account_id,
        * exclude (account)

    from source
    where {{ registered_account('account') }}

)

select * from renamed
