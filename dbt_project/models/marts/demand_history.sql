-- Demand per account, planning item and period (kit components exploded, zero-filled).
-- The master's is computed on the combined history of its children.
with

demand as (

    select * from {{ ref('int_demand_by_period') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        period_start,
        qty,
        revenue,
        stockout_days,
        is_outlier,
        promo_discount,
        period_days,
        is_zero_filled

    from demand

)

select * from final
