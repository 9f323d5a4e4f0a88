-- Output contract: the master's sales_history holds exactly its children's transaction lines, each unchanged
-- and tagged with its source_account_id (compared as multisets, every column).
with

sales_history as (

    select * from {{ ref('sales_history') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

children as (

    select sales_history.* exclude (account_id)
    from sales_history
    inner join child_accounts
        on sales_history.account_id = child_accounts.account_id

),

master as (

    select * exclude (account_id)
    from sales_history
    where account_id = 'master'

),

missing_in_master as (

    select 'missing in master' as problem, * from (
        select * from children
        except all
        select * from master
    )

),

extra_in_master as (

    select 'extra in master' as problem, * from (
        select * from master
        except all
        select * from children
    )

),

wrong_source as (

    select 'child line with another source_account_id' as problem, sales_history.* exclude (account_id)
    from sales_history
    where account_id <> 'master'
        and source_account_id is distinct from account_id

),

final as (

    select * from missing_in_master
    union all
    select * from extra_in_master
    union all
    select * from wrong_source

)

select * from final
