"""Bills of materials: low-level codes, manufactured items, manufacturing orders, material needs.

Rule 5: batch rounding rounds the quantity to manufacture up to a multiple, min batch raises it;
rule 6: an item with a BOM is manufactured unless purchase_for_bom. qty_per_batch is the material
for one batch of batch_rounding units (data contract, decided here), so a build of Q units needs
Q / batch_rounding x qty_per_batch of the material, on the build's start date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tributary.planning.policy import flag

BOM_DEFAULTS = {
    "qty_per_batch": 1.0,
    "batch_rounding": 1.0,
    "manufacturing_lead_time_days": 0.0,
    "min_batch": 0.0,
}


class BomLoopError(ValueError):
    """A BOM in which an item needs itself, directly or through other items."""


def clean_bom(bom: pd.DataFrame) -> pd.DataFrame:
    """BOM rows with defaults applied (rule 1) and `usage` = material per finished unit."""
    out = bom.copy()
    for col, default in BOM_DEFAULTS.items():
        out[col] = pd.to_numeric(out[col], errors="coerce") if col in out else np.nan
        out[col] = out[col].fillna(default)
    out["batch_rounding"] = out["batch_rounding"].clip(lower=1.0)
    out["usage"] = out["qty_per_batch"] / out["batch_rounding"]
    return out


def low_level_codes(bom: pd.DataFrame) -> pd.Series:
    """Level of every item in the BOM: 0 for items nobody uses, else 1 + the deepest user.

    Computed level by level; raises BomLoopError naming the items of a loop.
    """
    edges = bom[["finished_code", "material_code"]].drop_duplicates()
    codes = pd.Index(pd.unique(pd.concat([edges["finished_code"], edges["material_code"]])))
    f = codes.get_indexer(edges["finished_code"])
    m = codes.get_indexer(edges["material_code"])
    level = np.zeros(len(codes), dtype=int)
    remaining = np.ones(len(f), dtype=bool)
    for _ in range(len(codes) + 1):
        # an item is placed at this depth when none of its unplaced users remain
        has_user = np.zeros(len(codes), dtype=bool)
        has_user[m[remaining]] = True
        frontier = remaining & ~has_user[f]
        if not remaining.any():
            break
        if not frontier.any():
            loop = sorted(set(codes[f[remaining]]) & set(codes[m[remaining]]))
            raise BomLoopError(f"BOM loop through {', '.join(map(str, loop))}")
        level[m[frontier]] = np.maximum(level[m[frontier]], level[f[frontier]] + 1)
        remaining &= ~frontier
    return pd.Series(level, index=codes, name="low_level_code")


def finished_parameters(bom: pd.DataFrame) -> pd.DataFrame:
    """Per finished code (and account when given): batch_rounding, min_batch and
    manufacturing_lead_time_days (the first BOM row that gives them)."""
    keys = ["account_id", "finished_code"] if "account_id" in bom else ["finished_code"]
    cols = ["batch_rounding", "min_batch", "manufacturing_lead_time_days"]
    return bom.groupby(keys, sort=False)[cols].first().reset_index()


def mark_manufactured(items: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    """Rows with a BOM (and not purchase_for_bom) become source = manufacturing with lead time =
    manufacturing lead time, rounding = batch rounding, min lot = min batch (0 = none), no max
    lot; other rows are unchanged."""
    params = finished_parameters(bom).rename(columns={"finished_code": "item_code"})
    keys = [k for k in ("account_id", "item_code") if k in params]
    out = items.merge(params, on=keys, how="left")
    made = out["batch_rounding"].notna().to_numpy() & ~flag(out, "purchase_for_bom")
    out.loc[made, "source"] = "manufacturing"
    out.loc[made, "lead_time_days"] = out.loc[made, "manufacturing_lead_time_days"]
    out.loc[made, "rounding"] = out.loc[made, "batch_rounding"]
    out.loc[made, "min_lot"] = out.loc[made, "min_batch"].where(out.loc[made, "min_batch"] > 0)
    out.loc[made, "max_lot"] = np.nan
    return out.drop(columns=["batch_rounding", "min_batch"])


def manufacturing_orders(plan: pd.DataFrame) -> pd.DataFrame:
    """Planned builds from order_plan rows with source manufacturing and order_qty > 0:
    account_id, finished_code, location, qty, start_date (order date), due_date (start + L)."""
    made = plan[(plan["source"] == "manufacturing") & (plan["order_qty"] > 0)]
    start = pd.to_datetime(made["next_order_date"])
    due = start + pd.to_timedelta(made["lead_time_days"].round(), unit="D")
    return pd.DataFrame(
        {
            "account_id": made["account_id"].to_numpy(),
            "finished_code": made["item_code"].to_numpy(),
            "location": made["location"].to_numpy(),
            "qty": made["order_qty"].to_numpy(),
            "start_date": start.to_numpy(),
            "due_date": due.to_numpy(),
        }
    )


def material_plan(orders: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    """Component needs of the builds: account_id, material_code, finished_code, location,
    required_qty (qty x usage), required_date (the build's start date). bom must be clean_bom'd."""
    keys = ["finished_code", "account_id"] if "account_id" in bom else ["finished_code"]
    need = orders.merge(bom[keys + ["material_code", "usage"]], on=keys, how="inner")
    return pd.DataFrame(
        {
            "account_id": need["account_id"].to_numpy(),
            "material_code": need["material_code"].to_numpy(),
            "finished_code": need["finished_code"].to_numpy(),
            "location": need["location"].to_numpy(),
            "required_qty": (need["qty"] * need["usage"]).to_numpy(),
            "required_date": need["start_date"].to_numpy(),
        }
    )
