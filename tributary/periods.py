"""Planning periods: which there are, how long they are and how to step between their starts.

The one place the forecaster, the planner, the KPIs and the config read a period's facts from.
Weeks start on Monday (like DuckDB's date_trunc), months on the 1st. dbt's SQL says the same in
DuckDB's terms (macros/planning_vars.sql: date_trunc, an interval, the mean length);
tests/test_periods.py runs those macros in DuckDB and fails when the two disagree.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

PERIODS = ("day", "week", "month")
# Days and weeks have a fixed length; a month's depends on the month (period_days).
FIXED_PERIOD_DAYS = {"day": 1, "week": 7}
# The mean length, where one number per period is needed (order cycles, shelf life, lead times
# in periods): a month is a twelfth of the mean Gregorian year.
MEAN_PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
PERIODS_PER_YEAR = {"day": 365, "week": 52, "month": 12}


def check_period(period: str) -> None:
    """Raise ValueError unless `period` is one of PERIODS."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")


def period_floor(day: pd.Timestamp, period: str) -> pd.Timestamp:
    """Start of the period containing `day`."""
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
    return pd.Timestamp(start) + pd.Timedelta(days=n * FIXED_PERIOD_DAYS[period])


def period_days(starts: pd.Series | pd.DatetimeIndex, period: str) -> np.ndarray:
    """Number of days in each period starting at `starts`."""
    if period == "month":
        return np.asarray(pd.DatetimeIndex(starts).days_in_month, dtype=float)
    return np.full(len(starts), float(FIXED_PERIOD_DAYS[period]))


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
