"""One scope's plan: batches, MRP, two echelons and intersite transfers around the policy.

Order of work:

1. batches: stock projected to expire unsold is written off and taken out of `available`;
2. manufactured rows (BOM, not purchase_for_bom) get the manufacturing lead time, batch rounding
   and min batch; DC rows and component rows that are missing are added with defaults;
3. rows are planned level by level (level 0: rows nobody draws from; a DC or a component is
   planned after every row that draws from it). At each level: order-up-to levels, then intersite
   transfers inside a transfer region (before anything is bought), then lots, shelf life, group
   minimums and containers. The quantities ordered at a level become demand of their suppliers:
   required now (a transfer a DC ships today, a component a build starts with today), and from
   the consumer's next review on, the consumer's forecast times the usage is added to the
   supplier's forecast (the builds and transfers of later cycles).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tributary.planning import mrp
from tributary.planning.batches import project_batches
from tributary.planning.constraints import assign_containers
from tributary.planning.dates import receipts
from tributary.planning.echelon import (
    MOVE_COLUMNS,
    add_missing_rows,
    dc_edges,
    intersite_transfers,
    planning_levels,
)
from tributary.planning.grid import build_grid
from tributary.planning.policy import (
    finish_quantities,
    num,
    order_plan_frame,
    policy_levels,
    shelf_life_cap,
    with_sources,
)
from tributary.scopes import SERIES_KEYS

TRANSFER_COLUMNS = [
    *MOVE_COLUMNS,
    "kind",
    "ship_date",
    "delivery_date",
]
PO_COLUMNS = [
    "account_id",
    "supplier_code",
    "order_date",
    "delivery_date",
    "item_code",
    "supplier_item_code",
    "location",
    "qty",
    "currency",
    "unit_cost",
    "line_cost",
    "container_id",
    "container_no",
]


def _bom_edges(items: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    """Edges finished row -> component row at the same location (manufactured rows only)."""
    made = items[items["source"] == "manufacturing"][SERIES_KEYS].reset_index()
    keys = ["account_id", "finished_code"] if "account_id" in bom else ["finished_code"]
    e = made.rename(columns={"item_code": "finished_code", "index": "child"}).merge(
        bom[keys + ["material_code", "usage"]], on=keys, how="inner"
    )
    pos = (
        items[SERIES_KEYS]
        .reset_index()
        .rename(columns={"item_code": "material_code", "index": "parent"})
    )
    e = e.merge(pos, on=["account_id", "material_code", "location"], how="inner")
    return pd.DataFrame(
        {
            "child": e["child"].to_numpy(dtype=int),
            "parent": e["parent"].to_numpy(dtype=int),
            "factor": e["usage"].to_numpy(dtype=float),
            "kind": "bom",
        }
    )


def _prepare(items: pd.DataFrame, bom: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Items with sources, manufactured parameters and added supplying rows; the clean BOM."""
    items = with_sources(items.reset_index(drop=True))
    if bom is not None and len(bom):
        bom = mrp.clean_bom(bom)
        mrp.low_level_codes(bom)  # raises on loops
        items = mrp.mark_manufactured(items, bom)
        made = items[items["source"] == "manufacturing"][SERIES_KEYS]
        keys = ["account_id", "finished_code"] if "account_id" in bom else ["finished_code"]
        comp = made.rename(columns={"item_code": "finished_code"}).merge(bom, on=keys)
        wanted = comp.rename(columns={"material_code": "item_code"})[SERIES_KEYS]
        for _ in range(len(bom) + 1):  # components of components, level by level
            before = len(items)
            items = add_missing_rows(items, wanted)
            items = with_sources(
                mrp.mark_manufactured(
                    items.drop(columns=["manufacturing_lead_time_days"], errors="ignore"), bom
                )
            )
            made = items[items["source"] == "manufacturing"][SERIES_KEYS]
            comp = made.rename(columns={"item_code": "finished_code"}).merge(bom, on=keys)
            wanted = comp.rename(columns={"material_code": "item_code"})[SERIES_KEYS]
            if len(items) == before:
                break
    else:
        bom = pd.DataFrame(columns=["finished_code", "material_code", "usage"])
    if "dc_name" in items:
        has_dc = items["dc_name"].fillna("").astype(str) != ""
        dcs = items[has_dc][["account_id", "item_code", "dc_name"]].rename(
            columns={"dc_name": "location"}
        )
        items = with_sources(add_missing_rows(items, dcs))
    return items.reset_index(drop=True), bom


def plan_scope(
    items: pd.DataFrame,
    forecast: pd.DataFrame,
    as_of: dt.date,
    period: str = "week",
    default_service_level: float = 0.95,
    bom: pd.DataFrame | None = None,
    batches: pd.DataFrame | None = None,
    open_orders: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Plan one scope (one account's items, stock and forecast). Returns frames keyed
    order_plan, purchase_orders, transfers, manufacturing_orders, material_plan,
    projected_write_offs (columns: see the module docs of each piece and PO_COLUMNS,
    TRANSFER_COLUMNS). Raises mrp.BomLoopError on a BOM loop and echelon.EchelonError when a DC
    supplies a DC."""
    items, bom = _prepare(items, bom)
    grid = build_grid(items, forecast, as_of, period)
    write_offs, expiring = project_batches(batches, items, grid)
    items["available"] = (
        np.where(
            np.isnan(num(items, "available")),
            num(items, "on_hand", 0.0) - num(items, "undated_to_ship", 0.0),
            num(items, "available"),
        )
        - expiring
    )
    edges = pd.concat([dc_edges(items), _bom_edges(items, bom)], ignore_index=True)
    level = planning_levels(len(items), edges)
    required = np.zeros(len(items))
    events = receipts(items, open_orders, grid.as_of)
    plans, transfers = [], []
    for lvl in range(int(level.max()) + 1 if len(items) else 0):
        rows = np.flatnonzero(level == lvl)
        sub = items.iloc[rows].assign(required_now=required[rows])
        lv = policy_levels(sub, grid, rows, default_service_level)
        overstock = np.minimum(lv["available"], lv["position"] - lv["order_up_to"]).to_numpy()
        moved, filled = intersite_transfers(sub, lv["net_need"].to_numpy(), overstock)
        if len(moved):
            moved = moved.assign(kind="intersite")
            transfers.append(moved)
        need = np.maximum(lv["net_need"].to_numpy() - filled, 0.0)
        qty = finish_quantities(sub, need, shelf_life_cap(sub, grid, rows))
        ev = events[np.isin(events["item"], rows)].copy()
        ev["item"] = pd.Index(rows).get_indexer(ev["item"])
        frame = order_plan_frame(sub, lv, qty, grid, rows, ev)
        frame["transfer_in_qty"] = filled
        frame["_row"] = rows
        plans.append(frame)
        e = edges[np.isin(edges["child"], rows)]
        if len(e):
            q_all = np.zeros(len(items))
            q_all[rows] = qty
            child, parent = e["child"].to_numpy(), e["parent"].to_numpy()
            factor = e["factor"].to_numpy()
            np.add.at(required, parent, q_all[child] * factor)
            grid.add_derived(
                parent, child, factor, num(items.iloc[child], "order_cycle_days", grid.period_days)
            )
    plan = pd.concat(plans, ignore_index=True).sort_values("_row").reset_index(drop=True)
    mos = mrp.manufacturing_orders(plan)
    return {
        "order_plan": plan.drop(columns="_row"),
        "purchase_orders": purchase_orders(plan),
        "transfers": _transfers(plan, transfers, grid.as_of),
        "manufacturing_orders": mos,
        "material_plan": mrp.material_plan(mos, bom),
        "projected_write_offs": write_offs,
    }


def purchase_orders(plan: pd.DataFrame) -> pd.DataFrame:
    """Purchase order lines of the supplier-bought rows, one per (row, container): PO_COLUMNS,
    unit_cost = purchase price (else inventory value per unit) in the supplier's currency."""
    bought = plan[(plan["source"] == "supplier") & (plan["order_qty"] > 0)].reset_index(drop=True)
    pieces = assign_containers(bought, bought["order_qty"].to_numpy())
    line = bought.iloc[pieces["line"].to_numpy()].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "account_id": line["account_id"],
            "supplier_code": line["supplier_code"],
            "order_date": line["next_order_date"],
            "delivery_date": line["expected_delivery_date"],
            "item_code": line["item_code"],
            "supplier_item_code": line["supplier_item_code"].fillna(line["item_code"]),
            "location": line["location"],
            "qty": pieces["qty"].to_numpy(),
            "currency": line["supplier_currency"],
            "unit_cost": line["unit_cost"],
            "line_cost": pieces["qty"].to_numpy() * line["unit_cost"].to_numpy(dtype=float),
            "container_id": line["container_id"].where(pieces["container_no"].notna().to_numpy()),
            "container_no": pieces["container_no"].to_numpy(),
        }
    )
    return out.sort_values(
        ["account_id", "supplier_code", "location", "container_id", "container_no", "item_code"],
        na_position="first",
        kind="stable",
    ).reset_index(drop=True)


def _transfers(plan: pd.DataFrame, intersite: list[pd.DataFrame], as_of) -> pd.DataFrame:
    """DC-to-location transfers (the order_qty of DC-supplied rows, arriving after the row's lead
    time) and intersite transfers (arriving the next day, rule 2)."""
    dc = plan[(plan["source"] == "dc") & (plan["order_qty"] > 0)]
    frames = [
        pd.DataFrame(
            {
                "account_id": dc["account_id"],
                "item_code": dc["item_code"],
                "from_location": dc["dc_name"],
                "to_location": dc["location"],
                "transfer_region": dc["transfer_region"],
                "qty": dc["order_qty"],
                "kind": "dc",
                "ship_date": dc["next_order_date"],
                "delivery_date": dc["expected_delivery_date"],
            }
        )
    ]
    for moved in intersite:
        frames.append(moved.assign(ship_date=as_of, delivery_date=as_of + pd.Timedelta(days=1)))
    out = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else pd.DataFrame(columns=TRANSFER_COLUMNS)
    )
    return out[TRANSFER_COLUMNS].reset_index(drop=True)
