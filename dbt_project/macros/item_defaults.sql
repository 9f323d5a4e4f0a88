{#- Rule 1 of the data contract: the value a planning parameter takes when it is not given. -#}
{% macro item_defaults() -%}
    {{ return({
        'lead_time_days': '30.0',
        'order_cycle': '1.0',
        'order_cycle_unit': "'periods'",
        'inactive': 'false',
        'termination': 'false',
        'purchase_for_bom': 'false',
    }) }}
{%- endmacro %}

{#- Item columns the master takes field by field from the first child that gives them. -#}
{% macro item_first_wins_columns() -%}
    {{ return([
        'description', 'location_description', 'lead_time_days', 'lead_time_variance',
        'order_cycle', 'order_cycle_unit', 'service_level', 'safety_stock_periods', 'inactive',
        'termination', 'purchase_for_bom', 'inventory_value_per_unit', 'purchase_price',
        'sales_price', 'supplier_code', 'supplier_currency', 'supplier_item_code', 'display_qty',
        'min_lot', 'max_lot', 'rounding', 'group_id', 'group_min_qty', 'group_min_weight',
        'group_min_volume', 'group_min_cost', 'weight_per_unit', 'volume_per_unit', 'container_id',
        'container_load_weight', 'container_load_volume', 'container_load_qty', 'max_containers',
        'dc_name', 'transfer_region', 'shelf_life_days', 'shelf_life_periods', 'item_categories',
        'location_categories', 'attributes',
    ]) }}
{%- endmacro %}

{#- Order cycle in days: periods x period length, days as-is, lead_times x lead time. -#}
{% macro order_cycle_days(order_cycle, order_cycle_unit, lead_time_days) -%}
    case {{ order_cycle_unit }}
        when 'periods' then {{ order_cycle }} * {{ period_days() }}
        when 'days' then {{ order_cycle }}
        when 'lead_times' then {{ order_cycle }} * {{ lead_time_days }}
    end
{%- endmacro %}
