"""Dates of the plan: next order, expected delivery and projected stockout.

Day offsets follow grid.py: offset x covers the days as_of + 1 ... as_of + x. An open order
delivered on day D is on hand from the start of D (offset D - as_of - 1); overdue orders count now.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tributary.planning.grid import Grid
from tributary.scopes import SERIES_KEYS


def _date(as_of: pd.Timestamp, days: np.ndarray) -> pd.Series:
    days = np.asarray(days, dtype=float)
    out = as_of + pd.to_timedelta(np.where(np.isnan(days), 0, days), unit="D")
    return pd.Series(out).where(~np.isnan(days)).dt.normalize()


def receipts(
    items: pd.DataFrame, open_orders: pd.DataFrame | None, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Open orders as receipt events: item (row in `items`), offset (days >= 0), qty."""
    if open_orders is None or len(open_orders) == 0:
        return pd.DataFrame({"item": np.zeros(0, int), "offset": [], "qty": []})
    row_of = items[SERIES_KEYS].reset_index(drop=True).assign(item=np.arange(len(items)))
    ev = open_orders[SERIES_KEYS + ["qty", "delivery_date"]].merge(
        row_of, on=SERIES_KEYS, how="inner"
    )
    delivery = pd.to_datetime(ev["delivery_date"]).dt.normalize()
    offset = ((delivery - as_of) / pd.Timedelta(days=1)).fillna(1).to_numpy(dtype=float) - 1
    return pd.DataFrame(
        {"item": ev["item"].to_numpy(), "offset": np.maximum(offset, 0), "qty": ev["qty"]}
    )


def stockout_offsets(
    grid: Grid, rows: np.ndarray, stock: np.ndarray, events: pd.DataFrame
) -> np.ndarray:
    """First offset (days) at which cumulative forecast reaches stock + receipts so far, i.e. the
    projected on hand hits 0; NaN when that does not happen within the forecast horizon."""
    n = len(rows)
    ev = events.sort_values(["item", "offset"], kind="stable")
    item = ev["item"].to_numpy(dtype=int)
    off = ev["offset"].to_numpy(dtype=float)
    qty = ev["qty"].to_numpy(dtype=float)
    cum = pd.Series(qty).groupby(item).cumsum().to_numpy() if len(ev) else qty
    nxt = np.append(off[1:], np.inf)[: len(off)]
    same = np.append(item[1:] == item[:-1], False)[: len(off)]
    nxt = np.where(same, nxt, np.inf)
    first_off = np.full(n, np.inf)
    if len(ev):
        firsts = np.flatnonzero(np.append(True, item[1:] != item[:-1]))
        first_off[item[firsts]] = off[firsts]
    # interval 0 (before any receipt) for every item, then one interval after each receipt
    it = np.concatenate([np.arange(n), item])
    lvl = np.concatenate([stock, stock[item] + cum])
    lo = np.concatenate([np.zeros(n), off])
    hi = np.concatenate([first_off, nxt])
    x = grid.first_crossing(lvl, rows[it])
    valid = (x >= lo - 1e-9) & (x < hi) & ~np.isnan(x)
    valid &= ~((lvl <= 0) & (lo > 0))
    best = np.full(n, np.inf)
    np.minimum.at(best, it[valid], x[valid])
    return np.where(np.isinf(best), np.nan, best)


def stockout_dates(as_of: pd.Timestamp, offsets: np.ndarray) -> pd.Series:
    """The first day whose demand cannot be met: as_of + floor(offset) + 1."""
    return _date(as_of, np.floor(np.asarray(offsets) + 1e-9) + 1)


def order_dates(
    as_of: pd.Timestamp,
    grid: Grid,
    rows: np.ndarray,
    order_qty: np.ndarray,
    position: np.ndarray,
    reorder_point: np.ndarray,
    lead_time_days: np.ndarray,
    active: np.ndarray,
) -> tuple[pd.Series, pd.Series]:
    """(next_order_date, expected_delivery_date).

    Ordering today: as_of and as_of + L. Otherwise the day the position, less the forecast, falls
    to the reorder point (the last day to order without eating into safety stock) and that day + L;
    NaT past the horizon and for inactive rows.
    """
    x = grid.first_crossing(position - reorder_point, rows)
    x = np.where(order_qty > 0, 0.0, np.ceil(x - 1e-9))
    x = np.where(active, x, np.nan)
    return _date(as_of, x), _date(as_of, x + np.round(lead_time_days))
