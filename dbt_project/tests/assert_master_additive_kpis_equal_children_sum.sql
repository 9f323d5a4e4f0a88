{{ config(tags=['kpi']) }}

-- Additive KPIs of the master equal the sum of its children's: annual revenue (the master's
-- sales lines are exactly its children's). Inventory value is only additive where the children
-- agree on unit cost (the master values pooled stock at its own cost), so it is not held here.
-- A child in another currency counts at the average rate of its window's revenue (each line is
-- converted at its own date's rate in the master); a child in the master's currency at 1.
with

summary as (

    select * from {{ ref('kpi_summary') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

window_lines as (

    select * from {{ ref('sales_history') }}
    where account_id <> {{ master_id() }}
        and date between {{ as_of() }} - 364 and {{ as_of() }}

),

rates as (

    select * from {{ ref('int_account_exchange_rates') }}

),

window_rates as (

    select
        window_lines.account_id,
        sum(window_lines.revenue * rates.rate_to_base) / nullif(sum(window_lines.revenue), 0)
            as average_rate

    from window_lines
    inner join rates
        on window_lines.account_id = rates.account_id
        and window_lines.date >= rates.valid_from
        and window_lines.date < rates.valid_to
    group by window_lines.account_id

),

as_of_rates as (

    select
        account_id,
        rate_to_base
    from rates
    where {{ as_of() }} >= valid_from and {{ as_of() }} < valid_to

),

children as (

    select
        sum(
            summary.annual_revenue
            * coalesce(window_rates.average_rate, as_of_rates.rate_to_base, 1.0)
        ) as annual_revenue

    from summary
    inner join child_accounts
        on summary.account_id = child_accounts.account_id
    left join window_rates
        on summary.account_id = window_rates.account_id
    left join as_of_rates
        on summary.account_id = as_of_rates.account_id

)

select
    summary.annual_revenue,
    children.annual_revenue as children_annual_revenue

from summary
cross join children
where
    summary.account_id = {{ master_id() }}
    and abs(coalesce(summary.annual_revenue, 0) - coalesce(children.annual_revenue, 0))
    > 1e-9 * greatest(1, abs(coalesce(summary.annual_revenue, 0)))
