{{ config(tags=['plan']) }}

-- The order plan of every scope (each child and the master), from the planning asset.
with

plans as (

    select * from {{ ref('stg_order_plan') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        on_hand,
        on_order,
        backorders,
        available,
        position,
        lead_time_days,
        order_cycle_days,
        demand_over_lead_time,
        demand_over_cycle,
        mean_period_demand,
        sigma,
        service_level,
        safety_stock,
        reorder_point,
        order_up_to,
        net_need,
        order_qty,
        order_value,
        next_order_date,
        expected_delivery_date,
        projected_stockout_date,
        supplier_code,
        supplier_item_code,
        supplier_currency,
        unit_cost,
        source,
        dc_name,
        transfer_region,
        container_id,
        transfer_in_qty

    from plans

)

select * from final
