"""A small ERP's source schema, seeded in a real PostgreSQL or MariaDB for the database connector.

The ERP has its own names and types, not the contract's: ``erp_products`` (numeric stock,
boolean/tinyint ``discontinued``), ``erp_sales_lines`` (timestamps, numeric quantities, one line
without a SKU), ``erp_open_pos`` (dates, one order with quantity 0) and ``erp_customer_orders``.
The queries in :data:`QUERIES` map them onto the contract, the way an accounts.yaml would.

Each seeded ERP lives in a schema (PostgreSQL) or database (MariaDB) of its own, named
``tributary_erp_test_<pid>`` so that two test runs on one server do not collide, and is dropped
at teardown. Queries qualify tables with that name, so the same SQL runs on both servers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from tributary.connectors.database import SourceUnavailable, read_query_tables

DEFAULT_URLS = {
    "postgresql": "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/test",
}
URL_VARIABLES = {"postgresql": "TRIBUTARY_TEST_PG_URL", "mariadb": "TRIBUTARY_TEST_MYSQL_URL"}

# Column types that differ between the two servers.
_TYPES = {
    "postgresql": {"bool": "boolean", "true": "true", "false": "false"},
    "mariadb": {"bool": "tinyint(1)", "true": "1", "false": "0"},
}

QUERIES = {
    "transactions": (
        "select posted_at as date, sku as item_code, qty as qty_sold, warehouse as location, "
        "sales_channel as channel, promo_flag as outlier, unit_price as sales_price "
        "from {schema}.erp_sales_lines order by line_id"
    ),
    "items": (
        "select sku as item_code, warehouse as location, descr as description, "
        "stock_qty as on_hand, lead_days as lead_time_days, discontinued as inactive, "
        "unit_cost as purchase_price, max_containers "
        "from {schema}.erp_products order by sku, warehouse"
    ),
    "orders_to_receive": (
        "select sku as item_code, qty_open as qty, expected_on as delivery_date, "
        "ordered_on as sendout_date, warehouse as location, po_number as order_number, "
        "po_kind as order_type from {schema}.erp_open_pos order by po_number"
    ),
    "orders_to_ship": (
        "select sku as item_code, qty, ship_by as shipment_date, warehouse as location "
        "from {schema}.erp_customer_orders order by order_no"
    ),
}


@dataclass
class ErpDatabase:
    kind: str  # postgresql | mariadb
    url: str  # the server's URL (database ``test``); tables live in ``schema``
    schema: str

    @property
    def engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=NullPool)

    def queries(self, **overrides: str) -> dict[str, str]:
        chosen = {**QUERIES, **overrides}
        return {piece: query.format(schema=self.schema) for piece, query in chosen.items()}

    def execute(self, *statements: str) -> None:
        engine = self.engine
        try:
            with engine.begin() as connection:
                for statement in statements:
                    connection.execution_options(no_parameters=True).exec_driver_sql(
                        statement.format(schema=self.schema)
                    )
        finally:
            engine.dispose()

    def create(self) -> None:
        self.drop()
        t = _TYPES[self.kind]
        create = "create schema" if self.kind == "postgresql" else "create database"
        self.execute(
            f"{create} {{schema}}",
            "create table {schema}.erp_products ("
            " sku varchar(20) not null, warehouse varchar(10) not null, descr varchar(100),"
            " stock_qty numeric(12,3), lead_days integer, "
            f"discontinued {t['bool']} not null,"
            " unit_cost numeric(10,2), max_containers integer, last_changed timestamp null,"
            " primary key (sku, warehouse))",
            "create table {schema}.erp_sales_lines ("
            " line_id integer primary key, posted_at timestamp not null, sku varchar(20),"
            " warehouse varchar(10), qty numeric(12,3) not null, unit_price numeric(10,2),"
            f" sales_channel varchar(20), promo_flag {t['bool']} not null)",
            "create table {schema}.erp_open_pos ("
            " po_number varchar(20) primary key, sku varchar(20) not null,"
            " warehouse varchar(10), qty_open numeric(12,3) not null, expected_on date,"
            " ordered_on date, po_kind varchar(20))",
            "create table {schema}.erp_customer_orders ("
            " order_no varchar(20) primary key, sku varchar(20) not null,"
            " warehouse varchar(10), qty numeric(12,3) not null, ship_by date)",
        )
        yes, no = t["true"], t["false"]
        self.execute(
            "insert into {schema}.erp_products values"
            f" ('A-100', 'MAIN', 'Widget', 120.500, 14, {no}, 2.50, 3, '2024-01-01 08:00:00'),"
            f" ('B-200', 'MAIN', 'Gadget', 40, null, {yes}, 10.00, null, null),"
            f" ('C-300', 'NORTH', 'Gizmo', 0, 21, {no}, null, null, '2024-01-02 23:59:59')",
            "insert into {schema}.erp_sales_lines values"
            f" (1, '2024-01-02 09:15:00', 'A-100', 'MAIN', 3, 2.99, 'web', {no}),"
            f" (2, '2024-01-02 17:40:00', 'B-200', 'MAIN', 1.5, 19.90, 'store', {no}),"
            f" (3, '2024-01-03 08:00:00', null, 'MAIN', 2, 2.99, 'web', {no}),"
            f" (4, '2024-01-04 12:00:00', 'A-100', 'MAIN', -1, 2.99, 'web', {yes}),"
            f" (5, '2024-01-05 23:30:00', 'C-300', 'NORTH', 4, null, null, {no})",
            "insert into {schema}.erp_open_pos values"
            " ('PO-1', 'A-100', 'MAIN', 50, '2024-02-01', '2024-01-10', 'purchase'),"
            " ('PO-2', 'B-200', 'MAIN', 0, null, '2024-01-11', 'purchase'),"
            " ('PO-3', 'C-300', 'NORTH', 12.5, null, '2024-01-12', 'transfer')",
            "insert into {schema}.erp_customer_orders values"
            " ('SO-1', 'A-100', 'MAIN', 5, '2024-01-20'),"
            " ('SO-2', 'B-200', 'MAIN', 1, null)",
        )

    def drop(self) -> None:
        if self.kind == "postgresql":
            self.execute("drop schema if exists {schema} cascade")
        else:
            self.execute("drop database if exists {schema}")


def server_url(kind: str) -> str:
    return os.environ.get(URL_VARIABLES[kind]) or DEFAULT_URLS[kind]


def unreachable_reason(url: str) -> str | None:
    """Why the server at ``url`` cannot be reached, or None when it answers.

    Only a server that is genuinely unreachable (refused, down, timed out) gives a reason; a
    login that is refused or a missing database raises, so the tests fail instead of skipping.
    """
    try:
        read_query_tables("URL", {"probe": "select 1 as one"}, environ={"URL": url})
    except SourceUnavailable as exc:
        return exc.problem.strip().splitlines()[0]
    return None


def schema_name() -> str:
    return f"tributary_erp_test_{os.getpid()}"
