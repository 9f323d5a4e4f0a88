with

source as (

    select * from {{ source('lake', 'items') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        coalesce(cast(location as varchar), '') as location,
        cast(description as varchar) as description,
        cast(location_description as varchar) as location_description,
        cast(on_hand as double) as on_hand,
        cast(lead_time_days as double) as lead_time_days,
        cast(lead_time_variance as double) as lead_time_variance,
        cast(order_cycle as double) as order_cycle,
        cast(order_cycle_unit as varchar) as order_cycle_unit,
        cast(service_level as double) as service_level,
        cast(safety_stock_periods as double) as safety_stock_periods,
        cast(inactive as boolean) as inactive,
        cast(termination as boolean) as termination,
        cast(purchase_for_bom as boolean) as purchase_for_bom,
        cast(inventory_value_per_unit as double) as inventory_value_per_unit,
        cast(purchase_price as double) as purchase_price,
        cast(sales_price as double) as sales_price,
        cast(supplier_code as varchar) as supplier_code,
        cast(supplier_currency as varchar) as supplier_currency,
        cast(supplier_item_code as varchar) as supplier_item_code,
        cast(display_qty as double) as display_qty,
        cast(min_lot as double) as min_lot,
        cast(max_lot as double) as max_lot,
        cast(rounding as double) as rounding,
        cast(group_id as varchar) as group_id,
        cast(group_min_qty as double) as group_min_qty,
        cast(group_min_weight as double) as group_min_weight,
        cast(group_min_volume as double) as group_min_volume,
        cast(group_min_cost as double) as group_min_cost,
        cast(weight_per_unit as double) as weight_per_unit,
        cast(volume_per_unit as double) as volume_per_unit,
        cast(container_id as varchar) as container_id,
        cast(container_load_weight as double) as container_load_weight,
        cast(container_load_volume as double) as container_load_volume,
        cast(container_load_qty as double) as container_load_qty,
        cast(max_containers as bigint) as max_containers,
        cast(dc_name as varchar) as dc_name,
        cast(transfer_region as varchar) as transfer_region,
        cast(shelf_life_days as double) as shelf_life_days,
        cast(shelf_life_periods as double) as shelf_life_periods,
        cast(item_categories as varchar[]) as item_categories,
        cast(location_categories as varchar[]) as location_categories,
        cast(attributes as varchar) as attributes,
        cast(source_file as varchar) as source_file,
        cast(source_row as bigint) as source_row

    from source
    where {{ registered_account('account') }}

)

select * from renamed
