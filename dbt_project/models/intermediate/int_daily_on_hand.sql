-- End-of-day on hand per day, for items with on-hand history (transactions carrying on_hand or
-- on_hand_change), from the first such transaction to as_of. Items with any on_hand value use it:
-- the last value of the day (file order), carried forward. Others rebuild it backwards from
-- on_hand_change: current on hand (items.on_hand, or 0) minus the changes after that day.
-- The master's series is the sum, per day, of its children's (in master item codes and units).
with

transactions as (

    select * from {{ ref('stg_transactions') }}

),

items as (

    select * from {{ ref('stg_items') }}

),

history_lines as (

    select
        account_id,
        item_code,
        location,
        date,
        source_file,
        source_row,
        on_hand,
        on_hand_change

    from transactions
    where (on_hand is not null or on_hand_change is not null)
        and date <= {{ as_of() }}

),

series as (

    select
        account_id,
        item_code,
        location,
        min(date) as first_date,
        case
            when bool_or(on_hand is not null) then 'on_hand'
            else 'on_hand_change'
        end as method

    from history_lines
    group by
        account_id,
        item_code,
        location

),

days as (

    select
        series.account_id,
        series.item_code,
        series.location,
        series.method,
        cast(unnest(generate_series(series.first_date, {{ as_of() }}, interval 1 day)) as date)
            as date

    from series

),

daily_lines as (

    select
        account_id,
        item_code,
        location,
        date,
        last(on_hand order by source_file, source_row) filter (where on_hand is not null)
            as last_on_hand,
        sum(on_hand_change) as on_hand_change

    from history_lines
    group by
        account_id,
        item_code,
        location,
        date

),

-- changes dated after as_of are already in the current on hand too
changes_after_as_of as (

    select
        account_id,
        item_code,
        location,
        sum(on_hand_change) as on_hand_change

    from transactions
    where date > {{ as_of() }}
    group by
        account_id,
        item_code,
        location

),

current_on_hand as (

    select
        account_id,
        item_code,
        location,
        on_hand

    from items

),

child_days as (

    select
        days.account_id,
        days.item_code,
        days.location,
        days.date,
        days.method,
        last_value(daily_lines.last_on_hand ignore nulls) over (
            partition by days.account_id, days.item_code, days.location
            order by days.date
            rows between unbounded preceding and current row
        ) as carried_on_hand,
        coalesce(current_on_hand.on_hand, 0)
        - coalesce(sum(daily_lines.on_hand_change) over (
            partition by days.account_id, days.item_code, days.location
            order by days.date
            rows between 1 following and unbounded following
        ), 0)
        - coalesce(changes_after_as_of.on_hand_change, 0) as rebuilt_on_hand

    from days
    left join daily_lines
        on {{ same_planning_item('days', 'daily_lines') }}
        and days.date = daily_lines.date
    left join current_on_hand
        on {{ same_planning_item('days', 'current_on_hand') }}
    left join changes_after_as_of
        on {{ same_planning_item('days', 'changes_after_as_of') }}

),

child_on_hand as (

    select
        account_id,
        item_code,
        location,
        date,
        method,
        case method
            when 'on_hand' then carried_on_hand
            else rebuilt_on_hand
        end as on_hand

    from child_days

),

master_on_hand as (

    select
        account_id,
        item_code,
        location,
        date,
        'sum_of_children' as method,
        sum(on_hand) as on_hand

    from ({{ master_rows('child_on_hand', quantities=['on_hand']) }})
    where on_hand is not null
    group by
        account_id,
        item_code,
        location,
        date

),

unioned as (

    select * from child_on_hand
    where on_hand is not null

    union all

    select * from master_on_hand

),

final as (

    select
        *,
        on_hand <= 0 as is_stockout

    from unioned

)

select * from final
