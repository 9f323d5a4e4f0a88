{{ config(tags=['plan']) }}

-- The material plan of every scope (each child and the master), from the planning asset.
with

plans as (

    select * from {{ ref('stg_material_plan') }}

),

final as (

    select
        account_id,
        material_code,
        finished_code,
        location,
        required_qty,
        required_date

    from plans

)

select * from final
