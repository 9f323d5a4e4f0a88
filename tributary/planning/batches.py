"""Batches: first-expired-first-out consumption against the forecast and projected write-offs.

A batch sells on the days before its expiration date (as_of + 1 ... expiration - 1); earlier
expiring batches sell first. What is left of a batch at its expiration is written off and is not
usable stock. Batches already expired on as_of are written off whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tributary.planning.grid import Grid
from tributary.scopes import SERIES_KEYS


def project_batches(
    batches: pd.DataFrame, items: pd.DataFrame, grid: Grid
) -> tuple[pd.DataFrame, np.ndarray]:
    """(projected_write_offs, write-off qty per row of `items`).

    batches: account_id, item_code, location, batch_code, expiration_date, on_hand; items
    aligned with the grid rows; write-off value = qty x inventory_value_per_unit, else purchase
    price. Columns: account_id, item_code, location, batch_code, expiration_date, qty_expiring,
    value.
    """
    per_row = np.zeros(len(items))
    cols = SERIES_KEYS + ["batch_code", "expiration_date", "qty_expiring", "value"]
    if batches is None or len(batches) == 0:
        return pd.DataFrame(columns=cols), per_row
    pos = items[SERIES_KEYS].reset_index(drop=True).assign(_row=np.arange(len(items)))
    b = batches.merge(pos, on=SERIES_KEYS, how="inner")
    b["expiration_date"] = pd.to_datetime(b["expiration_date"]).dt.normalize()
    b = b.sort_values(["_row", "expiration_date", "batch_code"], kind="stable")
    row = b["_row"].to_numpy(dtype=int)
    qty = np.maximum(pd.to_numeric(b["on_hand"], errors="coerce").fillna(0).to_numpy(), 0.0)
    days = ((b["expiration_date"] - grid.as_of) / pd.Timedelta(days=1)).to_numpy() - 1
    demand = np.where(days > 0, grid.cumulative(np.maximum(days, 0), row), 0.0)
    rank = b.groupby("_row").cumcount().to_numpy()
    sold = np.zeros(len(b))
    used = np.zeros(len(items))
    for r in range(int(rank.max()) + 1 if len(rank) else 0):
        at = np.flatnonzero(rank == r)
        i = row[at]
        take = np.clip(demand[at] - used[i], 0.0, qty[at])
        sold[at] = take
        used[i] += take
    left = qty - sold
    np.add.at(per_row, row, left)
    value_col = items.get("inventory_value_per_unit")
    price = items.get("purchase_price")
    unit = np.full(len(items), np.nan)
    if value_col is not None:
        unit = pd.to_numeric(value_col, errors="coerce").to_numpy(dtype=float)
    if price is not None:
        unit = np.where(np.isnan(unit), pd.to_numeric(price, errors="coerce"), unit)
    out = b[SERIES_KEYS + ["batch_code", "expiration_date"]].assign(
        qty_expiring=left, value=left * unit[row]
    )
    return out[out["qty_expiring"] > 1e-9].reset_index(drop=True)[cols], per_row
