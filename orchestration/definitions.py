"""The one Dagster code location of a Tributary home (``TRIBUTARY_HOME``)."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import warehouse_models
from orchestration.assets.extract import account_data, account_registry
from orchestration.jobs import (
    build_warehouse_job,
    load_all_accounts,
    nightly_refresh,
    refresh_account_job,
)
from orchestration.resources.dbt import dbt_resource
from orchestration.resources.home import TributaryHome
from orchestration.sensors import account_partitions_sensor
from tributary.config import Home


def build_definitions(home: str | None = None) -> dg.Definitions:
    """Definitions bound to one home folder (default: ``TRIBUTARY_HOME`` or ./tributary-home)."""
    return dg.Definitions(
        assets=[account_data, account_registry, warehouse_models],
        jobs=[refresh_account_job, build_warehouse_job, load_all_accounts],
        schedules=[nightly_refresh],
        sensors=[
            account_partitions_sensor,
            dg.AutomationConditionSensorDefinition(
                "warehouse_automation",
                target=dg.AssetSelection.all(),
                default_status=dg.DefaultSensorStatus.RUNNING,
            ),
        ],
        resources={
            "tributary_home": TributaryHome(path=str(Home.resolve(home).root)),
            "dbt": dbt_resource(),
        },
        # One process, one step at a time: DuckDB allows a single writer per warehouse file.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
