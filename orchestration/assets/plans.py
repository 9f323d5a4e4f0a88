"""Replenishment plans per scope (each child and the master), over tributary.planning."""

import dagster as dg
import pandas as pd

from orchestration.automation import SCOPE_TAGS, per_scope
from orchestration.partitions import scopes_partitions
from orchestration.resources.home import TributaryHome
from orchestration.resources.warehouse import Warehouse
from tributary.lake import Lake
from tributary.outputs import PLAN_SCHEMAS
from tributary.planning import plan_scope
from tributary.report.summary import items_at_risk, largest_orders, report_page

PLAN_KEYS = {table: dg.AssetKey(["plans", table]) for table in PLAN_SCHEMAS}
UPSTREAM = [
    dg.AssetKey(["marts", "items"]),
    dg.AssetKey(["marts", "inventory_position"]),
    dg.AssetKey(["marts", "open_orders"]),
    dg.AssetKey(["forecasts", "demand_forecast"]),
    dg.AssetKey(["intermediate", "int_bom_by_scope"]),
    dg.AssetKey(["intermediate", "int_batches_by_scope"]),
]


def _for_parquet(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Dates as dates and whole-number columns as integers, as the table's schema has them."""
    frame = frame.copy()
    for field in PLAN_SCHEMAS[table]:
        if field.name not in frame:
            continue
        if str(field.type) == "date32[day]":
            frame[field.name] = pd.to_datetime(frame[field.name]).dt.date
        elif str(field.type) == "int64":
            frame[field.name] = pd.to_numeric(frame[field.name]).round().astype("Int64")
    return frame


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=UPSTREAM,
            group_name="plans",
            description=f"{table.replace('_', ' ').capitalize()} of one scope.",
            kinds={"python", "parquet"},
            automation_condition=per_scope(),
            tags=SCOPE_TAGS,
        )
        for table, key in PLAN_KEYS.items()
    ],
    partitions_def=scopes_partitions,
    can_subset=False,
)
def scope_plans(
    context: dg.AssetExecutionContext, tributary_home: TributaryHome, warehouse: Warehouse
):
    """Plan every item of one scope (policy, constraints, MRP, DCs, transfers, batches)."""
    scope = context.partition_key
    master = tributary_home.config().master
    items = warehouse.read(
        "select i.* exclude (on_hand), p.on_hand, p.on_order, p.backorders, "
        "p.undated_to_ship, p.available "
        "from marts.items as i join marts.inventory_position as p "
        "using (account_id, item_code, location) where i.account_id = ? "
        # a fixed row order: ties in the plan (containers, transfers) resolve the same each run
        "order by i.item_code, i.location",
        [scope],
    )
    # The scope's forecast straight from its files: the forecast marts are built with the plans'.
    lake = Lake(tributary_home.home.lake)
    forecast = lake.read_scope("demand_forecast", scope).sort_values(
        ["item_code", "location", "period_start"]
    )
    open_orders = warehouse.read(
        "select * from marts.open_orders where account_id = ? order by all", [scope]
    )
    bom = warehouse.read(
        "select * from intermediate.int_bom_by_scope where account_id = ? order by all", [scope]
    )
    batches = warehouse.read(
        "select * from intermediate.int_batches_by_scope where account_id = ? order by all",
        [scope],
    )
    plans = plan_scope(
        items,
        forecast,
        tributary_home.as_of(),
        master.period,
        master.service_level,
        bom=bom,
        batches=batches,
        open_orders=open_orders,
    )
    lake.replace_scope(
        scope,
        {
            table: (_for_parquet(plans[table], table), schema)
            for table, schema in PLAN_SCHEMAS.items()
        },
    )
    ordering = plans["order_plan"]
    report = dg.MetadataValue.path(str(report_page(tributary_home.home.report, scope)))
    for table, key in PLAN_KEYS.items():
        metadata: dict = {"rows": len(plans[table]), "report": report}
        if table == "order_plan":
            metadata["items_to_order"] = int((ordering["order_qty"] > 0).sum())
            metadata["order_value"] = float(ordering["order_value"].fillna(0).sum())
            metadata["items_at_risk"] = items_at_risk(ordering)
            metadata["largest_orders"] = dg.MetadataValue.md(largest_orders(ordering))
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
