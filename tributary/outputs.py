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
        pa.field("model", pa.string()),
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
    ]
)

DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "demand_forecast": DEMAND_FORECAST_SCHEMA,
    "forecast_accuracy": FORECAST_ACCURACY_SCHEMA,
}
