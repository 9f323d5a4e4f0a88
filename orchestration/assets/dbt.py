"""dbt models as Dagster assets: staging -> intermediate -> marts, dbt tests as asset checks."""

import json
import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.resources.dbt import dbt_project, ensure_manifest
from orchestration.resources.home import TributaryHome

ensure_manifest()


class TributaryTranslator(DagsterDbtTranslator):
    """Sources are the lake tables the extract assets write; models are grouped by folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        folder = dbt_resource_props["fqn"][1] if len(dbt_resource_props["fqn"]) > 2 else "dbt"
        return dg.AssetKey([folder, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_automation_condition(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.AutomationCondition | None:
        # Rebuild as soon as a load lands (and no other load of the same run is still going).
        return dg.AutomationCondition.eager()


translator = TributaryTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def dbt_vars(tributary_home: TributaryHome) -> dict[str, str]:
    master = tributary_home.config().master
    if master is None:
        raise dg.Failure("accounts.yaml has no master block: add an account first")
    return {"as_of": master.today().isoformat(), "period": master.period}


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, home: TributaryHome):
    # dbt runs as a subprocess that inherits this environment: point it at this home.
    os.environ.update(home.dbt_env())
    home.home.root.mkdir(parents=True, exist_ok=True)
    args = ["build", "--vars", json.dumps(dbt_vars(home))]
    yield from dbt.cli(args, context=context).stream()


# Forecast and plan marts read what the Python assets write, so each is its own dbt step.
FORECAST_TAG = "tag:forecast"
PLAN_TAG = "tag:plan"
KPI_TAG = "tag:kpi"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    exclude=f"{FORECAST_TAG} {PLAN_TAG} {KPI_TAG}",
    op_tags={"tributary/step": "warehouse"},
)
def warehouse_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, tributary_home: TributaryHome
):
    """Build and test the warehouse up to demand history; dbt is the only warehouse writer."""
    yield from _build(context, dbt, tributary_home)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    select=f"{FORECAST_TAG} {PLAN_TAG} {KPI_TAG}",
    name="output_models",
    op_tags={"tributary/step": "warehouse"},
)
def output_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, tributary_home: TributaryHome
):
    """Turn every scope's forecast, plan and KPI files into their marts."""
    yield from _build(context, dbt, tributary_home)
