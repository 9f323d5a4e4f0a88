"""Demand and stock simulation: demand levels per pattern, daily draws, prices, and the
warehouse network's day-by-day replenishment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tributary.demo.catalogue import (
    DC_LEAD_TIME,
    HISTORY_END,
    HISTORY_START,
    LOW_SAFETY,
    N_DAYS,
    NORTH_ONLY,
    SOUTH_DIRECT,
    STORE_FACTOR,
    STORE_WEEK,
    SUPPLIERS,
    Item,
)
from tributary.demo.formatting import _day


def _day_of_year() -> np.ndarray:
    days = pd.date_range(HISTORY_START, HISTORY_END, freq="D")
    return days.dayofyear.to_numpy(), days.dayofweek.to_numpy()


DOY, DOW = _day_of_year()


def _level(item: Item, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative demand level over the history for the item's pattern."""
    n = N_DAYS
    t = np.arange(n)
    p = item.pattern
    if p == "summer":
        return np.maximum(1 + 0.85 * np.cos(2 * np.pi * (DOY - 190) / 365.25), 0.1)
    if p == "winter":
        return np.maximum(1 + 0.85 * np.cos(2 * np.pi * (DOY - 350) / 365.25), 0.1)
    if p == "xmas":
        dist = np.minimum(np.abs(DOY - 350), 365 - np.abs(DOY - 350))
        return 0.15 + 5.0 * np.exp(-0.5 * (dist / 18.0) ** 2)
    if p == "trend_up":
        return np.linspace(0.45, 1.55, n)
    if p == "trend_down":
        return np.linspace(1.6, 0.4, n)
    if p == "new":
        launch = n - int(rng.integers(50, 120))
        return np.where(t >= launch, 1 - np.exp(-(t - launch) / 14.0), 0.0)
    if p == "inactive":
        return np.where(t < 360, np.linspace(1.3, 0.6, n), 0.0)
    if p == "terminated":
        return np.linspace(1.3, 0.2, n)
    if p == "none":
        return np.zeros(n)
    return np.ones(n)  # smooth, intermittent, fractional


def _draw(item: Item, lam: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Daily units: overdispersed Poisson; fabric in half metres."""
    noisy = lam * rng.gamma(4.0, 0.25, size=lam.shape)
    counts = rng.poisson(noisy).astype(float)
    if item.pattern == "fractional":
        extra = rng.binomial((4 * counts).astype(np.int64), 0.5)
        return 0.5 * (counts + extra)
    return counts


def _price_at(item: Item, t: int) -> float:
    """List price; +4 % from 2026-01-01."""
    if _day(t) >= date(2026, 1, 1):
        return round(item.price * 1.04, 2)
    return item.price


def _current_price(item: Item) -> float:
    return _price_at(item, N_DAYS - 1)


@dataclass
class _Order:
    arrival: int
    location: str
    qty: float
    sendout: int
    kind: str  # purchase | transfer | manufacturing


def _simulate_item(item: Item, rng: np.random.Generator) -> dict:
    stores = ["STORE-N"] if item.code in NORTH_ONLY else ["STORE-N", "STORE-S"]
    via_dc = {s: not (s == "STORE-S" and item.code in SOUTH_DIRECT) for s in stores}
    has_dc = any(via_dc.values())
    locations = (["DC-1"] if has_dc else []) + stores
    lt_sup = SUPPLIERS[item.supplier][0]
    level = _level(item, rng)
    pad = 240

    rate, demand = {}, {}
    for s in stores:
        r = item.rate * STORE_FACTOR[s] * level * STORE_WEEK[DOW] / STORE_WEEK.mean()
        rate[s] = np.concatenate([r, np.full(pad, r[-28:].mean())])
        demand[s] = _draw(item, r, rng)
    cum = {s: np.concatenate([[0.0], np.cumsum(rate[s])]) for s in stores}

    def expected(s: str, t: int, days: int) -> float:
        return float(cum[s][min(t + days, N_DAYS + pad)] - cum[s][t])

    safety = 0.9 if item.code in LOW_SAFETY else 1.35
    sold = {loc: np.zeros(N_DAYS) for loc in locations}
    change = {loc: np.zeros(N_DAYS) for loc in locations}
    on_hand = dict.fromkeys(locations, 0.0)
    pipeline: list[_Order] = []
    start = {}
    for s in stores:
        nonzero = np.flatnonzero(rate[s][:N_DAYS] > 0)
        start[s] = int(nonzero[0]) if len(nonzero) else N_DAYS
    if has_dc:
        start["DC-1"] = min(start[s] for s in stores if via_dc[s])
    stocktake = {t for t in range(N_DAYS) if _day(t).day == 1 and _day(t).month in (1, 4, 7, 10)}
    kind_dc = "manufacturing" if item.supplier == "ASSEMBLY" else "purchase"
    dc_pack = item.pack * 4 if item.pack > 1 else 10

    for t in range(N_DAYS):
        for order in [o for o in pipeline if o.arrival == t]:
            on_hand[order.location] += order.qty
            change[order.location][t] += order.qty
            pipeline.remove(order)
        if has_dc and t == start["DC-1"]:
            opening = sum(expected(s, t, 45) for s in stores if via_dc[s])
            opening = math.ceil(opening / dc_pack) * dc_pack
            on_hand["DC-1"] += opening
            change["DC-1"][t] += opening
        for s in stores:
            if t < start[s]:
                continue
            lead = DC_LEAD_TIME[s] if via_dc[s] else lt_sup
            if t == start[s]:
                opening = math.ceil(expected(s, t, lead + 14) * 1.2 / item.pack) * item.pack
                on_hand[s] += opening
                change[s][t] += opening
            sale = min(demand[s][t], on_hand[s])
            on_hand[s] -= sale
            sold[s][t] += sale
            change[s][t] -= sale
            if t in stocktake and on_hand[s] >= 3:
                delta = float(rng.integers(-2, 2))
                on_hand[s] += delta
                change[s][t] += delta
            position = on_hand[s] + sum(o.qty for o in pipeline if o.location == s)
            rop = expected(s, t, lead + 7) * safety
            if rop > 0 and position < rop:
                need = expected(s, t, lead + 14) * safety - position
                qty = max(math.ceil(need / item.pack), 1) * item.pack
                if via_dc[s]:
                    qty = min(qty, math.floor(on_hand["DC-1"]))
                    if qty > 0:
                        on_hand["DC-1"] -= qty
                        change["DC-1"][t] -= qty
                        pipeline.append(_Order(t + DC_LEAD_TIME[s], s, qty, t, "transfer"))
                else:
                    delay = int(rng.integers(3, 12)) if rng.random() < 0.2 else 0
                    pipeline.append(_Order(t + lt_sup + delay, s, qty, t, "purchase"))
        if has_dc and t >= start["DC-1"]:
            dc_stores = [s for s in stores if via_dc[s]]
            position = on_hand["DC-1"] + sum(o.qty for o in pipeline if o.location == "DC-1")
            rop = sum(expected(s, t, lt_sup + 10) for s in dc_stores) * safety
            if rop > 0 and position < rop:
                need = sum(expected(s, t, lt_sup + 40) for s in dc_stores) * safety - position
                qty = max(math.ceil(need / dc_pack), 1) * dc_pack
                delay = int(rng.integers(3, 15)) if rng.random() < 0.25 else 0
                pipeline.append(_Order(t + lt_sup + delay, "DC-1", qty, t, kind_dc))
    return {
        "stores": stores,
        "via_dc": via_dc,
        "locations": locations,
        "sold": sold,
        "change": change,
        "on_hand": on_hand,
        "pipeline": pipeline,
    }
