-- Batches with expiry per scope: each child's own, and the master holding all of them (the
-- same batch code in two children stays two rows, each with its own stock).
with

batches as (

    select * from {{ ref('stg_batches') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        batch_code,
        expiration_date,
        on_hand

    from batches

    union all

    select
        'master' as account_id,
        batches.item_code,
        batches.location,
        batches.account_id || ':' || batches.batch_code as batch_code,
        batches.expiration_date,
        batches.on_hand

    from batches
    inner join child_accounts
        on batches.account_id = child_accounts.account_id

)

select * from final
