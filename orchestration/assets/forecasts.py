"""Demand forecasts per scope (each child and the master), over tributary.forecasting."""

import dagster as dg

from orchestration.automation import SCOPE_TAGS, per_scope
from orchestration.partitions import scopes_partitions
from orchestration.resources.home import TributaryHome
from orchestration.resources.warehouse import Warehouse
from tributary.forecasting import ForecastResult, ForecastSettings, forecast_demand
from tributary.forecasting.overrides import (
    OVERRIDES_FILE,
    apply_overrides,
    master_child_changes,
    read_overrides,
)
from tributary.lake import Lake
from tributary.outputs import (
    DEMAND_FORECAST_SCHEMA,
    FORECAST_ACCURACY_SCHEMA,
    OVERRIDE_STATUS_SCHEMA,
)
from tributary.report.summary import model_mix, report_page
from tributary.scopes import MASTER_ID, scope_ids

FORECAST_KEY = dg.AssetKey(["forecasts", "demand_forecast"])
ACCURACY_KEY = dg.AssetKey(["forecasts", "forecast_accuracy"])
UPSTREAM = [
    dg.AssetKey(["marts", "demand_history"]),
    dg.AssetKey(["marts", "items"]),
    dg.AssetKey(["marts", "promotion_calendar"]),
]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=UPSTREAM,
            group_name="forecasts",
            description=description,
            kinds={"python", "parquet"},
            automation_condition=per_scope(),
            tags=SCOPE_TAGS,
        )
        for key, description in (
            (FORECAST_KEY, "Demand forecast per item, location and period, for one scope."),
            (ACCURACY_KEY, "Backtest accuracy of the model chosen per item, for one scope."),
        )
    ],
    partitions_def=scopes_partitions,
    can_subset=False,
)
def scope_forecasts(
    context: dg.AssetExecutionContext, tributary_home: TributaryHome, warehouse: Warehouse
):
    """Forecast every planning item of one scope and replace its forecast files atomically."""
    scope = context.partition_key
    config = tributary_home.config()
    overrides = read_overrides(tributary_home.home.root / OVERRIDES_FILE, set(scope_ids(config)))
    result = _statistical_forecast(warehouse, scope, tributary_home, context.log.info)
    changes = None
    if scope == MASTER_ID:  # master mode 'combined': the children's changes are added
        changes = master_child_changes(
            overrides,
            lambda child: _statistical_forecast(warehouse, child, tributary_home, None).forecast,
        )
    overridden = apply_overrides(result.forecast, scope, overrides, changes)
    for _, row in overridden.unmatched.iterrows():
        context.log.warning(
            f"override {row.override_id} ({row.account_id} {row.item_code}) not applied: "
            f"{row.status}"
        )
    Lake(tributary_home.home.lake).replace_scope(
        scope,
        {
            "demand_forecast": (overridden.forecast, DEMAND_FORECAST_SCHEMA),
            "forecast_accuracy": (result.accuracy, FORECAST_ACCURACY_SCHEMA),
            "override_status": (overridden.status, OVERRIDE_STATUS_SCHEMA),
        },
    )
    accuracy = result.accuracy
    models = accuracy["model"].value_counts().to_dict() if len(accuracy) else {}
    report = dg.MetadataValue.path(str(report_page(tributary_home.home.report, scope)))
    yield dg.MaterializeResult(
        asset_key=FORECAST_KEY,
        metadata={
            "series": len(accuracy),
            "rows": len(result.forecast),
            "overrides_applied": int((overridden.status["status"] == "applied").sum()),
            "overrides_unmatched": len(overridden.unmatched),
            "models": models,
            "model_mix": dg.MetadataValue.md(model_mix(accuracy)),
            "report": report,
        },
    )
    yield dg.MaterializeResult(
        asset_key=ACCURACY_KEY,
        metadata={
            "rows": len(accuracy),
            "mean_mase": float(accuracy["mase"].mean()) if len(accuracy) else 0.0,
            "mean_wape": float(accuracy["wape"].mean()) if len(accuracy) else 0.0,
            "report": report,
        },
    )


def _statistical_forecast(
    warehouse: Warehouse, scope: str, tributary_home: TributaryHome, progress
) -> ForecastResult:
    """The statistical forecast of one scope, from its marts."""
    history = warehouse.read(
        "select account_id, item_code, location, period_start, qty, stockout_days, is_outlier, "
        "promo_discount from marts.demand_history where account_id = ? order by all",
        [scope],
    )
    items = warehouse.read(
        "select account_id, item_code, location, inactive, termination, lead_time_days, "
        "order_cycle_days from marts.items "
        "where account_id = ? order by all",
        [scope],
    )
    promotions = warehouse.read(
        "select account_id, item_code, location, period_start, promo_discount "
        "from marts.promotion_calendar where account_id = ? and is_future order by all",
        [scope],
    )
    settings = ForecastSettings.from_config(
        tributary_home.config().master, items.get("lead_time_days"), items.get("order_cycle_days")
    )
    return forecast_demand(
        history, items, promotions, tributary_home.as_of(), settings, progress=progress
    )
