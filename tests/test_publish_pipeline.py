"""The whole graph on a tiny home, published to the machine's real PostgreSQL.

Uses ``TRIBUTARY_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``); the
user must be allowed to create schemas and roles. Skipped, with the reason, when no server
answers. Elsewhere: ``TRIBUTARY_TEST_PG_URL=postgresql://me@host/db python -m pytest
tests/test_publish_pipeline.py``.
"""

from __future__ import annotations

import os
import secrets

import duckdb
import psycopg2
import pytest

from orchestration.definitions import build_definitions
from orchestration.runner import prepare_instance, run_pipeline
from tributary.config import Account, Config, Connection, Home, Master

PG_URL = os.environ.get("TRIBUTARY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pg():
    return psycopg2.connect(PG_URL, connect_timeout=5)


@pytest.fixture(scope="module")
def schema():
    try:
        pg().close()
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at TRIBUTARY_TEST_PG_URL ({exc})")
    name = f"marts_e2e_{secrets.token_hex(4)}"
    yield name
    with pg() as con, con.cursor() as cur:
        cur.execute(f"drop schema if exists {name} cascade")
        cur.execute("drop role if exists tributary_e2e_bi")
    con.close()


@pytest.fixture(scope="module")
def home(tmp_path_factory, schema):
    root = tmp_path_factory.mktemp("publish")
    rows = {
        "north": "date,item_code,qty_sold\n"
        + "".join(f"2025-0{m}-{d:02d},A,{d % 5 + 1}\n" for m in (3, 4, 5, 6) for d in (3, 17)),
        "south": "date,item_code,qty_sold\n2025-06-03,A,2\n2025-06-10,B,1\n",
    }
    for account, text in rows.items():
        (root / "data" / account).mkdir(parents=True)
        (root / "data" / account / "transactions.csv").write_text(text)
    home = Home(root)
    master = Master(currency="EUR", name="Group", as_of=__import__("datetime").date(2025, 6, 30))
    master.forecast.prophet = "never"
    home.save(
        Config(
            master=master,
            accounts=[Account(a, a.title(), "EUR", Connection(path=f"data/{a}")) for a in rows],
        )
    )
    env = {
        "TRIBUTARY_PUBLISH_URL": PG_URL,
        "TRIBUTARY_BI_ROLE": "tributary_e2e_bi",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def published_count(schema: str, table: str) -> int:
    with pg() as con, con.cursor() as cur:
        cur.execute(f"select count(*) from {schema}.{table}")
        return cur.fetchone()[0]


def test_run_publishes_every_mart_after_the_checks(home, schema, monkeypatch):
    monkeypatch.setenv("TRIBUTARY_PUBLISH_SCHEMA", schema)
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok, summary
    assert summary.published is True
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        tables = [
            r[0]
            for r in con.sql(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        counts = {t: con.sql(f"select count(*) from marts.{t}").fetchone()[0] for t in tables}
    assert {"accounts", "sales_history", "demand_forecast"} <= set(tables)
    for table, count in counts.items():
        assert published_count(schema, table) == count, table
    with pg() as con, con.cursor() as cur:
        cur.execute("set role tributary_e2e_bi")
        cur.execute(f"select count(*) from {schema}.sales_history where account_id = 'master'")
        assert cur.fetchone()[0] == counts["sales_history"] // 2


def test_a_failing_expectation_blocks_publishing(home, schema, monkeypatch):
    monkeypatch.setenv("TRIBUTARY_PUBLISH_SCHEMA", schema)
    before = published_count(schema, "demand_forecast")
    # Break an output the way a bug would: a negative forecast.
    with duckdb.connect(str(home.warehouse)) as con:
        con.execute("update marts.demand_forecast set forecast_qty = -1 where true")
    instance = prepare_instance(home)
    result = (
        build_definitions(str(home.root))
        .resolve_job_def("publish_postgres")
        .execute_in_process(instance=instance, raise_on_error=False)
    )
    assert not result.success
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed = {ev.check_name for ev in evaluations if not ev.passed}
    assert failed == {"expectations_demand_forecast"}
    published = [
        e
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
        and e.asset_key.path == ["publish", "postgres_marts"]
    ]
    assert published == []
    with pg() as con, con.cursor() as cur:
        cur.execute(f"select min(forecast_qty) from {schema}.demand_forecast")
        assert cur.fetchone()[0] >= 0  # the published table still holds the good forecast
    assert published_count(schema, "demand_forecast") == before
