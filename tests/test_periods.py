"""The period and scope facts every module reads (tributary.periods, tributary.scopes)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tributary.config import parse_config
from tributary.periods import (
    MEAN_PERIOD_DAYS,
    check_period,
    first_forecast_period,
    period_days,
    shift_period,
)
from tributary.scopes import MASTER_ID, scope_ids


def test_shift_period_steps_whole_months_and_fixed_weeks():
    assert shift_period(pd.Timestamp("2024-01-01"), "month", 1) == pd.Timestamp("2024-02-01")
    assert shift_period(pd.Timestamp("2024-03-01"), "month", -2) == pd.Timestamp("2024-01-01")
    assert shift_period(pd.Timestamp("2024-12-30"), "week", 1) == pd.Timestamp("2025-01-06")
    assert shift_period(pd.Timestamp("2024-12-31"), "day", 1) == pd.Timestamp("2025-01-01")


def test_period_days_counts_each_month_and_the_mean_is_a_twelfth_of_a_year():
    starts = pd.DatetimeIndex(["2024-02-01", "2025-02-01", "2025-03-01"])
    assert period_days(starts, "month").tolist() == [29.0, 28.0, 31.0]
    assert period_days(starts, "week").tolist() == [7.0, 7.0, 7.0]
    assert MEAN_PERIOD_DAYS["month"] == 30.4375


def test_the_forecast_starts_after_the_last_complete_week():
    assert first_forecast_period(dt.date(2025, 6, 29), "week") == pd.Timestamp("2025-06-30")
    assert first_forecast_period(dt.date(2025, 7, 2), "week") == pd.Timestamp("2025-06-30")


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="fortnight"):
        check_period("fortnight")


def test_scopes_are_the_master_then_the_children_in_file_order():
    config = parse_config(
        "master:\n  name: Group\naccounts:\n"
        "  - id: shop\n    connection: {type: folder, path: a}\n"
        "  - id: erp\n    connection: {type: folder, path: b}\n"
    )
    assert scope_ids(config) == [MASTER_ID, "shop", "erp"]
    assert MASTER_ID == "master"  # the id the marts and dbt's SQL carry
