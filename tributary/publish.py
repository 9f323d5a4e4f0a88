"""Publish the warehouse's ``marts`` schema to PostgreSQL, where BI tools read it.

``publish_marts`` copies every table (and view) of the DuckDB schema ``marts`` into a PostgreSQL
schema (``marts`` by default). What a dashboard sees:

* **Never a half table.** Each table is loaded with ``COPY`` into a uniquely named staging table
  (``_tributary_staging_<token>_<n>``) and then swapped into place by ``DROP TABLE`` of the old
  table and ``ALTER TABLE ... RENAME`` of the new one. Loading and swapping of *all* tables of one
  publish happen in **one transaction**: until it commits nobody else can see the staging tables
  (their catalog rows are uncommitted), and a reader sees either the previous tables or the new
  ones. Locks on the old tables are only taken by the swap at the very end (milliseconds); a
  query that was blocked on a swapped table re-resolves the name once the lock is granted and
  reads the new table. Because it is one transaction, a failure anywhere (a bad value, a lost
  connection, a crash of this process) rolls everything back: every previously published table
  stays exactly as it was, and no staging table is left behind. Two publishers to the same schema
  are serialised by an advisory lock. (A reader inside a REPEATABLE READ / SERIALIZABLE
  transaction that began before the swap sees the new table as empty: PostgreSQL's DDL is not
  MVCC-safe for such snapshots. Dashboards use READ COMMITTED, the default.)
* **Types.** DuckDB types map to PostgreSQL: VARCHAR/ENUM -> text, DOUBLE -> double precision,
  FLOAT -> real, BIGINT/INTEGER/SMALLINT as such, unsigned and HUGEINT -> the next wider integer
  or numeric, DECIMAL(p,s) -> numeric(p,s), BOOLEAN, DATE, TIME, TIMESTAMP (any precision) ->
  timestamp, TIMESTAMP WITH TIME ZONE -> timestamptz, INTERVAL, UUID, BLOB -> bytea, JSON ->
  jsonb; a list (or fixed-size array) of scalars -> a PostgreSQL array of the element type
  (``VARCHAR[]`` -> ``text[]``); nested lists, structs, maps and unions -> jsonb. Anything else is
  published as its text form.
* **Grants.** With ``bi_role``: ``GRANT USAGE ON SCHEMA`` and ``GRANT SELECT`` on every published
  table, nothing else (the role cannot write). The role is created ``NOLOGIN`` when it does not
  exist (so the publishing user needs CREATEROLE then); give people access with
  ``GRANT <bi_role> TO alice``. Tables are re-created on every publish, so their grants are
  re-created with them; grants made by hand on a published table do not survive a publish.
* **Row-level security** (``row_level_security=True``). Every account except ``master`` gets a
  ``NOLOGIN`` role ``tributary_account_<id>`` (id lower-cased, other characters than ``a-z0-9_``
  replaced by ``_``; see ``account_role_name``), created when missing. Every table with an
  ``account_id`` column gets RLS enabled, ``SELECT`` granted to every account role and one
  permissive policy per account role, named like the role: ``USING (account_id = '<id>')``. A
  child's role therefore sees **its own view's rows only**: not the master's rows, even those whose
  ``source_account_id`` is that child (the master view is the whole group's data). The BI role
  keeps full access through a permissive ``USING (true)`` policy. Tables without ``account_id``
  are not granted to account roles at all. The table owner (the publisher) is not subject to RLS.
  Grant a login role its account with ``GRANT tributary_account_north TO north_dashboard``.
* **Idempotent.** Publishing again replaces each table (new data, same name, same grants and
  policies). Tables that exist in PostgreSQL but no longer in the warehouse are left alone.

Data goes DuckDB -> CSV file in a temporary folder (DuckDB's own writer, with list columns
rendered as PostgreSQL array literals in SQL) -> ``COPY ... FROM STDIN`` (psycopg2
``copy_expert``), so a million rows take seconds. Each table gets an index on ``account_id`` (the
account toggle, and what the policies filter on) and is ``ANALYZE``d before the swap.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import psycopg2
from psycopg2 import sql

from tributary.scopes import MASTER_ID

# The environment variable the publish URL comes from (orchestration reads it).
PUBLISH_URL_ENV = "TRIBUTARY_PUBLISH_URL"

SOURCE_SCHEMA = "marts"
ACCOUNT_ROLE_PREFIX = "tributary_account_"
_PG_NAME_MAX = 63

Progress = Callable[[str], None]


class PublishError(RuntimeError):
    """Publishing failed; nothing of this publish is visible in PostgreSQL."""


@dataclass(frozen=True)
class _Target:
    """Where one publish writes (``schema``) and who may read it: ``bi_role`` every row, each
    account's role (``account_roles``, account_id -> role) its own rows."""

    schema: str
    bi_role: str | None
    account_roles: dict[str, str]

    @property
    def roles(self) -> list[str]:
        """Every role the publish grants to, the BI role first."""
        return ([self.bi_role] if self.bi_role else []) + list(self.account_roles.values())


@dataclass(frozen=True)
class PublishedTable:
    name: str
    rows: int
    columns: dict[str, str]  # column -> PostgreSQL type, in order
    row_level_security: bool
    seconds: float  # export from DuckDB + COPY + index + analyze (the swap is shared)


@dataclass(frozen=True)
class PublishReport:
    schema: str
    tables: list[PublishedTable]
    bi_role: str | None
    account_roles: dict[str, str] = field(default_factory=dict)  # account_id -> role
    roles_created: list[str] = field(default_factory=list)
    seconds: float = 0.0
    swap_seconds: float = 0.0  # the part of the transaction that holds locks on old tables

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    def table(self, name: str) -> PublishedTable:
        return next(table for table in self.tables if table.name == name)


# --- types ---------------------------------------------------------------------------------

_SCALAR_TYPES = {
    "varchar": "text",
    "enum": "text",
    "boolean": "boolean",
    "tinyint": "smallint",
    "smallint": "smallint",
    "integer": "integer",
    "bigint": "bigint",
    "utinyint": "smallint",
    "usmallint": "integer",
    "uinteger": "bigint",
    "ubigint": "numeric(20,0)",
    "hugeint": "numeric(39,0)",
    "uhugeint": "numeric(39,0)",
    "varint": "numeric",
    "bignum": "numeric",
    "float": "real",
    "double": "double precision",
    "date": "date",
    "time": "time",
    "time with time zone": "timetz",
    "timestamp": "timestamp",
    "timestamp_s": "timestamp",
    "timestamp_ms": "timestamp",
    "timestamp_ns": "timestamp",
    "timestamp with time zone": "timestamptz",
    "interval": "interval",
    "uuid": "uuid",
}


def _scalar_pg_type(duck_type) -> str | None:
    """The PostgreSQL type of a DuckDB scalar type whose text form PostgreSQL parses, or None."""
    if str(duck_type).upper() == "JSON":
        return None
    if duck_type.id == "decimal":
        params = dict(duck_type.children)
        return f"numeric({params['precision']},{params['scale']})"
    return _SCALAR_TYPES.get(duck_type.id)


def pg_type(duck_type) -> str:
    """PostgreSQL column type for a DuckDB type (a ``duckdb.DuckDBPyType``)."""
    scalar = _scalar_pg_type(duck_type)
    if scalar is not None:
        return scalar
    kind = duck_type.id
    if kind in ("list", "array"):
        element = _scalar_pg_type(dict(duck_type.children)["child"])
        return f"{element}[]" if element is not None else "jsonb"
    if kind == "blob":
        return "bytea"
    if str(duck_type).upper() == "JSON" or kind in ("struct", "map", "union"):
        return "jsonb"
    return "text"


def _export_expression(column: str, duck_type, target: str) -> str:
    """DuckDB SQL that renders a column in the text form PostgreSQL's COPY expects."""
    ref = _duck_ident(column)
    if target.endswith("[]"):
        # A PostgreSQL array literal: {"a","b \"quoted\"",NULL}; an empty list is {}.
        element = (
            "coalesce('\"' || replace(replace(CAST(e AS VARCHAR), '\\', '\\\\'), '\"', '\\\"')"
            " || '\"', 'NULL')"
        )
        return (
            f"CASE WHEN {ref} IS NULL THEN NULL ELSE '{{' || "
            f"coalesce(array_to_string(list_transform({ref}, lambda e: {element}), ','), '')"
            f" || '}}' END"
        )
    if target == "jsonb":
        if str(duck_type).upper() == "JSON":
            return f"CAST({ref} AS VARCHAR)"
        return f"CAST(to_json({ref}) AS VARCHAR)"
    if target == "bytea":
        return f"'\\x' || hex({ref})"
    if target == "text" and duck_type.id != "varchar":
        return f"CAST({ref} AS VARCHAR)"
    return ref


def _duck_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- roles ---------------------------------------------------------------------------------


def account_role_name(account_id: str, prefix: str = ACCOUNT_ROLE_PREFIX) -> str:
    """The PostgreSQL role that sees one account's rows: ``<prefix><id>``, sanitised.

    Lower-cased, characters other than ``a-z0-9_`` become ``_``; a name longer than PostgreSQL's
    63 characters is cut and ends in a hash of the account id, so it stays unique.
    """
    name = prefix + re.sub(r"[^a-z0-9_]", "_", account_id.lower())
    if len(name) > _PG_NAME_MAX:
        digest = hashlib.sha1(account_id.encode()).hexdigest()[:8]
        name = f"{name[: _PG_NAME_MAX - 9]}_{digest}"
    return name


def _ensure_role(cur, role: str) -> bool:
    """Create ``role`` NOLOGIN when it does not exist; True when it was created."""
    cur.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", (role,))
    if cur.fetchone():
        return False
    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    return True


# --- the publish ---------------------------------------------------------------------------


@dataclass
class _Source:
    name: str
    columns: list[tuple[str, object, str]]  # (name, duckdb type, pg type)

    @property
    def has_account_id(self) -> bool:
        return any(name == "account_id" for name, _, _ in self.columns)


def check_url(pg_url: str, variable: str = PUBLISH_URL_ENV) -> None:
    """Raise PublishError naming the variable (never its value) if the URL cannot be parsed."""
    if "://" not in pg_url:
        return  # a libpq "key=value" string: libpq's own message names the bad key
    try:
        parts = urllib.parse.urlsplit(_pg_dsn(pg_url))
        parts.port  # noqa: B018 - parses the port
    except ValueError:
        raise PublishError(
            f"{variable} does not hold a valid PostgreSQL URL (its port is not a number; "
            "expected postgresql://user@host:port/database)"
        ) from None  # the chained error would quote the URL
    if parts.scheme not in ("postgresql", "postgres"):
        raise PublishError(
            f"{variable} must be a postgresql:// URL (expected postgresql://user@host:port/db)"
        )


def _pg_dsn(pg_url: str) -> str:
    """Accept SQLAlchemy-style URLs (``postgresql+psycopg2://``) as well as libpq ones."""
    return re.sub(r"^postgres(?:ql)?\+\w+://", "postgresql://", pg_url)


def _read_sources(duck: duckdb.DuckDBPyConnection) -> list[_Source]:
    names = [
        row[0]
        for row in duck.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
            "AND table_type IN ('BASE TABLE', 'VIEW') ORDER BY table_name",
            [SOURCE_SCHEMA],
        ).fetchall()
    ]
    sources = []
    for name in names:
        relation = duck.sql(f"SELECT * FROM {SOURCE_SCHEMA}.{_duck_ident(name)} LIMIT 0")
        columns = [
            (column, duck_type, pg_type(duck_type))
            for column, duck_type in zip(relation.columns, relation.types, strict=True)
        ]
        sources.append(_Source(name, columns))
    return sources


def _account_ids(duck: duckdb.DuckDBPyConnection, sources: list[_Source]) -> list[str]:
    """Every account id in any mart (all of them, not only the tables being published)."""
    selects = [
        f"SELECT DISTINCT CAST(account_id AS VARCHAR) AS account_id "
        f"FROM {SOURCE_SCHEMA}.{_duck_ident(source.name)}"
        for source in sources
        if source.has_account_id
    ]
    if not selects:
        return []
    rows = duck.execute(
        f"SELECT DISTINCT account_id FROM ({' UNION '.join(selects)}) "
        "WHERE account_id IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows if row[0] != MASTER_ID]


def publish_marts(
    warehouse_path: Path,
    pg_url: str,
    schema: str = "marts",
    bi_role: str | None = None,
    row_level_security: bool = False,
    tables: list[str] | None = None,
    progress: Progress | None = None,
    account_role_prefix: str = ACCOUNT_ROLE_PREFIX,
) -> PublishReport:
    """Copy the warehouse's ``marts`` tables into PostgreSQL schema ``schema``, atomically.

    ``tables`` limits the publish to some tables (default: all). ``progress`` receives one line
    per step. Raises ``PublishError`` (nothing published, previous tables intact) on failure.
    See the module docstring for the swap, grants and row-level security.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    check_url(pg_url)
    warehouse_path = Path(warehouse_path)
    if not warehouse_path.exists():
        raise PublishError(f"no warehouse at {warehouse_path}")

    try:
        duck = duckdb.connect(str(warehouse_path), read_only=True)
    except duckdb.Error as exc:
        raise PublishError(f"cannot open the warehouse {warehouse_path}: {exc}") from exc
    try:
        sources = _read_sources(duck)
        if not sources:
            raise PublishError(f"{warehouse_path} has no tables in schema {SOURCE_SCHEMA}")
        selected = _select_sources(sources, tables)
        account_roles = (
            _account_roles(duck, sources, account_role_prefix) if row_level_security else {}
        )
        target = _Target(schema, bi_role, account_roles)
        report = _publish_or_roll_back(duck, pg_url, selected, target, say)
    finally:
        duck.close()

    report = replace(report, seconds=time.perf_counter() - started)
    say(
        f"published {len(report.tables)} table(s), {report.rows} rows, to {schema} "
        f"in {report.seconds:.1f}s (swap {report.swap_seconds * 1000:.0f} ms)"
    )
    return report


def _select_sources(sources: list[_Source], tables: list[str] | None) -> list[_Source]:
    """The marts named in `tables` (all when None); an unknown name is an error."""
    if tables is None:
        return sources
    known = {source.name for source in sources}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise PublishError(
            f"no such mart(s): {', '.join(unknown)}; the warehouse has {', '.join(sorted(known))}"
        )
    return [source for source in sources if source.name in set(tables)]


def _account_roles(
    duck: duckdb.DuckDBPyConnection, sources: list[_Source], prefix: str
) -> dict[str, str]:
    """Each child account's row-level-security role; two accounts on one role are an error."""
    account_roles: dict[str, str] = {}
    for account_id in _account_ids(duck, sources):
        role = account_role_name(account_id, prefix)
        clash = next((a for a, r in account_roles.items() if r == role), None)
        if clash is not None:
            raise PublishError(f"accounts {clash!r} and {account_id!r} map to the same role {role}")
        account_roles[account_id] = role
    return account_roles


def _publish_or_roll_back(
    duck: duckdb.DuckDBPyConnection,
    pg_url: str,
    sources: list[_Source],
    target: _Target,
    say: Progress,
) -> PublishReport:
    """Connect and publish in one transaction, rolled back (as a PublishError) on any failure."""
    try:
        conn = psycopg2.connect(_pg_dsn(pg_url))
    except psycopg2.Error as exc:
        raise PublishError(f"cannot connect to PostgreSQL: {exc}".strip()) from exc
    try:
        with tempfile.TemporaryDirectory(prefix="tributary-publish-") as scratch:
            return _publish(duck, conn, Path(scratch), sources, target, say)
    except (psycopg2.Error, duckdb.Error) as exc:
        _rollback(conn)
        message = (getattr(exc, "pgerror", None) or str(exc)).strip()
        raise PublishError(
            f"publishing to PostgreSQL schema {target.schema} failed, nothing was changed: "
            f"{message}"
        ) from exc
    except BaseException:
        _rollback(conn)
        raise
    finally:
        conn.close()


def _rollback(conn) -> None:
    """Roll back, quietly: on a lost connection the server has rolled back already."""
    try:
        conn.rollback()
    except psycopg2.Error:
        pass


def _publish(
    duck: duckdb.DuckDBPyConnection,
    conn,
    scratch: Path,
    sources: list[_Source],
    target: _Target,
    say: Progress,
) -> PublishReport:
    """Everything in one transaction; the caller rolls back on any exception."""
    schema, bi_role, account_roles = target.schema, target.bi_role, target.account_roles
    token = secrets.token_hex(4)
    schema_id = sql.Identifier(schema)
    cur = conn.cursor()

    # One publisher per schema at a time; the lock is released by commit or rollback.
    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"tributary.publish:{schema}",))
    cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema_id))

    roles_created = []
    for role in target.roles:
        if _ensure_role(cur, role):
            roles_created.append(role)
            say(f"created role {role} (NOLOGIN)")

    # 1. Load every table into a staging table, invisible to others until commit.
    staged: list[tuple[_Source, str, PublishedTable]] = []
    for number, source in enumerate(sources):
        staging = f"_tributary_staging_{token}_{number}"
        rls = bool(account_roles) and source.has_account_id
        published = _stage_table(duck, cur, scratch / f"{number}.csv", source, schema, staging, rls)
        staged.append((source, staging, published))
        say(f"{source.name}: {published.rows} rows staged in {published.seconds:.2f}s")

    # 2. Swap: drop each old table and rename the staged one into place, grants and policies.
    swap_started = time.perf_counter()
    for source, staging, published in staged:
        _swap_in_table(cur, schema, source, staging)
        _grant_table(cur, sql.Identifier(schema, source.name), published, bi_role, account_roles)
    for role in target.roles:
        cur.execute(
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_id, sql.Identifier(role))
        )
    conn.commit()
    swap_seconds = time.perf_counter() - swap_started

    return PublishReport(
        schema=schema,
        tables=[published for _, _, published in staged],
        bi_role=bi_role,
        account_roles=dict(account_roles),
        roles_created=roles_created,
        swap_seconds=swap_seconds,
    )


def _stage_table(
    duck: duckdb.DuckDBPyConnection,
    cur,
    csv_path: Path,
    source: _Source,
    schema: str,
    staging: str,
    row_level_security: bool,
) -> PublishedTable:
    """Create the staging table, COPY the mart into it through a CSV file, index and analyze."""
    table_started = time.perf_counter()
    staging_id = sql.Identifier(schema, staging)
    cur.execute(
        sql.SQL("CREATE TABLE {} ({})").format(
            staging_id,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg))
                for name, _, pg in source.columns
            ),
        )
    )
    selects = ", ".join(
        _export_expression(name, duck_type, pg) for name, duck_type, pg in source.columns
    )
    exported = duck.execute(
        f"COPY (SELECT {selects} FROM {SOURCE_SCHEMA}.{_duck_ident(source.name)}) "
        f"TO '{csv_path.as_posix().replace(chr(39), chr(39) * 2)}' (FORMAT csv, HEADER false)"
    ).fetchone()
    rows = int(exported[0]) if exported else 0
    with csv_path.open("rb") as handle:
        cur.copy_expert(
            sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)")
            .format(
                staging_id,
                sql.SQL(", ").join(sql.Identifier(name) for name, _, _ in source.columns),
            )
            .as_string(cur),
            handle,
            size=1 << 20,
        )
    csv_path.unlink()
    if source.has_account_id:
        cur.execute(
            sql.SQL("CREATE INDEX {} ON {} (account_id)").format(
                sql.Identifier(f"{staging}_account_id"), staging_id
            )
        )
    cur.execute(sql.SQL("ANALYZE {}").format(staging_id))
    return PublishedTable(
        name=source.name,
        rows=rows,
        columns={name: pg for name, _, pg in source.columns},
        row_level_security=row_level_security,
        seconds=time.perf_counter() - table_started,
    )


def _swap_in_table(cur, schema: str, source: _Source, staging: str) -> None:
    """Drop the published table and rename the staging table (and its index) into its place."""
    cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(schema, source.name)))
    cur.execute(
        sql.SQL("ALTER TABLE {} RENAME TO {}").format(
            sql.Identifier(schema, staging), sql.Identifier(source.name)
        )
    )
    if source.has_account_id:
        cur.execute(
            sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                sql.Identifier(schema, f"{staging}_account_id"),
                sql.Identifier(_index_name(source.name)),
            )
        )


def _grant_table(
    cur,
    table: sql.Identifier,
    published: PublishedTable,
    bi_role: str | None,
    account_roles: dict[str, str],
) -> None:
    """SELECT for the BI role, row-level security with one policy per account, and a comment."""
    if bi_role:
        cur.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(table, sql.Identifier(bi_role)))
    if published.row_level_security:
        cur.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(table))
        if bi_role:
            cur.execute(
                sql.SQL(
                    "CREATE POLICY bi_full_access ON {} AS PERMISSIVE FOR SELECT TO {} USING (true)"
                ).format(table, sql.Identifier(bi_role))
            )
        for account_id, role in account_roles.items():
            cur.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(table, sql.Identifier(role)))
            cur.execute(
                sql.SQL(
                    "CREATE POLICY {} ON {} AS PERMISSIVE FOR SELECT TO {} USING (account_id = {})"
                ).format(sql.Identifier(role), table, sql.Identifier(role), sql.Literal(account_id))
            )
    cur.execute(
        sql.SQL("COMMENT ON TABLE {} IS {}").format(
            table,
            sql.Literal(
                f"Published by Tributary from warehouse schema {SOURCE_SCHEMA} "
                f"({published.rows} rows)"
            ),
        )
    )


def _index_name(table: str) -> str:
    name = f"{table}_account_id_idx"
    if len(name) > _PG_NAME_MAX:
        digest = hashlib.sha1(table.encode()).hexdigest()[:8]
        name = f"{table[: _PG_NAME_MAX - 22]}_{digest}_account_idx"
    return name
