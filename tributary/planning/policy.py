"""Periodic review, order-up-to policy for many item-locations at once (numpy, no loop per item).

Evaluated on `as_of` (offsets in days after it, see grid.py):

- L = lead_time_days of the row (the caller puts the DC-to-location lead time on DC-supplied rows
  and the manufacturing lead time on manufactured rows); R = order_cycle_days (default 1 period).
- d = mean period demand over the lead time (over one period when L is shorter than a period);
  sigma = the forecast error per period averaged (as a variance) over the same window.
- safety stock = safety_stock_periods x d when given (wins over service level), else
  z(service_level) x sqrt(L_p x sigma^2 + d^2 x var_L_p), L_p = L in periods, var_L_p =
  lead_time_variance / period_days^2; never negative. Display qty raises it:
  safety stock = max(safety stock, display_qty), so the stock left when a delivery arrives still
  fills the shelf.
- demand over a window also counts `required_now` (dependent demand due today: component needs of
  manufacturing orders started today, transfers a DC ships today).
- reorder point = demand over L + SS; order-up-to (OUT) = demand over L + R + SS.
- position = available + on_order - backorders (available = on hand less undated orders to ship).
- order qty = max(0, OUT - position) at every review: an order is placed whenever the position is
  below OUT (the issue's text). The reorder point dates the next order when none is due today.
- inactive or terminated rows order nothing.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.stats import norm

from tributary.contract import DEFAULT_LEAD_TIME_DAYS
from tributary.outputs import ORDER_PLAN_SCHEMA
from tributary.planning import dates
from tributary.planning.constraints import apply_containers, apply_group_minimums
from tributary.planning.grid import Grid, build_grid

EPS = 1e-9


def num(frame: pd.DataFrame, col: str, default: float = np.nan) -> np.ndarray:
    """Column as float array (default where absent or null)."""
    if col not in frame:
        return np.full(len(frame), default, dtype=float)
    out = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(out), default, out)


def flag(frame: pd.DataFrame, col: str) -> np.ndarray:
    """Boolean column (False where absent or null)."""
    if col not in frame:
        return np.zeros(len(frame), dtype=bool)
    return frame[col].eq(True).to_numpy()


def z_value(service_level: np.ndarray) -> np.ndarray:
    """Standard normal quantile of the service level, clipped to [0, 0.99999]."""
    return norm.ppf(np.clip(service_level, 0.0, 0.99999))


def safety_stock(
    d: np.ndarray,
    sigma: np.ndarray,
    lead_time_periods: np.ndarray,
    lead_time_var_periods: np.ndarray,
    z: np.ndarray,
    ss_periods: np.ndarray,
    display_qty: np.ndarray,
) -> np.ndarray:
    """Safety stock in units: periods method where ss_periods is given, else the service-level
    method; at least 0 and at least display_qty where given."""
    service = z * np.sqrt(
        np.maximum(lead_time_periods, 0) * sigma**2 + d**2 * np.maximum(lead_time_var_periods, 0)
    )
    ss = np.where(np.isnan(ss_periods), service, ss_periods * d)
    ss = np.maximum(np.nan_to_num(ss), 0.0)
    return np.where(np.isnan(display_qty), ss, np.maximum(ss, display_qty))


def apply_lots(
    qty: np.ndarray, rounding: np.ndarray, min_lot: np.ndarray, max_lot: np.ndarray
) -> np.ndarray:
    """Rule 4: round a positive quantity up to a multiple of `rounding`, raise to `min_lot`, cap
    at `max_lot`; where min lot > max lot the min lot is ignored. Zero stays zero; NaN = not
    given."""
    q = np.asarray(qty, dtype=float)
    pos = q > EPS
    r_ok = pos & (rounding > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(r_ok, np.ceil(q / np.where(r_ok, rounding, 1) - EPS) * rounding, q)
    min_ok = pos & (min_lot > 0) & ~(min_lot > max_lot)
    q = np.where(min_ok, np.maximum(q, min_lot), q)
    q = np.where(pos & (max_lot >= 0), np.minimum(q, max_lot), q)
    return np.where(pos, q, 0.0)


def shelf_life_days(frame: pd.DataFrame, period_days: float) -> np.ndarray:
    """Shelf life in days: shelf_life_days, else shelf_life_periods x period length; NaN = none."""
    days = num(frame, "shelf_life_days")
    return np.where(np.isnan(days), num(frame, "shelf_life_periods") * period_days, days)


def apply_shelf_life(
    qty: np.ndarray,
    cap: np.ndarray,
    rounding: np.ndarray,
    min_lot: np.ndarray,
    max_lot: np.ndarray,
) -> np.ndarray:
    """Rule 8: cap the order at the forecast within the shelf life (NaN cap = no shelf life); lot
    constraints given on the row win, so they are applied again to the capped quantity."""
    capped = np.where(np.isnan(cap), qty, np.minimum(qty, np.maximum(cap, 0.0)))
    return np.where(capped < qty, apply_lots(capped, rounding, min_lot, max_lot), qty)


def policy_levels(
    items: pd.DataFrame,
    grid: Grid,
    rows: np.ndarray,
    default_service_level: float,
) -> pd.DataFrame:
    """Demand over L and L + R, safety stock, reorder point, order-up-to, position and the net
    need max(0, OUT - position) for the given grid rows (items aligned with rows)."""
    P = grid.period_days
    L = np.maximum(num(items, "lead_time_days", DEFAULT_LEAD_TIME_DAYS), 0.0)
    R = np.maximum(num(items, "order_cycle_days", P), 0.0)
    req = np.maximum(num(items, "required_now", 0.0), 0.0)
    d_lt = grid.cumulative(L, rows)
    d_ltr = grid.cumulative(L + R, rows)
    w = np.maximum(L, P)
    n_periods = w / P
    d = grid.cumulative(w, rows) / n_periods
    sigma = np.sqrt(np.maximum(grid.cumulative(w, rows, grid.V) / n_periods, 0.0))
    sl = num(items, "service_level", default_service_level)
    ss = safety_stock(
        d,
        sigma,
        L / P,
        num(items, "lead_time_variance", 0.0) / P**2,
        z_value(sl),
        num(items, "safety_stock_periods"),
        num(items, "display_qty"),
    )
    on_hand = num(items, "on_hand", 0.0)
    available = num(items, "available", np.nan)
    undated = num(items, "undated_to_ship", 0.0)
    available = np.where(np.isnan(available), on_hand - undated, available)
    on_order = num(items, "on_order", 0.0)
    backorders = num(items, "backorders", 0.0)
    position = available + on_order - backorders
    rop = d_lt + req + ss
    out = d_ltr + req + ss
    active = ~(flag(items, "inactive") | flag(items, "termination"))
    need = np.where(active, np.maximum(out - position, 0.0), 0.0)
    return pd.DataFrame(
        {
            "on_hand": on_hand,
            "available": available,
            "on_order": on_order,
            "backorders": backorders,
            "position": position,
            "lead_time_days": L,
            "order_cycle_days": R,
            "required_now": req,
            "demand_over_lead_time": d_lt + req,
            "demand_over_cycle": d_ltr + req,
            "mean_period_demand": d,
            "sigma": sigma,
            "service_level": sl,
            "safety_stock": ss,
            "reorder_point": rop,
            "order_up_to": out,
            "net_need": need,
            "daily_rate": d / P,
            "active": active,
        },
        index=items.index,
    )


def with_sources(items: pd.DataFrame) -> pd.DataFrame:
    """Add `source` (supplier | dc | manufacturing; given values kept), `unit_cost` (purchase
    price, else inventory value per unit) and `group_key` (account, location, group_id else
    supplier_code) used by the purchase-order constraints."""
    out = items.copy()
    if "source" not in out:
        dc = out["dc_name"] if "dc_name" in out else pd.Series(None, index=out.index)
        has_dc = dc.notna() & (dc.astype(str) != "")
        out["source"] = np.where(has_dc, "dc", "supplier")
    out["unit_cost"] = np.where(
        np.isnan(num(out, "purchase_price")),
        num(out, "inventory_value_per_unit"),
        num(out, "purchase_price"),
    )
    group = out["group_id"] if "group_id" in out else pd.Series(None, index=out.index)
    if "supplier_code" in out:
        group = group.fillna(out["supplier_code"])
    out["group_key"] = (
        out["account_id"].astype(str)
        + "\x1f"
        + out["location"].astype(str)
        + "\x1f"
        + group.fillna("").astype(str)
    )
    return out


def finish_quantities(items: pd.DataFrame, need: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """The order quantity from the net need, in the issue's order: rounding, min lot, max lot
    (rule 4), shelf-life cap `cap` (rule 8, NaN = none; lots win), supplier group minimums and
    containers (supplier-bought rows only), whole units at the end (ceil)."""
    rounding = num(items, "rounding")
    min_lot = num(items, "min_lot")
    max_lot = num(items, "max_lot")
    qty = apply_lots(need, rounding, min_lot, max_lot)
    qty = apply_shelf_life(qty, cap, rounding, min_lot, max_lot)
    bought = (items["source"] == "supplier").to_numpy()
    if bought.any():
        sub = items[bought]
        q = apply_group_minimums(sub, qty[bought])
        qty[bought] = apply_containers(sub, q)
    return np.ceil(np.maximum(qty, 0.0) - EPS) + 0.0


def shelf_life_cap(items: pd.DataFrame, grid: Grid, rows: np.ndarray) -> np.ndarray:
    """Forecast within the shelf life, counted from the expected delivery (L .. L + shelf life);
    NaN where no shelf life is given."""
    life = shelf_life_days(items, grid.period_days)
    L = np.maximum(num(items, "lead_time_days", DEFAULT_LEAD_TIME_DAYS), 0.0)
    cap = grid.window(L, L + np.nan_to_num(life), rows)
    return np.where(np.isnan(life), np.nan, cap)


# The order_plan columns in warehouse order, from the Parquet schema (the source of truth);
# account_id, the lake's partition key rather than a file column, leads.
PLAN_COLUMNS = ["account_id", *ORDER_PLAN_SCHEMA.names]


def order_plan_frame(
    items: pd.DataFrame,
    levels: pd.DataFrame,
    qty: np.ndarray,
    grid: Grid,
    rows: np.ndarray,
    events: pd.DataFrame,
) -> pd.DataFrame:
    """The order_plan rows for `items` aligned with `rows`: the PLAN_COLUMNS it has, in that
    order, then extras.

    events: receipts (item = position in `items`, offset, qty) for the projected stockout.
    order_value = order_qty x inventory_value_per_unit (account currency), else purchase price.
    """
    as_of = grid.as_of
    stock = (levels["available"] - levels["backorders"] - levels["required_now"]).to_numpy()
    so = dates.stockout_offsets(grid, rows, stock, events)
    nxt, delivery = dates.order_dates(
        as_of,
        grid,
        rows,
        qty,
        levels["position"].to_numpy(),
        levels["reorder_point"].to_numpy(),
        levels["lead_time_days"].to_numpy(),
        levels["active"].to_numpy(),
    )
    value = num(items, "inventory_value_per_unit")
    value = np.where(np.isnan(value), num(items, "purchase_price"), value)
    out = items[["account_id", "item_code", "location"]].reset_index(drop=True)
    lv = levels.reset_index(drop=True)
    for col in lv.columns:
        out[col] = lv[col]
    out["order_qty"] = qty
    out["order_value"] = qty * value
    out["next_order_date"] = nxt.to_numpy()
    out["expected_delivery_date"] = delivery.to_numpy()
    out["projected_stockout_date"] = dates.stockout_dates(as_of, so).to_numpy()
    for col in (
        "supplier_code",
        "source",
        "dc_name",
        "transfer_region",
        "group_key",
        "container_id",
        "unit_cost",
        "supplier_item_code",
        "supplier_currency",
        "container_load_qty",
        "container_load_weight",
        "container_load_volume",
        "max_containers",
        "weight_per_unit",
        "volume_per_unit",
    ):
        out[col] = items[col].to_numpy() if col in items else None
    # transfer_in_qty, a PLAN_COLUMNS column, is added by the caller (plan.plan_scope)
    first = [c for c in PLAN_COLUMNS if c in out.columns]
    extras = [c for c in out.columns if c not in PLAN_COLUMNS]
    return out[first + extras]


def plan_items(
    items: pd.DataFrame,
    forecast: pd.DataFrame,
    as_of: dt.date,
    period: str = "week",
    default_service_level: float = 0.95,
    open_orders: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Plan every row of `items` (one item-location each, parameters as in marts.items plus the
    inventory_position columns on_hand, on_order, backorders, available) independently: the
    order_plan frame, one row per item row, quantities in whole units.

    forecast: account_id, item_code, location, period_start, forecast_qty[, sigma |
    forecast_sigma] (see grid.build_grid).
    open_orders (account_id, item_code, location, qty, delivery_date) date receipts for the
    projected stockout; without it open orders are not counted there.
    """
    items = with_sources(items.reset_index(drop=True))
    grid = build_grid(items, forecast, as_of, period)
    rows = np.arange(len(items))
    levels = policy_levels(items, grid, rows, default_service_level)
    qty = finish_quantities(items, levels["net_need"].to_numpy(), shelf_life_cap(items, grid, rows))
    events = dates.receipts(items, open_orders, grid.as_of)
    return order_plan_frame(items, levels, qty, grid, rows, events)
