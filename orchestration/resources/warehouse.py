"""Read access to the DuckDB warehouse for Python assets (only dbt writes it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from tributary import warehouse_files

READER_CONFIG = {"memory_limit": "1GB", "threads": "1"}


class Warehouse(dg.ConfigurableResource):
    """The home's warehouse.duckdb, opened read-only for each query.

    Within a run, once its warehouse step has passed, the steps read that run's build file
    (tributary.warehouse_files): the scopes plan on the data just loaded while readers outside
    keep the previous warehouse until the run swaps the new one in.
    """

    path: str

    def read(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).fetchdf()

    def reading_file(self) -> Path:
        """The file this step reads (the run's ready build, else the current warehouse); open
        it read-only with READER_CONFIG."""
        path = warehouse_files.reading_path(Path(self.path))
        if not path.exists():
            raise dg.Failure(f"no warehouse at {self.path}: build it first (build_warehouse)")
        return path

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One read-only connection for several queries (say, a scope read chunk by chunk)."""
        path = self.reading_file()
        # Two scopes read side by side: each connection stays within its share of memory.
        with duckdb.connect(str(path), read_only=True, config=READER_CONFIG) as con:
            yield con
