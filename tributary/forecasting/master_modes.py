"""How the master's forecast relates to its children's (accounts.yaml master.forecast.master_mode).

- ``combined`` (default): the master forecasts its combined history like any scope; a child's
  override adds its change (tributary.forecasting.overrides). Master and children need not add up.
- ``sum_of_children``: the master's forecast is the sum of its children's final forecasts
  (overrides included), in master item codes and units (the children's item maps).
- ``reconciled``: the master's own statistical forecast and its children's are reconciled by
  MinTrace with OLS weights (Hyndman et al. 2011; ``hierarchicalforecast``'s ``MinTrace('ols')``)
  over the two-level hierarchy of each master item, location and period: every child series
  moves by the same share of the gap, ``(master - sum of children) / (children + 1)``. The
  children's forecasts are replaced by the reconciled ones, and the master's is their sum, so
  master = sum of children to rounding. Overrides apply after reconciliation, to the children's
  reconciled forecasts, and reach the master through the sum.

In both summing modes the master has no overrides of its own: the sum would no longer hold. Such
overrides are reported (``MASTER_OVERRIDE_STATUS``), not applied. Intervals add up as if the
children moved together (lo and hi are summed: conservative); ``forecast_sigma`` adds in
quadrature, as for independent children.

Pure pandas: callers hand in each scope's forecast frame (``DEMAND_FORECAST_SCHEMA`` columns) and
each child's item map.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tributary.config import MASTER_MODES
from tributary.forecasting.overrides import FLAG_THRESHOLD

__all__ = ["MASTER_MODES", "in_master_terms", "reconcile_children", "sum_of_children"]

SUMMING_MODES = ("sum_of_children", "reconciled")
KEYS = ["item_code", "location", "period_start"]
QTY_COLUMNS = ["forecast_qty", "forecast_lo", "forecast_hi", "forecast_qty_statistical"]
MASTER_OVERRIDE_STATUS = (
    "not applied: master.forecast.master_mode {mode} sums the children's forecasts; "
    "override the children instead"
)
MODEL = {"sum_of_children": "sum_of_children", "reconciled": "mint_ols"}


def _item_map_lookup(
    codes: pd.Series, item_map: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series]:
    """Each child code's master code and multiplier (the code itself and 1 when unmapped)."""
    if item_map is None or not len(item_map):
        return codes, pd.Series(1.0, index=codes.index)
    by_code = item_map.drop_duplicates("item_code").set_index("item_code")
    master_codes = codes.map(by_code["master_item_code"]).fillna(codes)
    multipliers = codes.map(by_code["multiplier"].fillna(1.0)).fillna(1.0).astype(float)
    return master_codes, multipliers


def in_master_terms(
    child: str, forecast: pd.DataFrame, item_map: pd.DataFrame | None
) -> pd.DataFrame:
    """A child's forecast rows in master item codes and units, one row per child series."""
    master_codes, multipliers = _item_map_lookup(forecast["item_code"], item_map)
    out = forecast.copy()
    out["source_account_id"] = child
    out["source_item_code"] = forecast["item_code"]
    out["multiplier"] = multipliers.to_numpy()
    out["item_code"] = master_codes.to_numpy()
    for column in [*QTY_COLUMNS, "forecast_sigma"]:
        if column in out:
            out[column] = out[column].astype(float) * out["multiplier"]
    out["period_start"] = pd.to_datetime(out["period_start"])
    return out


def sum_of_children(children: pd.DataFrame, mode: str) -> pd.DataFrame:
    """The master's forecast as the sum of the children's (rows from ``in_master_terms``, with
    the override columns): notes name the child (``via <child>: <note>``)."""
    columns = [*KEYS, *QTY_COLUMNS, "forecast_sigma", "model", "override_note", "override_flagged"]
    if children.empty:
        return children.reindex(columns=columns)
    grouped = children.groupby(KEYS, sort=True)
    out = grouped[QTY_COLUMNS].sum()
    out["forecast_sigma"] = np.sqrt(grouped["forecast_sigma"].apply(lambda s: (s**2).sum()))
    out["model"] = MODEL[mode]
    noted = children.loc[children["override_note"].notna()]
    notes = (
        ("via " + noted["source_account_id"] + ": " + noted["override_note"].astype(str))
        .groupby([noted[k] for k in KEYS])
        .agg("; ".join)
        .reindex(out.index)
    )
    out["override_note"] = notes.astype(object).where(notes.notna(), None)
    stat = out["forecast_qty_statistical"]
    changed = out["override_note"].notna()
    out["override_flagged"] = changed & ((out["forecast_qty"] - stat).abs() > FLAG_THRESHOLD * stat)
    out = out.reset_index()
    out["period_start"] = out["period_start"].dt.date
    return out[columns]


def reconcile_children(
    master: pd.DataFrame,
    children: Mapping[str, pd.DataFrame],
    item_maps: Mapping[str, pd.DataFrame | None],
) -> dict[str, pd.DataFrame]:
    """Each child's statistical forecast after MinTrace (OLS) reconciliation with the master's.

    Per master item, location and period with k child series: gap = master - sum of the
    children (in master units); each child series gets gap / (k + 1) added (in its own units:
    divided by its multiplier), floored at 0. Children's rows with no master row are unchanged.
    """
    mapped = pd.concat(
        [in_master_terms(child, f, item_maps.get(child)) for child, f in children.items()],
        ignore_index=True,
    )
    if mapped.empty:
        return {child: f.copy() for child, f in children.items()}
    own = master.assign(period_start=pd.to_datetime(master["period_start"]))
    own = own.groupby(KEYS)["forecast_qty"].sum().rename("master_qty")
    totals = mapped.groupby(KEYS)["forecast_qty"].agg(children_qty="sum", series="size")
    gaps = totals.join(own, how="inner")
    gaps["adjustment"] = (gaps["master_qty"] - gaps["children_qty"]) / (gaps["series"] + 1)
    mapped = mapped.merge(gaps["adjustment"].reset_index(), on=KEYS, how="left")
    # back in the child's own units
    mapped["adjustment"] = mapped["adjustment"].fillna(0.0) / mapped["multiplier"]
    out = {}
    for child, forecast in children.items():
        rows = mapped[mapped["source_account_id"] == child]
        adjustment = (
            rows.assign(period_start=rows["period_start"].dt.date)
            .set_index(["source_item_code", "location", "period_start"])["adjustment"]
            .groupby(level=[0, 1, 2])
            .first()
        )
        key = pd.MultiIndex.from_arrays(
            [
                forecast["item_code"],
                forecast["location"],
                pd.to_datetime(forecast["period_start"]).dt.date,
            ]
        )
        shift = adjustment.reindex(key).fillna(0.0).to_numpy()
        reconciled = forecast.copy()
        qty = forecast["forecast_qty"].to_numpy(dtype=float)
        new_qty = np.maximum(qty + shift, 0.0)
        moved = new_qty - qty
        reconciled["forecast_qty"] = new_qty
        reconciled["forecast_lo"] = np.maximum(forecast["forecast_lo"].to_numpy(float) + moved, 0.0)
        reconciled["forecast_hi"] = np.maximum(forecast["forecast_hi"].to_numpy(float) + moved, 0.0)
        out[child] = reconciled
    return out
