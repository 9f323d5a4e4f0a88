"""duckdb-engine's SQLAlchemy dialect, fixed for what Great Expectations asks of it.

GX's SQL engine (``great_expectations`` 1.x) runs each metric query on a pooled connection and
reads the rows after handing the connection back; SQLAlchemy rolls the connection back on the
way. duckdb-engine 0.17 runs every cursor on the connection itself, and a DuckDB connection
keeps one result only, so the rollback wipes the rows and every expectation errors with
"list index out of range" (GX issue #11579, duckdb-engine has no fix). Here each cursor is a
DuckDB cursor of its own (same database, its own result).

duckdb-engine's column reflection also fails on SQLAlchemy >= 2.0.45, which queries a
``pg_catalog.pg_collation`` DuckDB does not have (duckdb-engine issue #1379); GX then falls
back to a query that drops the schema. Columns are read from DuckDB's own catalog instead.

Use it as ``duckdb+tributary:///path/to/file.duckdb`` once this module is imported.
"""

from __future__ import annotations

import weakref
from typing import Any

import duckdb_engine
from sqlalchemy import text
from sqlalchemy.dialects import registry
from sqlalchemy.types import NullType

NAME = "duckdb.tributary"


class _Cursor(duckdb_engine.CursorWrapper):
    """A cursor with a DuckDB connection of its own, closed with the cursor."""

    def __init__(self, own, connection: _Connection) -> None:
        super().__init__(own, connection)
        self._own = own

    def close(self) -> None:
        self._own.close()


class _Connection(duckdb_engine.ConnectionWrapper):
    def __init__(self, connection) -> None:
        super().__init__(connection)
        self._duckdb = connection
        self._cursors: weakref.WeakSet[_Cursor] = weakref.WeakSet()

    def cursor(self) -> _Cursor:
        cursor = _Cursor(self._duckdb.cursor(), self)
        self._cursors.add(cursor)
        return cursor

    def close(self) -> None:
        # A cursor left open would keep the database file open (and locked) after the engine
        # is disposed.
        for cursor in list(self._cursors):
            cursor.close()
        super().close()


class Dialect(duckdb_engine.Dialect):
    supports_statement_cache = False  # as duckdb-engine's (SQLAlchemy asks each subclass)

    def connect(self, *cargs: Any, **cparams: Any) -> _Connection:
        wrapper = super().connect(*cargs, **cparams)
        return _Connection(wrapper._ConnectionWrapper__c)

    def get_columns(
        self, connection, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[dict]:
        rows = connection.execute(
            text(
                "select column_name, data_type, is_nullable = 'YES' as nullable,"
                " column_default from information_schema.columns"
                " where table_name = :table and table_schema = coalesce(:schema, current_schema())"
                " order by ordinal_position"
            ),
            {"table": str(table_name), "schema": schema},
        ).fetchall()
        columns = []
        for name, data_type, nullable, default in rows:
            kind = self.ischema_names.get(data_type.lower().split("(")[0], NullType)
            columns.append(
                {
                    "name": name,
                    "type": kind() if isinstance(kind, type) else kind,
                    "nullable": nullable,
                    "default": default,
                    "autoincrement": False,
                    "comment": None,
                }
            )
        return columns


registry.register(NAME, __name__, "Dialect")
