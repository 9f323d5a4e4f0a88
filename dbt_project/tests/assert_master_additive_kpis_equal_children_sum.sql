{{ config(tags=['kpi']) }}

-- Additive KPIs of the master equal the sum of its children's: annual revenue (the master's
-- sales lines are exactly its children's). Inventory value is only additive where the children
-- agree on unit cost (the master values pooled stock at its own cost), so it is not held here.
with

summary as (

    select * from {{ ref('kpi_summary') }}

),

children as (

    select sum(annual_revenue) as annual_revenue
    from summary
    where account_id <> {{ master_id() }}

)

select
    summary.annual_revenue,
    children.annual_revenue as children_annual_revenue

from summary
cross join children
where summary.account_id = {{ master_id() }}
    and abs(coalesce(summary.annual_revenue, 0) - coalesce(children.annual_revenue, 0)) > 1e-6
