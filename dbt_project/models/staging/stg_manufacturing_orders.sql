{{ config(tags=['plan']) }}

with

source as (

    select * from {{ source('derived', 'manufacturing_orders') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(finished_code as varchar) as finished_code,
        cast(location as varchar) as location,
        cast(qty as double) as qty,
        cast(start_date as date) as start_date,
        cast(due_date as date) as due_date

    from source
    where {{ registered_account('account') }}

)

select * from renamed
