"""Demand forecasts per scope (each child and the master), over tributary.forecasting."""

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.automation import SCOPE_TAGS, per_scope
from orchestration.partitions import scopes_partitions
from orchestration.resources.home import TributaryHome
from orchestration.resources.warehouse import Warehouse
from tributary import forecasting, periods
from tributary.forecasting import ForecastResult, ForecastSettings, forecast_demand
from tributary.forecasting.master_modes import (
    MASTER_OVERRIDE_STATUS,
    in_master_terms,
    reconcile_children,
    sum_of_children,
)
from tributary.forecasting.overrides import (
    OVERRIDES_FILE,
    OverrideResult,
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
from tributary.scope_cache import InputDigest, ScopeCache
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
    mode = config.master.forecast.master_mode if config.master else "combined"
    overrides = read_overrides(tributary_home.home.root / OVERRIDES_FILE, set(scope_ids(config)))
    statistical = StatisticalForecasts(warehouse, tributary_home, context.log.info)
    result = statistical.result(scope)
    if mode == "combined":
        changes = None
        if scope == MASTER_ID:  # the children's override changes are added to the master
            changes = master_child_changes(
                overrides, statistical.forecast, Lake(tributary_home.home.lake).item_map
            )
        overridden = apply_overrides(result.forecast, scope, overrides, changes)
    else:
        overridden = _summing_mode_forecast(
            scope, mode, [a.id for a in config.accounts], overrides, statistical, tributary_home
        )
        context.log.info(f"master_mode {mode}: {scope}'s forecast is coherent with the master's")
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


def _summing_mode_forecast(
    scope: str,
    mode: str,
    children: list[str],
    overrides: list,
    statistical: "StatisticalForecasts",
    tributary_home: TributaryHome,
) -> OverrideResult:
    """A scope's forecast when the master is the sum of its children (sum_of_children or
    reconciled): a child's is its own (reconciled) forecast with its overrides; the master's is
    the sum of those, in master item codes and units."""
    lake = Lake(tributary_home.home.lake)
    item_maps = {child: lake.item_map(child) for child in children}

    def child_base(child: str):
        if mode != "reconciled":
            return statistical.forecast(child)
        reconciled = reconcile_children(
            statistical.forecast(MASTER_ID),
            {c: statistical.forecast(c) for c in children},
            item_maps,
        )
        return reconciled[child]

    if scope != MASTER_ID:
        return apply_overrides(child_base(scope), scope, overrides)
    finals = [
        in_master_terms(
            child, apply_overrides(child_base(child), child, overrides).forecast, item_maps[child]
        )
        for child in children
    ]
    total = sum_of_children(pd.concat(finals, ignore_index=True), mode)
    total.insert(0, "account_id", MASTER_ID)
    own = apply_overrides(statistical.forecast(MASTER_ID).iloc[0:0], MASTER_ID, overrides)
    status = own.status.assign(status=MASTER_OVERRIDE_STATUS.format(mode=mode))
    return OverrideResult(total, status)


class StatisticalForecasts:
    """Each scope's statistical forecast, kept in the lake (``lake/cache/statistical_forecast``)
    under a digest of everything it is computed from: the scope's rows of the marts it reads,
    accounts.yaml, ``as_of`` and the forecasting code. The summing master modes need every
    scope's forecast in every scope's step (a step must never wait for another scope's files),
    and a nightly run in which a child's input did not change reuses that child's forecast."""

    def __init__(self, warehouse: Warehouse, tributary_home: TributaryHome, progress) -> None:
        self.warehouse = warehouse
        self.tributary_home = tributary_home
        self.progress = progress
        self.cache = ScopeCache(Lake(tributary_home.home.lake).cache("statistical_forecast"))
        self.results: dict[str, ForecastResult] = {}

    def result(self, scope: str) -> ForecastResult:
        """The scope's forecast and accuracy (computed here, with progress, unless cached)."""
        if scope not in self.results:
            self.results[scope] = self._result(scope)
        return self.results[scope]

    def _result(self, scope: str) -> ForecastResult:
        inputs = _forecast_inputs(self.warehouse, scope)
        key = _inputs_digest(inputs, self.tributary_home)
        cached = self.cache.get(scope, key, ("forecast", "accuracy"))
        if cached is not None:
            self.progress(f"{scope}: input unchanged since the last run, its forecast is reused")
            return ForecastResult(cached["forecast"], cached["accuracy"])
        result = _statistical_forecast(inputs, self.tributary_home, self.progress)
        self.cache.put(scope, key, {"forecast": result.forecast, "accuracy": result.accuracy})
        return result

    def forecast(self, scope: str) -> pd.DataFrame:
        return self.result(scope).forecast


@dataclass(frozen=True)
class _ForecastInputs:
    history: pd.DataFrame
    items: pd.DataFrame
    promotions: pd.DataFrame


def _forecast_inputs(warehouse: Warehouse, scope: str) -> _ForecastInputs:
    """The rows of one scope that its statistical forecast is computed from."""
    with warehouse.connect() as con:
        return _ForecastInputs(
            *(
                con.execute(sql, [scope]).fetchdf()
                for sql in (
                    "select account_id, item_code, location, period_start, qty, stockout_days, "
                    "is_outlier, promo_discount from marts.demand_history where account_id = ? "
                    "order by all",
                    "select account_id, item_code, location, inactive, termination, "
                    "lead_time_days, order_cycle_days from marts.items "
                    "where account_id = ? order by all",
                    "select account_id, item_code, location, period_start, promo_discount "
                    "from marts.promotion_calendar where account_id = ? and is_future "
                    "order by all",
                )
            )
        )


# The code a statistical forecast comes from: a changed model must not reuse an old forecast.
FORECASTING_CODE = [
    *sorted(Path(forecasting.__file__).parent.glob("*.py")),
    Path(periods.__file__),
]


def _inputs_digest(inputs: _ForecastInputs, tributary_home: TributaryHome) -> str:
    digest = InputDigest("statistical_forecast")
    for frame in (inputs.history, inputs.items, inputs.promotions):
        digest.add_frame(frame)
    digest.add_files([tributary_home.home.accounts_file])
    digest.add_text(tributary_home.as_of().isoformat())
    return digest.add_files(FORECASTING_CODE).hexdigest()


def _statistical_forecast(
    inputs: _ForecastInputs, tributary_home: TributaryHome, progress
) -> ForecastResult:
    """The statistical forecast of one scope, from its marts."""
    settings = ForecastSettings.from_config(
        tributary_home.config().master,
        inputs.items.get("lead_time_days"),
        inputs.items.get("order_cycle_days"),
    )
    return forecast_demand(
        inputs.history,
        inputs.items,
        inputs.promotions,
        tributary_home.as_of(),
        settings,
        progress=progress,
    )
