-- Every transaction line as imported, per child, and the master's copy of each child's line
-- with its source_account_id. revenue: given, else qty_sold x sales_price.
with

transactions as (

    select * from {{ ref('stg_transactions') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

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
        source_row

    from transactions

),

master_lines as (

    select
        'master' as account_id,
        child_lines.* exclude (account_id)

    from child_lines
    inner join child_accounts
        on child_lines.account_id = child_accounts.account_id

),

final as (

    select * from child_lines
    union all
    select * from master_lines

)

select * from final
