-- Every mart has rows for the master as soon as a registered child has rows in it, and the
-- accounts mart lists the master and every child of the registry.
with

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

{% set marts = [
    'rejected_rows', 'items', 'sales_history', 'demand_history', 'inventory_position', 'open_orders',
] %}
counts as (

    {% for mart in marts %}
    select
        '{{ mart }}' as mart,
        count(*) filter (where account_id = {{ master_id() }}) as master_rows,
        count(*) filter (
            where account_id in (select child_accounts.account_id from child_accounts)
        ) as child_rows

    from {{ ref(mart) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

accounts_check as (

    select
        'accounts' as mart,
        count(*) filter (where account_id = {{ master_id() }}) as master_rows,
        count(*) filter (where role = 'child') as child_rows

    from {{ ref('accounts') }}

),

final as (

    select * from counts
    where child_rows > 0 and master_rows = 0

    union all

    select * from accounts_check
    where master_rows <> 1
        or child_rows <> (select count(*) from child_accounts)

)

select * from final
