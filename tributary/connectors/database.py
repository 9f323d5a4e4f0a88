"""The database connection: one SQL query per piece, run against a SQLAlchemy URL.

The URL is read from an environment variable named in ``accounts.yaml`` (``url_env``), never from
the file itself, and never printed: messages name the variable, the dialect, host and database.

Each query's result becomes a :class:`~tributary.connectors.folder.RawTable` of text, converted
the way the Parquet reader converts typed columns (dates ``2024-03-31``, timestamps
``2024-03-31T14:05:00``, booleans ``true``/``false``, NULL ``''``), so parsing and rejection happen
in one place (tributary.validation) whatever the source. Row numbers count result rows from 1,
so a query should ``ORDER BY`` something stable for rejected rows to be found again.

Failures come in two kinds:

* :class:`SourceUnavailable`: the server cannot be reached (refused, down, timed out, connection
  lost mid-query). Transient: the orchestration layer retries it, then fails only that account.
* :class:`~tributary.connectors.folder.UnreadableFile`: a query fails (bad SQL, missing table or
  column), the URL variable is missing or malformed, the driver is not installed, the login is
  refused. Retrying will not help; the message carries the database's own words.

All queries of one load run in one transaction that is never committed (rolled back at the end;
READ ONLY on PostgreSQL), at REPEATABLE READ on PostgreSQL and MySQL/MariaDB so that every piece
sees the same snapshot of the source.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import math
import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from tributary.connectors.folder import RawTable, UnreadableFile

CONNECT_TIMEOUT_SECONDS = 5

# Connect-timeout argument of each DBAPI driver we know; others keep their driver's default.
_TIMEOUT_ARGUMENT = {
    "psycopg2": "connect_timeout",
    "psycopg": "connect_timeout",
    "pg8000": "timeout",
    "asyncpg": "timeout",
    "pymysql": "connect_timeout",
    "mysqldb": "connect_timeout",
    "mariadbconnector": "connect_timeout",
    "mysqlconnector": "connection_timeout",
}
_SNAPSHOT_DIALECTS = ("postgresql", "mysql", "mariadb")

# Errors raised while connecting that retrying cannot fix (MySQL/MariaDB error codes).
_MYSQL_PERMANENT = {1044: "access denied", 1045: "access denied", 1049: "unknown database"}
_PG_PERMANENT = (
    "password authentication failed",
    "no pg_hba.conf entry",
    "does not exist",  # database "x" / role "x" does not exist
    "authentication failed",
)


class SourceUnavailable(Exception):
    """The source database cannot be reached now; transient, worth retrying with backoff."""

    transient = True

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: cannot reach the database: {problem}")
        self.source = source
        self.problem = problem


class DatabaseSettingsError(UnreadableFile):
    """The URL variable is missing or malformed, or its driver is not installed; not transient."""


def database_url(url_env: str, environ: Mapping[str, str] | None = None) -> URL:
    """The SQLAlchemy URL held by environment variable ``url_env``; errors never show its value."""
    environ = os.environ if environ is None else environ
    value = environ.get(url_env, "").strip()
    if not value:
        raise DatabaseSettingsError(
            f"${url_env}",
            f"environment variable {url_env} is not set (or empty); set it to the SQLAlchemy "
            "URL of the source database, e.g. postgresql+psycopg2://user:password@host/db",
        )
    try:
        url = sa.make_url(value)
        url.port  # noqa: B018 - parses the port: "host:notaport" fails here, not at connect
    except (sa.exc.ArgumentError, ValueError) as exc:
        problem = "its port is not a number" if isinstance(exc, ValueError) else "unparsable"
        raise DatabaseSettingsError(
            f"${url_env}",
            f"environment variable {url_env} does not hold a valid SQLAlchemy URL ({problem}; "
            "expected dialect+driver://user:password@host:port/database)",
        ) from None  # the chained error would quote the URL, password and all
    return url


def describe_url(url: URL) -> str:
    """Dialect, host and database, never user or password: safe for logs and load status."""
    where = url.host or "localhost"
    if url.port:
        where += f":{url.port}"
    return f"{url.get_backend_name()} at {where}/{url.database or ''}"


def read_query_tables(
    url_env: str,
    queries: Mapping[str, str],
    environ: Mapping[str, str] | None = None,
    connect_timeout: int = CONNECT_TIMEOUT_SECONDS,
) -> dict[str, RawTable]:
    """Run each piece's query and return its result as text; see the module docstring."""
    url = database_url(url_env, environ)
    source = describe_url(url)
    engine = _engine(url, url_env, connect_timeout)
    tables: dict[str, RawTable] = {}
    try:
        try:
            connection = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise _connect_error(source, exc) from exc
        except (OSError, TimeoutError) as exc:
            raise SourceUnavailable(source, str(exc) or type(exc).__name__) from exc
        with connection:
            options: dict[str, Any] = {}
            if url.get_backend_name() in _SNAPSHOT_DIALECTS:
                options["isolation_level"] = "REPEATABLE READ"
            if url.get_backend_name() == "postgresql":
                options["postgresql_readonly"] = True
            if options:
                try:
                    connection = connection.execution_options(**options)
                except sa.exc.DBAPIError as exc:
                    raise _connect_error(source, exc) from exc
            for piece, query in queries.items():
                tables[piece] = _run(connection, piece, query, source)
            connection.rollback()
    finally:
        engine.dispose()
    return tables


def fingerprint_tables(tables: Mapping[str, RawTable]) -> str:
    """A content hash of query results (headers and every cell): same results, same id."""
    digest = hashlib.sha256()
    for piece in sorted(tables):
        frame = tables[piece].frame
        digest.update(f"\x1d{piece}\x1d{len(frame)}\x1d".encode())
        for name in frame.columns:
            digest.update(f"\x1c{name}\x1c".encode())
            digest.update("\x1e".join(frame[name].tolist()).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def _engine(url: URL, url_env: str, connect_timeout: int) -> sa.Engine:
    connect_args: dict[str, Any] = {}
    argument = _TIMEOUT_ARGUMENT.get(url.get_driver_name())
    if argument and argument not in url.query and connect_timeout:
        connect_args[argument] = connect_timeout
    try:
        # NullPool: every connection is really closed when released; nothing lingers per load.
        return sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
    except (sa.exc.NoSuchModuleError, ModuleNotFoundError) as exc:
        raise DatabaseSettingsError(
            f"${url_env}",
            f"no SQLAlchemy driver installed for '{url.drivername}' ({exc})",
        ) from exc
    except sa.exc.ArgumentError as exc:
        raise DatabaseSettingsError(f"${url_env}", f"unusable database URL: {exc}") from exc


def _run(connection: sa.Connection, piece: str, query: str, source: str) -> RawTable:
    file = f"query:{piece}"
    try:
        # Sent to the driver exactly as written: no ``:name`` binds, no ``%`` escaping.
        result = connection.execution_options(no_parameters=True).exec_driver_sql(query)
        if not result.returns_rows:
            raise UnreadableFile(file, "the query returns no result set (it must be a SELECT)")
        headers = [str(name) for name in result.keys()]
        rows = result.fetchall()
    except sa.exc.DBAPIError as exc:
        if exc.connection_invalidated:  # the server went away mid-query
            raise SourceUnavailable(
                source, f"connection lost while running {file}: {database_message(exc)}"
            ) from exc
        raise UnreadableFile(
            file, f"the query failed on {source}: {database_message(exc)}"
        ) from exc
    except sa.exc.SQLAlchemyError as exc:
        raise UnreadableFile(file, f"the query failed on {source}: {exc}") from exc
    if not headers:
        raise UnreadableFile(file, "the query returns no columns")
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise UnreadableFile(
            file,
            f"the query returns column{'s' if len(duplicates) > 1 else ''} "
            f"{', '.join(duplicates)} more than once; give each an alias",
        )
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in headers]
    frame = pd.DataFrame(
        {
            name: pd.Series(_as_text(values, file, name), dtype="string[pyarrow]")
            for name, values in zip(headers, columns, strict=True)
        },
        index=pd.RangeIndex(len(rows)),
    )
    return RawTable(file, frame, first_row_number=1)


def database_message(exc: sa.exc.DBAPIError) -> str:
    """The driver's own message, without SQLAlchemy's boilerplate (SQL echo, help link)."""
    orig = exc.orig
    args = getattr(orig, "args", ())
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return f"{args[1]} (error {args[0]})"  # MySQL/MariaDB: (code, message)
    text = str(orig).strip() if orig is not None else str(exc)
    return text or type(orig).__name__


def _connect_error(source: str, exc: sa.exc.DBAPIError) -> Exception:
    message = database_message(exc)
    args = getattr(exc.orig, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    if code in _MYSQL_PERMANENT or any(p in message for p in _PG_PERMANENT):
        return UnreadableFile(source, f"the database refused the connection: {message}")
    return SourceUnavailable(source, message)


def _as_text(values: Iterable[Any], file: str, column: str) -> list[str]:
    try:
        return [_cell(value) for value in values]
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            file, f"column '{column}' holds bytes that are not UTF-8 text; cast it in the query"
        ) from exc


def _cell(value: Any) -> str:
    """One value as the Parquet reader would write it as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, decimal.Decimal):
        if value.is_nan():
            return ""
        return format(value, "f")
    if isinstance(value, dt.datetime):
        # A time zone is dropped: the day is the day on the source's clock. Fractions of a
        # second only when there are some (the Parquet reader writes ``.000000`` for
        # microsecond timestamps; both parse to the same day).
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{text}.{value.microsecond:06d}" if value.microsecond else text
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8")
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)
