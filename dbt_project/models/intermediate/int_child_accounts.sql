-- The child accounts the master is built from, in accounts.yaml order.
with

accounts as (

    select * from {{ ref('stg_accounts') }}

),

final as (

    select
        account_id,
        name,
        position

    from accounts
    where role = 'child'

)

select * from final
