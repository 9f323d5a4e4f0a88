"""Inventory KPIs per scope (each child and the master), over tributary.kpis."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from orchestration.assets.forecasts import FORECAST_KEY
from orchestration.assets.plans import PLAN_KEYS
from orchestration.automation import SCOPE_TAGS, per_scope
from orchestration.partitions import scopes_partitions
from orchestration.resources.home import TributaryHome
from orchestration.resources.warehouse import Warehouse
from tributary import kpis as kpis_module
from tributary import periods
from tributary.kpis import KpiInputs, kpis_in_chunks
from tributary.lake import Lake
from tributary.outputs import KPIS_SCHEMA
from tributary.report.summary import report_page
from tributary.scope_cache import InputDigest, ScopeCache

KPIS_KEY = dg.AssetKey(["kpis", "kpis"])
# The warehouse relations the KPIs read (the asset's dbt deps); their whole rows go into the digest.
KPI_INPUT_TABLES = (
    "marts.items",
    "marts.inventory_position",
    "marts.sales_history",
    "marts.demand_history",
    "intermediate.int_daily_on_hand",
)


@dg.asset(
    key=KPIS_KEY,
    deps=[
        *(dg.AssetKey(table.split(".")) for table in KPI_INPUT_TABLES),
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
    forecast = lake.read_scope("demand_forecast", scope)
    plan = lake.read_scope("order_plan", scope)
    cache = ScopeCache(Lake(tributary_home.home.lake).cache("kpis"))
    with warehouse.connect() as con:
        key = _inputs_digest(con, scope, forecast, plan, tributary_home)
        cached = cache.get(scope, key, ("kpis",))
        if cached is not None:
            context.log.info(f"{scope}: input unchanged since the last run, its KPIs are reused")
            kpis = cached["kpis"]
        else:
            items = con.execute(ITEMS_SQL, [scope]).fetchdf()
            chunks = item_chunks(con, scope, items, forecast, plan)
            kpis = kpis_in_chunks(
                chunks,
                tributary_home.as_of(),
                master.period,
                abc_thresholds=(master.kpi.abc_a, master.kpi.abc_b),
            )
            cache.put(scope, key, {"kpis": kpis})
    lake.replace_scope(scope, {"kpis": (kpis, KPIS_SCHEMA)}, token="kpis")
    classes = kpis["abc_class"].value_counts().to_dict() if len(kpis) else {}
    return dg.MaterializeResult(
        metadata={
            "rows": len(kpis),
            "items": len(kpis),
            "annual_revenue": float(kpis["annual_revenue"].fillna(0).sum()),
            "inventory_value": float(kpis["inventory_value"].fillna(0).sum()),
            "overstock_value": float(kpis["overstock_value"].fillna(0).sum()),
            "expected_stockout_value": float(kpis["expected_stockout_value"].fillna(0).sum()),
            "abc": {str(k): int(v) for k, v in classes.items()},
            "report": dg.MetadataValue.path(str(report_page(tributary_home.home.report, scope))),
        }
    )


# The code KPIs come from (this module reads their inputs): changed code, new KPIs.
KPI_CODE = [Path(__file__), Path(kpis_module.__file__), Path(periods.__file__)]


def _inputs_digest(
    con: duckdb.DuckDBPyConnection,
    scope: str,
    forecast: pd.DataFrame,
    plan: pd.DataFrame,
    tributary_home: TributaryHome,
) -> str:
    """A digest of everything one scope's KPIs are computed from."""
    digest = InputDigest("kpis")
    for table in KPI_INPUT_TABLES:
        digest.add_query(con, f"select * from {table} where account_id = ?", [scope])
    digest.add_frame(forecast).add_frame(plan)
    digest.add_files([tributary_home.home.accounts_file])
    digest.add_text(tributary_home.as_of().isoformat())
    return digest.add_files(KPI_CODE).hexdigest()


# Items per chunk: the master of 5 x 4,000 items x 2 years (8 million lines) read whole held
# about 13 GB in pandas; a chunk of this many item codes holds a few hundred MB.
CHUNK_ITEM_CODES = 2_000

ITEMS_SQL = (
    "select i.* exclude (on_hand), p.on_hand from marts.items as i "
    "join marts.inventory_position as p using (account_id, item_code, location) "
    "where i.account_id = ? order by i.item_code, i.location"
)
# Only the columns the KPIs use; the order of the lines is that of the full rows (`order by all`
# over the mart's columns), so the latest priced sale of a day is picked as before.
SALES_SQL = (
    "select account_id, item_code, location, date, qty_sold, sales_price, revenue, profit "
    "from marts.sales_history where account_id = ? and item_code between ? and ? "
    "order by account_id, source_account_id, date, item_code, location, channel, "
    "channel_categories, qty_sold, revenue, outlier, sales_price, profit"
)
DEMAND_SQL = (
    "select account_id, item_code, location, period_start, qty, stockout_days, is_outlier "
    "from marts.demand_history where account_id = ? and item_code between ? and ? order by all"
)
ON_HAND_SQL = (
    "select account_id, item_code, location, date, on_hand from intermediate.int_daily_on_hand "
    "where account_id = ? and item_code between ? and ? order by all"
)


def item_chunks(
    con: duckdb.DuckDBPyConnection,
    scope: str,
    items: pd.DataFrame,
    forecast: pd.DataFrame,
    plan: pd.DataFrame,
) -> Iterator[KpiInputs]:
    """The scope's KPI inputs, ``CHUNK_ITEM_CODES`` item codes at a time (read as they are used)."""
    codes = sorted(items["item_code"].unique())
    for start in range(0, len(codes), CHUNK_ITEM_CODES):
        first, last = codes[start], codes[min(start + CHUNK_ITEM_CODES, len(codes)) - 1]
        params = [scope, first, last]

        def within(frame: pd.DataFrame, first: str = first, last: str = last) -> pd.DataFrame:
            return frame[frame["item_code"].between(first, last)]

        yield KpiInputs(
            items=within(items),
            sales=con.execute(SALES_SQL, params).fetchdf(),
            demand=con.execute(DEMAND_SQL, params).fetchdf(),
            forecast=within(forecast),
            plan=within(plan),
            on_hand_history=con.execute(ON_HAND_SQL, params).fetchdf(),
        )
