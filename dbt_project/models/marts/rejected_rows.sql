-- Every row the loader rejected, per child, and the same rows in the master's view.
with

rejected_rows as (

    select * from {{ ref('stg_rejected_rows') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

child_rows as (

    select
        account_id,
        account_id as source_account_id,
        piece,
        source_file,
        row_number,
        column_name,
        value,
        reason,
        load_id

    from rejected_rows

),

master_rows as (

    select
        {{ master_id() }} as account_id,
        child_rows.* exclude (account_id)

    from child_rows
    inner join child_accounts
        on child_rows.account_id = child_accounts.account_id

),

final as (

    select * from child_rows
    union all
    select * from master_rows

)

select * from final
