-- Rule 3 of the data contract: an order to ship with no shipment_date has already left (its qty
-- comes off on hand now); a dated one is a back-order still to ship.
with

orders_to_ship as (

    select * from {{ ref('stg_orders_to_ship') }}

),

final as (

    select
        account_id,
        item_code,
        location,
        qty,
        shipment_date,
        shipment_date is null as is_undated,
        case when shipment_date is null then qty else 0 end as undated_qty,
        case when shipment_date is null then 0 else qty end as backorder_qty,
        source_file,
        source_row

    from orders_to_ship

)

select * from final
