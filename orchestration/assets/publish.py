"""Publish every mart to PostgreSQL for BI, after the Great Expectations checks pass."""

import dagster as dg

from orchestration.checks import expectation_checks
from orchestration.resources.home import TributaryHome
from orchestration.resources.postgres import PostgresPublisher
from tributary.publish import PublishError, publish_marts

PUBLISH_KEY = dg.AssetKey(["publish", "postgres_marts"])
# Every mart with a suite: its blocking check failing stops publishing in the same run.
MARTS = sorted({spec.asset_key for check in expectation_checks for spec in check.check_specs})


@dg.asset(
    key=PUBLISH_KEY,
    deps=MARTS,
    group_name="publish",
    kinds={"postgres"},
    description="Copies schema marts to PostgreSQL (each table swapped in one transaction), "
    "grants read access to the BI role, optional per-account row-level security.",
)
def postgres_marts(
    context: dg.AssetExecutionContext,
    tributary_home: TributaryHome,
    postgres_publisher: PostgresPublisher,
) -> dg.MaterializeResult:
    try:
        report = publish_marts(
            tributary_home.home.warehouse,
            postgres_publisher.url,
            schema=postgres_publisher.schema_name,
            bi_role=postgres_publisher.bi_role,
            row_level_security=postgres_publisher.row_level_security,
            progress=context.log.info,
        )
    except PublishError as exc:
        raise dg.Failure(description=str(exc)) from exc
    return dg.MaterializeResult(
        metadata={
            "tables": len(report.tables),
            "rows": report.rows,
            "seconds": round(report.seconds, 2),
            "swap_seconds": round(report.swap_seconds, 3),
            "schema": postgres_publisher.schema_name,
        }
    )
