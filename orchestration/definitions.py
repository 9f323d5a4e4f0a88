"""The one Dagster code location of a Tributary home (``TRIBUTARY_HOME``)."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.assets.dbt import output_models, warehouse_models
from orchestration.assets.extract import account_data, account_registry
from orchestration.assets.forecasts import scope_forecasts
from orchestration.assets.kpis import scope_kpis
from orchestration.assets.plans import scope_plans
from orchestration.assets.publish import postgres_marts
from orchestration.assets.report import planning_report
from orchestration.automation import after_output_marts
from orchestration.checks import expectation_checks
from orchestration.executor import chosen_executor
from orchestration.jobs import (
    build_output_marts_job,
    build_warehouse_job,
    forecast_scope_job,
    kpi_scope_job,
    nightly_refresh,
    plan_scope_job,
    publish_postgres_job,
    refresh_account_job,
)
from orchestration.resources.dbt import dbt_resource
from orchestration.resources.home import TributaryHome
from orchestration.resources.postgres import PostgresPublisher
from orchestration.resources.warehouse import Warehouse
from orchestration.sensors import account_files_sensor, account_partitions_sensor
from tributary.config import Home


def publishing_enabled() -> bool:
    """Publishing to PostgreSQL is on when its URL is set."""
    return bool(os.environ.get("TRIBUTARY_PUBLISH_URL"))


def build_definitions(home: str | None = None) -> dg.Definitions:
    """Definitions bound to one home folder (default: ``TRIBUTARY_HOME`` or ./tributary-home)."""
    # The publish follows the output marts only where there is somewhere to publish to.
    publish = postgres_marts.map_asset_specs(
        lambda spec: spec.replace_attributes(
            automation_condition=after_output_marts() if publishing_enabled() else None
        )
    )
    return dg.Definitions(
        assets=[
            account_data,
            account_registry,
            warehouse_models,
            scope_forecasts,
            scope_plans,
            scope_kpis,
            output_models,
            planning_report,
            publish,
        ],
        asset_checks=expectation_checks,
        jobs=[
            refresh_account_job,
            build_warehouse_job,
            forecast_scope_job,
            kpi_scope_job,
            plan_scope_job,
            build_output_marts_job,
            publish_postgres_job,
        ],
        schedules=[nightly_refresh],
        sensors=[
            account_partitions_sensor,
            account_files_sensor,
            # Evaluates orchestration.automation's conditions: everything after the loads.
            dg.AutomationConditionSensorDefinition(
                "pipeline_automation",
                target=dg.AssetSelection.all(),
                default_status=dg.DefaultSensorStatus.RUNNING,
                minimum_interval_seconds=30,
            ),
        ],
        resources={
            "tributary_home": TributaryHome(path=str(Home.resolve(home).root)),
            "warehouse": Warehouse(path=str(Home.resolve(home).warehouse)),
            "postgres_publisher": PostgresPublisher(
                url=dg.EnvVar("TRIBUTARY_PUBLISH_URL"),
                schema_name=os.environ.get("TRIBUTARY_PUBLISH_SCHEMA", "marts"),
                bi_role=os.environ.get("TRIBUTARY_BI_ROLE", "tributary_bi"),
                row_level_security=os.environ.get("TRIBUTARY_PUBLISH_RLS", "") in ("1", "true"),
            ),
            "dbt": dbt_resource(),
        },
        executor=chosen_executor(),
    )


defs = build_definitions()


# The job every asset belongs to, by the name Dagster gives it, for runs started outside this
# process (`tributary run`'s workers, Celery workers): they find it through `defs` by module name.
GLOBAL_ASSET_JOB = "__ASSET_JOB"
