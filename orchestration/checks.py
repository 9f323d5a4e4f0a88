"""Great Expectations suites (expectations/*.json) as blocking Dagster asset checks on the marts."""

import dagster as dg

from orchestration.resources.warehouse import READER_CONFIG, Warehouse
from tributary.quality import tables_with_suites, validate_warehouse


def _suite_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", table]),
        name=f"expectations_{table}",
        description=f"Great Expectations suite expectations/{table}.json on marts.{table}.",
        blocking=True,
    )
    def check(warehouse: Warehouse) -> dg.AssetCheckResult:
        # In DuckDB, read-only: each expectation is an aggregate query, no rows come to Python.
        report = validate_warehouse(table, warehouse.reading_file(), config=READER_CONFIG)
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"{report.evaluated} expectations passed on {report.rows:,} rows"
                if report.success
                else "; ".join(str(f) for f in report.failures)
            ),
            metadata={
                "rows": report.rows,
                "expectations": report.evaluated,
                "failed": len(report.failures),
            },
        )

    return check


expectation_checks = [_suite_check(table) for table in tables_with_suites()]
