"""Load one child account: read its connection, validate every piece, replace it in the lake.

A load either commits whole (all pieces and its rejected rows swapped in together) or leaves the
account's previous data exactly as it was and records the failure in its load status, so the
account shows as ``stale`` while the others refresh.

A connection is either a folder of files (``folder``, alias ``csv``) or a database read with one
query per piece (``database``). A database that cannot be reached raises
:class:`TransientAccountLoadError` (``exc.transient`` is true): the caller may retry the load
later; the failure is recorded either way.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from tributary.config import Account, Config, Home, LoadChecks
from tributary.connectors.database import (
    SourceUnavailable,
    fingerprint_tables,
    read_query_tables,
)
from tributary.connectors.existing import read_existing_home
from tributary.connectors.folder import (
    RawTable,
    UnreadableFile,
    find_piece_files,
    fingerprint,
    read_piece_file,
)
from tributary.contract import MAX_ABS_VALUE, PIECES
from tributary.exchange_rates import missing_rate
from tributary.lake import REJECTED, Lake, LoadStatus
from tributary.scopes import CHILD_ROLE, MASTER_ID, MASTER_ROLE
from tributary.validation import (
    PieceResult,
    validate_in_slices,
    validate_piece,
    validate_whole_file,
)

# Bump when parsing rules change, so identical files are re-validated under the new rules.
CONTRACT_VERSION = "2"  # 2: dates beyond 2262 and with offsets, bad CSV lines as rows


class AccountLoadError(Exception):
    """The account could not be loaded; its previous data is untouched.

    ``transient`` tells a caller whether trying again later may succeed (a source that cannot be
    reached) or not (a malformed file, a wrong query): see TransientAccountLoadError.
    """

    transient = False

    def __init__(self, account_id: str, message: str):
        super().__init__(f"account '{account_id}': {message}")
        self.account_id = account_id


class HeldLoadError(AccountLoadError):
    """The new input looks like a failed export (history shrank too much, or came empty): the
    account keeps its previous data until someone accepts this load once."""


class TransientAccountLoadError(AccountLoadError):
    """The account's source could not be reached (database down, refused, timed out)."""

    transient = True


@dataclass
class Source:
    """One account's connection opened for a load: its load id and a reader per piece.

    A folder's files are read only when asked (an unchanged load reads nothing); a database's
    query results are already fetched, since their content is what the load id hashes.
    """

    load_id: str
    readers: dict[str, Callable[[], RawTable]]
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    account_id: str
    load_id: str
    rows_loaded: int
    rows_rejected: int
    seconds: float
    unchanged: bool  # same input as the data already in the lake: nothing was rewritten
    per_piece: dict[str, tuple[int, int]] = field(default_factory=dict)  # piece: (ok, rejected)
    warnings: list[str] = field(default_factory=list)


def load_id_for(account: Account, files: list[Path]) -> str:
    """Same files and same connection settings give the same id: re-running changes nothing."""
    settings = json.dumps(
        {"connection": account.connection.to_dict(), "contract": CONTRACT_VERSION},
        sort_keys=True,
    )
    return fingerprint(files) + "-" + hashlib.sha256(settings.encode()).hexdigest()[:6]


def load_id_for_tables(account: Account, tables: Mapping[str, RawTable]) -> str:
    """The load id of query results: same rows and same settings give the same id."""
    settings = json.dumps(
        {"connection": account.connection.to_dict(), "contract": CONTRACT_VERSION},
        sort_keys=True,
    )
    return fingerprint_tables(tables) + "-" + hashlib.sha256(settings.encode()).hexdigest()[:6]


def open_source(home: Home, account: Account) -> Source:
    """Open the account's connection; raises UnreadableFile or SourceUnavailable."""
    connection = account.connection
    if connection.type == "database":
        tables = read_query_tables(connection.url_env, connection.queries)
        return Source(
            load_id=load_id_for_tables(account, tables),
            readers={piece: (lambda table=table: table) for piece, table in tables.items()},
        )
    if connection.type == "tributary":
        other = home.connection_path(account)
        tables = read_existing_home(other)
        return Source(
            load_id=load_id_for_tables(account, tables),
            readers={piece: (lambda table=table: table) for piece, table in tables.items()},
        )
    files, unknown = find_piece_files(home.connection_path(account))
    return Source(
        load_id=load_id_for(account, list(files.values())),
        readers={piece: (lambda path=path: read_piece_file(path)) for piece, path in files.items()},
        warnings=[f"unknown file ignored: {name}" for name in unknown],
    )


def validate_account(
    home: Home,
    account: Account,
    progress: Callable[[str], None] | None = None,
    source: Source | None = None,
    max_abs_value: float = MAX_ABS_VALUE,
) -> tuple[str, dict[str, PieceResult], list[str]]:
    """Read and validate every piece of one account without writing anything."""
    source = source or open_source(home, account)
    warnings = list(source.warnings)
    results: dict[str, PieceResult] = {}
    for piece_name, read in source.readers.items():
        raw = read()
        piece = PIECES[piece_name]
        # A piece without a key may be millions of lines: validated in slices (see validation).
        validate = validate_piece if piece.key else validate_in_slices
        result = validate(
            piece,
            raw,
            column_map=account.connection.columns,
            date_format=account.connection.date_format,
            max_abs_value=max_abs_value,
        )
        results[piece_name] = result
        warnings.extend(result.warnings)
        if progress:
            progress(
                f"{piece_name}: {len(result.frame):,} rows accepted, "
                f"{result.rows_rejected:,} rejected"
            )
    return source.load_id, results, warnings


def load_account(
    home: Home,
    config: Config,
    account_id: str,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
    accept_drop: bool = False,
) -> LoadReport:
    """Load one account into the lake; raise AccountLoadError (old data kept) if it cannot.

    A load whose transactions shrink by more than ``master.load_checks.max_transactions_drop``
    of the rows in the lake is held (HeldLoadError) unless ``accept_drop``.
    """
    account = config.account(account_id)
    checks = config.master.load_checks if config.master else LoadChecks()
    lake = Lake(home.lake)
    lake.recover(account_id)
    started = time.perf_counter()
    previous = lake.status(account_id)
    unconvertible = missing_rate(home, config, account)
    if unconvertible:
        # the master would add this account's money to the base currency's as if it were base
        _record_failure(lake, account_id, unconvertible)
        raise AccountLoadError(account_id, f"{unconvertible} (previous data kept)")
    try:
        source = open_source(home, account)
        if not force and _lake_holds(lake, account_id, previous, source.load_id):
            # Same input, same settings, same rules: the lake already holds this load.
            return _unchanged_report(account_id, previous, started)
        load_id, results, warnings = validate_account(
            home, account, progress, source, checks.max_abs_value
        )
    except Exception as exc:  # noqa: BLE001 - any failure to read marks the account stale
        raise _read_failure(lake, account_id, exc) from exc

    unchanged = _lake_holds(lake, account_id, previous, load_id)
    if not unchanged:
        held = not accept_drop and _held_back(
            lake, account_id, results, checks.max_transactions_drop
        )
        if held:
            _record_failure(lake, account_id, held)
            raise HeldLoadError(account_id, held)
        _replace_in_lake(lake, account_id, load_id, results)
        loaded_at = datetime.now().replace(microsecond=0)
    else:
        loaded_at = previous.last_loaded_at
    rows_loaded = sum(len(r.frame) for r in results.values())
    rows_rejected = sum(r.rows_rejected for r in results.values())
    lake.write_status(
        account_id,
        LoadStatus(
            load_id=load_id,
            status="ok",
            last_loaded_at=loaded_at,
            rows_loaded=rows_loaded,
            rows_rejected=rows_rejected,
            warnings="\n".join(warnings) or None,
        ),
    )
    return LoadReport(
        account_id=account_id,
        load_id=load_id,
        rows_loaded=rows_loaded,
        rows_rejected=rows_rejected,
        seconds=time.perf_counter() - started,
        unchanged=unchanged,
        per_piece={name: (len(r.frame), r.rows_rejected) for name, r in results.items()},
        warnings=warnings,
    )


def _lake_holds(lake: Lake, account_id: str, previous: LoadStatus | None, load_id: str) -> bool:
    """Whether the lake already holds this load of the account, complete and ok."""
    return (
        previous is not None
        and previous.status == "ok"
        and previous.load_id == load_id
        and lake.has_data(account_id)
    )


def _unchanged_report(account_id: str, previous: LoadStatus, started: float) -> LoadReport:
    """The report of a load skipped because the lake already holds it."""
    return LoadReport(
        account_id=account_id,
        load_id=previous.load_id,
        rows_loaded=previous.rows_loaded,
        rows_rejected=previous.rows_rejected,
        seconds=time.perf_counter() - started,
        unchanged=True,
        warnings=(previous.warnings or "").splitlines(),
    )


def _read_failure(lake: Lake, account_id: str, exc: Exception) -> AccountLoadError:
    """Record a failure to read the account and return the error to raise (transient or not)."""
    if isinstance(exc, UnreadableFile):
        _record_failure(lake, account_id, str(exc))
        return AccountLoadError(account_id, f"{exc} (previous data kept)")
    if isinstance(exc, SourceUnavailable):
        _record_failure(lake, account_id, str(exc))
        return TransientAccountLoadError(
            account_id, f"{exc} (previous data kept; a later attempt may succeed)"
        )
    message = f"unexpected error while reading: {type(exc).__name__}: {exc}"
    _record_failure(lake, account_id, message)
    return AccountLoadError(account_id, f"{message} (previous data kept)")


def _replace_in_lake(
    lake: Lake, account_id: str, load_id: str, results: dict[str, PieceResult]
) -> None:
    """Swap the account's pieces and rejected rows into the lake; a failure marks it stale."""
    rejected = [r.rejected for r in results.values() if len(r.rejected)]
    tables: dict[str, pd.DataFrame | pa.Table | None] = {
        name: r.frame for name, r in results.items()
    }
    tables[REJECTED] = (
        pd.concat(rejected, ignore_index=True).assign(load_id=load_id) if rejected else None
    )
    try:
        lake.replace_account(account_id, load_id, tables)
    except Exception as exc:  # noqa: BLE001 - disk full, permissions, a bad value: all stale
        message = f"writing the lake failed: {type(exc).__name__}: {exc}"
        _record_failure(lake, account_id, message)
        raise AccountLoadError(account_id, f"{message} (previous data kept)") from exc


def _held_back(
    lake: Lake, account_id: str, results: dict[str, PieceResult], max_drop: float
) -> str | None:
    """Why this load should wait for a person (None: it may go in)."""
    before = lake.row_count("transactions", account_id)
    new = results.get("transactions")
    if not before or new is None:
        return None
    after = len(new.frame)
    if after >= before * (1 - max_drop):
        return None
    what = "has no rows" if after == 0 else f"has {after:,} rows"
    return (
        f"held back, previous data kept: {new.source_file} {what} where the lake holds {before:,} "
        f"(a drop of {1 - after / before:.0%}, more than the {max_drop:.0%} allowed by "
        "master.load_checks.max_transactions_drop). If this is right, accept it once: "
        f"`tributary run --accept {account_id}`"
    )


def _record_failure(lake: Lake, account_id: str, message: str) -> None:
    previous = lake.status(account_id)
    lake.write_status(
        account_id,
        LoadStatus(
            load_id=previous.load_id if previous else None,
            status="failed",
            last_loaded_at=previous.last_loaded_at if previous else None,
            rows_loaded=previous.rows_loaded if previous else 0,
            rows_rejected=previous.rows_rejected if previous else 0,
            last_error=message,
            failed_at=datetime.now().replace(microsecond=0),
            warnings=previous.warnings if previous else None,
        ),
    )


def registry_rows(config: Config) -> list[dict]:
    """The accounts registry written to the lake for dbt: the master first, then children."""
    master = config.master
    assert master is not None
    rows = [
        {
            "account_id": MASTER_ID,
            "name": master.name,
            "role": MASTER_ROLE,
            "position": 0,
            "currency": master.currency,
            "connection_type": None,
            "period": master.period,
            "as_of": master.today(),
        }
    ]
    for position, account in enumerate(config.accounts, start=1):
        rows.append(
            {
                "account_id": account.id,
                "name": account.name,
                "role": CHILD_ROLE,
                "position": position,
                "currency": account.currency,
                "connection_type": account.connection.type,
                "period": master.period,
                "as_of": master.today(),
            }
        )
    return rows


class MasterItemsError(ValueError):
    """The master items file cannot be used; the message names the file, rows and reasons."""


def load_master_items(home: Home, config: Config) -> pd.DataFrame | None:
    """Validate the master's items file (``master.items_file``); None when there is none.

    Unlike a child's file, a bad row here fails the build: an override that silently does not
    apply would plan the whole group with the wrong parameters.
    """
    master = config.master
    if master is None or not master.items_file:
        return None
    path = home.path_in(master.items_file)
    if not path.exists():
        raise MasterItemsError(f"master items file {path} not found (accounts.yaml items_file)")
    where = f"master items file {path.name}"
    items = PIECES["items"]
    return validate_whole_file(items, path, MasterItemsError, "master items file", where).frame
