{{ config(tags=['plan']) }}

with

source as (

    select * from {{ source('derived', 'material_plan') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(material_code as varchar) as material_code,
        cast(finished_code as varchar) as finished_code,
        cast(location as varchar) as location,
        cast(required_qty as double) as required_qty,
        cast(required_date as date) as required_date

    from source
    where {{ registered_account('account') }}

)

select * from renamed
