-- Rule 2 of the data contract: the expected delivery date of each open order to receive of a
-- child. Given delivery_date wins; otherwise by order_type (default purchase):
-- purchase = sendout + the item's lead time (default 30 days);
-- transfer to a location whose item row names a DC = sendout + that DC-to-location lead time;
-- transfer to a location with no DC = sendout + 1 day; manufacturing = sendout + 0 days.
-- Fractional lead times are rounded up to whole days.
with

orders_to_receive as (

    select * from {{ ref('stg_orders_to_receive') }}

),

planning_items as (

    select * from {{ ref('int_planning_items') }}

),

orders as (

    select * replace (coalesce(nullif(trim(order_type), ''), 'purchase') as order_type)

    from orders_to_receive

),

with_item as (

    select
        orders.*,
        planning_items.lead_time_days,
        nullif(trim(planning_items.dc_name), '') as dc_name

    from orders
    left join planning_items
        on {{ same_planning_item('orders', 'planning_items') }}

),

ruled as (

    select
        *,
        case
            when delivery_date is not null then 'given'
            when order_type = 'purchase' then 'purchase_lead_time'
            when order_type = 'transfer' and dc_name is not null then 'dc_lead_time'
            when order_type = 'transfer' then 'transfer_one_day'
            when order_type = 'manufacturing' then 'manufacturing'
        end as delivery_date_rule

    from with_item

),

final as (

    select
        account_id,
        item_code,
        location,
        order_type,
        order_number,
        qty,
        sendout_date,
        delivery_date as given_delivery_date,
        case delivery_date_rule
            when 'given' then delivery_date
            when 'purchase_lead_time'
                then sendout_date + cast(ceil(coalesce(lead_time_days, 30)) as integer)
            when 'dc_lead_time'
                then sendout_date + cast(ceil(coalesce(lead_time_days, 30)) as integer)
            when 'transfer_one_day' then sendout_date + 1
            when 'manufacturing' then sendout_date
        end as delivery_date,
        delivery_date_rule,
        lead_time_days,
        dc_name,
        lot_cost,
        source_from,
        source_file,
        source_row

    from ruled

)

select * from final
