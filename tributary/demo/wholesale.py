"""The ``wholesale`` account: the wholesale ERP (Parquet transactions with ERP headers,
``%d.%m.%Y`` dates kept as strings; items, BOM and orders as CSV)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tributary.demo.bad_rows import _insert
from tributary.demo.catalogue import (
    B2B_WEEK,
    CATALOGUE,
    N_DAYS,
    SUPPLIERS,
    USD_PER_EUR,
    WHOLESALE_AT_STORE_N,
    WHOLESALE_DATE,
    WHOLESALE_ITEMS,
    Item,
)
from tributary.demo.formatting import _day, _fmt, _money, _num, _write_csv
from tributary.demo.simulation import DOW, _current_price, _sold_levels

WHOLESALE_GROUPS = (("retail", 0.55, 0.0), ("horeca", 0.45, 0.08))  # group, share, discount


ACCOUNT = "wholesale"


def _wholesale(rng: np.random.Generator, out: Path) -> dict[str, int]:
    """Write the wholesaler's four pieces; return each piece's row count."""
    # In this order: the transactions, then the items draw from ``rng``.
    return {
        "transactions": _write_transactions(rng, out),
        "items": _write_items(rng, out),
        "bom": _write_bom(out),
        "orders_to_receive": _write_orders_to_receive(out),
    }


def _write_transactions(rng: np.random.Generator, out: Path) -> int:
    rows: list[tuple] = []
    for item, level in _sold_levels(WHOLESALE_ITEMS, rng):
        code = item.code
        pack = item.pack if item.pack > 1 else 2
        if item.pattern == "fractional":
            pack = 5  # fabric sold to the trade in 5 m lengths
        for whse in ("STORE-N", "WH-EAST"):
            if whse == "STORE-N" and code not in WHOLESALE_AT_STORE_N:
                continue
            for group, share, group_discount in WHOLESALE_GROUPS:
                if whse == "STORE-N" and group == "horeca":
                    continue
                qty = _group_qty(item, pack, share, level, rng)
                price = item.price * 0.62 * (1 - group_discount)
                for t in np.flatnonzero(qty != 0):
                    unit = (price * 1.04) if _day(t) >= date(2026, 1, 1) else price
                    rows.append(
                        (_day(t), code, whse, group, float(qty[t]), round(float(qty[t]) * unit, 2))
                    )
    rows.sort(key=lambda r: (r[0], r[2], r[1], r[3]))
    tx = [
        {
            "Posting date": _fmt(r[0], WHOLESALE_DATE),
            "SKU": r[1],
            "Whse": r[2],
            "Cust. group": r[3],
            "Qty": r[4],
            "Net amount": r[5],
        }
        for r in rows
    ]
    bad = {
        (300, "date"): {
            "Posting date": "31.02.2026",
            "SKU": "CLN-801",
            "Whse": "WH-EAST",
            "Cust. group": "retail",
            "Qty": 24.0,
            "Net amount": 43.15,
        },
        (900, "item_code"): {
            "Posting date": "14.05.2025",
            "SKU": None,
            "Whse": "WH-EAST",
            "Cust. group": "horeca",
            "Qty": 12.0,
            "Net amount": 30.82,
        },
    }
    _insert(tx, ACCOUNT, "transactions", bad)
    schema = pa.schema(
        [
            ("Posting date", pa.string()),
            ("SKU", pa.string()),
            ("Whse", pa.string()),
            ("Cust. group", pa.string()),
            ("Qty", pa.float64()),
            ("Net amount", pa.float64()),
        ]
    )
    table = pa.Table.from_pylist(tx, schema=schema)
    pq.write_table(table, out / "transactions.parquet", compression="snappy")
    return len(tx)


def _group_qty(
    item: Item, pack: int, share: float, level: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Daily units of one customer group at one warehouse: a few orders of whole packs, the odd
    credit note (a negative pack)."""
    units = item.rate * 1.6 * share * level * B2B_WEEK[DOW]
    orders_per_day = units / (pack * 3.0)
    n_orders = rng.poisson(orders_per_day * rng.gamma(3.0, 1 / 3.0, N_DAYS))
    qty = pack * (n_orders + rng.poisson(2.0 * n_orders)).astype(float)
    if item.pattern == "fractional":
        qty = qty + np.where(n_orders > 0, rng.integers(0, 4, N_DAYS) * 0.5, 0.0)
    credit = (rng.random(N_DAYS) < 0.004) & (B2B_WEEK[DOW] > 0)
    return np.where(credit & (qty == 0), -pack, qty)


def _write_items(rng: np.random.Generator, out: Path) -> int:
    items = []
    for code in WHOLESALE_ITEMS:
        item = CATALOGUE[code]
        lt, currency, _var = SUPPLIERS[item.supplier]
        for whse in ("STORE-N", "WH-EAST"):
            if whse == "STORE-N" and code not in WHOLESALE_AT_STORE_N:
                continue
            on_hand = int(item.rate * 1.6 * rng.uniform(10, 50)) if item.rate else 0
            if code.startswith("RAW-"):
                on_hand = int(rng.integers(80, 300))
            if item.pattern == "terminated":
                on_hand = 14
            items.append(
                {
                    "SKU": code,
                    "Whse": whse,
                    "description": item.description,
                    "item_category_1": item.category_1,
                    "on_hand": _num(on_hand),
                    "lead_time_days": _num(lt + (5 if whse == "WH-EAST" else 0)),
                    "supplier_code": item.supplier,
                    "supplier_currency": currency,
                    "supplier_item_code": f"{item.supplier[4:]}/{code}",
                    "purchase_price": _money(item.cost * (USD_PER_EUR if currency == "USD" else 1)),
                    "sales_price": _money(_current_price(item) * 0.62) if item.price else "",
                    "min_lot": _num(item.pack * 2),
                    "rounding": _num(item.pack),
                    "purchase_for_bom": "true" if code == "GAR-950" else "false",
                    "inactive": "false",
                    "termination": "true" if item.pattern == "terminated" else "false",
                }
            )
    items.sort(key=lambda r: (r["SKU"], r["Whse"]))
    original = next(r for r in items if (r["SKU"], r["Whse"]) == ("CUP-301", "WH-EAST"))
    if items.index(original) >= 19:
        raise RuntimeError("demo: duplicate items key must follow its first row")
    maybe = dict(next(r for r in items if r["SKU"] == "STO-855"), Whse="STORE-N", inactive="maybe")
    _insert(
        items,
        ACCOUNT,
        "items",
        {(8, "inactive"): maybe, (20, "item_code"): dict(original, on_hand="0")},
    )
    _write_csv(out / "items.csv", items, list(items[0]))
    return len(items)


def _write_bom(out: Path) -> int:
    bom = [
        {"Finished good's code": "GAR-950", "Material's code": m, "Material qty/batch": "3"}
        for m in ("RAW-930", "RAW-931")
    ]
    _write_csv(out / "bom.csv", bom, list(bom[0]))
    return len(bom)


def _write_orders_to_receive(out: Path) -> int:
    orders = []
    for i, (code, qty, sendout, delivery) in enumerate(
        (
            ("PAN-402", 60, "2026-09-15", "2026-11-17"),
            ("CLN-802", 480, "2026-10-26", "2026-11-02"),
            ("GAR-950", 40, "2026-10-21", "2026-11-04"),
            ("COF-101", 120, "2026-10-29", ""),
        )
    ):
        orders.append(
            {
                "Order number": f"EK{2026100 + i}",
                "SKU": code,
                "Whse": "WH-EAST",
                "Qty to receive": str(qty),
                "Sendout date": _fmt(date.fromisoformat(sendout), WHOLESALE_DATE),
                "Delivery date": _fmt(date.fromisoformat(delivery), WHOLESALE_DATE)
                if delivery
                else "",
                "Order type": "purchase",
            }
        )
    _write_csv(out / "orders_to_receive.csv", orders, list(orders[0]))
    return len(orders)
