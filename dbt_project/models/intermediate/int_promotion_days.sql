-- Every day a planning item is on promotion, with the largest discount active that day, past and
-- future. A promotion with location '' covers every location of that child's items; the master
-- takes the largest discount of its children on each day.
with

promotions as (

    select * from {{ ref('stg_promotions') }}

),

planning_items as (

    select * from {{ ref('int_planning_items') }}

),

promotion_days as (

    select
        account_id,
        item_code,
        location as promotion_location,
        discount,
        cast(unnest(generate_series(start_date, end_date, interval 1 day)) as date) as date

    from promotions
    where end_date >= start_date

),

child_promotion_days as (

    select
        keys.account_id,
        keys.item_code,
        keys.location,
        promotion_days.date,
        max(promotion_days.discount) as discount

    from planning_items as keys
    inner join promotion_days
        on keys.account_id = promotion_days.account_id
        and keys.item_code = promotion_days.item_code
        and (
            promotion_days.promotion_location = ''
            or keys.location = promotion_days.promotion_location
        )
    where keys.account_id <> {{ master_id() }}
    group by all

),

master_promotion_days as (

    select
        account_id,
        item_code,
        location,
        date,
        max(discount) as discount

    from ({{ master_rows('child_promotion_days') }})
    group by all

),

final as (

    select * from child_promotion_days

    union all

    select * from master_promotion_days

)

select * from final
