-- Never a silent 1.0: a child whose money reaches the master (it has loaded lines) must have a
-- rate to the master's currency. Its load fails first when the rate is missing; this catches a
-- rates file edited after a good load.
with

children_with_data as (

    select distinct account_id
    from {{ ref('stg_transactions') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

rates as (

    select distinct account_id
    from {{ ref('int_account_exchange_rates') }}

)

select child_accounts.account_id
from child_accounts
inner join children_with_data
    on child_accounts.account_id = children_with_data.account_id
left join rates
    on child_accounts.account_id = rates.account_id
where rates.account_id is null
