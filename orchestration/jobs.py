"""Jobs and the nightly schedule."""

import dagster as dg

from orchestration.assets.dbt import output_models, warehouse_models
from orchestration.assets.extract import ACCOUNT_DATA_KEYS, REGISTRY_KEY, SOURCE_RETRY
from orchestration.assets.forecasts import scope_forecasts
from orchestration.assets.kpis import scope_kpis
from orchestration.assets.plans import scope_plans
from orchestration.assets.publish import postgres_marts
from orchestration.checks import expectation_checks
from orchestration.partitions import sync_account_partitions
from orchestration.resources.home import TributaryHome
from tributary.loading import AccountLoadError, load_account

refresh_account_job = dg.define_asset_job(
    "refresh_account",
    selection=dg.AssetSelection.assets(*ACCOUNT_DATA_KEYS),
    description="Load one account (pick its partition); the warehouse rebuilds after it.",
)

build_warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.assets(REGISTRY_KEY, warehouse_models),
    description="Rebuild the registry and the dbt models and tests up to demand history.",
)

forecast_scope_job = dg.define_asset_job(
    "forecast_scope",
    selection=dg.AssetSelection.assets(scope_forecasts),
    description="Forecast one scope (pick its partition: a child account or master).",
)

plan_scope_job = dg.define_asset_job(
    "plan_scope",
    selection=dg.AssetSelection.assets(scope_plans),
    description="Plan one scope (pick its partition: a child account or master).",
)

kpi_scope_job = dg.define_asset_job(
    "kpi_scope",
    selection=dg.AssetSelection.assets(scope_kpis),
    description="Compute the KPIs of one scope (pick its partition: a child account or master).",
)

publish_outputs_job = dg.define_asset_job(
    "publish_outputs",
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


class LoadAllConfig(dg.Config):
    accounts: list[str] = []  # empty: every account in accounts.yaml


@dg.op(tags={"tributary/step": "extract"}, retry_policy=SOURCE_RETRY)
def load_accounts(
    context: dg.OpExecutionContext, config: LoadAllConfig, tributary_home: TributaryHome
) -> None:
    """Load each account on its own: one failure keeps that account's old data, not the rest."""
    home = tributary_home.home
    settings = home.load()
    sync_account_partitions(context.instance, settings)
    chosen = config.accounts or [a.id for a in settings.accounts]
    failures = {}
    transient = False
    for account_id in chosen:
        context.log.info(f"loading account {account_id}")
        try:
            report = load_account(home, settings, account_id, progress=context.log.info)
        except AccountLoadError as exc:
            failures[account_id] = str(exc)
            transient = transient or exc.transient
            context.log.error(str(exc))
            continue
        for warning in report.warnings:
            context.log.warning(f"{account_id}: {warning}")
        context.log.info(
            f"{account_id}: {report.rows_loaded:,} rows loaded, {report.rows_rejected:,} "
            f"rejected in {report.seconds:.1f}s"
            + (" (unchanged input: nothing rewritten)" if report.unchanged else "")
        )
        for key in ACCOUNT_DATA_KEYS:
            context.log_event(
                dg.AssetMaterialization(
                    asset_key=key,
                    partition=account_id,
                    metadata={"load_id": report.load_id, "unchanged": report.unchanged},
                )
            )
    if failures:
        raise dg.Failure(
            description=f"{len(failures)} of {len(chosen)} account loads failed; their previous "
            "data was kept: " + "; ".join(failures.values()),
            metadata={"failed_accounts": ", ".join(failures)},
            # Retrying is cheap: accounts whose input did not change are skipped.
            allow_retries=transient,
        )


@dg.job(description="Load data from all connections (or those given in config), one by one.")
def load_all_accounts():
    load_accounts()


@dg.schedule(
    cron_schedule="0 2 * * *",
    job=load_all_accounts,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Nightly: load every account; the warehouse rebuilds when the loads land.",
)
def nightly_refresh():
    return dg.RunRequest()
