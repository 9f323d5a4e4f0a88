-- Every transaction line as imported, per child, and the master's copy of each child's line
-- with its source_account_id, in master item codes and units (item_map; source_item_code keeps
-- the child's code) and in the master's currency at the rate of the line's date. revenue: given,
-- else qty_sold x sales_price.
with

transactions as (

    select * from {{ ref('stg_transactions') }}

),

child_lines as (

    select
        account_id,
        account_id as source_account_id,
        date,
        item_code,
        location,
        channel,
        channel_categories,
        qty_sold,
        coalesce(revenue, qty_sold * sales_price) as revenue,
        coalesce(outlier, false) as outlier,
        sales_price,
        profit,
        on_hand,
        on_hand_change,
        source_file,
        source_row,
        item_code as source_item_code

    from transactions

),

master_lines as (

    {{ master_rows(
        'child_lines',
        quantities=['qty_sold', 'on_hand', 'on_hand_change'],
        per_unit=['sales_price'],
        money=['revenue', 'sales_price', 'profit'],
        money_date='child_rows.date',
    ) }}

),

final as (

    select * from child_lines
    union all
    select * from master_lines

)

select * from final
