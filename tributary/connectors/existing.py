"""The existing-account connection: another Tributary deployment joins as one child.

Reads the other home's *loaded data* (its lake: every child's validated pieces), not its
forecasts or plans, and hands it over as the nine pieces of one account, the way the source
article's "add existing account" brings a whole account in. The other deployment's children are
combined as its own master combines them: lines are concatenated; items are one row per
(item_code, location) with on hand summed and every other field from the first child (in the
other accounts.yaml's order) that gives it; other keyed pieces keep the first child's row.

The result is turned back into text (lists into numbered category columns, attributes into
``info_*`` columns), so it is validated by the same rules as any file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa

from tributary.config import ConfigError, Home
from tributary.connectors.folder import RawTable, UnreadableFile, table_as_text
from tributary.contract import PIECES, Piece, category_list_column
from tributary.lake import Lake

ORDER = "_child_order"


def _other_home(path: Path) -> tuple[Home, list[str]]:
    other = Home(path)
    if not other.accounts_file.exists():
        raise UnreadableFile(str(path), "not a Tributary home (no accounts.yaml)")
    try:
        config = other.load()
    except ConfigError as exc:
        raise UnreadableFile(str(path), f"its accounts.yaml is not valid: {exc}") from exc
    lake = Lake(other.lake)
    children = [a.id for a in config.accounts if lake.has_data(a.id)]
    if not children:
        raise UnreadableFile(str(path), "has no loaded account yet: run it first")
    return other, children


def _combine(piece: Piece, frames: list[pd.DataFrame]) -> pd.DataFrame:
    frame = pd.concat(frames, ignore_index=True)
    if not piece.key or frame.empty:
        return frame
    key = list(piece.key)
    if piece.name == "items":
        # Like the master: on hand summed, every other field first-given in child order.
        frame = frame.sort_values(ORDER, kind="stable")
        grouped = frame.groupby(key, sort=False, dropna=False)
        first = grouped.first()  # first non-null value per column
        first["on_hand"] = grouped["on_hand"].sum(min_count=1)
        return first.reset_index()
    return frame.drop_duplicates(subset=key, keep="first")


def _as_text(piece: Piece, frame: pd.DataFrame, name: str) -> RawTable:
    """The combined rows as text columns, in the shape a file of this piece would have."""
    columns: dict[str, pd.Series] = {}
    for column in piece.columns:
        values = frame[column.name] if column.name in frame else pd.Series([None] * len(frame))
        columns[column.name] = values
    for group in piece.category_groups:
        lists = frame.get(category_list_column(group))
        if lists is None:
            continue
        depth = max((len(v) for v in lists if v is not None), default=0)
        for level in range(depth):
            columns[f"{group}_{level + 1}"] = pd.Series(
                [v[level] if v is not None and len(v) > level else None for v in lists]
            )
    if piece.keeps_info and "attributes" in frame:
        parsed = [json.loads(a) if isinstance(a, str) and a else {} for a in frame["attributes"]]
        for key in sorted({k for attrs in parsed for k in attrs}):
            columns[f"info_{key}"] = pd.Series([attrs.get(key) for attrs in parsed])
    table = pa.table({k: pa.array(list(v), from_pandas=True) for k, v in columns.items()})
    return table_as_text(table, name)


def read_existing_home(path: Path) -> dict[str, RawTable]:
    """Every piece of the other deployment, combined over its children, as text."""
    other, children = _other_home(path)
    lake = Lake(other.lake)
    tables: dict[str, RawTable] = {}
    for piece in PIECES.values():
        frames = []
        for order, child in enumerate(children):
            frame = lake.read(piece.name, child)
            frames.append(frame.assign(**{ORDER: order}))
        combined = _combine(piece, frames)
        if piece.name != "transactions" and combined.empty:
            continue  # an absent piece means no rows, as with files
        tables[piece.name] = _as_text(piece, combined, f"{path.name}:{piece.name}")
    return tables
