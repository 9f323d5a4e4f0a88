"""Parquet schemas of the tables Python computes per scope (a child account or the master).

dbt reads them from ``lake/derived/<table>/account=<scope>/`` into the marts of the same name.
"""

from __future__ import annotations

import pyarrow as pa

DEMAND_FORECAST_SCHEMA = pa.schema(
    [
        pa.field("item_code", pa.string()),
        pa.field("location", pa.string()),
        pa.field("period_start", pa.date32()),
        pa.field("forecast_qty", pa.float64()),
        pa.field("forecast_lo", pa.float64()),
        pa.field("forecast_hi", pa.float64()),
        pa.field("forecast_sigma", pa.float64()),
        pa.field("model", pa.string()),
        # planner overrides (tributary.forecasting.overrides): the model's own quantity, the
        # override's note (null: not overridden) and whether it moved the quantity > 30 %
        pa.field("forecast_qty_statistical", pa.float64()),
        pa.field("override_note", pa.string()),
        pa.field("override_flagged", pa.bool_()),
    ]
)

FORECAST_ACCURACY_SCHEMA = pa.schema(
    [
        pa.field("item_code", pa.string()),
        pa.field("location", pa.string()),
        pa.field("model", pa.string()),
        pa.field("series_class", pa.string()),
        pa.field("wape", pa.float64()),
        pa.field("mase", pa.float64()),
        pa.field("bias", pa.float64()),
        pa.field("periods_tested", pa.int64()),
        pa.field("runner_up", pa.string()),
        pa.field("runner_up_mase", pa.float64()),
    ]
)

DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "demand_forecast": DEMAND_FORECAST_SCHEMA,
    "forecast_accuracy": FORECAST_ACCURACY_SCHEMA,
}


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(name, type_) for name, type_ in fields])


S, F, D, INT = pa.string(), pa.float64(), pa.date32(), pa.int64()

ORDER_PLAN_SCHEMA = _schema(
    ("item_code", S),
    ("location", S),
    ("on_hand", F),
    ("on_order", F),
    ("backorders", F),
    ("available", F),
    ("position", F),
    ("lead_time_days", F),
    ("order_cycle_days", F),
    ("demand_over_lead_time", F),
    ("demand_over_cycle", F),
    ("mean_period_demand", F),
    ("sigma", F),
    ("service_level", F),
    ("safety_stock", F),
    ("reorder_point", F),
    ("order_up_to", F),
    ("net_need", F),
    ("order_qty", F),
    ("order_value", F),
    ("next_order_date", D),
    ("expected_delivery_date", D),
    ("projected_stockout_date", D),
    ("supplier_code", S),
    ("supplier_item_code", S),
    ("supplier_currency", S),
    ("unit_cost", F),
    ("source", S),
    ("dc_name", S),
    ("transfer_region", S),
    ("container_id", S),
    ("transfer_in_qty", F),
)
PURCHASE_ORDERS_SCHEMA = _schema(
    ("supplier_code", S),
    ("order_date", D),
    ("delivery_date", D),
    ("item_code", S),
    ("supplier_item_code", S),
    ("location", S),
    ("qty", F),
    ("currency", S),
    ("unit_cost", F),
    ("line_cost", F),
    ("container_id", S),
    ("container_no", INT),
)
TRANSFERS_SCHEMA = _schema(
    ("item_code", S),
    ("from_location", S),
    ("to_location", S),
    ("transfer_region", S),
    ("qty", F),
    ("kind", S),
    ("ship_date", D),
    ("delivery_date", D),
)
MANUFACTURING_ORDERS_SCHEMA = _schema(
    ("finished_code", S),
    ("location", S),
    ("qty", F),
    ("start_date", D),
    ("due_date", D),
)
MATERIAL_PLAN_SCHEMA = _schema(
    ("material_code", S),
    ("finished_code", S),
    ("location", S),
    ("required_qty", F),
    ("required_date", D),
)
PROJECTED_WRITE_OFFS_SCHEMA = _schema(
    ("item_code", S),
    ("location", S),
    ("batch_code", S),
    ("expiration_date", D),
    ("qty_expiring", F),
    ("value", F),
)

PLAN_SCHEMAS: dict[str, pa.Schema] = {
    "order_plan": ORDER_PLAN_SCHEMA,
    "purchase_orders": PURCHASE_ORDERS_SCHEMA,
    "transfers": TRANSFERS_SCHEMA,
    "manufacturing_orders": MANUFACTURING_ORDERS_SCHEMA,
    "material_plan": MATERIAL_PLAN_SCHEMA,
    "projected_write_offs": PROJECTED_WRITE_OFFS_SCHEMA,
}
DERIVED_SCHEMAS.update(PLAN_SCHEMAS)

KPIS_SCHEMA = _schema(
    ("item_code", S),
    ("location", S),
    ("abc_class", S),
    ("xyz_class", S),
    ("annual_revenue", F),
    ("revenue_next_year", F),
    ("gross_margin", F),
    ("inventory_value", F),
    ("turnover", F),
    ("turn_earn_index", F),
    ("stockout_days_12m", F),
    ("lost_sales_qty_12m", F),
    ("overstock_qty", F),
    ("overstock_value", F),
    ("expected_stockout_value", F),
    ("days_of_supply", F),
    ("fill_rate_12m", F),
)
DERIVED_SCHEMAS["kpis"] = KPIS_SCHEMA

# Per scope, beside its forecast: how each planner override matched the forecast rows
# (tributary.forecasting.overrides). Read by `tributary override list` and the run's progress
# lines; not a mart.
OVERRIDE_STATUS_SCHEMA = _schema(
    ("override_id", INT),
    ("account_id", S),
    ("item_code", S),
    ("location", S),
    ("period_start", D),
    ("period_end", D),
    ("status", S),
    ("rows_matched", INT),
)
