"""Who supplies whom (DCs and BOMs as edges between planning rows) and intersite transfers.

Rule 7: a DC supplies locations only, never a DC; locations in different transfer regions never
exchange stock.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tributary.scopes import SERIES_KEYS

# What moves from one location to another: the first columns of a transfer, here and in the plan.
MOVE_COLUMNS = ["account_id", "item_code", "from_location", "to_location", "transfer_region", "qty"]


class EchelonError(ValueError):
    """A DC relation that breaks rule 7."""


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series("", index=frame.index)
    return frame[col].fillna("").astype(str)


def dc_edges(items: pd.DataFrame) -> pd.DataFrame:
    """Edges store row -> DC row (positions in `items`) for rows with a dc_name, factor 1.

    Missing DC rows must have been added by the caller (add_missing_rows). Raises EchelonError
    when a DC is itself supplied by a DC.
    """
    dc = _text(items, "dc_name")
    stores = np.flatnonzero((dc != "").to_numpy())
    pos = items[SERIES_KEYS].reset_index(drop=True).assign(_pos=np.arange(len(items)))
    want = items.iloc[stores][["account_id", "item_code"]].assign(
        location=dc.iloc[stores].to_numpy(), _child=stores
    )
    hit = want.merge(pos, on=SERIES_KEYS, how="left")
    if hit["_pos"].isna().any():
        raise EchelonError("DC row missing; call add_missing_rows first")
    parent = hit["_pos"].to_numpy(dtype=int)
    if (dc.iloc[parent] != "").any():
        bad = items.iloc[parent[(dc.iloc[parent] != "").to_numpy()]]
        raise EchelonError(
            f"a DC cannot be supplied by a DC: {bad[SERIES_KEYS].values.tolist()[:3]}"
        )
    return pd.DataFrame(
        {"child": hit["_child"].to_numpy(dtype=int), "parent": parent, "factor": 1.0, "kind": "dc"}
    )


def add_missing_rows(items: pd.DataFrame, wanted: pd.DataFrame) -> pd.DataFrame:
    """Append rows (the series keys, plus any given columns) for supplying rows not in `items` (a DC
    stores an item, a component at a location); other parameters take their defaults."""
    if len(wanted) == 0:
        return items
    known = items[SERIES_KEYS].assign(_known=True)
    new = wanted.drop_duplicates(SERIES_KEYS).merge(known, on=SERIES_KEYS, how="left")
    new = new[new["_known"].isna()].drop(columns="_known")
    if len(new) == 0:
        return items
    if "source" not in new:
        new["source"] = "supplier"
    return pd.concat([items, new], ignore_index=True)


def planning_levels(n: int, edges: pd.DataFrame) -> np.ndarray:
    """Level per row: 0 for rows nobody draws from, else 1 + the deepest consumer's level."""
    level = np.zeros(n, dtype=int)
    child = edges["child"].to_numpy(dtype=int)
    parent = edges["parent"].to_numpy(dtype=int)
    for _ in range(n + 1):
        new = level.copy()
        np.maximum.at(new, parent, level[child] + 1)
        if np.array_equal(new, level):
            return level
        level = new
    raise EchelonError("supply loop between planning rows")


def intersite_transfers(
    frame: pd.DataFrame, need: np.ndarray, overstock: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Spend overstock on needs of other locations of the same item and transfer region.

    frame: account_id, item_code, location, transfer_region per row. Needs are filled smallest
    first (most locations replenished), the overstock of the location with most to spare first;
    rows without a region take no part. Returns (transfers: account_id, item_code, from_location,
    to_location, transfer_region, qty, from_row, to_row; filled qty per row).
    """
    region = _text(frame, "transfer_region").to_numpy()
    key = (
        frame["account_id"].astype(str) + "\x1f" + frame["item_code"].astype(str) + "\x1f" + region
    ).to_numpy()
    need = np.where(region != "", np.ceil(np.maximum(need, 0) - 1e-9), 0.0)
    over = np.where(region != "", np.floor(np.maximum(overstock, 0) + 1e-9), 0.0)
    filled = np.zeros(len(frame))
    empty = pd.DataFrame(columns=[*MOVE_COLUMNS, "from_row", "to_row"])
    ni, si = np.flatnonzero(need > 0), np.flatnonzero(over > 0)
    if len(ni) == 0 or len(si) == 0:
        return empty, filled
    codes, uniq = pd.factorize(np.concatenate([key[ni], key[si]]))
    gn, gs = codes[: len(ni)], codes[len(ni) :]
    ni = ni[np.lexsort((need[ni], gn))]
    si = si[np.lexsort((-over[si], gs))]
    gn, gs = pd.Index(uniq).get_indexer(key[ni]), pd.Index(uniq).get_indexer(key[si])
    g = len(uniq)
    tot_n = np.bincount(gn, weights=need[ni], minlength=g)
    tot_s = np.bincount(gs, weights=over[si], minlength=g)
    base = np.concatenate([[0.0], np.cumsum(np.maximum(tot_n, tot_s))[:-1]])
    n_end = pd.Series(need[ni]).groupby(gn).cumsum().to_numpy() + base[gn]
    s_end = pd.Series(over[si]).groupby(gs).cumsum().to_numpy() + base[gs]
    n_start, s_start = n_end - need[ni], s_end - over[si]
    cuts = np.unique(np.concatenate([n_start, n_end, s_start, s_end]))
    mid = (cuts[:-1] + cuts[1:]) / 2
    length = np.diff(cuts)
    a = np.searchsorted(n_end, mid)
    b = np.searchsorted(s_end, mid)
    ok = (a < len(ni)) & (b < len(si))
    a, b, length, mid = a[ok], b[ok], length[ok], mid[ok]
    ok = (n_start[a] <= mid) & (s_start[b] <= mid)
    flows = pd.DataFrame({"to_row": ni[a[ok]], "from_row": si[b[ok]], "qty": length[ok]})
    flows = flows.groupby(["from_row", "to_row"], as_index=False, sort=False)["qty"].sum()
    np.add.at(filled, flows["to_row"].to_numpy(), flows["qty"].to_numpy())
    fr, to = flows["from_row"].to_numpy(), flows["to_row"].to_numpy()
    out = pd.DataFrame(
        {
            "account_id": frame["account_id"].to_numpy()[to],
            "item_code": frame["item_code"].to_numpy()[to],
            "from_location": frame["location"].to_numpy()[fr],
            "to_location": frame["location"].to_numpy()[to],
            "transfer_region": region[to],
            "qty": flows["qty"].to_numpy(),
            "from_row": fr,
            "to_row": to,
        }
    )
    return out, filled
