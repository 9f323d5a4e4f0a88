"""Demand and stock simulation: demand levels per pattern, daily draws, prices, and the
warehouse network's day-by-day replenishment."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tributary.demo.catalogue import (
    CATALOGUE,
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


def _sold_levels(
    codes: Iterable[str], rng: np.random.Generator
) -> Iterator[tuple[Item, np.ndarray]]:
    """Each sold item of ``codes`` (pattern other than none) with its demand level.

    Lazily: each level is drawn from ``rng`` as its item is reached, so that the caller's own
    draws for one item come before the next item's level, as the generated files expect.
    """
    for code in codes:
        item = CATALOGUE[code]
        if item.pattern != "none":
            yield item, _level(item, rng)


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


PAD_DAYS = 240  # the rate runs on past the history so that lead-time sums near the end are full


class _Network:
    """One item's replenishment network (its stores, and DC-1 when a store is supplied through
    it) and the running stock, sales and open orders of the day-by-day simulation."""

    def __init__(self, item: Item, rng: np.random.Generator) -> None:
        self.item = item
        stores = ["STORE-N"] if item.code in NORTH_ONLY else ["STORE-N", "STORE-S"]
        self.stores = stores
        self.via_dc = {s: not (s == "STORE-S" and item.code in SOUTH_DIRECT) for s in stores}
        self.has_dc = any(self.via_dc.values())
        self.locations = (["DC-1"] if self.has_dc else []) + stores
        self.lt_sup = SUPPLIERS[item.supplier][0]
        level = _level(item, rng)
        rate, self.demand = {}, {}
        for s in stores:
            r = item.rate * STORE_FACTOR[s] * level * STORE_WEEK[DOW] / STORE_WEEK.mean()
            rate[s] = np.concatenate([r, np.full(PAD_DAYS, r[-28:].mean())])
            self.demand[s] = _draw(item, r, rng)
        self.cum = {s: np.concatenate([[0.0], np.cumsum(rate[s])]) for s in stores}
        self.safety = 0.9 if item.code in LOW_SAFETY else 1.35
        self.sold = {loc: np.zeros(N_DAYS) for loc in self.locations}
        self.change = {loc: np.zeros(N_DAYS) for loc in self.locations}
        self.on_hand = dict.fromkeys(self.locations, 0.0)
        self.pipeline: list[_Order] = []
        self.start = {}
        for s in stores:
            nonzero = np.flatnonzero(rate[s][:N_DAYS] > 0)
            self.start[s] = int(nonzero[0]) if len(nonzero) else N_DAYS
        if self.has_dc:
            self.start["DC-1"] = min(self.start[s] for s in stores if self.via_dc[s])
        self.stocktake = {
            t for t in range(N_DAYS) if _day(t).day == 1 and _day(t).month in (1, 4, 7, 10)
        }
        self.kind_dc = "manufacturing" if item.supplier == "ASSEMBLY" else "purchase"
        self.dc_pack = item.pack * 4 if item.pack > 1 else 10

    def expected(self, s: str, t: int, days: int) -> float:
        """Expected demand of store ``s`` over ``days`` days from day ``t``."""
        return float(self.cum[s][min(t + days, N_DAYS + PAD_DAYS)] - self.cum[s][t])

    def book(self, loc: str, t: int, qty: float) -> None:
        """``qty`` into (or, negative, out of) the on hand of ``loc`` on day ``t``."""
        self.on_hand[loc] += qty
        self.change[loc][t] += qty

    def position(self, loc: str) -> float:
        return self.on_hand[loc] + sum(o.qty for o in self.pipeline if o.location == loc)

    def day(self, t: int, rng: np.random.Generator) -> None:
        for order in [o for o in self.pipeline if o.arrival == t]:
            self.book(order.location, t, order.qty)
            self.pipeline.remove(order)
        if self.has_dc and t == self.start["DC-1"]:
            opening = sum(self.expected(s, t, 45) for s in self.stores if self.via_dc[s])
            self.book("DC-1", t, math.ceil(opening / self.dc_pack) * self.dc_pack)
        for s in self.stores:
            if t >= self.start[s]:
                self.store_day(s, t, rng)
        if self.has_dc and t >= self.start["DC-1"]:
            self.dc_day(t, rng)

    def store_day(self, s: str, t: int, rng: np.random.Generator) -> None:
        """Opening stock on the first day, the day's sales, a stock-take, and a reorder from
        DC-1 (as far as its stock goes) or from the supplier."""
        item = self.item
        lead = DC_LEAD_TIME[s] if self.via_dc[s] else self.lt_sup
        if t == self.start[s]:
            opening = math.ceil(self.expected(s, t, lead + 14) * 1.2 / item.pack) * item.pack
            self.book(s, t, opening)
        sale = min(self.demand[s][t], self.on_hand[s])
        self.book(s, t, -sale)
        self.sold[s][t] += sale
        if t in self.stocktake and self.on_hand[s] >= 3:
            self.book(s, t, float(rng.integers(-2, 2)))
        position = self.position(s)
        rop = self.expected(s, t, lead + 7) * self.safety
        if rop > 0 and position < rop:
            need = self.expected(s, t, lead + 14) * self.safety - position
            qty = max(math.ceil(need / item.pack), 1) * item.pack
            if self.via_dc[s]:
                qty = min(qty, math.floor(self.on_hand["DC-1"]))
                if qty > 0:
                    self.book("DC-1", t, -qty)
                    self.pipeline.append(_Order(t + DC_LEAD_TIME[s], s, qty, t, "transfer"))
            else:
                delay = int(rng.integers(3, 12)) if rng.random() < 0.2 else 0
                self.pipeline.append(_Order(t + self.lt_sup + delay, s, qty, t, "purchase"))

    def dc_day(self, t: int, rng: np.random.Generator) -> None:
        """DC-1 reorders for the stores it supplies."""
        lt_sup, dc_pack = self.lt_sup, self.dc_pack
        dc_stores = [s for s in self.stores if self.via_dc[s]]
        position = self.position("DC-1")
        rop = sum(self.expected(s, t, lt_sup + 10) for s in dc_stores) * self.safety
        if rop > 0 and position < rop:
            need = sum(self.expected(s, t, lt_sup + 40) for s in dc_stores) * self.safety - position
            qty = max(math.ceil(need / dc_pack), 1) * dc_pack
            delay = int(rng.integers(3, 15)) if rng.random() < 0.25 else 0
            self.pipeline.append(_Order(t + lt_sup + delay, "DC-1", qty, t, self.kind_dc))


def _simulate_item(item: Item, rng: np.random.Generator) -> dict:
    """Two years of the item's network, day by day: sales, on-hand changes, open orders."""
    net = _Network(item, rng)
    for t in range(N_DAYS):
        net.day(t, rng)
    return {
        "stores": net.stores,
        "via_dc": net.via_dc,
        "locations": net.locations,
        "sold": net.sold,
        "change": net.change,
        "on_hand": net.on_hand,
        "pipeline": net.pipeline,
    }
