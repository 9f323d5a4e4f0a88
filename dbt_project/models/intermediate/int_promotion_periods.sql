-- Promotion discount-days per planning item and aggregation period (var period), past and
-- future: the sum over the period's days of the largest discount active that day. Read by
-- int_demand_by_period (history) and the promotion_calendar mart (history and future).
with

promotion_days as (

    select * from {{ ref('int_promotion_days') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        {{ period_start('date') }} as period_start,
        sum(discount) as discount_days

    from promotion_days
    group by all

)

select * from final
