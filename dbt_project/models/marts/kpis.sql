{{ config(tags=['kpi']) }}

-- Inventory KPIs per planning item of every scope (each child and the master); definitions in
-- docs/kpis.md.
with

kpis as (

    select * from {{ ref('stg_kpis') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        abc_class,
        xyz_class,
        annual_revenue,
        revenue_next_year,
        gross_margin,
        inventory_value,
        turnover,
        turn_earn_index,
        stockout_days_12m,
        lost_sales_qty_12m,
        overstock_qty,
        overstock_value,
        expected_stockout_value,
        days_of_supply,
        fill_rate_12m

    from kpis

)

select * from final
