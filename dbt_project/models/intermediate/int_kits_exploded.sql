-- Substitutions: transaction lines of kit items replaced by their components, recursively
-- (a kit may contain a kit). A component's qty is the kit qty x multiplier (default 1, rule 1);
-- the kit line's revenue and profit are split over its components in proportion to multiplier.
-- A substitution is active when substitution_date is empty or not after as_of.
-- Non-kit lines pass through unchanged; exploded lines carry no on-hand information.
with recursive

transactions as (

    select * from {{ ref('stg_transactions') }}

),

substitutions as (

    select * from {{ ref('stg_substitutions') }}

),

active_substitutions as (

    select
        account_id,
        item_code as kit_code,
        target_code as component_code,
        coalesce(multiplier, 1.0) as multiplier

    from substitutions
    where substitution_date is null
        or substitution_date <= {{ as_of() }}

),

kit_components as (

    select
        *,
        multiplier / sum(multiplier) over (partition by account_id, kit_code) as value_share

    from active_substitutions

),

-- the items that are kits: their lines are exploded, not kept
kits as (

    select distinct
        account_id,
        kit_code

    from kit_components

),

lines as (

    select
        account_id,
        source_file,
        source_row,
        date,
        item_code,
        location,
        channel,
        coalesce(outlier, false) as outlier,
        qty_sold,
        coalesce(revenue, qty_sold * sales_price) as revenue,
        sales_price,
        profit,
        on_hand,
        on_hand_change

    from transactions

),

-- only kit lines go into the recursion: other items' lines never take part in it
kit_lines as (

    select lines.*
    from lines
    semi join kits
        on lines.account_id = kits.account_id
        and lines.item_code = kits.kit_code

),

exploded as (

    -- the recursion's rows carry no price or on-hand information
    select
        * exclude (sales_price, on_hand, on_hand_change),
        cast(null as varchar) as kit_code,
        0 as depth

    from kit_lines

    union all

    select
        exploded.account_id,
        exploded.source_file,
        exploded.source_row,
        exploded.date,
        kit_components.component_code as item_code,
        exploded.location,
        exploded.channel,
        exploded.outlier,
        exploded.qty_sold * kit_components.multiplier as qty_sold,
        exploded.revenue * kit_components.value_share as revenue,
        exploded.profit * kit_components.value_share as profit,
        coalesce(exploded.kit_code, exploded.item_code) as kit_code,
        exploded.depth + 1 as depth

    from exploded
    inner join kit_components
        on exploded.account_id = kit_components.account_id
        and exploded.item_code = kit_components.kit_code
    -- loops are rejected at load; the bound only guards against a bad lake
    where exploded.depth < 32

),

leaves as (

    select exploded.*
    from exploded
    anti join kits
        on exploded.account_id = kits.account_id
        and exploded.item_code = kits.kit_code

),

-- a component reached by two paths of one kit line becomes one line
component_lines as (

    select
        account_id,
        source_file,
        source_row,
        item_code,
        any_value(date) as date,
        any_value(location) as location,
        any_value(channel) as channel,
        any_value(outlier) as outlier,
        any_value(kit_code) as kit_code,
        max(depth) as depth,
        sum(qty_sold) as qty_sold,
        sum(revenue) as revenue,
        sum(profit) as profit

    from leaves
    where kit_code is not null
    group by
        account_id,
        source_file,
        source_row,
        item_code

),

final as (

    select
        lines.*,
        false as is_exploded,
        cast(null as varchar) as kit_code,
        0 as kit_depth

    from lines
    anti join kits
        on lines.account_id = kits.account_id
        and lines.item_code = kits.kit_code

    union all

    select
        account_id,
        source_file,
        source_row,
        date,
        item_code,
        location,
        channel,
        outlier,
        qty_sold,
        revenue,
        cast(null as double) as sales_price,
        profit,
        cast(null as double) as on_hand,
        cast(null as double) as on_hand_change,
        true as is_exploded,
        kit_code,
        depth as kit_depth

    from component_lines

)

select * from final
