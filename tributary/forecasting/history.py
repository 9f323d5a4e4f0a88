"""Forecast-ready history: a dense (series x period) matrix with unknown demand as NaN."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tributary.periods import floor_periods, period_days, shift_period
from tributary.scopes import SERIES_KEYS


@dataclass
class Panel:
    """Series aligned on a common period grid.

    keys: one row per series (account_id, item_code, location), sorted. periods: the history
    periods (ascending). y: observed demand, NaN where unknown (before the first sale, outlier,
    stock-out). discount: promo discount per period (0 where none).
    """

    keys: pd.DataFrame
    periods: pd.DatetimeIndex
    y: np.ndarray
    discount: np.ndarray


def build_panel(history: pd.DataFrame, first_future: pd.Timestamp, period: str) -> Panel:
    """Turn demand_history rows into a Panel of the periods before `first_future`.

    Outlier periods and periods with stockout_days >= half the period's days become NaN
    (unknown demand, not zero). Negative quantities are clipped to zero.
    """
    h = history.copy()
    h["period_start"] = floor_periods(h["period_start"], period)
    h = h[h["period_start"] < first_future]
    keys = (
        h[SERIES_KEYS]
        .drop_duplicates()
        .sort_values(SERIES_KEYS, kind="mergesort")
        .reset_index(drop=True)
        if len(h)
        else pd.DataFrame(columns=SERIES_KEYS)
    )
    if h.empty:
        return Panel(keys, pd.DatetimeIndex([]), np.zeros((0, 0)), np.zeros((0, 0)))
    start = h["period_start"].min()
    periods = [start]
    while True:
        nxt = shift_period(periods[-1], period, 1)
        if nxt >= first_future:
            break
        periods.append(nxt)
    periods_idx = pd.DatetimeIndex(periods)
    qty = pd.to_numeric(h["qty"], errors="coerce").astype(float).clip(lower=0).to_numpy()
    outlier = (
        h["is_outlier"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "is_outlier" in h
        else np.zeros(len(h), dtype=bool)
    )
    stockout = (
        pd.to_numeric(h["stockout_days"], errors="coerce").to_numpy(dtype=float)
        if "stockout_days" in h
        else np.full(len(h), np.nan)
    )
    days = period_days(h["period_start"], period)
    unknown = np.asarray(outlier, dtype=bool) | (~np.isnan(stockout) & (stockout >= days / 2.0))
    qty = np.where(unknown, np.nan, qty)
    disc = (
        pd.to_numeric(h["promo_discount"], errors="coerce").fillna(0.0).clip(0, 1).to_numpy()
        if "promo_discount" in h
        else np.zeros(len(h))
    )
    row = keys.reset_index().merge(h[SERIES_KEYS], on=SERIES_KEYS, how="right")["index"].to_numpy()
    col = periods_idx.get_indexer(h["period_start"])
    ok = col >= 0
    y = np.full((len(keys), len(periods_idx)), np.nan)
    d = np.zeros_like(y)
    y[row[ok], col[ok]] = qty[ok]
    d[row[ok], col[ok]] = disc[ok]
    # Rows are dense from the first sale on: periods after the first row missing from the input
    # are zero demand; periods before it stay NaN.
    present = np.zeros_like(y, dtype=bool)
    present[row[ok], col[ok]] = True
    started = np.maximum.accumulate(present, axis=1)
    y = np.where(started & ~present, 0.0, y)
    return Panel(keys, periods_idx, y, d)
