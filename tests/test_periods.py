"""The period and scope facts every module reads (tributary.periods, tributary.scopes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import pytest

from tributary.config import parse_config
from tributary.periods import (
    MEAN_PERIOD_DAYS,
    PERIODS,
    check_period,
    first_forecast_period,
    period_days,
    period_floor,
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


# dbt's side of the same facts: the macros of planning_vars.sql, rendered with the few dbt
# context names they use (var, modules, exceptions) and run in DuckDB as the models run them.
PLANNING_VARS = Path(__file__).resolve().parents[1] / "dbt_project" / "macros" / "planning_vars.sql"


class _CompilerError(Exception):
    pass


def _dbt_period_macros(period: str):
    class Exceptions:
        @staticmethod
        def raise_compiler_error(message: str):
            raise _CompilerError(message)

    context = {
        "var": lambda name, default=None: {"period": period}.get(name, default),
        "modules": {"datetime": dt},
        "exceptions": Exceptions,
    }
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
        PLANNING_VARS.read_text(), globals=context
    )
    return template.make_module()


@pytest.mark.parametrize("period", PERIODS)
def test_dbt_macros_have_the_period_lengths_and_steps_of_tributary_periods(period):
    macros = _dbt_period_macros(period)
    assert float(str(macros.period_days())) == MEAN_PERIOD_DAYS[period]
    # Every day of two years with a leap day: the period start, the next start and the length.
    rows = duckdb.sql(
        f"""
        with days as (
            select cast(d as date) as d
            from range(date '2023-11-27', date '2025-03-10', interval 1 day) as t (d)
        ),
        starts as (select d, {macros.period_start("d")} as start from days)
        select
            d,
            start,
            cast(start + {macros.period_interval()} as date) as next_start,
            cast(start + {macros.period_interval()} as date) - start as days
        from starts
        order by d
        """
    ).df()
    starts = [period_floor(day, period) for day in rows["d"]]
    assert rows["start"].map(pd.Timestamp).tolist() == starts
    assert rows["next_start"].map(pd.Timestamp).tolist() == [
        shift_period(start, period, 1) for start in starts
    ]
    assert rows["days"].tolist() == period_days(pd.DatetimeIndex(starts), period).tolist()


def test_dbt_accepts_exactly_the_periods_of_tributary_periods():
    for period in PERIODS:
        assert str(_dbt_period_macros(period).period()) == period
    with pytest.raises(_CompilerError, match="fortnight"):
        _dbt_period_macros("fortnight").period()


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
