"""Forecasts as a dense (item-location x period) matrix and demand over windows of days.

Time is measured in days after `as_of`: offset x covers the days as_of + 1 ... as_of + x, so the
day `as_of` itself is history (stock positions are end of day `as_of`). Within a period the
forecast is spread evenly over its days (pro rata). Beyond the last forecast period demand goes on
at the last period's daily rate.

The forecast error sigma per period is the forecast's `forecast_sigma` column, the standard
deviation the forecaster emits (tributary.forecasting.intervals.sigma); a `sigma` column, where a
caller gives one, wins. The interval bounds forecast_lo/forecast_hi are not read: their level is
the forecaster's setting and must not move safety stock. A forecast with neither column plans
with zero error; one that carries forecast_hi without either is refused rather than silently
planned without safety stock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tributary.periods import MEAN_PERIOD_DAYS, check_period, shift_period
from tributary.scopes import SERIES_KEYS


@dataclass
class Grid:
    """Forecast matrix F (n x K), error variance matrix V (sigma^2, n x K) on a period grid.

    c: clipped period boundaries in day offsets (K + 1, non-decreasing, >= 0); length: days per
    period; row i of F belongs to row i of the items frame the grid was built for.
    """

    as_of: pd.Timestamp
    period: str
    c: np.ndarray
    length: np.ndarray
    F: np.ndarray
    V: np.ndarray

    @property
    def period_days(self) -> float:
        return MEAN_PERIOD_DAYS[self.period]

    def cumulative(self, x: np.ndarray, rows: np.ndarray | None = None, M=None) -> np.ndarray:
        """Sum of matrix M (default F) over offsets (0, x] for each row (x per row, days)."""
        M = self.F if M is None else M
        if rows is not None:
            M = M[rows]
        x = np.maximum(np.asarray(x, dtype=float), 0.0)
        n, k = M.shape
        if k == 0:
            return np.zeros(n)
        frac = np.diff(self.c) / self.length
        cb = np.zeros((n, k + 1))
        np.cumsum(M * frac, axis=1, out=cb[:, 1:])
        idx = np.searchsorted(self.c, x, side="right") - 1
        before = idx < 0
        beyond = idx >= k
        j = np.clip(idx, 0, k - 1)
        r = np.arange(n)
        start = self.c[j]
        within = cb[r, j] + M[r, j] * (x - start) / self.length[j]
        tail = cb[:, k] + M[:, k - 1] / self.length[k - 1] * (x - self.c[k])
        out = np.where(beyond, tail, within)
        return np.where(before, 0.0, out)

    def window(self, x0, x1, rows=None, M=None) -> np.ndarray:
        """Sum of M over offsets (x0, x1]."""
        return self.cumulative(x1, rows, M) - self.cumulative(x0, rows, M)

    def add_derived(
        self, parent: np.ndarray, child: np.ndarray, factor: np.ndarray, start: np.ndarray
    ) -> None:
        """Add factor x child's forecast (and factor^2 x its variance) to parent rows, from offset
        `start` (days) on; a period partly before `start` adds only its share after it."""
        if len(parent) == 0 or self.F.shape[1] == 0:
            return
        lo = np.maximum(self.c[None, :-1], np.asarray(start, dtype=float)[:, None])
        span = np.diff(self.c)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(span > 0, np.clip((self.c[None, 1:] - lo) / span, 0, 1), 0.0)
        f = np.asarray(factor, dtype=float)[:, None]
        np.add.at(self.F, parent, self.F[child] * f * share)
        np.add.at(self.V, parent, self.V[child] * f**2 * share)

    def first_crossing(self, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Smallest offset x >= 0 with cumulative forecast(x) >= y per row; NaN past the horizon.

        y <= 0 gives 0 (already reached).
        """
        M = self.F[rows]
        n, k = M.shape
        y = np.asarray(y, dtype=float)
        if k == 0:
            return np.where(y <= 0, 0.0, np.nan)
        frac = np.diff(self.c) / self.length
        cb = np.zeros((n, k + 1))
        np.cumsum(M * frac, axis=1, out=cb[:, 1:])
        j = (cb < y[:, None] - 1e-9).sum(axis=1) - 1  # cb[j] < y <= cb[j + 1]
        ok = (j >= 0) & (j < k)
        jj = np.clip(j, 0, k - 1)
        r = np.arange(n)
        rate = M[r, jj] / self.length[jj]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.maximum(self.c[jj], 0) + (y - cb[r, jj]) / rate
        x = np.where(ok, x, np.nan)
        return np.where(y <= 0, 0.0, x)


def build_grid(items: pd.DataFrame, forecast: pd.DataFrame, as_of: dt.date, period: str) -> Grid:
    """Align `forecast` (SERIES_KEYS, period_start, forecast_qty[, sigma | forecast_sigma]) to
    `items`.

    Items without forecast rows get zero demand and zero error; forecast rows of other items are
    ignored. Missing periods inside the grid count as zero.
    """
    check_period(period)
    if "forecast_hi" in forecast and not {"sigma", "forecast_sigma"} & set(forecast.columns):
        raise ValueError(
            "the forecast has forecast_hi but no forecast_sigma (or sigma) column: the planner "
            "takes the forecast error from forecast_sigma and no longer decodes it from the bounds"
        )
    as_of_ts = pd.Timestamp(as_of).normalize()
    t0 = as_of_ts + pd.Timedelta(days=1)
    n = len(items)
    starts = pd.to_datetime(forecast["period_start"]).dt.normalize() if len(forecast) else None
    if starts is None or n == 0:
        return Grid(as_of_ts, period, np.zeros(1), np.ones(0), np.zeros((n, 0)), np.zeros((n, 0)))
    first, last = starts.min(), starts.max()
    grid_starts = [first]
    while grid_starts[-1] < last:
        grid_starts.append(shift_period(grid_starts[-1], period, 1))
    grid_starts.append(shift_period(grid_starts[-1], period, 1))
    bounds = pd.DatetimeIndex(grid_starts)
    a = ((bounds - t0) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    length = np.diff(a)
    c = np.maximum(a, 0.0)
    k = len(length)

    row_of = items[SERIES_KEYS].reset_index(drop=True).copy()
    row_of["_row"] = np.arange(n)
    fc = forecast.assign(_start=starts.to_numpy())
    fc = fc.merge(row_of, on=SERIES_KEYS, how="inner")
    col = np.searchsorted(bounds[:-1].to_numpy(), fc["_start"].to_numpy())
    rows = fc["_row"].to_numpy()
    F = np.zeros((n, k))
    V = np.zeros((n, k))
    F[rows, col] = np.nan_to_num(fc["forecast_qty"].to_numpy(dtype=float))
    if "sigma" in fc:
        sig = fc["sigma"].to_numpy(dtype=float)
    elif "forecast_sigma" in fc:
        sig = fc["forecast_sigma"].to_numpy(dtype=float)
    else:
        sig = np.zeros(len(fc))
    V[rows, col] = np.nan_to_num(np.maximum(sig, 0.0)) ** 2
    return Grid(as_of_ts, period, c, length, F, V)
