"""The whole graph on the demo home: real loads, real dbt, real Dagster runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from marts import MARTS

from orchestration.runner import run_pipeline
from tributary.config import Home
from tributary.demo import write_demo_home


def snapshot(home: Home) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return {table: con.sql(f"select * from marts.{table} order by all").df() for table in MARTS}


def query(home: Home, sql: str) -> list[tuple]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Home, dict[str, pd.DataFrame]]:
    home = Home(tmp_path_factory.mktemp("demo"))
    write_demo_home(home.root)
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok, summary
    return home, snapshot(home)


def test_demo_loads_every_account_and_builds_every_mart(demo):
    home, marts = demo
    accounts = marts["accounts"].set_index("account_id")
    assert set(accounts.index) == {"master", "warehouse", "webshop", "wholesale"}
    children = accounts[accounts["role"] == "child"]
    assert (children["load_status"] == "ok").all()
    assert (children["rows_loaded"] > 0).all()
    # The demo has four deliberate bad rows per account, each rejected with its reason.
    assert children["rows_rejected"].to_dict() == {"warehouse": 4, "webshop": 4, "wholesale": 4}
    rejected = marts["rejected_rows"]
    assert set(rejected["account_id"]) >= {"warehouse", "webshop", "wholesale"}
    assert rejected["reason"].str.len().gt(0).all()
    for table in MARTS:
        assert len(marts[table]) > 0, table


def test_master_on_hand_is_the_sum_of_the_children(demo):
    home, _ = demo
    mismatches = query(
        home,
        """
        with children as (
            select item_code, location, sum(on_hand) as on_hand
            from marts.inventory_position where account_id <> 'master' group by all
        )
        select * from marts.inventory_position as m
        full join children as c using (item_code, location)
        where m.account_id = 'master' and m.on_hand is distinct from c.on_hand
           or m.account_id is null
        """,
    )
    assert mismatches == []


def test_master_sales_history_has_exactly_the_children_lines(demo):
    home, _ = demo
    counts = query(
        home,
        """
        select source_account_id,
               count(*) filter (where account_id = 'master'),
               count(*) filter (where account_id = source_account_id),
               sum(qty_sold) filter (where account_id = 'master'),
               sum(qty_sold) filter (where account_id = source_account_id)
        from marts.sales_history group by all order by all
        """,
    )
    assert [c[0] for c in counts] == ["warehouse", "webshop", "wholesale"]
    for _, master_lines, child_lines, master_qty, child_qty in counts:
        assert master_lines == child_lines > 0
        assert master_qty == pytest.approx(child_qty)


def test_every_scope_forecasts_every_series_over_the_horizon(demo):
    home, marts = demo
    history = marts["demand_history"][["account_id", "item_code", "location"]].drop_duplicates()
    forecast = marts["demand_forecast"]
    per_series = forecast.groupby(["account_id", "item_code", "location"]).size()
    assert set(per_series) == {52}  # the demo's weekly horizon: one year
    assert len(per_series) == len(history)
    assert set(forecast["account_id"]) == {"master", "warehouse", "webshop", "wholesale"}
    assert (forecast["forecast_qty"] >= 0).all()
    assert (forecast["forecast_lo"] <= forecast["forecast_qty"]).all()
    assert (forecast["forecast_qty"] <= forecast["forecast_hi"]).all()
    # The first forecast week follows as_of (2026-11-01, a Sunday closing its week).
    assert forecast["period_start"].min() == pd.Timestamp("2026-11-02")
    accuracy = marts["forecast_accuracy"]
    assert len(accuracy) == len(history)
    tested = accuracy[accuracy["periods_tested"] > 0]
    assert tested["mase"].notna().all() and len(tested) > len(accuracy) / 2
    # Inactive and terminated items forecast zero under their own model name.
    off = forecast[forecast["model"].isin(["inactive", "terminated"])]
    assert len(off) > 0 and (off["forecast_qty"] == 0).all()


def test_the_demo_plans_every_scope(demo):
    _, marts = demo
    plan = marts["order_plan"]
    assert set(plan["account_id"]) == {"master", "warehouse", "webshop", "wholesale"}
    assert (plan["order_qty"] >= 0).all() and (plan["order_qty"] % 1 == 0).all()
    assert (plan["order_qty"] > 0).any()
    assert len(marts["purchase_orders"]) > 0
    assert len(marts["order_plan_by_account"]) > 0
    # The demo's warehouse has a DC supplying two stores, a two-level BOM and expiring batches.
    assert (marts["transfers"]["kind"] == "dc").any()
    assert len(marts["manufacturing_orders"]) > 0 and len(marts["material_plan"]) > 0
    assert len(marts["projected_write_offs"]) > 0


def test_kpis_cover_every_item_once_and_the_master_adds_up(demo):
    _, marts = demo
    kpis = marts["kpis"]
    items = marts["items"][["account_id", "item_code", "location"]]
    keys = ["account_id", "item_code", "location"]
    assert not kpis.duplicated(keys).any()
    assert len(kpis.merge(items, on=keys)) == len(items)  # every item of every view, once
    assert set(kpis["abc_class"]) <= {"A", "B", "C"} and kpis["abc_class"].notna().all()
    summary = marts["kpi_summary"].set_index("account_id")
    children = summary.drop(index="master")
    for additive in ("annual_revenue", "stockout_days_12m"):
        assert summary.loc["master", additive] == pytest.approx(children[additive].sum()), additive
    assert summary.loc["master", "items"] == (kpis["account_id"] == "master").sum()


def test_running_twice_gives_identical_marts(demo):
    home, first = demo
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok
    second = snapshot(home)
    for table in MARTS:
        pd.testing.assert_frame_equal(first[table], second[table], obj=table)


def test_a_failed_account_keeps_its_last_good_data_while_others_refresh(demo, tmp_path):
    home, before = demo
    # Work on a copy so the module's demo home stays as it was for the other tests.
    copy = Home(tmp_path / "home")
    shutil.copytree(home.root, copy.root, ignore=shutil.ignore_patterns("dagster"))
    webshop = copy.root / "data" / "webshop" / "transactions.csv"
    webshop.write_bytes(b"Date,Item code,Qty sold\n01/02/2026,CAF\xe9,1\n")  # not UTF-8
    warehouse = copy.root / "data" / "warehouse" / "transactions.csv"
    with warehouse.open("a") as handle:
        handle.write("2026-10-31,COF-101,STORE-N,5,,-5\n")
    header = warehouse.read_text().splitlines()[0].split(",")
    assert header == ["date", "item_code", "location", "qty_sold", "sales_price", "on_hand_change"]

    summary = run_pipeline(copy, echo=lambda _: None)
    assert set(summary.failed) == {"webshop"}
    assert "transactions.csv" in summary.failed["webshop"]
    assert "not UTF-8" in summary.failed["webshop"]
    assert summary.warehouse_ok

    after = snapshot(copy)
    accounts = after["accounts"].set_index("account_id")
    assert accounts.loc["webshop", "load_status"] == "stale"
    assert "not UTF-8" in accounts.loc["webshop", "last_error"]
    assert accounts.loc["master", "load_status"] == "partial"
    assert "webshop" in accounts.loc["master", "stale_children"]
    assert accounts.loc["warehouse", "load_status"] == "ok"

    def lines(marts, account):
        frame = marts["sales_history"]
        return frame[frame["account_id"] == account].reset_index(drop=True)

    # The failed account still has exactly its previous lines, in its view and the master's.
    pd.testing.assert_frame_equal(lines(before, "webshop"), lines(after, "webshop"))
    # The others refreshed: the appended warehouse line is there.
    assert len(lines(after, "warehouse")) == len(lines(before, "warehouse")) + 1
    master = after["sales_history"][after["sales_history"]["account_id"] == "master"]
    assert (master["source_account_id"] == "webshop").sum() == len(lines(before, "webshop"))


def test_demo_files_and_warehouse_stay_in_the_home(demo):
    home, _ = demo
    assert home.warehouse.exists()
    assert (home.dagster_home / "dagster.yaml").exists()
    assert sorted(p.name for p in (home.lake / "raw").iterdir()) == sorted(
        [
            "batches",
            "bom",
            "channels",
            "item_map",
            "items",
            "orders_to_receive",
            "orders_to_ship",
            "promotions",
            "rejected_rows",
            "substitutions",
            "transactions",
        ]
    )
    assert not (home.lake / ".staging").exists()
    assert not Path(home.lake / ".previous").exists()


def test_an_account_removed_from_accounts_yaml_is_no_longer_served(demo, tmp_path):
    home, _ = demo
    copy = Home(tmp_path / "home")
    shutil.copytree(home.root, copy.root, ignore=shutil.ignore_patterns("dagster"))
    config = copy.load()
    config.accounts = [a for a in config.accounts if a.id != "wholesale"]
    copy.save(config)  # edited by hand, not with `tributary accounts remove`

    assert run_pipeline(copy, echo=lambda _: None).ok
    after = snapshot(copy)
    for table in ("sales_history", "inventory_position", "demand_forecast", "rejected_rows"):
        frame = after[table]
        assert "wholesale" not in set(frame["account_id"]), table
        if "source_account_id" in frame:
            assert "wholesale" not in set(frame["source_account_id"]), table
    # Nothing is deleted: its validated data stays in the lake for when it comes back.
    assert (copy.lake / "raw" / "transactions" / "account=wholesale").exists()
