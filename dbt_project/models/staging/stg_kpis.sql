{{ config(tags=['kpi']) }}

with

source as (

    select * from {{ source('derived', 'kpis') }}

),

renamed as (

    select
        cast(account as varchar) as account_id,
        cast(item_code as varchar) as item_code,
        cast(location as varchar) as location,
        cast(abc_class as varchar) as abc_class,
        cast(xyz_class as varchar) as xyz_class,
        cast(annual_revenue as double) as annual_revenue,
        cast(revenue_next_year as double) as revenue_next_year,
        cast(gross_margin as double) as gross_margin,
        cast(inventory_value as double) as inventory_value,
        cast(turnover as double) as turnover,
        cast(turn_earn_index as double) as turn_earn_index,
        cast(stockout_days_12m as double) as stockout_days_12m,
        cast(lost_sales_qty_12m as double) as lost_sales_qty_12m,
        cast(overstock_qty as double) as overstock_qty,
        cast(overstock_value as double) as overstock_value,
        cast(expected_stockout_value as double) as expected_stockout_value,
        cast(days_of_supply as double) as days_of_supply,
        cast(fill_rate_12m as double) as fill_rate_12m

    from source
    where {{ registered_account('account') }}

)

select * from renamed
