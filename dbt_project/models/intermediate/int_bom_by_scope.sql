-- Bills of materials per scope with rule 1 defaults (qty_per_batch 1, batch_rounding 1,
-- manufacturing lead time 0, min batch 0). The master's BOM is its children's: for each
-- (finished_code, material_code) the first child in accounts.yaml order that gives it.
with

bom as (

    select * from {{ ref('stg_bom') }}

),

child_accounts as (

    select * from {{ ref('int_child_accounts') }}

),

defaulted as (

    select
        account_id,
        finished_code,
        material_code,
        coalesce(qty_per_batch, 1) as qty_per_batch,
        coalesce(batch_rounding, 1) as batch_rounding,
        coalesce(manufacturing_lead_time_days, 0) as manufacturing_lead_time_days,
        coalesce(min_batch, 0) as min_batch

    from bom

),

master_bom as (

    select
        {{ master_id() }} as account_id,
        defaulted.finished_code,
        defaulted.material_code,
        first(defaulted.qty_per_batch order by child_accounts.position) as qty_per_batch,
        first(defaulted.batch_rounding order by child_accounts.position) as batch_rounding,
        first(defaulted.manufacturing_lead_time_days order by child_accounts.position)
            as manufacturing_lead_time_days,
        first(defaulted.min_batch order by child_accounts.position) as min_batch

    from defaulted
    inner join child_accounts
        on defaulted.account_id = child_accounts.account_id
    group by
        defaulted.finished_code,
        defaulted.material_code

),

final as (

    select * from defaulted

    union all

    select * from master_bom

)

select * from final
