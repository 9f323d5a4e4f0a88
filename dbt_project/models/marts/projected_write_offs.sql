{{ config(tags=['plan']) }}

-- The projected write offs of every scope (each child and the master), from the planning asset.
with

plans as (

    select * from {{ ref('stg_projected_write_offs') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        batch_code,
        expiration_date,
        qty_expiring,
        value

    from plans

)

select * from final
