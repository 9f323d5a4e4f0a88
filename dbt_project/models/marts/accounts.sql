-- One row per account of the registry: each child with the outcome of its last load, and the
-- master, which is 'partial' while a child is stale or failed.
with

registry as (

    select * from {{ ref('stg_accounts') }}

),

load_status as (

    select * from {{ ref('stg_load_status') }}

),

children as (

    select
        registry.account_id,
        registry.name,
        registry.role,
        registry.position,
        registry.connection_type,
        registry.currency,
        registry.as_of,
        load_status.last_loaded_at,
        case
            when load_status.account_id is null then 'never_loaded'
            when load_status.status = 'ok' then 'ok'
            when load_status.last_loaded_at is not null then 'stale'
            else 'failed'
        end as load_status,
        load_status.rows_loaded,
        load_status.rows_rejected,
        load_status.last_error,
        load_status.failed_at,
        load_status.load_id,
        cast(null as varchar) as stale_children

    from registry
    left join load_status
        on registry.account_id = load_status.account_id
    where registry.role = 'child'

),

children_summary as (

    select
        max(last_loaded_at) as last_loaded_at,
        cast(sum(rows_loaded) as bigint) as rows_loaded,
        cast(sum(rows_rejected) as bigint) as rows_rejected,
        string_agg(account_id || ': ' || last_error, '; ' order by position) filter (
            where load_status in ('stale', 'failed')
        ) as last_error,
        max(failed_at) as failed_at,
        string_agg(account_id, ',' order by position) filter (
            where load_status in ('stale', 'failed')
        ) as stale_children

    from children

),

master as (

    select
        {{ master_id() }} as account_id,
        registry.name,
        'master' as role,
        registry.position,
        registry.connection_type,
        registry.currency,
        registry.as_of,
        children_summary.last_loaded_at,
        case
            when children_summary.stale_children is null then 'ok'
            else 'partial'
        end as load_status,
        children_summary.rows_loaded,
        children_summary.rows_rejected,
        children_summary.last_error,
        children_summary.failed_at,
        cast(null as varchar) as load_id,
        children_summary.stale_children

    from registry
    cross join children_summary
    where registry.role = 'master'

),

final as (

    select * from master
    union all
    select * from children

)

select * from final
