-- Promotion discount per planning item and period, past and future: the day-weighted average
-- over the period of the largest discount active each day (same rule as demand_history). The
-- forecasts read the future periods from here.
with

by_period as (

    select * from {{ ref('int_promotion_periods') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        period_start,
        discount_days / (
            cast(period_start + {{ period_interval() }} as date) - period_start
        ) as promo_discount,
        -- the forecast starts with the period holding the day after as_of (the last complete
        -- period ends on as_of at the latest), as tributary.forecasting does
        period_start >= {{ period_start(as_of() ~ " + 1") }} as is_future

    from by_period

)

select * from final
