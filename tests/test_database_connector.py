"""The database connection (``type: database``) against a real PostgreSQL and a real MariaDB.

A small ERP schema (tests/erp_fixtures.py) is created in each server in a schema/database of its
own, loaded through ``load_account`` into a temporary home, and dropped at teardown.

Servers used, overridable with environment variables (a full SQLAlchemy URL each; the user
needs the right to create and drop a schema, or a database on MariaDB/MySQL):

* ``TRIBUTARY_TEST_PG_URL``, default ``postgresql+psycopg2://postgres@127.0.0.1:5432/test``
* ``TRIBUTARY_TEST_MYSQL_URL``, default ``mysql+pymysql://root@127.0.0.1:3306/test``

To run elsewhere, start the servers (e.g. ``docker run -p 5432:5432 -e
POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres`` and ``docker run -p 3306:3306 -e
MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 -e MARIADB_DATABASE=test mariadb``) or point the variables at
your own, then ``python -m pytest tests/test_database_connector.py``. A test against a server
that cannot be reached is skipped with the reason; any other problem (login refused, missing
database, missing rights) fails.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from erp_fixtures import ErpDatabase, schema_name, server_url, unreachable_reason

from tributary.config import Account, Config, ConfigError, Connection, Home, Master, parse_config
from tributary.connectors.database import (
    DatabaseSettingsError,
    SourceUnavailable,
    _cell,
    read_query_tables,
)
from tributary.connectors.folder import UnreadableFile, read_parquet
from tributary.lake import Lake
from tributary.loading import AccountLoadError, TransientAccountLoadError, load_account

URL_ENV = "ERP_DATABASE_URL"


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def erp(request) -> ErpDatabase:
    kind = request.param
    url = server_url(kind)
    reason = unreachable_reason(url)
    if reason is not None:
        variable = "TRIBUTARY_TEST_PG_URL" if kind == "postgresql" else "TRIBUTARY_TEST_MYSQL_URL"
        pytest.skip(f"{kind} not reachable ({reason}); set {variable} to a server to run these")
    database = ErpDatabase(kind, url, schema_name())
    database.create()
    yield database
    database.drop()


@pytest.fixture
def seeded(erp) -> ErpDatabase:
    """The ERP with its original rows, whatever an earlier test changed."""
    erp.create()
    return erp


def make_home(tmp_path: Path, queries: dict[str, str], **connection) -> tuple[Home, Config]:
    home = Home(tmp_path / "home")
    config = Config(
        master=Master(currency="EUR", name="Group"),
        accounts=[
            Account(
                "erp",
                "ERP",
                "EUR",
                Connection(type="database", url_env=URL_ENV, queries=queries, **connection),
            )
        ],
    )
    home.save(config)
    return home, home.load()  # through accounts.yaml: the shape round-trips


def test_full_load_lands_typed_rows_and_rejects_bad_ones(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv(URL_ENV, seeded.url)
    home, config = make_home(tmp_path, seeded.queries())
    report = load_account(home, config, "erp")

    assert report.per_piece == {
        "transactions": (4, 1),
        "items": (3, 0),
        "orders_to_receive": (2, 1),
        "orders_to_ship": (2, 0),
    }
    lake = Lake(home.lake)
    tx = lake.read("transactions", "erp")
    assert tx["item_code"].tolist() == ["A-100", "B-200", "A-100", "C-300"]
    # Timestamps become days; numeric becomes float; boolean/tinyint becomes bool.
    assert [pd.Timestamp(d).date() for d in tx["date"]] == [
        date(2024, 1, 2),
        date(2024, 1, 2),
        date(2024, 1, 4),
        date(2024, 1, 5),
    ]
    assert tx["qty_sold"].tolist() == [3.0, 1.5, -1.0, 4.0]
    assert tx["outlier"].tolist() == [False, False, True, False]
    assert tx["sales_price"].tolist()[:3] == [2.99, 19.9, 2.99]
    assert pd.isna(tx["sales_price"].iloc[3])
    assert tx["location"].tolist() == ["MAIN", "MAIN", "MAIN", "NORTH"]
    assert tx["channel"].tolist() == ["web", "store", "web", ""]  # NULL code: no channel

    items = lake.read("items", "erp").set_index("item_code")
    assert items.loc["A-100", "on_hand"] == 120.5
    assert items.loc["A-100", "lead_time_days"] == 14
    assert pd.isna(items.loc["B-200", "lead_time_days"])  # NULL: not given, default later
    assert bool(items.loc["B-200", "inactive"]) and not bool(items.loc["A-100", "inactive"])
    assert items.loc["A-100", "max_containers"] == 3

    receive = lake.read("orders_to_receive", "erp")
    assert receive["order_number"].tolist() == ["PO-1", "PO-3"]
    assert pd.Timestamp(receive["delivery_date"].iloc[0]).date() == date(2024, 2, 1)
    assert receive["order_type"].tolist() == ["purchase", "transfer"]

    rejected = lake.read("rejected_rows", "erp").sort_values(["piece", "row_number"])
    assert rejected[
        ["piece", "source_file", "row_number", "column_name", "value"]
    ].values.tolist() == [
        ["orders_to_receive", "query:orders_to_receive", 2, "qty", "0.000"],
        ["transactions", "query:transactions", 3, "item_code", ""],
    ]
    assert rejected.set_index("piece").loc["transactions", "reason"] == "required value missing"
    assert set(rejected["load_id"]) == {report.load_id}

    status = lake.status("erp")
    assert (status.status, status.rows_loaded, status.rows_rejected) == ("ok", 11, 2)
    assert status.load_id == report.load_id


def test_unchanged_source_changes_nothing_and_a_new_row_reloads(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv(URL_ENV, seeded.url)
    home, config = make_home(tmp_path, seeded.queries())
    first = load_account(home, config, "erp")
    again = load_account(home, config, "erp")
    assert again.unchanged and again.load_id == first.load_id

    seeded.execute(
        "insert into {schema}.erp_sales_lines values "
        "(6, '2024-01-06 10:00:00', 'A-100', 'MAIN', 7, 2.99, 'web', false)"
    )
    third = load_account(home, config, "erp")
    assert not third.unchanged and third.load_id != first.load_id
    assert third.per_piece["transactions"] == (5, 1)
    assert len(Lake(home.lake).read("transactions", "erp")) == 5


def test_wrong_query_fails_the_account_with_the_database_message(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv(URL_ENV, seeded.url)
    home, config = make_home(tmp_path, seeded.queries())
    good = load_account(home, config, "erp")

    broken = seeded.queries(items="select sku as item_code from {schema}.erp_no_such_table")
    home, config = make_home(tmp_path, broken)
    with pytest.raises(AccountLoadError) as error:
        load_account(home, config, "erp")
    assert not error.value.transient
    message = str(error.value)
    assert "query:items" in message and "erp_no_such_table" in message
    # The database's own words: PostgreSQL "does not exist", MariaDB "doesn't exist (error 1146)".
    assert "does not exist" in message or "doesn't exist (error 1146)" in message
    assert "previous data kept" in message

    lake = Lake(home.lake)
    status = lake.status("erp")
    assert status.status == "failed" and "erp_no_such_table" in status.last_error
    assert status.load_id == good.load_id  # the last good load is still the one in the lake
    assert len(lake.read("transactions", "erp")) == 4
    assert len(lake.read("items", "erp")) == 3


def test_bad_sql_names_the_piece(seeded, monkeypatch):
    monkeypatch.setenv(URL_ENV, seeded.url)
    with pytest.raises(UnreadableFile) as error:
        read_query_tables(URL_ENV, seeded.queries(orders_to_ship="selec sku frm nowhere"))
    assert error.value.file == "query:orders_to_ship"
    assert "syntax" in error.value.problem.lower()


def test_query_results_are_text_like_parquet(seeded, monkeypatch):
    monkeypatch.setenv(URL_ENV, seeded.url)
    tables = read_query_tables(
        URL_ENV,
        {
            "items": "select sku, stock_qty, lead_days, discontinued, unit_cost, last_changed "
            f"from {seeded.schema}.erp_products order by sku",
            "orders_to_receive": "select po_number, expected_on "
            f"from {seeded.schema}.erp_open_pos order by po_number",
        },
    )
    items = tables["items"]
    assert items.file == "query:items" and items.first_row_number == 1
    assert list(items.frame.columns) == [
        "sku",
        "stock_qty",
        "lead_days",
        "discontinued",
        "unit_cost",
        "last_changed",
    ]
    rows = items.frame.astype(object).values.tolist()
    flag = {"postgresql": ("false", "true"), "mariadb": ("0", "1")}[seeded.kind]
    assert rows == [
        ["A-100", "120.500", "14", flag[0], "2.50", "2024-01-01T08:00:00"],
        ["B-200", "40.000", "", flag[1], "10.00", ""],
        ["C-300", "0.000", "21", flag[0], "", "2024-01-02T23:59:59"],
    ]
    assert tables["orders_to_receive"].frame["expected_on"].tolist() == ["2024-02-01", "", ""]


def test_cells_convert_as_the_parquet_reader_converts(tmp_path):
    values = {
        "d": [date(2024, 3, 31), None],
        "b": [True, False],
        "i": [3, None],
        "f": [2.0, 0.1],
        "s": ["x", None],
    }
    pq.write_table(pa.table(values), tmp_path / "t.parquet")
    from_parquet = read_parquet(tmp_path / "t.parquet").frame
    for name, column in values.items():
        assert [_cell(v) for v in column] == from_parquet[name].tolist(), name
    # Timestamps: the Parquet reader writes the file's precision ("...T14:05:09.000" for ms);
    # a database value gets a fraction only when it has one. Both parse to the same day.
    assert _cell(datetime(2024, 3, 31, 14, 5, 9)) == "2024-03-31T14:05:09"
    assert _cell(datetime(2024, 3, 31, 14, 5, 9, 120)) == "2024-03-31T14:05:09.000120"


def test_unreachable_server_is_transient_and_recorded(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv(URL_ENV, seeded.url)
    home, config = make_home(tmp_path, seeded.queries())
    good = load_account(home, config, "erp")

    down = {
        "postgresql": "postgresql+psycopg2://postgres:s3cret@127.0.0.1:1/test",
        "mariadb": "mysql+pymysql://root:s3cret@127.0.0.1:1/test",
    }[seeded.kind]
    monkeypatch.setenv(URL_ENV, down)
    started = time.perf_counter()
    with pytest.raises(SourceUnavailable) as direct:
        read_query_tables(URL_ENV, seeded.queries())
    assert direct.value.transient and "127.0.0.1:1" in str(direct.value)
    assert time.perf_counter() - started < 10  # refused fast; never a hang

    with pytest.raises(TransientAccountLoadError) as error:
        load_account(home, config, "erp")
    assert error.value.transient and isinstance(error.value, AccountLoadError)
    assert isinstance(error.value.__cause__, SourceUnavailable)
    assert "s3cret" not in str(error.value)
    lake = Lake(home.lake)
    status = lake.status("erp")
    assert status.status == "failed" and "cannot reach the database" in status.last_error
    assert "s3cret" not in status.last_error
    assert status.load_id == good.load_id and len(lake.read("transactions", "erp")) == 4

    # Once the server is back the next attempt succeeds (same data: nothing rewritten).
    monkeypatch.setenv(URL_ENV, seeded.url)
    report = load_account(home, config, "erp")
    assert lake.status("erp").status == "ok" and report.load_id == good.load_id


def test_connection_lost_mid_query_is_transient(monkeypatch):
    """PostgreSQL only: a query there can end its own connection (pg_terminate_backend)."""
    url = server_url("postgresql")
    reason = unreachable_reason(url)
    if reason is not None:
        pytest.skip(f"postgresql not reachable ({reason}); set TRIBUTARY_TEST_PG_URL")
    monkeypatch.setenv(URL_ENV, url)
    with pytest.raises(SourceUnavailable, match="connection lost while running query:items"):
        read_query_tables(
            URL_ENV,
            {
                "transactions": "select 1 as x",
                "items": "select pg_terminate_backend(pg_backend_pid()) as gone",
            },
        )


def test_missing_url_variable_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(URL_ENV, raising=False)
    with pytest.raises(DatabaseSettingsError, match=f"environment variable {URL_ENV} is not set"):
        read_query_tables(URL_ENV, {"transactions": "select 1"})

    home, config = make_home(tmp_path, {"transactions": "select 1"})
    with pytest.raises(AccountLoadError, match=f"{URL_ENV} is not set") as error:
        load_account(home, config, "erp")
    assert not error.value.transient
    status = Lake(home.lake).status("erp")
    assert status.status == "failed" and URL_ENV in status.last_error


def test_a_malformed_url_is_never_printed(monkeypatch):
    monkeypatch.setenv(URL_ENV, "not a url with s3cret inside")
    with pytest.raises(DatabaseSettingsError) as error:
        read_query_tables(URL_ENV, {"transactions": "select 1"})
    assert URL_ENV in str(error.value) and "s3cret" not in str(error.value)


ACCOUNTS = """
master: {{name: Group}}
accounts:
  - id: erp
    connection:
{connection}
"""


def _parse(connection: str) -> Config:
    indented = "\n".join("      " + line for line in connection.strip().splitlines())
    return parse_config(ACCOUNTS.format(connection=indented))


def test_accounts_yaml_database_shape_round_trips(tmp_path):
    config = _parse(
        """
type: database
url_env: ERP_DATABASE_URL
queries:
  transactions: "select posting_date as date, sku as item_code, qty as qty_sold from s"
  items: "select sku as item_code from p"
date_format: "%d.%m.%Y"
columns: {SKU: item_code}
"""
    )
    connection = config.account("erp").connection
    assert connection.type == "database" and connection.url_env == "ERP_DATABASE_URL"
    assert list(connection.queries) == ["transactions", "items"]
    assert connection.columns == {"SKU": "item_code"}
    assert connection.describe() == "database:$ERP_DATABASE_URL (transactions, items)"
    home = Home(tmp_path)
    home.save(config)
    assert home.load() == config
    assert "path" not in config.to_dict()["accounts"][0]["connection"]


@pytest.mark.parametrize(
    ("connection", "message"),
    [
        ("type: database\nqueries: {transactions: select 1}", "connection.url_env is required"),
        ("type: database\nurl_env: ERP\nqueries: {items: select 1}", "queries.transactions is"),
        ("type: database\nurl_env: ERP", "queries.transactions is required"),
        (
            "type: database\nurl_env: ERP\nqueries: {transactions: select 1, sales: select 2}",
            "unknown piece sales",
        ),
        (
            "type: database\nurl_env: 'postgresql://u:pw@h/db'\nqueries: {transactions: x}",
            "it looks like a URL",
        ),
        (
            "type: database\nurl: 'postgresql://u:pw@h/db'\nqueries: {transactions: x}",
            "keep the database URL out of accounts.yaml",
        ),
        (
            "type: database\nurl_env: ERP\npath: data\nqueries: {transactions: x}",
            "database connection: unknown key 'path'",
        ),
        ("type: csv\npath: data\nurl_env: ERP", "csv connection: unknown key 'url_env'"),
        ("type: csv", "connection.path is required"),
        ("type: ftp\npath: x", "connection type 'ftp' is not supported"),
    ],
)
def test_accounts_yaml_database_errors_name_the_account(connection, message):
    with pytest.raises(ConfigError, match="erp") as error:
        _parse(connection)
    assert message in str(error.value)
    assert "pw@" not in str(error.value)
