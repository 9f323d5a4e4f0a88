"""The warehouse's marts, as the tests name them."""

# What the loads and the warehouse build give before any forecast or plan; each has a GX suite.
FOUNDATION_MARTS = (
    "accounts",
    "rejected_rows",
    "items",
    "sales_history",
    "demand_history",
    "inventory_position",
    "open_orders",
)

# Every mart a run builds.
MARTS = [
    *FOUNDATION_MARTS,
    "promotion_calendar",
    "demand_forecast",
    "forecast_accuracy",
    "order_plan",
    "order_plan_by_account",
    "purchase_orders",
    "transfers",
    "manufacturing_orders",
    "material_plan",
    "projected_write_offs",
    "kpis",
    "kpi_summary",
]
