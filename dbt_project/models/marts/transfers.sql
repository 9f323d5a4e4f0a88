{{ config(tags=['plan']) }}

-- The transfers of every scope (each child and the master), from the planning asset.
with

plans as (

    select * from {{ ref('stg_transfers') }}

),

final as (

    select
        account_id,
        item_code,
        from_location,
        to_location,
        transfer_region,
        qty,
        kind,
        ship_date,
        delivery_date

    from plans

)

select * from final
