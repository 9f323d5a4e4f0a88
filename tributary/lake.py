"""The lake: validated pieces as Parquet, one folder per piece and account, swapped atomically.

Layout under ``<home>/lake``::

    raw/<piece>/account=<id>/part-0.parquet          the ten pieces (empty ones schema-only)
    raw/rejected_rows/account=<id>/part-0.parquet    rows the load rejected, with reasons
    meta/load_status/account=<id>/part-0.parquet     outcome of the last load attempt
    meta/accounts/part-0.parquet                     the registry read from accounts.yaml
    derived/<table>/account=<scope>/part-0.parquet   Python outputs per scope (child or master):
                                                     demand_forecast, forecast_accuracy, ...
    .staging/<tag>/<folder path>                     a swap's new folders, written before any rename
    .previous/<tag>/<folder path>                    the old folders a swap has set aside
    .previous/<tag>/swap.json                        the swap's manifest (see below)

``<tag>`` is ``<key>-<load id or token>-<pid>``; ``.staging`` and ``.previous`` exist only
while a swap runs (or after a crash, until the next load of that key repairs it).

A swap replaces all folders of one key (the ten pieces and ``rejected_rows`` of an account, or
the derived tables of a scope) all-or-nothing:

1. every new folder is written to ``.staging/<tag>/`` first; a crash (or error) here leaves the
   old data untouched, and abandoned staging of dead processes is removed later;
2. the manifest ``swap.json`` lists every folder (and whether it had an old version) with state
   ``swapping``; it is written to a temporary name and ``os.replace``d into place before the
   first rename;
3. each folder is swapped with two renames: current -> ``.previous/<tag>/``, staging -> current;
4. the manifest is rewritten with state ``done`` - the commit point - and only then are the
   stash, the staging folder and the manifest removed.

``recover(key)`` runs at the start of every swap and load of ``key``. An unfinished manifest of a
dead process (or of this one, after an error) is rolled BACK: every already-swapped new folder is
moved out of the way and every stashed old folder is put back, so all folders are old again,
matching the load status, which is written only after a successful swap. A ``done`` manifest
is rolled forward (only its cleanup is left). Either way readers never get a mix of old and new
tables. Rolling back is idempotent, so a crash during recovery is repaired by the next one.
Stashes without a manifest (from before manifests existed) are put back where their folder is
missing, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from tributary.contract import (
    EXCHANGE_RATES,
    INT,
    PIECES,
    REJECTED_ROWS_SCHEMA,
    D,
    S,
    arrow_schema,
    arrow_table,
    schema_of,
)
from tributary.scopes import MASTER_ID

if TYPE_CHECKING:  # pandas loads on use: `tributary report` stays small without it
    import pandas as pd

REJECTED = "rejected_rows"
PART = "part-0.parquet"
MANIFEST = "swap.json"
# The master's own tables (accounts.yaml master.items_file, master.exchange_rates), by lake/meta
# folder name, with the piece that types them.
MASTER_TABLES = {"master_items": PIECES["items"], "exchange_rates": EXCHANGE_RATES}

# Depth of this process's hold on each lake's scratch lock (Lake._scratch_lock), by lake root.
_LOCKS_HELD: dict[str, int] = {}

# Fault-injection hook, for tests only (tests/test_lake.py): when set to N >= 1, the process
# exits abruptly (os._exit(9), no cleanup) right after the Nth rename of a swap; the folder
# renames count 1, 2, ... and the commit mark (the os.replace of the "done" manifest) counts
# as the last one. Unset (the normal case), it does nothing.
CRASH_AFTER_RENAMES_ENV = "TRIBUTARY_LAKE_CRASH_AFTER_RENAMES"

TIMESTAMP = pa.timestamp("us")

LOAD_STATUS_SCHEMA = schema_of(
    ("load_id", S),
    ("status", S),
    ("last_loaded_at", TIMESTAMP),
    ("rows_loaded", INT),
    ("rows_rejected", INT),
    ("last_error", S),
    ("failed_at", TIMESTAMP),
    ("warnings", S),
)

ACCOUNTS_SCHEMA = schema_of(
    ("account_id", S),
    ("name", S),
    ("role", S),
    ("position", INT),
    ("currency", S),
    ("connection_type", S),
    ("period", S),
    ("as_of", D),
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

    def cache(self, name: str) -> Path:
        """The folder of one cache of derived results (e.g. a scope's forecasts), which may be
        deleted at any time: it is only ever read under a digest of its inputs."""
        return self.root / "cache" / name

    def tables(self) -> list[str]:
        return [*PIECES, REJECTED]

    # -- reading ---------------------------------------------------------------------------
    def read(self, table: str, account_id: str) -> pd.DataFrame:
        path = self.partition(table, account_id) / PART
        return pq.read_table(path).to_pandas()

    def row_count(self, table: str, account_id: str) -> int | None:
        """Rows of one account's table in the lake (from the file's footer), None if absent."""
        path = self.partition(table, account_id) / PART
        return pq.ParquetFile(path).metadata.num_rows if path.exists() else None

    def has_data(self, account_id: str) -> bool:
        return all((self.partition(t, account_id) / PART).exists() for t in self.tables())

    def registry_as_of(self) -> date | None:
        """The planning date the registry was written with: one value for every step of a run."""
        if not self.registry_path.exists():
            return None
        rows = pq.read_table(self.registry_path, columns=["account_id", "as_of"]).to_pylist()
        return next((row["as_of"] for row in rows if row["account_id"] == MASTER_ID), None)

    def status(self, account_id: str) -> LoadStatus | None:
        path = self.status_path(account_id)
        if not path.exists():
            return None
        row = pq.read_table(path).to_pylist()[0]
        return LoadStatus(**row)

    # -- writing ---------------------------------------------------------------------------
    def recover(self, account_id: str) -> None:
        """Finish or undo a swap of ``account_id`` that a crash interrupted (module docstring).

        Afterwards every folder of such a swap is either all old (rolled back) or all new (the
        swap had committed); abandoned staging folders of dead processes are removed.
        """
        # Under the scratch lock: swaps of other keys finish (and remove their folders) under
        # it too, so nothing vanishes while this scans the shared `.previous`/`.staging`.
        with self._scratch_lock():
            previous = self.root / ".previous"
            if previous.exists():
                for tagdir in sorted(p for p in previous.iterdir() if p.is_dir()):
                    manifest = _read_manifest(tagdir)
                    if manifest is None or manifest.get("key") != account_id:
                        continue
                    if _owner_alive(manifest.get("pid"), manifest.get("started")):
                        continue  # another live process is swapping right now: not ours
                    self._resolve(tagdir)
                self._recover_stashes_without_manifest(account_id)
            self._clear_abandoned_staging(account_id)
            self._remove_empty_scratch()

    def _recover_stashes_without_manifest(self, account_id: str) -> None:
        """Stashes of swaps made before manifests existed: put back the folders that are missing.

        A stash in ``.previous/<tag>/`` mirrors the path of the folder it was moved from.
        """
        previous = self.root / ".previous"
        for stash in sorted(previous.glob(f"*/**/account={account_id}")):
            tag, *relative = stash.relative_to(previous).parts
            if (previous / tag / MANIFEST).exists():
                continue  # a live swap's stash, handled through its manifest
            target = self.root.joinpath(*relative)
            if target.exists():
                shutil.rmtree(stash)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(stash, target)
        for tagdir in previous.iterdir():
            pid = tagdir.name.rsplit("-", 1)[-1]
            if (
                tagdir.is_dir()
                and not (tagdir / MANIFEST).exists()
                and pid.isdigit()
                and not _owner_alive(int(pid), None)
                and not any(p.is_file() for p in tagdir.rglob("*") if p.name != MANIFEST + ".tmp")
            ):
                shutil.rmtree(tagdir, ignore_errors=True)

    def _resolve(self, tagdir: Path) -> None:
        """Complete the swap recorded in ``tagdir``: clean up if it committed, else roll back."""
        manifest = _read_manifest(tagdir)
        if manifest is None:
            return
        staging = self.root / ".staging" / tagdir.name
        folders = [
            (Path(*f["path"].split("/")), bool(f["had_previous"])) for f in manifest["folders"]
        ]
        if manifest.get("state") == "done":
            for relative, _ in folders:
                shutil.rmtree(tagdir / relative, ignore_errors=True)
        else:
            for relative, had_previous in reversed(folders):
                target = self.root / relative
                stash = tagdir / relative
                staged = staging / relative
                if stash.exists():
                    if target.exists():
                        _move_aside(target, staged)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(stash, target)
                elif not had_previous and target.exists() and not staged.exists():
                    _move_aside(target, staged)  # new folder where there was none: undo it
        shutil.rmtree(staging, ignore_errors=True)
        (tagdir / MANIFEST).unlink(missing_ok=True)
        shutil.rmtree(tagdir, ignore_errors=True)

    def _clear_abandoned_staging(self, key: str) -> None:
        """Remove half-written staging folders of ``key`` whose writing process has died."""
        staging = self.root / ".staging"
        if not staging.exists():
            return
        for folder in staging.glob(f"{key}-*"):
            pid = folder.name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)

    @contextlib.contextmanager
    def _scratch_lock(self):
        """Held while creating, scanning or removing folders in `.staging`/`.previous`: swaps of
        different keys (accounts, scopes) run in parallel processes and share those parents.
        Only the writes and renames of a swap's own folders happen outside it. Reentrant
        within a process (a second flock on a new handle would wait for the first)."""
        key = str(self.root.resolve())
        if _LOCKS_HELD.get(key):
            _LOCKS_HELD[key] += 1
            try:
                yield
            finally:
                _LOCKS_HELD[key] -= 1
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".scratch.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _LOCKS_HELD[key] = 1
            try:
                yield
            finally:
                _LOCKS_HELD[key] = 0
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _remove_empty_scratch(self) -> None:
        with self._scratch_lock():
            for scratch in (self.root / ".previous", self.root / ".staging"):
                try:
                    if scratch.exists() and not any(scratch.iterdir()):
                        scratch.rmdir()
                except OSError:
                    pass  # another swap just started using it

    def replace_account(
        self, account_id: str, load_id: str, tables: dict[str, pd.DataFrame | pa.Table | None]
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

    def read_scope(self, table: str, scope: str) -> pd.DataFrame:
        """A scope's derived table (forecasts, plans) with its ``account_id``."""
        path = self.scope_partition(table, scope) / PART
        return pq.read_table(path).to_pandas().assign(account_id=scope)

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
        entries: dict[Path, tuple[pd.DataFrame | pa.Table | None, pa.Schema]],
    ) -> None:
        """Write each folder aside, then swap all of them in at once (see the module docstring)."""
        self.recover(key)
        tag = f"{key}-{token}-{os.getpid()}"
        staging = self.root / ".staging" / tag
        previous = self.root / ".previous" / tag
        with self._scratch_lock():
            if staging.exists():
                shutil.rmtree(staging)
            staging.mkdir(parents=True)
        try:
            for target, (frame, schema) in entries.items():
                out = staging / target.relative_to(self.root)
                out.mkdir(parents=True)
                _write_parquet(frame, schema, out / PART)
        except BaseException:
            with self._scratch_lock():
                shutil.rmtree(staging, ignore_errors=True)
            raise
        relatives = [target.relative_to(self.root) for target in entries]
        manifest = {
            "key": key,
            "token": token,
            "pid": os.getpid(),
            "started": _process_start(os.getpid()),
            "state": "swapping",
            "folders": [
                {"path": relative.as_posix(), "had_previous": (self.root / relative).exists()}
                for relative in relatives
            ],
        }
        crash = _CrashHook()
        try:
            with self._scratch_lock():
                if previous.exists():
                    shutil.rmtree(previous)
                previous.mkdir(parents=True)
            _write_json(previous / MANIFEST, manifest)  # before the first rename
            for relative in relatives:
                target = self.root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    stash = previous / relative
                    stash.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(target, stash)
                    crash.renamed()
                os.rename(staging / relative, target)
                crash.renamed()
            _write_json(previous / MANIFEST, {**manifest, "state": "done"})  # the commit point
            crash.renamed()
        except BaseException:
            try:
                with self._scratch_lock():
                    if _read_manifest(previous) is None:  # no rename happened yet
                        shutil.rmtree(previous, ignore_errors=True)
                        shutil.rmtree(staging, ignore_errors=True)
                    else:
                        self._resolve(previous)  # roll back (or, if committed, finish)
                    self._remove_empty_scratch()
            except Exception:  # noqa: BLE001 - the manifest stays; the next recover() retries
                pass
            raise
        with self._scratch_lock():
            self._resolve(previous)  # committed: drop the stash, the staging and the manifest
            self._remove_empty_scratch()

    def write_status(self, account_id: str, status: LoadStatus) -> None:
        import pandas as pd

        frame = pd.DataFrame([status.__dict__])
        _write_parquet(frame, LOAD_STATUS_SCHEMA, self.status_path(account_id))

    def write_registry(self, rows: list[dict]) -> None:
        import pandas as pd

        _write_parquet(pd.DataFrame(rows), ACCOUNTS_SCHEMA, self.registry_path)

    def master_table_path(self, table: str) -> Path:
        """Where a MASTER_TABLES table is written, beside the registry."""
        return self.root / "meta" / table / PART

    def write_master_table(self, table: str, frame: pd.DataFrame | None) -> None:
        """The master's item overrides or exchange rates (a MASTER_TABLES name); schema-only
        when accounts.yaml names no such file."""
        _write_parquet(frame, arrow_schema(MASTER_TABLES[table]), self.master_table_path(table))

    def item_map(self, account_id: str) -> pd.DataFrame | None:
        """A child's loaded item map (``item_code, master_item_code, multiplier``), if any."""
        import pandas as pd

        folder = self.partition("item_map", account_id)
        files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        if not files:
            return None
        frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        return frame[["item_code", "master_item_code", "multiplier"]] if len(frame) else None

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


class _CrashHook:
    """Fault injection for tests: see ``CRASH_AFTER_RENAMES_ENV``. Inert unless it is set."""

    def __init__(self) -> None:
        value = os.environ.get(CRASH_AFTER_RENAMES_ENV, "")
        self.limit = int(value) if value.isdigit() else 0
        self.count = 0

    def renamed(self) -> None:
        self.count += 1
        if self.count == self.limit:
            os._exit(9)


def _write_json(path: Path, data: dict) -> None:
    """Write ``data`` to a temporary name, flush it to disk, then rename it into place."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _read_manifest(tagdir: Path) -> dict | None:
    try:
        data = json.loads((tagdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "folders" in data else None


def _move_aside(folder: Path, destination: Path) -> None:
    """Move ``folder`` to ``destination`` (replacing whatever is there) in one rename."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.rename(folder, destination)


def _process_start(pid: int) -> str | None:
    """The start time of ``pid`` (Linux), to tell a reused pid from the original process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _owner_alive(pid: object, started: object) -> bool:
    """Whether the process that wrote a manifest is still running (and is not this one)."""
    if not isinstance(pid, int) or pid == os.getpid() or not _process_alive(pid):
        return False
    if started is None:
        return True
    current = _process_start(pid)
    return current is None or current == started


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_parquet(frame: pd.DataFrame | pa.Table | None, schema: pa.Schema, path: Path) -> None:
    """Write ``frame`` with exactly ``schema`` (see contract.arrow_table) to a temporary name,
    then rename it into place (making the folder if need be)."""
    table = arrow_table(frame, schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
