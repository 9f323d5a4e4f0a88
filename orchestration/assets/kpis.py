"""Inventory KPIs per scope (each child and the master), over tributary.kpis."""

import dagster as dg

from orchestration.assets.forecasts import FORECAST_KEY
from orchestration.assets.plans import PLAN_KEYS
from orchestration.automation import SCOPE_TAGS, per_scope
from orchestration.partitions import scopes_partitions
from orchestration.resources.home import TributaryHome
from orchestration.resources.warehouse import Warehouse
from tributary.kpis import item_kpis
from tributary.lake import Lake
from tributary.outputs import KPIS_SCHEMA

KPIS_KEY = dg.AssetKey(["kpis", "kpis"])


@dg.asset(
    key=KPIS_KEY,
    deps=[
        dg.AssetKey(["marts", "items"]),
        dg.AssetKey(["marts", "inventory_position"]),
        dg.AssetKey(["marts", "sales_history"]),
        dg.AssetKey(["marts", "demand_history"]),
        dg.AssetKey(["intermediate", "int_daily_on_hand"]),
        FORECAST_KEY,
        PLAN_KEYS["order_plan"],
    ],
    partitions_def=scopes_partitions,
    group_name="kpis",
    kinds={"python", "parquet"},
    automation_condition=per_scope(),
    tags=SCOPE_TAGS,
    description="Revenue, inventory, service and ABC/XYZ KPIs per item, for one scope.",
)
def scope_kpis(
    context: dg.AssetExecutionContext, tributary_home: TributaryHome, warehouse: Warehouse
) -> dg.MaterializeResult:
    scope = context.partition_key
    master = tributary_home.config().master
    lake = Lake(tributary_home.home.lake)

    items = warehouse.read(
        "select i.* exclude (on_hand), p.on_hand from marts.items as i "
        "join marts.inventory_position as p using (account_id, item_code, location) "
        "where i.account_id = ? order by i.item_code, i.location",
        [scope],
    )
    sales = warehouse.read(
        "select * from marts.sales_history where account_id = ? order by all", [scope]
    )
    demand = warehouse.read(
        "select * from marts.demand_history where account_id = ? order by all", [scope]
    )
    on_hand_history = warehouse.read(
        "select account_id, item_code, location, date, on_hand "
        "from intermediate.int_daily_on_hand where account_id = ? order by all",
        [scope],
    )
    kpis = item_kpis(
        items,
        sales,
        demand,
        lake.read_scope("demand_forecast", scope),
        lake.read_scope("order_plan", scope),
        tributary_home.as_of(),
        master.period,
        abc_thresholds=(master.kpi.abc_a, master.kpi.abc_b),
        on_hand_history=on_hand_history,
    )
    lake.replace_scope(scope, {"kpis": (kpis, KPIS_SCHEMA)}, token="kpis")
    classes = kpis["abc_class"].value_counts().to_dict() if len(kpis) else {}
    return dg.MaterializeResult(
        metadata={
            "items": len(kpis),
            "annual_revenue": float(kpis["annual_revenue"].fillna(0).sum()),
            "abc": {str(k): int(v) for k, v in classes.items()},
        }
    )
