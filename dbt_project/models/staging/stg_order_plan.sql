{{ config(tags=['plan']) }}

with

source as (

    select * from {{ source('derived', 'order_plan') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(location as varchar) as location,
        cast(on_hand as double) as on_hand,
        cast(on_order as double) as on_order,
        cast(backorders as double) as backorders,
        cast(available as double) as available,
        cast(position as double) as position,
        cast(lead_time_days as double) as lead_time_days,
        cast(order_cycle_days as double) as order_cycle_days,
        cast(demand_over_lead_time as double) as demand_over_lead_time,
        cast(demand_over_cycle as double) as demand_over_cycle,
        cast(mean_period_demand as double) as mean_period_demand,
        cast(sigma as double) as sigma,
        cast(service_level as double) as service_level,
        cast(safety_stock as double) as safety_stock,
        cast(reorder_point as double) as reorder_point,
        cast(order_up_to as double) as order_up_to,
        cast(net_need as double) as net_need,
        cast(order_qty as double) as order_qty,
        cast(order_value as double) as order_value,
        cast(next_order_date as date) as next_order_date,
        cast(expected_delivery_date as date) as expected_delivery_date,
        cast(projected_stockout_date as date) as projected_stockout_date,
        cast(supplier_code as varchar) as supplier_code,
        cast(supplier_item_code as varchar) as supplier_item_code,
        cast(supplier_currency as varchar) as supplier_currency,
        cast(unit_cost as double) as unit_cost,
        cast(source as varchar) as source,
        cast(dc_name as varchar) as dc_name,
        cast(transfer_region as varchar) as transfer_region,
        cast(container_id as varchar) as container_id,
        cast(transfer_in_qty as double) as transfer_in_qty

    from source
    where {{ registered_account('account') }}

)

select * from renamed
