-- The loader writes every account's files with exactly the piece's Parquet schema
-- (tributary.contract.arrow_schema: the one statement of each column's type) and the hive key
-- `account` is read as varchar (_sources.yml): the columns only need renaming, and a multiplier
-- not given is 1.
with

source as (

    select * from {{ source('lake', 'item_map') }}

),

renamed as (

    select
        account as account_id,
        -- data contract: one child unit is one master unit unless the map says otherwise
        * exclude (account) replace (
            coalesce(multiplier, 1.0) as multiplier
        )

    from source
    where {{ registered_account('account') }}

)

select * from renamed
