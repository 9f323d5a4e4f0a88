{{ config(tags=['plan']) }}

-- The manufacturing orders of every scope (each child and the master), from the planning asset.
with

plans as (

    select * from {{ ref('stg_manufacturing_orders') }}

),

final as (

    select
        account_id,
        finished_code,
        location,
        qty,
        start_date,
        due_date

    from plans

)

select * from final
