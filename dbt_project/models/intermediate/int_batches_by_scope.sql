-- Batches with expiry per scope: each child's own, and the master holding all of them (the
-- same batch code in two children stays two rows, each with its own stock), in master item
-- codes and units.
with

batches as (

    select * from {{ ref('stg_batches') }}

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
        account_id,
        item_code,
        location,
        source_account_id || ':' || batch_code as batch_code,
        expiration_date,
        on_hand

    from (
        {{ master_rows(
            'batches',
            quantities=['on_hand'],
            extra_columns=['child_rows.account_id as source_account_id'],
        ) }}
    )

)

select * from final
