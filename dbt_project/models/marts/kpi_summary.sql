{{ config(tags=['kpi']) }}

-- One row per account (each child and the master): totals of the additive KPIs and weighted
-- averages of the ratios, so a dashboard shows the master against each child at a glance.
with

kpis as (

    select * from {{ ref('kpis') }}

),

final as (

    select
        account_id,
        count(*) as items,
        count(*) filter (where abc_class = 'A') as items_a,
        count(*) filter (where abc_class = 'B') as items_b,
        count(*) filter (where abc_class = 'C') as items_c,
        sum(annual_revenue) as annual_revenue,
        sum(revenue_next_year) as revenue_next_year,
        sum(gross_margin) as gross_margin,
        sum(inventory_value) as inventory_value,
        sum(overstock_qty) as overstock_qty,
        sum(overstock_value) as overstock_value,
        sum(expected_stockout_value) as expected_stockout_value,
        sum(stockout_days_12m) as stockout_days_12m,
        sum(lost_sales_qty_12m) as lost_sales_qty_12m,
        -- ratios weighted by what they are ratios of
        sum(turnover * inventory_value) / nullif(sum(inventory_value) filter (
            where turnover is not null
        ), 0) as turnover,
        sum(gross_margin) / nullif(sum(annual_revenue) filter (
            where gross_margin is not null
        ), 0) as gross_margin_pct,
        sum(days_of_supply * inventory_value) / nullif(sum(inventory_value) filter (
            where days_of_supply is not null
        ), 0) as days_of_supply,
        sum(fill_rate_12m * annual_revenue) / nullif(sum(annual_revenue) filter (
            where fill_rate_12m is not null
        ), 0) as fill_rate_12m

    from kpis
    group by account_id

)

select * from final
