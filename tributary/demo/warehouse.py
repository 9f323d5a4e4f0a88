"""The ``warehouse`` account: the central warehouse IMS (CSV, snake_case headers, ISO dates)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np

from tributary.demo.bad_rows import _insert
from tributary.demo.catalogue import (
    AS_OF,
    BOM_MEMBERS,
    CATALOGUE,
    DC_LEAD_TIME,
    SUPPLIERS,
    USD_PER_EUR,
    WAREHOUSE_DATE,
    WAREHOUSE_ITEMS,
    Item,
)
from tributary.demo.formatting import _day, _fmt, _money, _num, _write_csv
from tributary.demo.simulation import _current_price, _price_at, _simulate_item

ACCOUNT = "warehouse"


def _warehouse(rng: np.random.Generator, out: Path) -> dict[str, int]:
    """Simulate every item's network, write the six pieces; return each piece's row count."""
    sims = {code: _simulate_item(CATALOGUE[code], rng) for code in WAREHOUSE_ITEMS}
    # In this order: the batches draw from ``rng`` after the simulations.
    return {
        "transactions": _write_transactions(sims, out),
        "items": _write_items(sims, out),
        "orders_to_receive": _write_orders_to_receive(sims, out),
        "orders_to_ship": _write_orders_to_ship(out),
        "bom": _write_bom(out),
        "batches": _write_batches(sims, rng, out),
    }


def _write_transactions(sims: dict[str, dict], out: Path) -> int:
    tx: list[dict[str, str]] = []
    for code, sim in sims.items():
        item = CATALOGUE[code]
        for loc in sim["locations"]:
            sold, change = sim["sold"][loc], sim["change"][loc]
            for t in np.flatnonzero((sold > 0) | (np.abs(change) > 1e-9)):
                tx.append(
                    {
                        "date": _fmt(_day(t), WAREHOUSE_DATE),
                        "item_code": code,
                        "location": loc,
                        "qty_sold": _num(sold[t]),
                        "sales_price": _money(_price_at(item, t)) if sold[t] > 0 else "",
                        "on_hand_change": _num(change[t]),
                    }
                )
    tx.sort(key=lambda r: (r["date"], r["location"], r["item_code"]))
    bad = {
        (1500, "date"): {
            "date": "2026-02-30",
            "item_code": "COF-101",
            "location": "STORE-N",
            "qty_sold": "3",
            "sales_price": "18.90",
            "on_hand_change": "",
        },
        (2500, "qty_sold"): {
            "date": "2025-03-14",
            "item_code": "CUP-302",
            "location": "STORE-S",
            "qty_sold": "#VALUE!",
            "sales_price": "7.90",
            "on_hand_change": "",
        },
    }
    _insert(tx, ACCOUNT, "transactions", bad)
    _write_csv(
        out / "transactions.csv",
        tx,
        ["date", "item_code", "location", "qty_sold", "sales_price", "on_hand_change"],
    )
    return len(tx)


def _write_items(sims: dict[str, dict], out: Path) -> int:
    item_rows = [
        _stocked_item_row(CATALOGUE[code], loc, sim)
        for code, sim in sims.items()
        for loc in sim["locations"]
    ]
    item_rows += [_bom_member_row(CATALOGUE[code]) for code in BOM_MEMBERS]
    item_rows.sort(key=lambda r: (r["item_code"], r["location"]))
    original = next(r for r in item_rows if (r["item_code"], r["location"]) == ("COF-101", "DC-1"))
    duplicate = dict(original, on_hand="999", description="Espresso beans 1kg (old record)")
    if item_rows.index(original) >= 59:
        raise RuntimeError("demo: duplicate items key must follow its first row")
    _insert(item_rows, ACCOUNT, "items", {(60, "item_code"): duplicate})
    _write_csv(out / "items.csv", item_rows, WAREHOUSE_ITEM_COLUMNS)
    return len(item_rows)


def _stocked_item_row(item: Item, loc: str, sim: dict) -> dict[str, str]:
    """The items row of a simulated item at one of its locations."""
    lt_sup, currency, variance = SUPPLIERS[item.supplier]
    row = _item_base(item, loc)
    row["on_hand"] = _num(sim["on_hand"][loc])
    direct = loc == "DC-1" or not sim["via_dc"][loc]
    if loc == "DC-1":
        row["location_description"] = "Distribution centre"
        row["location_category_1"] = "DC"
        row["min_lot"] = _num(item.pack * 4)
        row["max_lot"] = _num(item.pack * 400 if item.pack > 1 else 200)
        row["rounding"] = _num(item.pack * 4 if item.pack > 1 else 10)
    else:
        row["location_description"] = {"STORE-N": "North store", "STORE-S": "South store"}[loc]
        row["location_category_1"] = "Store"
        row["transfer_region"] = "BENELUX"
        row["display_qty"] = _num(item.pack if item.pack > 1 else 2)
        row["rounding"] = _num(item.pack)
        row["dc_name"] = "" if direct else "DC-1"
    if direct:
        row["lead_time_days"] = _num(lt_sup)
        row["lead_time_variance"] = _num(variance)
        if item.supplier != "ASSEMBLY":
            _supplier_fields(row, item, currency)
    else:
        row["lead_time_days"] = _num(DC_LEAD_TIME[loc])
    row["service_level"] = "0.97" if item.rate >= 3 else ("0.9" if item.rate < 1 else "")
    row["inactive"] = "1" if item.pattern == "inactive" else "0"
    row["termination"] = "0"
    _planning_extras(row, item, loc)
    return row


BOM_MEMBER_ON_HAND = {
    "SUB-910": 40,
    "RAW-920": 150,
    "RAW-921": 420,
    "RAW-922": 512.5,
    "RAW-923": 90,
}


def _bom_member_row(item: Item) -> dict[str, str]:
    """The DC-1 items row of a sub-assembly or raw material of the desk lamp."""
    lt_sup, currency, variance = SUPPLIERS[item.supplier]
    row = _item_base(item, "DC-1")
    row.update(
        location_description="Distribution centre",
        location_category_1="DC",
        on_hand=_num(BOM_MEMBER_ON_HAND[item.code]),
        lead_time_days=_num(lt_sup),
        lead_time_variance=_num(variance),
        inactive="0",
        termination="0",
    )
    if item.supplier != "ASSEMBLY":
        _supplier_fields(row, item, currency)
        row["min_lot"] = "100"
        row["rounding"] = "50" if item.code != "RAW-922" else "100"
    return row


# One order of each remaining kind: (item, location, qty, type, sendout, delivery, number, source)
FIXED_ORDERS = (
    # purchase with a confirmed delivery date, and one with only the sendout date
    ("PAN-401", "DC-1", 40, "purchase", "2026-10-20", "2026-12-15", "PO-4090", "SUP-STEEL"),
    ("TEX-501", "DC-1", 96, "purchase", "2026-10-27", "", "PO-4091", "SUP-WEAVE"),
    # transfer to a store supplied by DC-1 (sendout + DC lead time)
    ("CUP-301", "STORE-S", 24, "transfer", "2026-10-31", "", "TO-4092", "DC-1"),
    # transfer to a store without a DC (sendout + 1 day)
    ("GAR-603", "STORE-S", 12, "transfer", "2026-10-30", "", "TO-4093", "STORE-N"),
    # manufacturing (sendout + 0 days), and one with a planned finish date
    ("LMP-900", "DC-1", 50, "manufacturing", "2026-10-29", "", "MO-4094", "Assembly line"),
    (
        "SUB-910",
        "DC-1",
        60,
        "manufacturing",
        "2026-10-30",
        "2026-11-03",
        "MO-4095",
        "Assembly line",
    ),
)
ORDERS_TO_RECEIVE_COLUMNS = [
    "order_number",
    "order_type",
    "item_code",
    "location",
    "qty",
    "sendout_date",
    "delivery_date",
    "lot_cost",
    "source_from",
]


def _write_orders_to_receive(sims: dict[str, dict], out: Path) -> int:
    """What is still in the pipeline, plus one of each remaining kind (:data:`FIXED_ORDERS`)."""
    orders = _pipeline_orders(sims)
    for code, loc, qty, kind, sendout, delivery, num, source in FIXED_ORDERS:
        row = {
            "item_code": code,
            "location": loc,
            "qty": str(qty),
            "order_type": kind,
            "sendout_date": sendout,
            "delivery_date": delivery,
            "order_number": num,
            "source_from": source,
        }
        if kind == "purchase":
            row["lot_cost"] = _money(qty * CATALOGUE[code].cost)
        orders.append(row)
    orders.sort(key=lambda r: r["order_number"])
    bad_order = {
        "item_code": "CLN-801",
        "location": "DC-1",
        "qty": "0",
        "order_type": "purchase",
        "sendout_date": "2026-10-25",
        "order_number": "PO-4089",
        "source_from": "SUP-CLEAN",
        "lot_cost": "0.00",
    }
    _insert(orders, ACCOUNT, "orders_to_receive", {(3, "qty"): bad_order})
    _write_csv(out / "orders_to_receive.csv", orders, ORDERS_TO_RECEIVE_COLUMNS)
    return len(orders)


def _pipeline_orders(sims: dict[str, dict]) -> list[dict[str, str]]:
    orders = []
    number = 4100
    for code, sim in sims.items():
        item = CATALOGUE[code]
        for order in sorted(sim["pipeline"], key=lambda o: (o.sendout, o.location)):
            number += 1
            row = {
                "item_code": code,
                "location": order.location,
                "qty": _num(order.qty),
                "order_type": order.kind,
                "sendout_date": _fmt(_day(order.sendout), WAREHOUSE_DATE),
            }
            if order.kind == "purchase":
                row["order_number"] = f"PO-{number}"
                row["source_from"] = item.supplier
                row["lot_cost"] = _money(order.qty * item.cost)
                if number % 2 == 0:  # half of the purchase lines carry the confirmed date
                    row["delivery_date"] = _fmt(_day(order.arrival), WAREHOUSE_DATE)
            elif order.kind == "transfer":
                row["order_number"] = f"TO-{number}"
                row["source_from"] = "DC-1"
            else:
                row["order_number"] = f"MO-{number}"
                row["source_from"] = "Assembly line"
                row["delivery_date"] = _fmt(_day(order.arrival), WAREHOUSE_DATE)
            orders.append(row)
    return orders


def _write_orders_to_ship(out: Path) -> int:
    """Dated back-orders and undated lines that have already left."""
    ship = []
    for code, loc, qty, when in (
        ("PAN-401", "DC-1", 8, ""),
        ("LMP-701", "DC-1", 120, ""),
        ("COF-101", "STORE-N", 6, ""),
        ("CUP-304", "STORE-N", 2, "2026-11-06"),
        ("LMP-900", "DC-1", 30, "2026-11-12"),
        ("PAN-402", "STORE-S", 1, "2026-11-04"),
        ("TEX-503", "STORE-N", 12.5, "2026-11-09"),
        ("GAR-604", "STORE-S", 3, "2026-11-20"),
    ):
        ship.append({"item_code": code, "location": loc, "qty": _num(qty), "shipment_date": when})
    _write_csv(out / "orders_to_ship.csv", ship, ["item_code", "location", "qty", "shipment_date"])
    return len(ship)


def _write_bom(out: Path) -> int:
    """Desk lamp <- lamp head <- raw materials. qty_per_batch is per batch of batch_rounding
    units of the finished good."""
    bom = [
        ("LMP-900", "SUB-910", "50", "50", "5", "100"),
        ("LMP-900", "RAW-923", "50", "50", "5", "100"),
        ("LMP-900", "RAW-922", "75", "50", "5", "100"),
        ("SUB-910", "RAW-920", "1", "", "2", "20"),
        ("SUB-910", "RAW-921", "2", "", "2", "20"),
    ]
    _write_csv(
        out / "bom.csv",
        [dict(zip(BOM_COLUMNS, r, strict=True)) for r in bom],
        list(BOM_COLUMNS),
    )
    return len(bom)


def _write_batches(sims: dict[str, dict], rng: np.random.Generator, out: Path) -> int:
    """Batches for perishables: split on hand, a few expiring within two weeks."""
    batches: list[dict[str, str]] = []
    soon = iter((4, 9, 13))
    for code, sim in sims.items():
        item = CATALOGUE[code]
        if item.shelf_life is None:
            continue
        for loc in sim["locations"]:
            qty = sim["on_hand"][loc]
            if qty > 0:
                batches += _batches_of(item, loc, qty, soon, rng)
    _write_csv(
        out / "batches.csv",
        batches,
        ["item_code", "location", "batch_code", "expiration_date", "on_hand"],
    )
    return len(batches)


def _batches_of(
    item: Item, loc: str, qty: float, soon: Iterator[int], rng: np.random.Generator
) -> list[dict[str, str]]:
    """One to three batches of the on hand ``qty``; the first may take the next ``soon`` expiry."""
    code = item.code
    batches = []
    n_batches = int(min(3, max(1, qty // (item.pack * 2))))
    shares = rng.dirichlet(np.ones(n_batches)) * qty
    parts = [math.floor(x) for x in shares[:-1]]
    parts.append(qty - sum(parts))
    first_expiry = AS_OF + timedelta(days=int(rng.integers(30, item.shelf_life)))
    for i, part in enumerate(parts):
        if part <= 0:
            continue
        expiry = first_expiry + timedelta(days=25 * i)
        if i == 0 and n_batches > 1:
            nxt = next(soon, None)
            if nxt is not None:
                expiry = AS_OF + timedelta(days=nxt)
        batches.append(
            {
                "item_code": code,
                "location": loc,
                "batch_code": f"L{expiry:%y%m%d}-{code[-3:]}{i + 1}",
                "expiration_date": _fmt(expiry, WAREHOUSE_DATE),
                "on_hand": _num(part),
            }
        )
    return batches


BOM_COLUMNS = (
    "finished_code",
    "material_code",
    "qty_per_batch",
    "batch_rounding",
    "manufacturing_lead_time_days",
    "min_batch",
)

WAREHOUSE_ITEM_COLUMNS = [
    "item_code",
    "location",
    "description",
    "location_description",
    "item_category_1",
    "item_category_2",
    "location_category_1",
    "info_color",
    "info_size",
    "on_hand",
    "lead_time_days",
    "lead_time_variance",
    "order_cycle",
    "order_cycle_unit",
    "service_level",
    "safety_stock_periods",
    "inactive",
    "termination",
    "inventory_value_per_unit",
    "purchase_price",
    "sales_price",
    "supplier_code",
    "supplier_currency",
    "supplier_item_code",
    "display_qty",
    "min_lot",
    "max_lot",
    "rounding",
    "group_id",
    "group_min_qty",
    "weight_per_unit",
    "volume_per_unit",
    "container_id",
    "container_load_volume",
    "container_load_qty",
    "max_containers",
    "dc_name",
    "transfer_region",
    "shelf_life_days",
]


def _item_base(item: Item, location: str) -> dict[str, str]:
    return {
        "item_code": item.code,
        "location": location,
        "description": item.description,
        "item_category_1": item.category_1,
        "item_category_2": item.category_2,
        "info_color": item.color,
        "info_size": item.size,
        "inventory_value_per_unit": _money(item.cost),
        "sales_price": _money(_current_price(item)) if item.price else "",
        "shelf_life_days": _num(item.shelf_life) if item.shelf_life else "",
        "weight_per_unit": _num(max(0.05, item.price / 40), 2),
        "volume_per_unit": _num(max(0.0005, item.price / 8000), 4),
    }


def _supplier_fields(row: dict[str, str], item: Item, currency: str) -> None:
    row["supplier_code"] = item.supplier
    row["supplier_currency"] = currency
    row["supplier_item_code"] = f"{item.supplier[4:]}-{item.code.replace('-', '')}"
    price = item.cost * (USD_PER_EUR if currency == "USD" else 1.0)
    row["purchase_price"] = _money(price)
    if item.supplier == "SUP-PORC":
        row["group_id"] = "SUP-PORC"
        row["group_min_qty"] = "600"
    if item.supplier == "SUP-STEEL":
        row["container_id"] = "40FT-HC"
        row["container_load_volume"] = "68"
        row["max_containers"] = "2"
    if item.supplier == "SUP-LUX":
        row["container_id"] = "20FT"
        row["container_load_qty"] = "12000"
        row["max_containers"] = "1"


def _planning_extras(row: dict[str, str], item: Item, location: str) -> None:
    """The odd planning parameter here and there, as a real item master has them."""
    if item.code == "CLN-801":  # both given: the periods method wins
        row["safety_stock_periods"] = "1.5"
        row["service_level"] = "0.95"
    if item.category_2 == "Cookware" and location == "DC-1":
        row["order_cycle"] = "4"
        row["order_cycle_unit"] = "periods"
    if item.category_2 == "Cleaning" and location == "DC-1":
        row["order_cycle"] = "7"
        row["order_cycle_unit"] = "days"
    if item.code == "LMP-701" and location == "DC-1":
        row["order_cycle"] = "1"
        row["order_cycle_unit"] = "lead_times"
    if item.code == "LMP-703" and location == "DC-1":  # min lot > max lot: max lot is used
        row["min_lot"] = "60"
        row["max_lot"] = "40"
