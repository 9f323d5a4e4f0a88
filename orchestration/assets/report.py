"""The planning report: a static HTML site in the home, rebuilt after every run's output marts."""

import dagster as dg

from orchestration.automation import after_output_marts
from orchestration.resources.home import TributaryHome
from tributary.report import ReportError, build_report

REPORT_KEY = dg.AssetKey(["report", "planning_report"])
# The marts the report reads (tributary.report.data).
REPORT_MARTS = [
    dg.AssetKey(["marts", table])
    for table in (
        "accounts",
        "kpi_summary",
        "kpis",
        "order_plan",
        "order_plan_by_account",
        "purchase_orders",
        "manufacturing_orders",
        "transfers",
        "demand_forecast",
        "forecast_accuracy",
        "demand_history",
        "open_orders",
        "rejected_rows",
    )
]


@dg.asset(
    key=REPORT_KEY,
    deps=REPORT_MARTS,
    group_name="report",
    kinds={"html"},
    automation_condition=after_output_marts(),
    description="Self-contained HTML planning report in the home (report/index.html): an "
    "overview per account and the master, item pages for A items and items at risk.",
)
def planning_report(
    context: dg.AssetExecutionContext, tributary_home: TributaryHome
) -> dg.MaterializeResult:
    home = tributary_home.home
    try:
        result = build_report(home.warehouse, home.report, progress=context.log.info)
    except ReportError as exc:
        raise dg.Failure(description=str(exc)) from exc
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.path(str(result.index)),
            "accounts": len(result.accounts),
            "item_pages": result.item_pages,
            "items_at_risk": dg.MetadataValue.json(result.at_risk),
            "seconds": round(result.seconds, 2),
        }
    )
