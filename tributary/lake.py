"""The lake: validated pieces as Parquet, one folder per piece and account, swapped atomically.

Layout under ``<home>/lake``::

    raw/<piece>/account=<id>/part-0.parquet          the nine pieces (empty ones schema-only)
    raw/rejected_rows/account=<id>/part-0.parquet    rows the load rejected, with reasons
    meta/load_status/account=<id>/part-0.parquet     outcome of the last load attempt
    meta/accounts/part-0.parquet                     the registry read from accounts.yaml
    derived/<table>/account=<scope>/part-0.parquet   Python outputs per scope (child or master):
                                                     demand_forecast, forecast_accuracy, ...

A load writes every folder aside (``.staging/<load id>/``) first; only when all are written does
it swap them in, each with two renames, keeping the previous folder in ``.previous/`` until the
swap is done. A crash while writing leaves the old data untouched; a crash during the swap is
repaired by the next load of that account (``recover``), which puts the previous folders back.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tributary.contract import PIECES, REJECTED_ROWS_SCHEMA, arrow_schema

REJECTED = "rejected_rows"
PART = "part-0.parquet"

LOAD_STATUS_SCHEMA = pa.schema(
    [
        pa.field("load_id", pa.string()),
        pa.field("status", pa.string()),
        pa.field("last_loaded_at", pa.timestamp("us")),
        pa.field("rows_loaded", pa.int64()),
        pa.field("rows_rejected", pa.int64()),
        pa.field("last_error", pa.string()),
        pa.field("failed_at", pa.timestamp("us")),
        pa.field("warnings", pa.string()),
    ]
)

ACCOUNTS_SCHEMA = pa.schema(
    [
        pa.field("account_id", pa.string()),
        pa.field("name", pa.string()),
        pa.field("role", pa.string()),
        pa.field("position", pa.int64()),
        pa.field("currency", pa.string()),
        pa.field("connection_type", pa.string()),
        pa.field("period", pa.string()),
        pa.field("as_of", pa.date32()),
    ]
)


@dataclass(frozen=True)
class LoadStatus:
    load_id: str | None
    status: str  # "ok" or "failed"
    last_loaded_at: datetime | None
    rows_loaded: int
    rows_rejected: int
    last_error: str | None = None
    failed_at: datetime | None = None
    warnings: str | None = None


class Lake:
    def __init__(self, root: Path):
        self.root = Path(root)

    # -- paths -----------------------------------------------------------------------------
    def partition(self, table: str, account_id: str) -> Path:
        return self.root / "raw" / table / f"account={account_id}"

    def status_path(self, account_id: str) -> Path:
        return self.root / "meta" / "load_status" / f"account={account_id}" / PART

    @property
    def registry_path(self) -> Path:
        return self.root / "meta" / "accounts" / PART

    def tables(self) -> list[str]:
        return [*PIECES, REJECTED]

    # -- reading ---------------------------------------------------------------------------
    def read(self, table: str, account_id: str) -> pd.DataFrame:
        path = self.partition(table, account_id) / PART
        return pq.read_table(path).to_pandas()

    def has_data(self, account_id: str) -> bool:
        return all((self.partition(t, account_id) / PART).exists() for t in self.tables())

    def status(self, account_id: str) -> LoadStatus | None:
        path = self.status_path(account_id)
        if not path.exists():
            return None
        row = pq.read_table(path).to_pylist()[0]
        return LoadStatus(**row)

    # -- writing ---------------------------------------------------------------------------
    def recover(self, account_id: str) -> None:
        """Finish or undo a swap that a crash interrupted: no table is ever left missing.

        A stash in ``.previous/<swap>/`` mirrors the path of the folder it was moved from.
        """
        self._clear_abandoned_staging(account_id)
        previous = self.root / ".previous"
        if not previous.exists():
            return
        for stash in sorted(previous.glob(f"*/**/account={account_id}")):
            relative = stash.relative_to(previous).parts[1:]
            target = self.root.joinpath(*relative)
            if target.exists():
                shutil.rmtree(stash)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(stash, target)

    def _clear_abandoned_staging(self, key: str) -> None:
        """Remove half-written staging folders of ``key`` whose writing process has died."""
        staging = self.root / ".staging"
        if not staging.exists():
            return
        for folder in staging.glob(f"{key}-*"):
            pid = folder.name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)

    def replace_account(
        self, account_id: str, load_id: str, tables: dict[str, pd.DataFrame]
    ) -> None:
        """Write every table of one account aside, then swap them all in.

        ``tables`` maps each piece name and ``rejected_rows`` to its rows; every one is written
        (empty ones as schema-only files) so that readers always find all of them.
        """
        entries = {}
        for table in self.tables():
            schema = REJECTED_ROWS_SCHEMA if table == REJECTED else arrow_schema(PIECES[table])
            entries[self.partition(table, account_id)] = (tables.get(table), schema)
        self._swap_in(account_id, load_id, entries)

    def scope_partition(self, table: str, scope: str) -> Path:
        """Where a Python asset's output for one scope (a child or the master) lives."""
        return self.root / "derived" / table / f"account={scope}"

    def replace_scope(
        self, scope: str, tables: dict[str, tuple[pd.DataFrame, pa.Schema]], token: str = "run"
    ) -> None:
        """Atomically replace the derived tables (forecasts, plans) of one scope."""
        entries = {self.scope_partition(t, scope): value for t, value in tables.items()}
        self._swap_in(scope, token, entries)

    def _swap_in(
        self,
        key: str,
        token: str,
        entries: dict[Path, tuple[pd.DataFrame | None, pa.Schema]],
    ) -> None:
        """Write each folder aside, then swap all of them in (see the module docstring)."""
        self.recover(key)
        tag = f"{key}-{token}-{os.getpid()}"
        staging = self.root / ".staging" / tag
        previous = self.root / ".previous" / tag
        if staging.exists():
            shutil.rmtree(staging)
        for target, (frame, schema) in entries.items():
            out = staging / target.relative_to(self.root)
            out.mkdir(parents=True)
            _write_parquet(frame, schema, out / PART)
        for target in entries:
            relative = target.relative_to(self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                stash = previous / relative
                stash.parent.mkdir(parents=True, exist_ok=True)
                os.rename(target, stash)
            os.rename(staging / relative, target)
        shutil.rmtree(previous, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        for scratch in (previous.parent, staging.parent):
            if scratch.exists() and not any(scratch.iterdir()):
                scratch.rmdir()

    def write_status(self, account_id: str, status: LoadStatus) -> None:
        frame = pd.DataFrame([status.__dict__])
        path = self.status_path(account_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_parquet(frame, LOAD_STATUS_SCHEMA, path)

    def write_registry(self, rows: list[dict]) -> None:
        path = self.registry_path
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_parquet(pd.DataFrame(rows), ACCOUNTS_SCHEMA, path)

    def drop_account(self, account_id: str) -> None:
        """Remove every folder of an account (after `accounts remove`)."""
        for table in self.tables():
            shutil.rmtree(self.partition(table, account_id), ignore_errors=True)
        shutil.rmtree(self.status_path(account_id).parent, ignore_errors=True)

    def accounts_with_data(self) -> list[str]:
        base = self.root / "raw" / "transactions"
        if not base.exists():
            return []
        return sorted(p.name.split("=", 1)[1] for p in base.glob("account=*"))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_parquet(frame: pd.DataFrame | None, schema: pa.Schema, path: Path) -> None:
    """Write ``frame`` with exactly ``schema`` to a temporary name, then rename it into place."""
    if frame is None or frame.empty:
        table = schema.empty_table()
    else:
        columns = {}
        for field in schema:
            if field.name in frame.columns:
                # from_pandas turns NaN/NaT/NA into nulls, which is what "not given" means.
                columns[field.name] = pa.Array.from_pandas(frame[field.name], type=field.type)
            else:
                columns[field.name] = pa.nulls(len(frame), type=field.type)
        table = pa.table(columns, schema=schema)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
