"""Read access to the DuckDB warehouse for Python assets (only dbt writes it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd


class Warehouse(dg.ConfigurableResource):
    """The home's warehouse.duckdb, opened read-only for each query."""

    path: str

    def read(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).fetchdf()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One read-only connection for several queries (say, a scope read chunk by chunk)."""
        if not Path(self.path).exists():
            raise dg.Failure(f"no warehouse at {self.path}: build it first (build_warehouse)")
        with duckdb.connect(self.path, read_only=True) as con:
            yield con
