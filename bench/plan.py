"""Planning benchmark: plan_items on N synthetic item-locations with 52 weekly forecast periods.

Every constraint is exercised on part of the rows (rounding, lots, shelf life, display qty,
service-level and periods safety stock, group minimums, containers) and one open order per item
dates the projected stockout. Prints the wall time of plan_items (input generation excluded).

    .venv/bin/python bench/plan.py --items 100000          # the policy alone (plan_items)
    .venv/bin/python bench/plan.py --items 100000 --scope  # plan_scope: + POs, containers, ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from tributary.planning.plan import plan_scope
from tributary.planning.policy import plan_items

AS_OF = dt.date(2026, 1, 4)
WEEKS = 52


def generate(n: int, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(items with position columns, forecast rows n x WEEKS, open orders one per item)."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"I{i:06d}" for i in range(n)])
    locs = np.array([f"L{i % 20:02d}" for i in range(n)])

    def some(p: float, values: np.ndarray) -> np.ndarray:
        return np.where(rng.random(n) < p, values, np.nan)

    level = rng.lognormal(3.0, 1.0, n)
    items = pd.DataFrame(
        {
            "account_id": "bench",
            "item_code": codes,
            "location": locs,
            "on_hand": np.floor(level * rng.uniform(0, 8, n)),
            "on_order": np.floor(level * rng.uniform(0, 2, n)),
            "backorders": np.floor(level * rng.uniform(0, 0.2, n)),
            "lead_time_days": rng.choice([7.0, 14.0, 30.0, 60.0], n),
            "lead_time_variance": some(0.3, rng.uniform(1, 50, n)),
            "order_cycle_days": rng.choice([7.0, 14.0, 28.0], n),
            "service_level": some(0.7, rng.uniform(0.8, 0.99, n)),
            "safety_stock_periods": some(0.2, rng.choice([1.0, 2.0], n)),
            "display_qty": some(0.1, rng.integers(1, 50, n).astype(float)),
            "rounding": some(0.4, rng.choice([6.0, 12.0, 24.0, 50.0], n)),
            "min_lot": some(0.2, rng.choice([10.0, 50.0, 100.0], n)),
            "max_lot": some(0.1, rng.choice([500.0, 1000.0], n)),
            "shelf_life_days": some(0.1, rng.choice([30.0, 90.0], n)),
            "supplier_code": np.array([f"S{i:03d}" for i in rng.integers(0, 500, n)]),
            "group_min_qty": some(0.2, np.full(n, 500.0)),
            "group_min_cost": some(0.1, np.full(n, 2000.0)),
            "purchase_price": rng.uniform(1, 100, n),
            "weight_per_unit": rng.uniform(0.1, 5, n),
            "container_id": np.where(rng.random(n) < 0.2, "C40", None),
            "container_load_weight": 20000.0,
            "container_load_qty": 5000.0,
            "max_containers": 3.0,
        }
    )
    starts = pd.date_range("2026-01-05", periods=WEEKS, freq="7D")
    qty = level[:, None] * (1 + 0.3 * np.sin(np.arange(WEEKS) / 52 * 2 * np.pi))[None, :]
    forecast = pd.DataFrame(
        {
            "account_id": "bench",
            "item_code": np.repeat(codes, WEEKS),
            "location": np.repeat(locs, WEEKS),
            "period_start": np.tile(starts, n),
            "forecast_qty": qty.ravel(),
            "forecast_sigma": (qty * 0.3 / 1.2815515655446004).ravel(),  # an 80 % band of +30 %
        }
    )
    open_orders = pd.DataFrame(
        {
            "account_id": "bench",
            "item_code": codes,
            "location": locs,
            "qty": items["on_order"],
            "delivery_date": pd.Timestamp(AS_OF)
            + pd.to_timedelta(rng.integers(1, 30, n), unit="D"),
        }
    )
    return items, forecast, open_orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--scope", action="store_true", help="time plan_scope instead")
    args = parser.parse_args()
    items, forecast, open_orders = generate(args.items)
    t0 = time.perf_counter()
    if args.scope:
        out = plan_scope(items, forecast, AS_OF, "week", 0.95, open_orders=open_orders)
        plan = out["order_plan"]
        print(f"{len(out['purchase_orders']):,} purchase order lines")
    else:
        plan = plan_items(items, forecast, AS_OF, "week", 0.95, open_orders=open_orders)
    elapsed = time.perf_counter() - t0
    ordering = int((plan["order_qty"] > 0).sum())
    print(
        f"planned {len(plan):,} item-locations x {WEEKS} weekly periods in {elapsed:.2f} s "
        f"({ordering:,} ordering, {plan['order_qty'].sum():,.0f} units)"
    )


if __name__ == "__main__":
    main()
