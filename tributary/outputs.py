"""Parquet schemas of the tables Python computes per scope (a child account or the master).

dbt reads them from ``lake/derived/<table>/account=<scope>/`` into the marts of the same name.
"""

from __future__ import annotations

import pyarrow as pa

from tributary.contract import BOOL, INT, D, F, S, schema_of

DEMAND_FORECAST_SCHEMA = schema_of(
    ("item_code", S),
    ("location", S),
    ("period_start", D),
    ("forecast_qty", F),
    ("forecast_lo", F),
    ("forecast_hi", F),
    ("forecast_sigma", F),
    ("model", S),
    # planner overrides (tributary.forecasting.overrides): the model's own quantity, the
    # override's note (null: not overridden) and whether it moved the quantity > 30 %
    ("forecast_qty_statistical", F),
    ("override_note", S),
    ("override_flagged", BOOL),
)

FORECAST_ACCURACY_SCHEMA = schema_of(
    ("item_code", S),
    ("location", S),
    ("model", S),
    ("series_class", S),
    ("wape", F),
    ("mase", F),
    ("bias", F),
    ("periods_tested", INT),
    ("runner_up", S),
    ("runner_up_mase", F),
)

DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "demand_forecast": DEMAND_FORECAST_SCHEMA,
    "forecast_accuracy": FORECAST_ACCURACY_SCHEMA,
}

ORDER_PLAN_SCHEMA = schema_of(
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
PURCHASE_ORDERS_SCHEMA = schema_of(
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
TRANSFERS_SCHEMA = schema_of(
    ("item_code", S),
    ("from_location", S),
    ("to_location", S),
    ("transfer_region", S),
    ("qty", F),
    ("kind", S),
    ("ship_date", D),
    ("delivery_date", D),
)
MANUFACTURING_ORDERS_SCHEMA = schema_of(
    ("finished_code", S),
    ("location", S),
    ("qty", F),
    ("start_date", D),
    ("due_date", D),
)
MATERIAL_PLAN_SCHEMA = schema_of(
    ("material_code", S),
    ("finished_code", S),
    ("location", S),
    ("required_qty", F),
    ("required_date", D),
)
PROJECTED_WRITE_OFFS_SCHEMA = schema_of(
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

KPIS_SCHEMA = schema_of(
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
OVERRIDE_STATUS_SCHEMA = schema_of(
    ("override_id", INT),
    ("account_id", S),
    ("item_code", S),
    ("location", S),
    ("period_start", D),
    ("period_end", D),
    ("status", S),
    ("rows_matched", INT),
)
