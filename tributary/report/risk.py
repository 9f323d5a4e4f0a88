"""Which planned items are at risk: the one definition the plans' metadata and the report use.

Pure Python (no pandas), so the report stays small.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value != value


def stockout_before_delivery(stockout: date | None, delivery: date | None) -> bool:
    """An item is at risk when its stock (with the open orders) runs out before the next
    planned delivery can arrive: ordering as planned does not prevent the stock-out."""
    if _missing(stockout) or _missing(delivery):
        return False
    return stockout < delivery  # type: ignore[operator]


# The same rule over marts.order_plan, for SQL (a null date compares as unknown: not at risk).
AT_RISK_SQL = "projected_stockout_date < expected_delivery_date"


def count_at_risk(stockouts: Iterable[date | None], deliveries: Iterable[date | None]) -> int:
    return sum(stockout_before_delivery(s, d) for s, d in zip(stockouts, deliveries, strict=True))
