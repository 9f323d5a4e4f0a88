"""Short summaries of a scope's results for people: what Dagster shows beside a materialization.

Pure functions on the frames the scope assets already hold (no Dagster import here).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tributary.report.risk import count_at_risk

TOP_ORDERS = 10


def report_page(report_folder: Path, scope: str) -> Path:
    """Where a scope's overview page is (written by the report after the output marts)."""
    return report_folder / scope / "index.html"


def markdown_table(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    """A Markdown table of `columns` of `frame` (numbers rounded for reading)."""

    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            return ""
        if isinstance(value, float):
            return f"{value:,.2f}"
        if hasattr(value, "isoformat"):
            return value.isoformat()[:10]
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in frame[list(columns)].itertuples(index=False):
        lines.append("| " + " | ".join(cell(value) for value in row) + " |")
    return "\n".join(lines)


def largest_orders(order_plan: pd.DataFrame) -> str:
    """The ten largest orders to place by value, as a Markdown table."""
    ordering = order_plan[order_plan["order_qty"].fillna(0) > 0]
    top = ordering.sort_values(
        ["order_value", "item_code", "location"], ascending=[False, True, True]
    ).head(TOP_ORDERS)
    return markdown_table(
        top,
        [
            "item_code",
            "location",
            "supplier_code",
            "order_qty",
            "order_value",
            "next_order_date",
            "expected_delivery_date",
        ],
    )


def items_at_risk(order_plan: pd.DataFrame) -> int:
    """How many items stock out before their next delivery (`risk.stockout_before_delivery`)."""
    return count_at_risk(
        pd.to_datetime(order_plan["projected_stockout_date"]).dt.date.tolist(),
        pd.to_datetime(order_plan["expected_delivery_date"]).dt.date.tolist(),
    )


def model_mix(accuracy: pd.DataFrame) -> str:
    """How many series each model won, largest share first, as a Markdown table."""
    counts = accuracy["model"].value_counts()
    frame = pd.DataFrame(
        {
            "model": counts.index,
            "series": counts.to_numpy(),
            "share": (counts / max(counts.sum(), 1)).round(3).to_numpy(),
        }
    )
    return markdown_table(frame, ["model", "series", "share"])
