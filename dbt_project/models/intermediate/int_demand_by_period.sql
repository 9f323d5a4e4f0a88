-- Demand per planning item and aggregation period (var period): kit-exploded lines up to as_of,
-- zero-filled from the item's first sale period to the period holding as_of. The master's
-- demand is computed on the combined lines of its children, in master item codes, units and
-- currency (revenue at the rate of the period's first day).
-- qty: net of returns. revenue: given, else qty_sold x sales_price (split over kit components).
-- stockout_days: days with end-of-day on hand <= 0 (null when the item has no on-hand history).
-- is_outlier: any line of the period flagged. promo_discount: day-weighted average over the
-- period of the largest discount active that day (promotion location '' = every location).
with

kits_exploded as (

    select * from {{ ref('int_kits_exploded') }}

),

daily_on_hand as (

    select * from {{ ref('int_daily_on_hand') }}

),

period_promotions as (

    select * from {{ ref('int_promotion_periods') }}

),

child_lines as (

    select
        account_id,
        item_code,
        location,
        date,
        qty_sold,
        coalesce(revenue, qty_sold * sales_price) as revenue,
        outlier

    from kits_exploded
    where date <= {{ as_of() }}

),

lines as (

    select * from child_lines

    union all

    -- revenue at the rate of the period's first day, so a period's master revenue is the sum of
    -- its children's revenue times one rate each
    {{ master_rows(
        'child_lines',
        quantities=['qty_sold'],
        money=['revenue'],
        money_date=period_start('child_rows.date'),
    ) }}

),

period_lines as (

    select
        account_id,
        item_code,
        location,
        {{ period_start('date') }} as period_start,
        sum(qty_sold) as qty,
        sum(revenue) as revenue,
        bool_or(coalesce(outlier, false)) as is_outlier,
        bool_or(qty_sold <> 0) as has_sales

    from lines
    group by all

),

first_sale as (

    select
        account_id,
        item_code,
        location,
        min(period_start) as first_period_start

    from period_lines
    where has_sales
    group by all

),

spine as (

    select
        account_id,
        item_code,
        location,
        cast(unnest(generate_series(
            first_period_start,
            {{ period_start(as_of()) }},
            {{ period_interval() }}
        )) as date) as period_start

    from first_sale

),

spine_with_length as (

    select
        *,
        cast(period_start + {{ period_interval() }} as date) - period_start as period_days

    from spine

),

on_hand_history as (

    select distinct
        account_id,
        item_code,
        location

    from daily_on_hand

),

period_stockouts as (

    select
        account_id,
        item_code,
        location,
        {{ period_start('date') }} as period_start,
        count(*) filter (where is_stockout) as stockout_days

    from daily_on_hand
    group by all

),

final as (

    select
        spine.account_id,
        spine.item_code,
        spine.location,
        spine.period_start,
        coalesce(period_lines.qty, 0) as qty,
        -- a period with lines but neither revenue nor sales price has unknown revenue
        case
            when period_lines.account_id is null then 0
            else period_lines.revenue
        end as revenue,
        case
            when on_hand_history.account_id is not null
                then coalesce(period_stockouts.stockout_days, 0)
        end as stockout_days,
        coalesce(period_lines.is_outlier, false) as is_outlier,
        coalesce(period_promotions.discount_days, 0) / spine.period_days as promo_discount,
        spine.period_days,
        period_lines.account_id is null as is_zero_filled

    from spine_with_length as spine
    left join period_lines
        on {{ same_planning_item('spine', 'period_lines') }}
        and spine.period_start = period_lines.period_start
    left join on_hand_history
        on {{ same_planning_item('spine', 'on_hand_history') }}
    left join period_stockouts
        on {{ same_planning_item('spine', 'period_stockouts') }}
        and spine.period_start = period_stockouts.period_start
    left join period_promotions
        on {{ same_planning_item('spine', 'period_promotions') }}
        and spine.period_start = period_promotions.period_start

)

select * from final
