"""A planner override on the demo home survives reruns, reaches the marts and moves the plan."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from orchestration.runner import run_pipeline
from tributary.config import Home
from tributary.demo import write_demo_home
from tributary.forecasting.overrides import OVERRIDES_FILE

FORECAST_SQL = (
    "select account_id, period_start, forecast_qty, forecast_qty_statistical, override_note, "
    "override_flagged from marts.demand_forecast where item_code = ? and location = ? "
    "and account_id in ('webshop', 'master') order by all"
)
PLAN_SQL = (
    "select account_id, demand_over_lead_time from marts.order_plan "
    "where item_code = ? and location = ? and account_id in ('webshop', 'master') order by all"
)


def query(home: Home, sql: str, params: list) -> pd.DataFrame:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(sql, params).df()


def test_an_override_survives_two_reruns_and_moves_the_plan(tmp_path):
    home = Home(tmp_path / "home")
    write_demo_home(home.root)
    assert run_pipeline(home, echo=lambda _: None).ok
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        item, location, first = con.sql(
            "select item_code, location, min(period_start) from marts.demand_forecast "
            "where account_id = 'webshop' and forecast_qty > 0 group by all order by all limit 1"
        ).fetchone()
        untouched = con.sql(
            "select count(*) from marts.demand_forecast where override_note is not null "
            "or forecast_qty_statistical <> forecast_qty or override_flagged"
        ).fetchone()[0]
    assert untouched == 0  # no overrides.csv: the new columns only repeat the statistical forecast
    before = query(home, FORECAST_SQL, [item, location]).set_index(["account_id", "period_start"])
    plan_before = query(home, PLAN_SQL, [item, location]).set_index("account_id")
    end = pd.Timestamp(first) + pd.Timedelta(weeks=7)
    (home.root / OVERRIDES_FILE).write_text(
        "account_id,item_code,location,period_start,period_end,qty,pct_change,note,author\n"
        f"webshop,{item},{location},{first:%Y-%m-%d},{end:%Y-%m-%d},500,,trade fair,ann\n"
        f"webshop,NO-SUCH-ITEM,,{first:%Y-%m-%d},{end:%Y-%m-%d},,20,gone,ann\n"
    )
    lines: list[str] = []
    for _ in range(2):
        summary = run_pipeline(home, echo=lines.append)
        assert summary.ok, summary
        assert summary.overrides_unmatched == {"webshop": 1}
    assert any("override 2" in line and "unknown item" in line for line in lines)
    after = query(home, FORECAST_SQL, [item, location]).set_index(["account_id", "period_start"])
    webshop = after.loc["webshop"]
    covered = webshop.index <= end
    assert (webshop.loc[covered, "forecast_qty"] == 500).all()
    assert (webshop.loc[covered, "override_note"] == "trade fair").all()
    assert webshop.loc[covered, "override_flagged"].all()
    pd.testing.assert_series_equal(
        webshop["forecast_qty_statistical"],
        before.loc["webshop", "forecast_qty"],
        check_names=False,
    )
    assert webshop.loc[~covered, "override_note"].isna().all()
    # the master (mode 'combined') gets the child's change on top of its own statistical value
    master, webshop_before = after.loc["master"], before.loc["webshop", "forecast_qty"]
    change = (500 - webshop_before[covered]).to_numpy()
    expected = (before.loc["master", "forecast_qty"][covered].to_numpy() + change).clip(min=0)
    assert master.loc[covered, "forecast_qty"].to_numpy() == pytest.approx(expected)
    assert (master.loc[covered, "override_note"] == "via webshop: trade fair").all()
    plan_after = query(home, PLAN_SQL, [item, location]).set_index("account_id")
    for account in ("webshop", "master"):
        assert (
            plan_after.loc[account, "demand_over_lead_time"]
            > plan_before.loc[account, "demand_over_lead_time"]
        ), account
