"""Jobs a person launches from the UI, and the nightly schedule.

Each job is a selection of the one asset graph; what follows a job (the warehouse after loads,
the scopes after the warehouse, the marts after every scope) is declared once, in
`orchestration.automation`, and happens the same way whichever job or schedule started it.
"""

from datetime import datetime

import dagster as dg

from orchestration.assets.dbt import output_models, warehouse_models
from orchestration.assets.extract import ACCOUNT_DATA_KEYS, account_data, account_registry
from orchestration.assets.forecasts import scope_forecasts
from orchestration.assets.kpis import scope_kpis
from orchestration.assets.plans import scope_plans
from orchestration.assets.publish import postgres_marts
from orchestration.checks import expectation_checks
from orchestration.partitions import sync_account_partitions, sync_scope_partitions
from orchestration.resources.home import TributaryHome

refresh_account_job = dg.define_asset_job(
    "refresh_account",
    selection=dg.AssetSelection.assets(*ACCOUNT_DATA_KEYS),
    description="Load accounts: pick one partition, or all of them (one run per account). The "
    "warehouse, forecasts, plans, KPIs, marts and publishing follow by automation.",
)

build_warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.assets(account_registry, warehouse_models),
    description="Rebuild the registry and the dbt models and tests up to demand history.",
)


def _scope_job(name: str, asset: dg.AssetsDefinition, what: str):
    """A job that runs one scope's step (the UI asks for its partition); an unresolved job
    definition, a type dagster does not export."""
    return dg.define_asset_job(
        name,
        selection=dg.AssetSelection.assets(asset),
        description=f"{what} one scope (pick its partition: a child account or master).",
    )


forecast_scope_job = _scope_job("forecast_scope", scope_forecasts, "Forecast")
plan_scope_job = _scope_job("plan_scope", scope_plans, "Plan")
kpi_scope_job = _scope_job("kpi_scope", scope_kpis, "Compute the KPIs of")

build_output_marts_job = dg.define_asset_job(
    "build_output_marts",
    selection=dg.AssetSelection.assets(output_models),
    description="Build the forecast and plan marts (demand_forecast, order_plan, "
    "order_plan_by_account, purchase_orders, ...) from every scope's files.",
)

publish_postgres_job = dg.define_asset_job(
    "publish_postgres",
    # The suites run first in the same run; a failing (blocking) suite stops the copy.
    selection=dg.AssetSelection.assets(postgres_marts)
    | dg.AssetSelection.checks(*expectation_checks),
    description="Check every mart with its Great Expectations suite, then copy the marts to "
    "PostgreSQL (TRIBUTARY_PUBLISH_URL) for BI tools.",
)


def load_requests(
    instance: dg.DagsterInstance,
    tributary_home: TributaryHome,
    accounts: list[str] | None = None,
    run_key_suffix: str | None = None,
    trigger: str = "nightly",
    accept: list[str] | None = None,
) -> list[dg.RunRequest]:
    """One load run per account (all, or those given), after syncing the partitions.

    Accounts in ``accept`` have a held load (a big drop in transactions) accepted this once.
    """
    config = tributary_home.config()
    sync_account_partitions(instance, config)
    sync_scope_partitions(instance, config)
    chosen = accounts or [account.id for account in config.accounts]
    return [
        dg.RunRequest(
            partition_key=account_id,
            asset_selection=ACCOUNT_DATA_KEYS,
            run_key=f"{account_id}:{run_key_suffix}" if run_key_suffix else None,
            tags={"tributary/trigger": trigger},
            run_config=accept_config(account_id in (accept or [])),
        )
        for account_id in chosen
    ]


def accept_config(accept_drop: bool) -> dict:
    """Run config of a load run (see orchestration.assets.extract.LoadConfig)."""
    if not accept_drop:
        return {}
    return {"ops": {account_data.node_def.name: {"config": {"accept_drop": True}}}}


@dg.schedule(
    cron_schedule="0 2 * * *",
    job=refresh_account_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Nightly: load every account, one run each; automation rebuilds the rest.",
)
def nightly_refresh(context: dg.ScheduleEvaluationContext, tributary_home: TributaryHome):
    # One set of loads per tick, even if the daemon evaluates the tick twice.
    tick = context._scheduled_execution_time  # noqa: SLF001 - None when tested outside a tick
    return load_requests(
        context.instance, tributary_home, run_key_suffix=(tick or datetime.now()).isoformat()
    )
