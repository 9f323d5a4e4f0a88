"""The warehouse file readers use, and the one a run builds: readers never wait, never see half.

A run builds into ``<home>/.building/warehouse.duckdb``, never into ``<home>/warehouse.duckdb``:

1. the warehouse step starts a build: a copy of the current file (``begin_build``), which dbt
   then rebuilds and tests; once it has passed, the build is marked ready (``mark_ready``);
2. the forecasts, plans and KPIs of every scope read the ready build (``reading_path``);
3. the output-marts step builds the forecast, plan and KPI marts into the same file and, once
   its models and tests have passed, swaps it in (``swap_in``): one rename, atomic.

Readers (BI tools, `tributary show`, a person with the DuckDB CLI) keep the file they opened;
DuckDB's write lock is on the build file, never on theirs. A run killed at any point leaves
the current file as it was: all old. The next build starts over from the current file.

The build file sits in a folder of its own so that its name, and so DuckDB's catalog name in
the views dbt writes, is ``warehouse`` like the file it replaces.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

BUILD_DIR = ".building"
READY_MARK = "READY"


def building_path(warehouse: Path) -> Path:
    """Where a run builds the next warehouse (same file name, in the home's .building/)."""
    return warehouse.parent / BUILD_DIR / warehouse.name


def is_ready(warehouse: Path) -> bool:
    """A build whose warehouse step passed, waiting for its output marts."""
    build = building_path(warehouse)
    return build.exists() and (build.parent / READY_MARK).exists()


def reading_path(warehouse: Path) -> Path:
    """The file the steps of a run read: the ready build while there is one, else the current."""
    return building_path(warehouse) if is_ready(warehouse) else warehouse


def begin_build(warehouse: Path) -> Path:
    """Start a new build from a copy of the current warehouse (or from nothing) and return its
    path. Whatever an earlier (failed or killed) build left is dropped first."""
    build = building_path(warehouse)
    shutil.rmtree(build.parent, ignore_errors=True)
    build.parent.mkdir(parents=True)
    if warehouse.exists():
        partial = build.with_name(build.name + ".copying")
        shutil.copyfile(warehouse, partial)
        os.replace(partial, build)
    return build


def build_for_outputs(warehouse: Path) -> Path:
    """The file the output marts are built into: the ready build of this run, or (the output
    marts rebuilt on their own) a new build from the current warehouse."""
    return building_path(warehouse) if is_ready(warehouse) else begin_build(warehouse)


def mark_ready(warehouse: Path) -> None:
    (building_path(warehouse).parent / READY_MARK).write_text("warehouse step passed\n")


def swap_in(warehouse: Path) -> None:
    """Make the build the current warehouse in one rename (after flushing it to disk)."""
    import duckdb

    build = building_path(warehouse)
    if not build.exists():
        raise FileNotFoundError(f"no warehouse build at {build} to swap in")
    # Everything in the file itself, nothing left in a write-ahead log beside it.
    with duckdb.connect(str(build)) as con:
        con.execute("checkpoint")
    _fsync(build)
    os.replace(build, warehouse)
    _fsync(warehouse.parent)
    shutil.rmtree(build.parent, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
