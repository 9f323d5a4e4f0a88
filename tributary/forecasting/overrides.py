"""Planner overrides of the statistical forecast: ``overrides.csv`` in the home.

Pure pandas; no orchestration import. Rules the integration relies on:

- One row per override: ``account_id, item_code, location, period_start, period_end``, exactly
  one of ``qty`` (the new forecast per period, >= 0) or ``pct_change`` (percent change of the
  statistical forecast, >= -100), ``note``, ``author``. A row's id is its 1-based data row number.
- A forecast period is overridden when its first day falls in ``[period_start, period_end]``.
- An empty ``location`` means every location of the item in that account (each location's row
  gets the override as written: a ``qty`` is per location).
- Rows are applied in file order; a later row that covers the same forecast row replaces an
  earlier one (a percent change is always taken from the statistical forecast).
- The interval keeps its half-width around the new quantity (lower bound clipped at 0); the
  error's standard deviation is the statistical model's and is kept.
- Master mode ``combined``: each child override's change (new minus statistical quantity) is
  added to the master's forecast of the same item, location and period, unless a master
  override covers that row (the master's own override wins).
- ``override_flagged`` marks rows whose new quantity differs from the statistical one by more
  than 30 % of it (any change of a zero forecast is flagged).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tributary.scopes import MASTER_ID

OVERRIDES_FILE = "overrides.csv"
COLUMNS = [
    "account_id",
    "item_code",
    "location",
    "period_start",
    "period_end",
    "qty",
    "pct_change",
    "note",
    "author",
]
REQUIRED = ["account_id", "item_code", "period_start", "period_end"]
FLAG_THRESHOLD = 0.30
FORECAST_KEYS = ["item_code", "location", "period_start"]
STATUS_COLUMNS = [
    "override_id",
    "account_id",
    "item_code",
    "location",
    "period_start",
    "period_end",
    "status",
    "rows_matched",
]


class OverrideError(ValueError):
    """An overrides file row that cannot be applied, named by file, row and column."""


@dataclass(frozen=True)
class Override:
    override_id: int
    account_id: str
    item_code: str
    location: str  # '' = every location of the item
    period_start: dt.date
    period_end: dt.date
    qty: float | None
    pct_change: float | None
    note: str
    author: str

    def to_row(self) -> dict[str, str]:
        def number(value: float | None) -> str:
            return "" if value is None else f"{value:g}"

        return {
            "account_id": self.account_id,
            "item_code": self.item_code,
            "location": self.location,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "qty": number(self.qty),
            "pct_change": number(self.pct_change),
            "note": self.note,
            "author": self.author,
        }


def _number(raw: str, where: str, column: str) -> float | None:
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise OverrideError(f"{where}, column {column}: '{raw}' is not a number") from exc
    if not np.isfinite(value):
        raise OverrideError(f"{where}, column {column}: '{raw}' is not a finite number")
    return value


def _date(raw: str, where: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise OverrideError(
            f"{where}, column {column}: '{raw}' is not an ISO date (YYYY-MM-DD)"
        ) from exc


def parse_row(
    row: dict[str, str], override_id: int, accounts: set[str] | None, source: str
) -> Override:
    """One validated override; ``accounts`` (None: not checked) are the known account ids."""
    where = f"{source}: row {override_id}"
    values = {column: (row.get(column) or "").strip() for column in COLUMNS}
    for column in REQUIRED:
        if not values[column]:
            raise OverrideError(f"{where}, column {column}: a value is required")
    if accounts is not None and values["account_id"] not in accounts:
        known = ", ".join(sorted(accounts))
        raise OverrideError(
            f"{where}, column account_id: unknown account '{values['account_id']}' "
            f"(accounts: {known})"
        )
    start = _date(values["period_start"], where, "period_start")
    end = _date(values["period_end"], where, "period_end")
    if end < start:
        raise OverrideError(f"{where}, column period_end: {end} is before period_start {start}")
    qty = _number(values["qty"], where, "qty")
    pct = _number(values["pct_change"], where, "pct_change")
    if (qty is None) == (pct is None):
        which = "both" if qty is not None else "neither"
        raise OverrideError(f"{where}, columns qty/pct_change: give exactly one ({which} given)")
    if qty is not None and qty < 0:
        raise OverrideError(f"{where}, column qty: {qty:g} is negative")
    if pct is not None and pct < -100:
        raise OverrideError(f"{where}, column pct_change: {pct:g} is below -100")
    return Override(
        override_id,
        values["account_id"],
        values["item_code"],
        values["location"],
        start,
        end,
        qty,
        pct,
        values["note"],
        values["author"],
    )


def read_overrides(path: Path, accounts: set[str] | None = None) -> list[Override]:
    """Every override of the file, validated (an absent file has none)."""
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [column for column in REQUIRED if column not in header]
        if missing or not ({"qty", "pct_change"} & set(header)):
            needed = missing or ["qty or pct_change"]
            raise OverrideError(f"{path}: header lacks {', '.join(needed)}")
        reader.fieldnames = header
        return [parse_row(row, number, accounts, str(path)) for number, row in enumerate(reader, 1)]


def write_overrides(path: Path, overrides: list[Override]) -> None:
    """Replace the file with these overrides (written to a temporary name, then swapped in)."""
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(override.to_row() for override in overrides)
    os.replace(tmp, path)


def add_override(path: Path, row: dict[str, str], accounts: set[str]) -> Override:
    """Validate ``row`` against the file's rows and append it; return it with its id."""
    overrides = read_overrides(path, accounts)
    added = parse_row(row, len(overrides) + 1, accounts, str(path))
    write_overrides(path, [*overrides, added])
    return added


def remove_overrides(
    path: Path,
    override_id: int | None = None,
    account_id: str | None = None,
    item_code: str | None = None,
    period: dt.date | None = None,
) -> list[Override]:
    """Remove the row with this id, or the rows matching account, item and (covered) period."""
    overrides = read_overrides(path)

    def chosen(o: Override) -> bool:
        if override_id is not None:
            return o.override_id == override_id
        return (
            (account_id is None or o.account_id == account_id)
            and (item_code is None or o.item_code == item_code)
            and (period is None or o.period_start <= period <= o.period_end)
        )

    if override_id is None and account_id is None and item_code is None:
        raise OverrideError("remove: give an id, or an account, item and/or period")
    removed = [o for o in overrides if chosen(o)]
    if removed:
        write_overrides(path, [o for o in overrides if not chosen(o)])
    return removed


def _covered(forecast: pd.DataFrame, o: Override) -> np.ndarray:
    starts = pd.to_datetime(forecast["period_start"]).dt.date
    mask = (forecast["item_code"] == o.item_code).to_numpy()
    if o.location:
        mask &= (forecast["location"] == o.location).to_numpy()
    return mask & ((starts >= o.period_start) & (starts <= o.period_end)).to_numpy()


def _status(forecast: pd.DataFrame, o: Override, matched: int) -> str:
    """Why an override matched no row: the item, the location or the periods are gone."""
    if matched:
        return "applied"
    item = forecast["item_code"] == o.item_code
    if not item.any():
        return "unknown item"
    if o.location and not (item & (forecast["location"] == o.location)).any():
        return "unknown location"
    return "no forecast period in range"


@dataclass
class OverrideResult:
    forecast: pd.DataFrame  # with forecast_qty_statistical, override_note, override_flagged
    status: pd.DataFrame  # STATUS_COLUMNS, one row per override of the scope

    @property
    def unmatched(self) -> pd.DataFrame:
        return self.status[self.status["status"] != "applied"]


def statistical_columns(forecast: pd.DataFrame) -> pd.DataFrame:
    """The forecast with no override: statistical = forecast, no note, not flagged."""
    out = forecast.copy()
    out["forecast_qty_statistical"] = out["forecast_qty"].astype(float)
    out["override_note"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    out["override_flagged"] = False
    return out


def _set_qty(out: pd.DataFrame, mask: np.ndarray, new: np.ndarray) -> None:
    """New quantities on the masked rows; the interval keeps its half-width around them."""
    stat = out.loc[mask, "forecast_qty_statistical"].to_numpy()
    half = (out.loc[mask, "forecast_hi"].to_numpy() - stat).clip(min=0)
    out.loc[mask, "forecast_qty"] = new
    out.loc[mask, "forecast_lo"] = np.maximum(new - half, 0.0)
    out.loc[mask, "forecast_hi"] = new + half


def apply_overrides(
    forecast: pd.DataFrame,
    scope: str,
    overrides: list[Override],
    child_changes: pd.DataFrame | None = None,
) -> OverrideResult:
    """The scope's forecast with its overrides (and, for the master, its children's changes).

    ``child_changes`` (master only): FORECAST_KEYS, ``change`` and ``note`` per row, as
    ``child_changes_for_master`` gives them.
    """
    out = statistical_columns(forecast).reset_index(drop=True)
    mine = [o for o in overrides if o.account_id == scope]
    own = np.zeros(len(out), dtype=bool)
    status = []
    for o in mine:
        mask = _covered(out, o)
        stat = out.loc[mask, "forecast_qty_statistical"].to_numpy()
        new = np.full(len(stat), o.qty) if o.qty is not None else stat * (1 + o.pct_change / 100)
        _set_qty(out, mask, new)
        out.loc[mask, "override_note"] = o.note or f"override {o.override_id}"
        own |= mask
        matched = int(mask.sum())
        status.append(
            (o.override_id, o.account_id, o.item_code, o.location, o.period_start, o.period_end)
            + (_status(out, o, matched), matched)
        )
    if child_changes is not None and len(child_changes):
        _add_child_changes(out, child_changes, own)
    stat = out["forecast_qty_statistical"]
    changed = out["override_note"].notna()
    out["override_flagged"] = changed & ((out["forecast_qty"] - stat).abs() > FLAG_THRESHOLD * stat)
    return OverrideResult(out, pd.DataFrame(status, columns=STATUS_COLUMNS))


def _add_child_changes(out: pd.DataFrame, changes: pd.DataFrame, own: np.ndarray) -> None:
    keyed = out[FORECAST_KEYS].copy()
    keyed["period_start"] = pd.to_datetime(keyed["period_start"])
    changes = (
        changes.assign(period_start=pd.to_datetime(changes["period_start"]))
        .groupby(FORECAST_KEYS, as_index=False)
        .agg(change=("change", "sum"), note=("note", "; ".join))
    )
    joined = keyed.reset_index().merge(changes, on=FORECAST_KEYS, how="inner")
    joined = joined[~own[joined["index"].to_numpy()]]
    if joined.empty:
        return
    rows = joined["index"].to_numpy()
    mask = np.zeros(len(out), dtype=bool)
    mask[rows] = True
    new = out["forecast_qty"].to_numpy().copy()
    new[rows] = np.maximum(new[rows] + joined["change"].to_numpy(), 0.0)
    _set_qty(out, mask, new[mask])
    notes = out["override_note"].to_numpy().copy()
    notes[rows] = joined["note"].to_numpy()
    out["override_note"] = notes


def child_changes_for_master(
    child: str, overridden: pd.DataFrame, item_map: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A child's overridden rows as changes (new - statistical) to add to the master's rows.

    ``item_map`` (the child's ``item_code, master_item_code, multiplier``) puts the change in the
    master's item code and units, as the warehouse does with the child's sales.
    """
    rows = overridden[overridden["override_note"].notna()]
    codes = rows["item_code"]
    multiplier = pd.Series(1.0, index=rows.index)
    if item_map is not None and len(item_map):
        by_code = item_map.drop_duplicates("item_code").set_index("item_code")
        codes = codes.map(by_code["master_item_code"]).fillna(codes)
        multiplier = rows["item_code"].map(by_code["multiplier"].fillna(1.0)).fillna(1.0)
    return pd.DataFrame(
        {
            "item_code": codes,
            "location": rows["location"],
            "period_start": rows["period_start"],
            "change": (rows["forecast_qty"] - rows["forecast_qty_statistical"]) * multiplier,
            "note": f"via {child}: " + rows["override_note"].astype(str),
        }
    )


def master_child_changes(
    overrides: list[Override],
    statistical_forecast: Callable[[str], pd.DataFrame],
    item_map: Callable[[str], pd.DataFrame | None] | None = None,
) -> pd.DataFrame | None:
    """The children's override changes for the master (mode ``combined``); None if none.

    ``statistical_forecast(child)`` is that child's statistical forecast: the master's run makes
    it itself, so it never waits for, or reads a half-old copy of, the child's own files.
    ``item_map(child)`` is the child's item map, if any (see ``child_changes_for_master``).
    """
    children = sorted({o.account_id for o in overrides} - {MASTER_ID})
    if not children:
        return None
    return pd.concat(
        [
            child_changes_for_master(
                child,
                apply_overrides(statistical_forecast(child), child, overrides).forecast,
                item_map(child) if item_map else None,
            )
            for child in children
        ],
        ignore_index=True,
    )


def listing(overrides: list[Override], last_status: pd.DataFrame | None) -> pd.DataFrame:
    """The overrides with how each matched the forecast in the last run ('not run yet' if no
    run has seen it: status rows are matched by account, item, location and periods, so an
    id that moved after a removal still finds its status)."""
    rows = pd.DataFrame(
        [{"override_id": o.override_id, **o.to_row()} for o in overrides],
        columns=["override_id", *COLUMNS],
    )
    key = ["account_id", "item_code", "location", "period_start", "period_end"]
    if last_status is None or last_status.empty:
        return rows.assign(last_run="not run yet", rows_matched=0)
    seen = last_status.assign(
        period_start=pd.to_datetime(last_status["period_start"]).dt.strftime("%Y-%m-%d"),
        period_end=pd.to_datetime(last_status["period_end"]).dt.strftime("%Y-%m-%d"),
    ).drop_duplicates(key, keep="last")[[*key, "status", "rows_matched"]]
    out = rows.merge(seen, on=key, how="left")
    out["last_run"] = out.pop("status").fillna("not run yet")
    out["rows_matched"] = out["rows_matched"].fillna(0).astype(int)
    return out
