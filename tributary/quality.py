"""Great Expectations suites over the output tables.

Suites live as JSON in ``expectations/<table>.json`` (GX 1.x format: a name and a list of
``{"type": ..., "kwargs": ...}``). They are run with an ephemeral GX context (nothing but the
JSON files is kept on disk) through GX's SQL data source on the DuckDB warehouse file, opened
read-only: every expectation is computed by DuckDB as an aggregate query over the whole table,
so no row is copied into Python (a 17-million-line sales history is checked in seconds, in
little memory). Only the examples of unexpected values (at most ``MAX_EXAMPLES`` each) come back.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"

# Examples of unexpected values kept per failed expectation.
MAX_EXAMPLES = 20

# GX prints a progress bar per metric batch; not wanted in pipeline logs.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    examples: list = field(default_factory=list)

    def __str__(self) -> str:
        where = f" on {self.column}" if self.column else ""
        count = f": {self.unexpected_count} unexpected" if self.unexpected_count else ""
        sample = f" (e.g. {self.examples[:3]})" if self.examples else ""
        return f"{self.expectation}{where}{count}{sample}"


@dataclass
class QualityReport:
    table: str
    rows: int
    evaluated: int
    failures: list[Failure]

    @property
    def success(self) -> bool:
        return not self.failures


def suite_path(table: str, directory: Path = EXPECTATIONS_DIR) -> Path:
    return directory / f"{table}.json"


def tables_with_suites(directory: Path = EXPECTATIONS_DIR) -> list[str]:
    """Every output table that has a suite, by file name."""
    return sorted(p.stem for p in directory.glob("*.json"))


def load_suite(table: str, directory: Path = EXPECTATIONS_DIR):
    """Read ``expectations/<table>.json`` into a GX ExpectationSuite."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    data = json.loads(suite_path(table, directory).read_text())
    expectations = [
        ExpectationConfiguration(type=e["type"], kwargs=e.get("kwargs", {})).to_domain_obj()
        for e in data["expectations"]
    ]
    return gx.ExpectationSuite(name=data.get("name", table), expectations=expectations)


def _failure(outcome) -> Failure:
    config = outcome.expectation_config
    kwargs = config.kwargs
    details = outcome.result or {}
    columns = kwargs.get("column_list") or [
        kwargs[name] for name in ("column_A", "column_B") if kwargs.get(name)
    ]
    return Failure(
        expectation=config.type,
        column=kwargs.get("column") or (", ".join(columns) if columns else None),
        unexpected_count=details.get("unexpected_count"),
        examples=list(details.get("partial_unexpected_list") or [])[:MAX_EXAMPLES],
    )


def validate_warehouse(
    table: str,
    warehouse: Path | str,
    schema: str = "marts",
    directory: Path = EXPECTATIONS_DIR,
    config: Mapping[str, str] | None = None,
) -> QualityReport:
    """Run the suite of ``table`` on ``<schema>.<table>`` in the DuckDB file ``warehouse``.

    The file is opened read-only (``config``: further DuckDB settings, say a memory limit) and
    closed again before this returns, so a later step can write it. The whole table is one
    batch: DuckDB computes each expectation over all rows, so a duplicate key or an
    unexpected value anywhere is counted, and the report lists every failed expectation with
    its column(s), unexpected count and examples.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    import tributary.duckdb_dialect  # noqa: F401  (registers duckdb+tributary://)

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    suite = load_suite(table, directory)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    connect_args = {"read_only": True, "config": dict(config or {})}
    source = context.data_sources.add_sql(
        f"{table}_source",
        connection_string=f"duckdb+tributary:///{Path(warehouse).resolve()}",
        kwargs={"connect_args": connect_args},
    )
    try:
        with warnings.catch_warnings():
            # GX 1.x would rather have the schema in the connection string; DuckDB's has none.
            warnings.filterwarnings("ignore", "`schema_name` is deprecated", DeprecationWarning)
            asset = source.add_table_asset(table, table_name=table, schema_name=schema)
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        result = batch.validate(suite, result_format="SUMMARY")
        with source.get_engine().connect() as con:
            rows = con.execute(
                sa.select(sa.func.count()).select_from(sa.table(table, schema=schema))
            ).scalar_one()
    finally:
        # Close every pooled connection: DuckDB keeps the file open (and locked) while one is.
        source.get_execution_engine().engine.dispose()
        source.get_engine().dispose()
    failures = [_failure(outcome) for outcome in result.results if not outcome.success]
    return QualityReport(table, rows, len(result.results), failures)


def validate_table(
    table: str, rows: pd.DataFrame, directory: Path = EXPECTATIONS_DIR
) -> QualityReport:
    """Run the table's suite on ``rows`` (hand-made rows, say): they are written to a scratch
    DuckDB file as ``marts.<table>`` and checked there exactly as the warehouse is."""
    with tempfile.TemporaryDirectory(prefix="tributary-quality-") as scratch:
        path = Path(scratch) / "rows.duckdb"
        with duckdb.connect(str(path)) as con:
            con.register("rows_frame", rows)
            con.execute("create schema marts")
            con.execute(f'create table marts."{table}" as select * from rows_frame')
        return validate_warehouse(table, path, directory=directory)
