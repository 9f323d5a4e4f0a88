"""Forecast-ready history: a dense (series x period) matrix with unknown demand as NaN."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

KEYS = ["account_id", "item_code", "location"]
PERIOD_DAYS_FIXED = {"day": 1, "week": 7}


def period_floor(day: pd.Timestamp, period: str) -> pd.Timestamp:
    """Start of the period containing `day` (weeks start on Monday, like DuckDB date_trunc)."""
    day = pd.Timestamp(day).normalize()
    if period == "day":
        return day
    if period == "week":
        return day - pd.Timedelta(days=day.weekday())
    return day.replace(day=1)


def floor_periods(values: pd.Series, period: str) -> pd.Series:
    """Vectorized period_floor of a date/datetime column (datetime64 result)."""
    d = pd.to_datetime(values).dt.normalize()
    if period == "week":
        return d - pd.to_timedelta(d.dt.weekday, unit="D")
    if period == "month":
        return d.dt.to_period("M").dt.to_timestamp()
    return d


def shift_period(start: pd.Timestamp, period: str, n: int) -> pd.Timestamp:
    """The period start `n` periods after `start` (negative n goes back)."""
    if period == "month":
        return pd.Timestamp(start) + pd.DateOffset(months=n)
    return pd.Timestamp(start) + pd.Timedelta(days=n * PERIOD_DAYS_FIXED[period])


def period_days(starts: pd.Series | pd.DatetimeIndex, period: str) -> np.ndarray:
    """Number of days in each period."""
    if period == "month":
        return np.asarray(pd.DatetimeIndex(starts).days_in_month, dtype=float)
    return np.full(len(starts), float(PERIOD_DAYS_FIXED[period]))


def first_forecast_period(as_of: dt.date, period: str) -> pd.Timestamp:
    """The first forecast period: the one that starts after the last complete period at as_of.

    A period is complete when as_of is on or after its last day; so with as_of on a period's last
    day the forecast starts with the next period, otherwise with the period containing as_of
    (whose partial history is not used).
    """
    current = period_floor(pd.Timestamp(as_of), period)
    next_start = shift_period(current, period, 1)
    if pd.Timestamp(as_of).normalize() >= next_start - pd.Timedelta(days=1):
        return next_start
    return current


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
        h[KEYS].drop_duplicates().sort_values(KEYS, kind="mergesort").reset_index(drop=True)
        if len(h)
        else pd.DataFrame(columns=KEYS)
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
    row = keys.reset_index().merge(h[KEYS], on=KEYS, how="right")["index"].to_numpy()
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
