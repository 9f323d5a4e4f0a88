-- Output contract: the master's open_orders holds exactly its children's open order lines, each unchanged
-- and tagged with its source_account_id (compared as multisets, every column).
with

open_orders as (

    select * from {{ ref('open_orders') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

children as (

    select open_orders.* exclude (account_id)
    from open_orders
    inner join child_accounts
        on open_orders.account_id = child_accounts.account_id

),

master as (

    select * exclude (account_id)
    from open_orders
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

    select 'child line with another source_account_id' as problem, open_orders.* exclude (account_id)
    from open_orders
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
