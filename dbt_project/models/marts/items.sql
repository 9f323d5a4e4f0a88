-- One row per planning item (account_id, item_code, location) with every parameter in effect
-- (rule 1 defaults applied). Master: on_hand summed over the children, every other field from
-- the first child in accounts.yaml order that gives it.
with

planning_items as (

    select * from {{ ref('int_planning_items') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        description,
        location_description,
        item_categories,
        location_categories,
        attributes,
        on_hand,
        on_hand_negative,
        lead_time_days,
        lead_time_variance,
        order_cycle,
        order_cycle_unit,
        order_cycle_days,
        service_level,
        safety_stock_periods,
        inactive,
        termination,
        purchase_for_bom,
        inventory_value_per_unit,
        purchase_price,
        sales_price,
        supplier_code,
        supplier_currency,
        supplier_item_code,
        display_qty,
        min_lot,
        max_lot,
        rounding,
        group_id,
        group_min_qty,
        group_min_weight,
        group_min_volume,
        group_min_cost,
        weight_per_unit,
        volume_per_unit,
        container_id,
        container_load_weight,
        container_load_volume,
        container_load_qty,
        max_containers,
        dc_name,
        transfer_region,
        shelf_life_days,
        shelf_life_periods,
        has_item_row,
        source_account_ids

    from planning_items

)

select * from final
