"""Great Expectations suites over the output tables.

Suites live as JSON in ``expectations/<table>.json`` (GX 1.x format: a name and a list of
``{"type": ..., "kwargs": ...}``). They are run on a table's rows with an ephemeral GX context,
so nothing but the JSON files is kept on disk.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

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


# Rows per batch a suite is run on: a 17-million-line sales history in one pandas frame takes
# about 10 GB; in batches of this size the check stays near one GB.
BATCH_ROWS = 1_000_000


def validate_table(table: str, rows: pd.DataFrame, directory: Path = EXPECTATIONS_DIR):
    """Run the table's suite on ``rows``; the report lists every failed expectation."""
    return validate_batches(table, [rows], directory)


def partition_columns(table: str, directory: Path = EXPECTATIONS_DIR) -> list[str]:
    """The columns every uniqueness expectation of the suite shares: batches split on them keep
    each key's rows together, so a duplicate is always caught within one batch. Empty when the
    suite has no uniqueness expectation (any split will do)."""
    data = json.loads(suite_path(table, directory).read_text())
    keys = []
    for expectation in data["expectations"]:
        kwargs = expectation.get("kwargs", {})
        if expectation["type"] == "expect_compound_columns_to_be_unique":
            keys.append(list(kwargs["column_list"]))
        elif expectation["type"] == "expect_column_values_to_be_unique":
            keys.append([kwargs["column"]])
    if not keys:
        return []
    return [column for column in keys[0] if all(column in key for key in keys[1:])] or ["*"]


def read_in_batches(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    key_columns: list[str],
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pd.DataFrame]:
    """Every row of ``relation`` (a table name or a query), in frames of about ``batch_rows``.

    With key columns, batch i holds the rows whose key hashes to i, so equal keys share a
    batch; ``["*"]`` means the uniqueness expectations share no column: one batch. Always
    yields at least one frame (an empty table's columns still count for the suite).
    """
    total = con.execute(f"select count(*) from {relation}").fetchone()[0]
    if key_columns == ["*"]:
        yield con.execute(f"select * from {relation}").fetchdf()
        return
    if not key_columns:
        reader = con.execute(f"select * from {relation}").to_arrow_reader(batch_rows)
        empty = True
        for batch in reader:
            empty = False
            yield batch.to_pandas()
        if empty:
            yield reader.schema.empty_table().to_pandas()
        return
    batches = max(1, -(-total // batch_rows))
    key = ", ".join(f'"{column}"' for column in key_columns)
    for number in range(batches):
        yield con.execute(
            f"select * from {relation} where hash({key}) % ? = ?", [batches, number]
        ).fetchdf()


def validate_batches(
    table: str, batches: Iterable[pd.DataFrame], directory: Path = EXPECTATIONS_DIR
) -> QualityReport:
    """Run the table's suite on each batch of its rows and add the failures up: the counts of
    unexpected values are summed, examples kept from the first batches that had them."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    suite = load_suite(table, directory)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(f"{table}_source")
    batch_definition = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("all")
    failures: dict[tuple[str, str | None], Failure] = {}
    rows = evaluated = 0
    for frame in batches:
        rows += len(frame)
        result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
            suite, result_format="SUMMARY"
        )
        evaluated = len(result.results)
        for outcome in result.results:
            if outcome.success:
                continue
            details = outcome.result or {}
            config = outcome.expectation_config
            found = failures.setdefault(
                (config.type, config.kwargs.get("column")),
                Failure(
                    expectation=config.type,
                    column=config.kwargs.get("column"),
                    unexpected_count=None,
                ),
            )
            if details.get("unexpected_count") is not None:
                found.unexpected_count = (found.unexpected_count or 0) + details["unexpected_count"]
            if len(found.examples) < MAX_EXAMPLES:
                found.examples += list(details.get("partial_unexpected_list") or [])
                del found.examples[MAX_EXAMPLES:]
    return QualityReport(table, rows, evaluated, list(failures.values()))
