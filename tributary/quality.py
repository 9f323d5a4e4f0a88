"""Great Expectations suites over the output tables.

Suites live as JSON in ``expectations/<table>.json`` (GX 1.x format: a name and a list of
``{"type": ..., "kwargs": ...}``). They are run on a table's rows with an ephemeral GX context,
so nothing but the JSON files is kept on disk.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"

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


def validate_table(table: str, rows: pd.DataFrame, directory: Path = EXPECTATIONS_DIR):
    """Run the table's suite on ``rows``; the report lists every failed expectation."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    suite = load_suite(table, directory)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(f"{table}_source")
    asset = source.add_dataframe_asset(table)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": rows}
    )
    result = batch.validate(suite, result_format="SUMMARY")
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        details = outcome.result or {}
        failures.append(
            Failure(
                expectation=outcome.expectation_config.type,
                column=outcome.expectation_config.kwargs.get("column"),
                unexpected_count=details.get("unexpected_count"),
                examples=list(details.get("partial_unexpected_list") or []),
            )
        )
    return QualityReport(table, len(rows), len(result.results), failures)
