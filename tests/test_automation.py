"""The nightly path with no one at the keyboard, and a partition rematerialized from the UI.

Both start the way Dagster starts them (the schedule's tick; one load run as the UI launches it)
and then let the automation conditions decide every later run, tick by tick, as the daemon's
sensor does. The marts must reflect the changed input, and each output mart must be built once,
after the last scope finished.
"""

from __future__ import annotations

import datetime
import time

import dagster as dg
import duckdb
import pytest

from orchestration.assets.extract import ACCOUNT_DATA_KEYS
from orchestration.definitions import build_definitions
from orchestration.runner import drive, prepare_instance, run_pipeline
from tributary.config import Account, Config, Connection, Home, Master

OUTPUT_MARTS = ["demand_forecast", "order_plan", "kpis"]
SCOPE_KEYS = [
    dg.AssetKey(["forecasts", "demand_forecast"]),
    dg.AssetKey(["plans", "order_plan"]),
    dg.AssetKey(["kpis", "kpis"]),
]


def _sales(weeks: int, qty: int) -> str:
    start = datetime.date(2025, 1, 6)
    lines = "".join(
        f"{start + datetime.timedelta(weeks=w)},A,{qty + w % 3},4.5\n"
        f"{start + datetime.timedelta(weeks=w, days=2)},B,{1 + w % 2},2.0\n"
        for w in range(weeks)
    )
    return "date,item_code,qty_sold,sales_price\n" + lines


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Home:
    root = tmp_path_factory.mktemp("nightly")
    for account, qty in (("north", 5), ("south", 2)):
        (root / "data" / account).mkdir(parents=True)
        (root / "data" / account / "transactions.csv").write_text(_sales(24, qty))
    master = Master(currency="EUR", name="Group", as_of=datetime.date(2025, 6, 22))
    master.forecast.prophet = "never"
    home = Home(root)
    home.save(
        Config(
            master=master,
            accounts=[
                Account(a, a.title(), "EUR", Connection(path=f"data/{a}"))
                for a in ("north", "south")
            ],
        )
    )
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok, summary
    return home


def _forecast_total(home: Home, account: str) -> float:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(
            "select sum(forecast_qty) from marts.demand_forecast "
            "where account_id = ? and item_code = 'A'",
            [account],
        ).fetchone()[0]


def _marts(home: Home, account: str) -> dict[str, float]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return {
            "forecast": _forecast_total(home, account),
            "order_up_to": con.execute(
                "select order_up_to from marts.order_plan where account_id = ? and item_code = 'A'",
                [account],
            ).fetchone()[0],
            "revenue_next_year": con.execute(
                "select revenue_next_year from marts.kpis where account_id = ? and item_code = 'A'",
                [account],
            ).fetchone()[0],
        }


def _materializations(instance: dg.DagsterInstance, key: dg.AssetKey, since: float) -> list:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, after_timestamp=since), limit=1000
    ).records
    return sorted(record.timestamp for record in records)


def _assert_each_mart_built_once_after_every_scope(home: Home, since: float, scopes: int) -> None:
    instance = prepare_instance(home)
    last_scope = 0.0
    for key in SCOPE_KEYS:
        stamps = _materializations(instance, key, since)
        assert len(stamps) == scopes, (key, stamps)  # every scope, once
        last_scope = max(last_scope, *stamps)
    for mart in OUTPUT_MARTS:
        stamps = _materializations(instance, dg.AssetKey(["marts", mart]), since)
        assert len(stamps) == 1, (mart, stamps)
        assert stamps[0] > last_scope, mart
    warehouse = _materializations(instance, dg.AssetKey(["marts", "sales_history"]), since)
    assert len(warehouse) == 1


def test_nightly_schedule_tick_refreshes_every_mart_once(home):
    before = _marts(home, "master")
    with (home.root / "data" / "north" / "transactions.csv").open("a") as handle:
        for day in range(10, 22):
            handle.write(f"2025-06-{day},A,40,4.5\n")  # a surge in the last weeks

    since = time.time()
    defs = build_definitions(str(home.root))
    instance = prepare_instance(home)
    with dg.build_schedule_context(
        instance=instance,
        resources={"tributary_home": defs.resources["tributary_home"]},
        repository_def=defs.get_repository_def(),
        scheduled_execution_time=datetime.datetime(2025, 6, 23, 2, 0),
    ) as context:
        requests = defs.resolve_schedule_def("nightly_refresh").evaluate_tick(context).run_requests
    assert sorted(r.partition_key for r in requests) == ["north", "south"]

    summary = drive(home, requests, echo=lambda _: None)
    assert summary.ok, summary
    after = _marts(home, "master")
    assert after["forecast"] > before["forecast"]
    assert after["order_up_to"] > before["order_up_to"]
    assert after["revenue_next_year"] != before["revenue_next_year"]
    _assert_each_mart_built_once_after_every_scope(home, since, scopes=3)
    # Bounded: two loads, one warehouse build, three scopes, one build of the output marts.
    assert [run.spec.stage for run in summary.runs] == [
        "load",
        "load",
        "warehouse",
        "scope",
        "scope",
        "scope",
        "marts",
    ]


def test_one_partition_materialized_as_in_the_ui_carries_through_to_the_marts(home):
    before = _forecast_total(home, "south")
    with (home.root / "data" / "south" / "transactions.csv").open("a") as handle:
        for day in range(10, 22):
            handle.write(f"2025-06-{day},A,30,4.5\n")
    since = time.time()
    # What the UI launches for "Materialize" on one partition of the load assets.
    request = dg.RunRequest(
        partition_key="south", asset_selection=ACCOUNT_DATA_KEYS, tags={"tributary/trigger": "ui"}
    )
    summary = drive(home, [request], echo=lambda _: None)
    assert summary.ok, summary
    assert summary.loaded == ["south"]
    assert _forecast_total(home, "south") > before
    _assert_each_mart_built_once_after_every_scope(home, since, scopes=3)
