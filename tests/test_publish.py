"""Publishing the marts to PostgreSQL (tributary.publish) against a real PostgreSQL server.

By default the tests use ``postgresql://postgres@127.0.0.1:5432/test`` (trust auth). To run them
elsewhere point ``TRIBUTARY_TEST_PG_URL`` at any database where the user may create schemas and
roles (CREATEROLE), e.g.::

    TRIBUTARY_TEST_PG_URL=postgresql://me:secret@db.example:5432/scratch \
        .venv/bin/pytest tests/test_publish.py

When the server cannot be reached the tests are skipped with a message saying so. Every test
publishes into its own schema ``marts_test_<random>`` and its own roles
(``tributary_bi_t<random>``, ``tributary_acct_t<random>_<account>``), all dropped afterwards.
The warehouse is a small DuckDB file built here, independent of the rest of the pipeline.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg2
import psycopg2.errors
import pytest
from psycopg2 import sql

from tributary.publish import PublishError, account_role_name, publish_marts

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
# A libpq URL; a SQLAlchemy one (postgresql+psycopg2://) is accepted too.
PG_URL = re.sub(
    r"^postgres(?:ql)?\+\w+://",
    "postgresql://",
    os.environ.get("TRIBUTARY_TEST_PG_URL", DEFAULT_PG_URL),
)


def connect(url: str = PG_URL):
    conn = psycopg2.connect(url, connect_timeout=5)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="module")
def pg_url() -> str:
    try:
        connect().close()
    except psycopg2.OperationalError as exc:
        pytest.skip(
            f"PostgreSQL not reachable at {PG_URL} ({str(exc).strip()}); "
            "set TRIBUTARY_TEST_PG_URL to run the publishing tests"
        )
    return PG_URL


@dataclass
class Target:
    url: str
    schema: str
    bi_role: str
    role_prefix: str
    conn: object  # an autocommit psycopg2 connection for assertions

    def rows(self, query: str, params=None) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(query.replace("{schema}", self.schema), params)
            return cur.fetchall()

    def value(self, query: str, params=None):
        return self.rows(query, params)[0][0]

    def tables(self) -> set[str]:
        return {
            name
            for (name,) in self.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (self.schema,),
            )
        }

    def publish(self, warehouse: Path, **kwargs):
        kwargs.setdefault("account_role_prefix", self.role_prefix)
        return publish_marts(warehouse, self.url, schema=self.schema, **kwargs)


@pytest.fixture
def target(pg_url):
    token = secrets.token_hex(4)
    conn = connect(pg_url)
    target = Target(
        url=pg_url,
        schema=f"marts_test_{token}",
        bi_role=f"tributary_bi_t{token}",
        role_prefix=f"tributary_acct_t{token}_",
        conn=conn,
    )
    yield target
    with conn.cursor() as cur:
        cur.execute("RESET ROLE")
        cur.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(target.schema))
        )
        cur.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = %s OR starts_with(rolname, %s)",
            (target.bi_role, target.role_prefix),
        )
        for (role,) in cur.fetchall():
            cur.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    conn.close()


# --- a small warehouse ----------------------------------------------------------------------


def make_warehouse(path: Path, version: str = "v1", big_rows: int = 0, extra: str = "") -> Path:
    """A DuckDB file with schema marts: accounts, items, sales_history (+ demand_history).

    ``version`` changes the content (v2: a different quantity, one more sales line), ``big_rows``
    adds ``demand_history`` with that many rows, all tagged with ``version``; ``extra`` is SQL
    run at the end (to plant a bad value).
    """
    path.unlink(missing_ok=True)
    qty = 1.5 if version == "v1" else 2.5
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        """
        CREATE TABLE marts.accounts AS SELECT * FROM (VALUES
            ('master', 'Acme Group', 'master', TIMESTAMP '2026-11-01 02:00:00', 5::BIGINT),
            ('north', 'North warehouse', 'child', TIMESTAMP '2026-11-01 02:00:01.5', 3::BIGINT),
            ('shop', 'Web shop', 'child', NULL, 2::BIGINT)
        ) AS t(account_id, name, role, last_loaded_at, rows_loaded)
        """
    )
    con.execute(
        """
        CREATE TABLE marts.items AS SELECT * FROM (VALUES
            ('north', 'A1', 'WH1', 'Widget "deluxe", blue', ['tools', 'a,b', NULL, 'q"uote'],
             14, 0.95::DECIMAL(5,3)),
            ('shop', 'A1', 'WEB', '', []::VARCHAR[], 7, 0.9::DECIMAL(5,3)),
            ('master', 'A1', 'WH1', NULL, NULL::VARCHAR[], NULL, 0.95::DECIMAL(5,3))
        ) AS t(account_id, item_code, location, description, categories, lead_time_days,
               service_level)
        """
    )
    con.execute(
        f"""
        CREATE TABLE marts.sales_history AS SELECT * FROM (VALUES
            ('north', NULL, DATE '2026-10-05', 'A1', 'WH1', {qty}::DOUBLE, 10.0, false),
            ('shop', NULL, DATE '2026-10-06', 'A1', 'WEB', 1.0::DOUBLE, NULL, true),
            ('master', 'north', DATE '2026-10-05', 'A1', 'WH1', {qty}::DOUBLE, 10.0, false),
            ('master', 'shop', DATE '2026-10-06', 'A1', 'WEB', 1.0::DOUBLE, NULL, true)
        ) AS t(account_id, source_account_id, date, item_code, location, qty_sold, revenue,
               outlier)
        """
    )
    if version != "v1":
        con.execute(
            "INSERT INTO marts.sales_history VALUES "
            "('north', NULL, DATE '2026-10-12', 'A1', 'WH1', 4.0, 20.0, false)"
        )
    if big_rows:
        con.execute(
            f"""
            CREATE TABLE marts.demand_history AS
            SELECT ['north', 'shop', 'master'][1 + (i % 3)::INTEGER] AS account_id,
                   'ITEM-' || (i // 52)::VARCHAR AS item_code,
                   'WH1' AS location,
                   DATE '2024-01-01' + (i % 52)::INTEGER * 7 AS period_start,
                   (i % 17)::DOUBLE AS qty,
                   '{version}' AS version
            FROM range({big_rows}) r(i)
            """
        )
    if extra:
        con.execute(extra)
    con.close()
    return path


def dump(target: Target, table: str) -> list[tuple]:
    return target.rows(f"SELECT * FROM {{schema}}.{table} ORDER BY 1, 2, 3")


def leftovers(target: Target) -> set[str]:
    return {t for t in target.tables() if t.startswith("_tributary_staging")}


# --- tests ----------------------------------------------------------------------------------


def test_every_table_arrives_with_its_rows_and_types(target, tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    lines = []

    report = target.publish(warehouse, progress=lines.append)

    assert target.tables() == {"accounts", "items", "sales_history"}
    assert {t.name: t.rows for t in report.tables} == {
        "accounts": 3,
        "items": 3,
        "sales_history": 4,
    }
    assert report.rows == 10 and lines and "published 3 table(s)" in lines[-1]
    for table in ("accounts", "items", "sales_history"):
        assert target.value(f"SELECT count(*) FROM {{schema}}.{table}") == report.table(table).rows

    types = {
        (table, column): (data_type, udt)
        for table, column, data_type, udt in target.rows(
            "SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns "
            "WHERE table_schema = %s",
            (target.schema,),
        )
    }
    assert types[("accounts", "account_id")] == ("text", "text")
    assert types[("accounts", "last_loaded_at")] == ("timestamp without time zone", "timestamp")
    assert types[("accounts", "rows_loaded")] == ("bigint", "int8")
    assert types[("items", "categories")] == ("ARRAY", "_text")
    assert types[("items", "lead_time_days")] == ("integer", "int4")
    assert types[("items", "service_level")] == ("numeric", "numeric")
    assert types[("sales_history", "date")] == ("date", "date")
    assert types[("sales_history", "qty_sold")] == ("double precision", "float8")
    assert types[("sales_history", "outlier")] == ("boolean", "bool")

    assert dump(target, "items") == [
        ("master", "A1", "WH1", None, None, None, Decimal("0.950")),
        (
            "north",
            "A1",
            "WH1",
            'Widget "deluxe", blue',
            ["tools", "a,b", None, 'q"uote'],
            14,
            Decimal("0.950"),
        ),
        ("shop", "A1", "WEB", "", [], 7, Decimal("0.900")),  # empty string and list, not NULL
    ]
    assert target.rows("SELECT account_id, last_loaded_at FROM {schema}.accounts ORDER BY 1") == [
        ("master", dt.datetime(2026, 11, 1, 2, 0)),
        ("north", dt.datetime(2026, 11, 1, 2, 0, 1, 500000)),
        ("shop", None),
    ]
    assert target.rows(
        "SELECT source_account_id, date, qty_sold, revenue, outlier FROM {schema}.sales_history "
        "WHERE account_id = 'master' ORDER BY 1"
    ) == [
        ("north", dt.date(2026, 10, 5), 1.5, 10.0, False),
        ("shop", dt.date(2026, 10, 6), 1.0, None, True),
    ]
    assert leftovers(target) == set()


def test_republish_replaces_the_data_and_is_idempotent(target, tmp_path):
    target.publish(make_warehouse(tmp_path / "v1.duckdb"), bi_role=target.bi_role)
    v2 = make_warehouse(tmp_path / "v2.duckdb", version="v2")

    target.publish(v2, bi_role=target.bi_role)
    first = {table: dump(target, table) for table in ("accounts", "items", "sales_history")}
    assert len(first["sales_history"]) == 5
    assert {row[5] for row in first["sales_history"] if row[3] == "A1"} >= {2.5, 4.0}

    report = target.publish(v2, bi_role=target.bi_role)
    assert report.roles_created == []  # the role exists since the first publish
    assert target.tables() == {"accounts", "items", "sales_history"}
    assert {table: dump(target, table) for table in first} == first
    assert leftovers(target) == set()
    indexes = {
        name
        for (name,) in target.rows(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s", (target.schema,)
        )
    }
    assert indexes == {f"{t}_account_id_idx" for t in ("accounts", "items", "sales_history")}
    with target.conn.cursor() as cur:
        cur.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(target.bi_role)))
        cur.execute(
            sql.SQL("SELECT count(*) FROM {}.sales_history").format(sql.Identifier(target.schema))
        )
        assert cur.fetchone()[0] == 5  # the grants came back with the new tables
        cur.execute("RESET ROLE")


def test_publish_of_some_tables_only(target, tmp_path):
    target.publish(make_warehouse(tmp_path / "v1.duckdb"))
    v2 = make_warehouse(tmp_path / "v2.duckdb", version="v2")

    report = target.publish(v2, tables=["sales_history"])

    assert [t.name for t in report.tables] == ["sales_history"]
    assert target.value("SELECT count(*) FROM {schema}.sales_history") == 5
    with pytest.raises(PublishError, match="no such mart.*nope"):
        target.publish(v2, tables=["nope"])


def test_a_failure_mid_publish_leaves_every_published_table_intact(target, tmp_path):
    target.publish(make_warehouse(tmp_path / "v1.duckdb"), bi_role=target.bi_role)
    before = {table: dump(target, table) for table in ("accounts", "items", "sales_history")}

    # PostgreSQL rejects a value in the last table (dates beyond its range), after the first
    # two tables were already staged.
    bad = make_warehouse(
        tmp_path / "bad.duckdb",
        version="v2",
        extra="INSERT INTO marts.sales_history VALUES "
        "('north', NULL, DATE '5880000-01-01', 'A1', 'WH1', 1, 1, false)",
    )
    with pytest.raises(PublishError, match="nothing was changed.*out of range"):
        target.publish(bad, bi_role=target.bi_role)
    assert {table: dump(target, table) for table in before} == before
    assert leftovers(target) == set()

    # A crash of the publisher itself (here: its progress callback) after some tables were
    # staged: nothing of it is visible either.
    good = make_warehouse(tmp_path / "v2.duckdb", version="v2")
    staged = []

    def crash_on_second_table(line: str) -> None:
        staged.append(line)
        if len(staged) == 2:
            raise KeyboardInterrupt("killed mid-publish")

    with pytest.raises(KeyboardInterrupt):
        target.publish(good, bi_role=target.bi_role, progress=crash_on_second_table)
    assert {table: dump(target, table) for table in before} == before
    assert leftovers(target) == set()


def test_unreachable_database_is_a_clear_error(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    with pytest.raises(PublishError, match="cannot connect to PostgreSQL"):
        publish_marts(warehouse, "postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")


def test_a_reader_never_sees_a_partial_table(target, tmp_path):
    old_rows, new_rows = 200_000, 150_000
    target.publish(make_warehouse(tmp_path / "v1.duckdb", big_rows=old_rows))
    v2 = make_warehouse(tmp_path / "v2.duckdb", version="v2", big_rows=new_rows)
    expected = {(old_rows, "v1", "v1"), (new_rows, "v2", "v2")}

    reader = connect(target.url)  # another connection, READ COMMITTED autocommit like a dashboard
    query = sql.SQL("SELECT count(*), min(version), max(version) FROM {}.demand_history").format(
        sql.Identifier(target.schema)
    )
    outcome: dict = {}

    def publish() -> None:
        try:
            outcome["report"] = target.publish(v2)
        except BaseException as exc:  # reported by the main thread
            outcome["error"] = exc

    seen: list[tuple] = []
    publisher = threading.Thread(target=publish)
    deadline = time.monotonic() + 120
    with reader.cursor() as cur:
        publisher.start()
        # Count while the publish runs, then a few more times; bounded by the deadline.
        after = 0
        while after < 3 and time.monotonic() < deadline:
            if not publisher.is_alive():
                after += 1
            cur.execute(query)
            seen.append(cur.fetchone())
    publisher.join(timeout=120)
    reader.close()

    assert "error" not in outcome, outcome.get("error")
    assert not publisher.is_alive()
    report = outcome["report"]
    assert set(seen) <= expected, set(seen) - expected
    assert seen[-1] == (new_rows, "v2", "v2")
    assert len(seen) > 3, "the reader should have counted while the publish ran"
    print(
        f"\nre-published {new_rows} rows over {old_rows} in {report.seconds:.2f}s "
        f"(demand_history staged in {report.table('demand_history').seconds:.2f}s, "
        f"swap {report.swap_seconds * 1000:.0f} ms); reader counted {len(seen)} times: "
        f"{sum(1 for s in seen if s[1] == 'v1')} old, {sum(1 for s in seen if s[1] == 'v2')} new"
    )


def test_the_bi_role_can_read_and_cannot_write(target, tmp_path):
    report = target.publish(make_warehouse(tmp_path / "warehouse.duckdb"), bi_role=target.bi_role)

    assert report.roles_created == [target.bi_role]
    assert (
        target.value("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (target.bi_role,))
        is False
    )
    schema = sql.Identifier(target.schema)
    with target.conn.cursor() as cur:
        cur.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(target.bi_role)))
        for table in ("accounts", "items", "sales_history"):
            cur.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(schema, sql.Identifier(table)))
            assert cur.fetchone()[0] > 0
        writes = [
            "INSERT INTO {}.accounts (account_id) VALUES ('evil')",
            "UPDATE {}.sales_history SET qty_sold = 0",
            "DELETE FROM {}.items",
            "TRUNCATE {}.items",
            "DROP TABLE {}.items",
            "CREATE TABLE {}.mine (x int)",
        ]
        for statement in writes:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(sql.SQL(statement).format(schema))
        cur.execute("RESET ROLE")
    assert target.value("SELECT count(*) FROM {schema}.items") == 3


def test_row_level_security_lets_a_child_see_only_its_rows(target, tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", big_rows=300)
    report = target.publish(warehouse, bi_role=target.bi_role, row_level_security=True)

    north = account_role_name("north", target.role_prefix)
    shop = account_role_name("shop", target.role_prefix)
    assert report.account_roles == {"north": north, "shop": shop}  # no role for the master view
    assert set(report.roles_created) == {target.bi_role, north, shop}
    tables = ("accounts", "demand_history", "items", "sales_history")
    assert all(t.row_level_security for t in report.tables)
    assert {
        name
        for (name,) in target.rows(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relrowsecurity",
            (target.schema,),
        )
    } == set(tables)

    def visible(role: str, table: str) -> list[tuple]:
        with target.conn.cursor() as cur:
            cur.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            try:
                cur.execute(
                    sql.SQL("SELECT account_id, count(*) FROM {}.{} GROUP BY 1 ORDER BY 1").format(
                        sql.Identifier(target.schema), sql.Identifier(table)
                    )
                )
                return cur.fetchall()
            finally:
                cur.execute("RESET ROLE")

    assert visible(north, "sales_history") == [("north", 1)]  # not the master's lines from north
    assert visible(shop, "sales_history") == [("shop", 1)]
    assert visible(north, "demand_history") == [("north", 100)]
    assert visible(shop, "accounts") == [("shop", 1)]
    assert visible(target.bi_role, "sales_history") == [("master", 2), ("north", 1), ("shop", 1)]
    assert visible(target.bi_role, "demand_history") == [
        ("master", 100),
        ("north", 100),
        ("shop", 100),
    ]

    # A login role that is a member of the child's role sees what the child's role sees.
    member = f"{target.role_prefix}member"
    with target.conn.cursor() as cur:
        cur.execute(
            sql.SQL("CREATE ROLE {} NOLOGIN IN ROLE {}").format(
                sql.Identifier(member), sql.Identifier(north)
            )
        )
    assert visible(member, "items") == [("north", 1)]

    # Re-publishing keeps the policies; publishing without RLS removes the child roles' access.
    target.publish(warehouse, bi_role=target.bi_role, row_level_security=True)
    assert visible(north, "items") == [("north", 1)]
    target.publish(warehouse, bi_role=target.bi_role)
    assert visible(target.bi_role, "items") == [("master", 1), ("north", 1), ("shop", 1)]
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        visible(north, "items")


def test_account_role_names_are_valid_postgres_names():
    assert account_role_name("north") == "tributary_account_north"
    assert account_role_name("Web-Shop.EU") == "tributary_account_web_shop_eu"
    long_a, long_b = "x" * 80 + "a", "x" * 80 + "b"
    assert len(account_role_name(long_a)) == 63
    assert account_role_name(long_a) != account_role_name(long_b)
