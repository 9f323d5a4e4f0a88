"""The ``webshop`` account: the web store (source-document headers, ``%m/%d/%Y`` dates)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np

from tributary.demo.bad_rows import _insert
from tributary.demo.catalogue import (
    CATALOGUE,
    HISTORY_START,
    KITS,
    N_DAYS,
    SUPPLIERS,
    WEB_WEEK,
    WEBSHOP_DATE,
    WEBSHOP_ITEMS,
    Item,
)
from tributary.demo.formatting import _day, _fmt, _money, _num, _write_csv
from tributary.demo.simulation import DOW, _current_price, _draw, _price_at, _sold_levels

# (items, location, channel, start, end, discount); "*" = every webshop item with a pattern
WEB_PROMOTIONS = (
    (("COF-101", "CUP-301", "KIT-201", "PAN-401"), "", "web", "2024-11-29", "2024-12-02", 0.25),
    (("TEA-111", "TEA-112", "TEA-114"), "WEB", "web", "2025-03-10", "2025-03-23", 0.15),
    (("GAR-602", "GAR-605"), "WEB", "web", "2025-05-05", "2025-05-18", 0.2),
    (("COF-101", "COF-102", "LMP-701"), "WEB", "marketplace", "2025-07-08", "2025-07-09", 0.3),
    (("COF-101", "CUP-301", "KIT-201", "PAN-401"), "", "web", "2025-11-28", "2025-12-01", 0.25),
    (("KIT-202", "LMP-702"), "WEB", "web", "2025-12-08", "2025-12-21", 0.2),
    (("GAR-602", "GAR-605", "GAR-607"), "WEB", "web", "2026-05-04", "2026-05-17", 0.2),
    (("COF-101", "COF-102", "LMP-701"), "WEB", "marketplace", "2026-07-07", "2026-07-08", 0.3),
    # future
    (("COF-101", "CUP-301", "KIT-201", "PAN-401"), "", "web", "2026-11-27", "2026-11-30", 0.25),
    (("KIT-202", "LMP-702"), "WEB", "web", "2026-12-07", "2026-12-20", 0.2),
)
WEB_CHANNELS = (("web", 0.7, 1.0), ("marketplace", 0.3, 1.05))  # channel, share, price factor
WEB_SCALE = 1.3
WEB_OUTLIERS = (
    ("TEX-502", "web", "2025-05-12", 9.0),
    ("LMP-702", "marketplace", "2025-02-14", 6.0),
)


ACCOUNT = "webshop"


def _webshop(rng: np.random.Generator, out: Path) -> dict[str, int]:
    """Write the webshop's five pieces; return each piece's row count."""
    # In this order: the transactions, then the items draw from ``rng``.
    return {
        "transactions": _write_transactions(rng, out),
        "items": _write_items(rng, out),
        "promotions": _write_promotions(out),
        "substitutions": _write_substitutions(out),
        "channels": _write_channels(out),
    }


def _write_transactions(rng: np.random.Generator, out: Path) -> int:
    tx: list[dict[str, str]] = []
    for item, level in _sold_levels(WEBSHOP_ITEMS, rng):
        for channel, share, price_factor in WEB_CHANNELS:
            tx += _channel_lines(item, channel, share, level, price_factor, rng)
    tx.sort(key=lambda r: (r["_sort"], r["Item code"], r["Channel"]))
    for r in tx:
        del r["_sort"]
    row = {"Location": "WEB", "Channel": "web", "Outlier": ""}
    bad = {
        (800, "item_code"): dict(
            row,
            **{"Date": "03/02/2025", "Item code": "", "Qty sold": "2", "Sales price/unit": "4.90"},
        ),
        (1600, "outlier"): dict(
            row,
            **{
                "Date": "08/19/2025",
                "Item code": "CUP-302",
                "Qty sold": "3",
                "Sales price/unit": "7.90",
                "Outlier": "maybe",
            },
        ),
        (2400, "date"): dict(
            row,
            **{
                "Date": "31/12/2025",
                "Item code": "COF-102",
                "Qty sold": "1",
                "Sales price/unit": "8.50",
            },
        ),
    }
    columns = list(tx[0])  # the document's headers, in the order _channel_lines writes them
    _insert(tx, ACCOUNT, "transactions", bad)
    _write_csv(out / "transactions.csv", tx, columns)
    return len(tx)


def _channel_lines(
    item: Item,
    channel: str,
    share: float,
    level: np.ndarray,
    price_factor: float,
    rng: np.random.Generator,
) -> list[dict[str, str]]:
    """The item's daily lines in one channel, net of returns, with an ``_sort`` key; promotions
    lift the demand, outliers spike it."""
    code = item.code
    base = item.rate * WEB_SCALE * share * level * WEB_WEEK[DOW] / WEB_WEEK.mean()
    discount = _discount(code, channel)
    lam = base * (1 + 3.0 * discount)
    sales = _draw(item, lam, rng)
    outlier = np.zeros(N_DAYS, dtype=bool)
    for o_code, o_channel, o_day, factor in WEB_OUTLIERS:
        if o_code == code and o_channel == channel:
            t = (date.fromisoformat(o_day) - HISTORY_START).days
            sales[t] = math.ceil((sales[t] + 1) * factor + 10)
            outlier[t] = True
    returned = rng.binomial(sales.astype(np.int64), 0.04)
    lag = rng.integers(5, 15, size=N_DAYS)
    returns = np.zeros(N_DAYS)
    target = np.arange(N_DAYS) + lag
    keep = target < N_DAYS
    np.add.at(returns, target[keep], returned[keep])
    net = sales - returns
    lines = []
    for t in np.flatnonzero(net != 0):
        price = _price_at(item, t) * price_factor * (1 - discount[t])
        lines.append(
            {
                "Date": _fmt(_day(t), WEBSHOP_DATE),
                "_sort": _day(t).isoformat(),
                "Item code": code,
                "Qty sold": _num(net[t]),
                "Sales price/unit": _money(price),
                "Channel": channel,
                "Location": "WEB",
                "Outlier": "yes" if outlier[t] else "",
            }
        )
    return lines


def _discount(code: str, channel: str) -> np.ndarray:
    """The item's promotional discount per history day in the channel (0 outside promotions)."""
    discount = np.zeros(N_DAYS)
    for codes, _loc, promo_channel, start, end, disc in WEB_PROMOTIONS:
        if code in codes and promo_channel == channel:
            a = (date.fromisoformat(start) - HISTORY_START).days
            b = (date.fromisoformat(end) - HISTORY_START).days
            if a < N_DAYS:
                discount[max(a, 0) : min(b, N_DAYS - 1) + 1] = disc
    return discount


def _write_items(rng: np.random.Generator, out: Path) -> int:
    items = []
    for code in WEBSHOP_ITEMS:
        item = CATALOGUE[code]
        kit = code in KITS
        on_hand = 0 if kit else int(item.rate * WEB_SCALE * rng.uniform(5, 45))
        if item.pattern == "none":
            on_hand = 0
        items.append(
            {
                "Item code": code,
                "Item description": item.description,
                "Location": "WEB",
                "Item category": item.category_1,
                "Item sub-category": item.category_2,
                "Lead time": "" if kit else _num(SUPPLIERS[item.supplier][0] + 2),
                "On hand": _num(on_hand),
                "Purchase price/unit": "" if kit else _money(item.cost),
                "Sales price/unit": _money(_current_price(item)),
                "Supplier code": "" if kit else item.supplier,
            }
        )
    _write_csv(out / "items.csv", items, list(items[0]))
    return len(items)


def _write_promotions(out: Path) -> int:
    promos = []
    for codes, loc, channel, start, end, disc in WEB_PROMOTIONS:
        for code in codes:
            promos.append(
                {
                    "Item code": code,
                    "Location": loc,
                    "Channel": channel,
                    "Start date": _fmt(date.fromisoformat(start), WEBSHOP_DATE),
                    "End date": _fmt(date.fromisoformat(end), WEBSHOP_DATE),
                    "Discount": _num(disc),
                }
            )
    bad_promo = {
        "Item code": "TEX-501",
        "Location": "WEB",
        "Channel": "web",
        "Start date": "01/10/2027",
        "End date": "01/20/2027",
        "Discount": "1.5",
    }
    _insert(promos, ACCOUNT, "promotions", {(4, "discount"): bad_promo})
    _write_csv(out / "promotions.csv", promos, list(promos[0]))
    return len(promos)


def _write_substitutions(out: Path) -> int:
    subs = []
    for kit, (components, when) in KITS.items():
        for component, multiplier in components:
            subs.append(
                {
                    "Target code": component,
                    "Item description": CATALOGUE[component].description,
                    "Multiplier": _num(multiplier),
                    "Item code": kit,
                    "Substitution date": _fmt(date.fromisoformat(when), WEBSHOP_DATE)
                    if when
                    else "",
                }
            )
    _write_csv(out / "substitutions.csv", subs, list(subs[0]))
    return len(subs)


def _write_channels(out: Path) -> int:
    channels = [
        {"Item code": "LMP-705", "Location": "WEB", "Channel": ch, "Channel category": cat}
        for ch, cat in (("web", "Own shop"), ("marketplace", "Platforms"))
    ]
    _write_csv(out / "channels.csv", channels, list(channels[0]))
    return len(channels)
