with

source as (

    select * from {{ source('lake', 'bom') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(finished_code as varchar) as finished_code,
        cast(material_code as varchar) as material_code,
        cast(qty_per_batch as double) as qty_per_batch,
        cast(batch_rounding as bigint) as batch_rounding,
        cast(manufacturing_lead_time_days as double) as manufacturing_lead_time_days,
        cast(min_batch as double) as min_batch,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
