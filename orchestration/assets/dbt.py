"""dbt models as Dagster assets: staging -> intermediate -> marts, dbt tests as asset checks."""

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.assets.forecasts import ACCURACY_KEY, FORECAST_KEY
from orchestration.assets.kpis import KPIS_KEY
from orchestration.assets.plans import PLAN_KEYS
from orchestration.automation import (
    OUTPUT_STAGE,
    STAGE_TAG,
    after_every_scope,
    after_loads,
)
from orchestration.resources.dbt import dbt_project, ensure_manifest
from orchestration.resources.home import TributaryHome
from tributary import warehouse_files

ensure_manifest()

# dbt's `derived` sources are the files the scope assets write: the same asset on both sides.
DERIVED_SOURCE_KEYS = {
    key.path[-1]: key for key in (FORECAST_KEY, ACCURACY_KEY, *PLAN_KEYS.values(), KPIS_KEY)
}
# The dbt tags of the models that read those files (built after every scope has finished).
OUTPUT_TAGS = ("forecast", "plan", "kpi")
# DuckDB has one writer per file: every dbt step takes the one slot of this pool.
WAREHOUSE_POOL = "warehouse"


def _is_output_model(dbt_resource_props: Mapping[str, Any]) -> bool:
    return bool(set(dbt_resource_props.get("tags", [])) & set(OUTPUT_TAGS))


class TributaryTranslator(DagsterDbtTranslator):
    """Sources are the assets that write them (lake loads, registry, scope files); models are
    grouped by folder and built by the automation conditions of `orchestration.automation`."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            if dbt_resource_props["source_name"] == "derived":
                return DERIVED_SOURCE_KEYS[dbt_resource_props["name"]]
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        folder = dbt_resource_props["fqn"][1] if len(dbt_resource_props["fqn"]) > 2 else "dbt"
        return dg.AssetKey([folder, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        stage = OUTPUT_STAGE if _is_output_model(dbt_resource_props) else "warehouse"
        return {**super().get_tags(dbt_resource_props), STAGE_TAG: stage}

    def get_automation_condition(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.AutomationCondition | None:
        if _is_output_model(dbt_resource_props):
            return after_every_scope()
        return after_loads()


translator = TributaryTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def dbt_vars(tributary_home: TributaryHome) -> dict[str, str]:
    master = tributary_home.config().master
    if master is None:
        raise dg.Failure("accounts.yaml has no master block: add an account first")
    return {
        "as_of": tributary_home.as_of().isoformat(),
        "period": master.period,
        "master_mode": master.forecast.master_mode,
    }


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    home: TributaryHome,
    build_file: Path,
):
    # dbt runs as a subprocess that inherits this environment: point it at this home, and at
    # the run's build file, never at the warehouse readers have open.
    os.environ.update(home.dbt_env(build_file))
    args = ["build", "--vars", json.dumps(dbt_vars(home))]
    yield from dbt.cli(args, context=context).stream()


# Forecast, plan and KPI marts read what the Python assets write, so they are their own step.
OUTPUT_SELECT = " ".join(f"tag:{tag}" for tag in OUTPUT_TAGS)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    exclude=OUTPUT_SELECT,
    op_tags={"tributary/step": "warehouse"},
    pool=WAREHOUSE_POOL,
)
def warehouse_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, tributary_home: TributaryHome
):
    """Build and test the warehouse up to demand history, into this run's build file (a copy
    of the current warehouse); the scopes read it once it has passed."""
    warehouse = tributary_home.home.warehouse
    yield from _build(context, dbt, tributary_home, warehouse_files.begin_build(warehouse))
    warehouse_files.mark_ready(warehouse)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    select=OUTPUT_SELECT,
    name="output_models",
    op_tags={"tributary/step": "outputs"},
    pool=WAREHOUSE_POOL,
)
def output_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, tributary_home: TributaryHome
):
    """Turn every scope's forecast, plan and KPI files into their marts, in the run's build
    file; once they and their tests have passed, that file becomes the warehouse (one rename:
    readers see all the old marts or all the new)."""
    warehouse = tributary_home.home.warehouse
    yield from _build(context, dbt, tributary_home, warehouse_files.build_for_outputs(warehouse))
    warehouse_files.swap_in(warehouse)
    context.log.info(f"swapped the new warehouse in: {warehouse}")
