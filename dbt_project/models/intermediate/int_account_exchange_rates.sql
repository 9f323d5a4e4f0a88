-- The rate that turns each child's money into the master's currency, as date ranges
-- [valid_from, valid_to): a child in the master's currency has rate 1 always; another currency
-- takes its rows of the rates file, the first of them also covering every earlier date. A child
-- whose currency has no rate has no row here (its load fails first, and a test guards it).
with

accounts as (

    select * from {{ ref('stg_accounts') }}

),

rates as (

    select * from {{ ref('stg_exchange_rates') }}

),

master_currency as (

    select upper(currency) as currency
    from accounts
    where role = 'master'

),

children as (

    select
        accounts.account_id,
        upper(accounts.currency) as currency,
        upper(accounts.currency) = master_currency.currency as is_base

    from accounts
    cross join master_currency
    where accounts.role = 'child'

),

base_rates as (

    select
        account_id,
        currency,
        1.0 as rate_to_base,
        date '0001-01-01' as valid_from,
        date '9999-12-31' as valid_to

    from children
    where is_base

),

foreign_rates as (

    select
        children.account_id,
        children.currency,
        rates.rate_to_base,
        rates.valid_from,
        row_number() over (
            partition by children.account_id order by rates.valid_from nulls first
        ) as rate_number,
        lead(rates.valid_from) over (
            partition by children.account_id order by rates.valid_from nulls first
        ) as next_valid_from

    from children
    inner join rates
        on children.currency = rates.currency
    where not children.is_base

),

final as (

    select * from base_rates

    union all

    select
        account_id,
        currency,
        rate_to_base,
        case when rate_number = 1 then date '0001-01-01' else valid_from end as valid_from,
        coalesce(next_valid_from, date '9999-12-31') as valid_to

    from foreign_rates

)

select * from final
