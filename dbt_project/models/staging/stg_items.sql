-- The loader writes every account's files with exactly the piece's Parquet schema
-- (tributary.contract.arrow_schema: the one statement of each column's type) and the hive key
-- `account` is read as varchar (_sources.yml): the columns only need renaming, and location takes
-- '' when not given.
with

source as (

    select * from {{ source('lake', 'items') }}

),

renamed as (

    select
        account as account_id,
        * exclude (account) replace (
            coalesce(location, '') as location
        )

    from source
    where {{ registered_account('account') }}

)

select * from renamed
