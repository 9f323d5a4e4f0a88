"""Formatting the demo's values as the source systems write them."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tributary.demo.catalogue import HISTORY_START


def _num(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = round(float(x), digits)
    if x == int(x):
        return str(int(x))
    return f"{x:.{digits}f}".rstrip("0").rstrip(".")


def _money(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.2f}"


def _day(t: int) -> date:
    return HISTORY_START + timedelta(days=int(t))


def _fmt(d: date | None, fmt: str) -> str:
    return "" if d is None else d.strftime(fmt)


def _write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    frame = pd.DataFrame(rows, columns=columns).fillna("")
    frame.to_csv(path, index=False, lineterminator="\n")
