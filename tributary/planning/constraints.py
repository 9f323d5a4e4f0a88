"""Purchase-order constraints of one supplier group: group minimums and containers.

Both apply only to lines bought from a supplier (the source document: constraints given on an item
supplied from a DC are neglected). Loops run over the rank of a line inside its group (fastest
first), each step vectorized over all groups, and stop as soon as no group needs more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EPS = 1e-9
GROUP_MEASURES = (
    ("group_min_qty", None),
    ("group_min_weight", "weight_per_unit"),
    ("group_min_volume", "volume_per_unit"),
    ("group_min_cost", "unit_cost"),
)


def _num(frame: pd.DataFrame, col: str | None, default: float = np.nan) -> np.ndarray:
    if col is None:
        return np.ones(len(frame))
    if col not in frame:
        return np.full(len(frame), default)
    out = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(out), default, out)


def _ranked(codes: np.ndarray, keys: list[np.ndarray]):
    """Order rows by group then by keys (last key primary after group), with group starts/sizes."""
    order = np.lexsort(keys + [codes])
    sorted_codes = codes[order]
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    sizes = np.bincount(sorted_codes, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n_groups else np.zeros(0, int)
    return order, starts, sizes


def _round_up(x: np.ndarray, rounding: np.ndarray) -> np.ndarray:
    ok = rounding > 0
    return np.where(ok, np.ceil(x / np.where(ok, rounding, 1) - EPS) * rounding, np.ceil(x - EPS))


def _round_down(x: np.ndarray, rounding: np.ndarray) -> np.ndarray:
    ok = rounding > 0
    return np.where(ok, np.floor(x / np.where(ok, rounding, 1) + EPS) * rounding, np.floor(x + EPS))


def apply_group_minimums(lines: pd.DataFrame, qty: np.ndarray) -> np.ndarray:
    """Raise quantities until every ordering group meets its minimum qty, weight, volume and cost.

    lines: group_key, daily_rate, rounding, min_lot, max_lot, weight_per_unit, volume_per_unit,
    unit_cost and group_min_* (the largest value given on a group's lines is its minimum).
    A group orders only when one of its lines has qty > 0. Lines already ordered are raised first,
    fastest selling first, in multiples of their rounding and up to their max lot; then the
    group's other lines. A line without the unit measure (e.g. no weight) cannot help.
    """
    qty = np.asarray(qty, dtype=float).copy()
    if len(lines) == 0:
        return qty
    codes = pd.factorize(lines["group_key"].astype(str))[0]
    rate = _num(lines, "daily_rate", 0.0)
    rounding = _num(lines, "rounding")
    min_lot = _num(lines, "min_lot")
    max_lot = _num(lines, "max_lot", np.inf)
    max_lot = np.where(max_lot >= 0, max_lot, np.inf)
    min_lot = np.where(min_lot > max_lot, np.nan, min_lot)
    for min_col, unit_col in GROUP_MEASURES:
        minimum = _num(lines, min_col)
        if not np.any(minimum > 0):
            continue
        unit = _num(lines, unit_col, 0.0)
        n_groups = int(codes.max()) + 1
        group_min = np.full(n_groups, -np.inf)
        np.maximum.at(group_min, codes, np.where(np.isnan(minimum), -np.inf, minimum))
        ordering = np.bincount(codes, weights=qty, minlength=n_groups) > EPS
        loaded = np.bincount(codes, weights=qty * unit, minlength=n_groups)
        short = np.where(ordering, group_min - loaded, 0.0)
        order, starts, sizes = _ranked(codes, [-rate, -(qty > EPS).astype(float)])
        for r in range(int(sizes.max())):
            active = np.flatnonzero((short > EPS) & (sizes > r))
            if len(active) == 0:
                break
            i = order[starts[active] + r]
            room = np.maximum(max_lot[i] - qty[i], 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                add = np.where(unit[i] > 0, short[active] / unit[i], 0.0)
            add = np.where(add > 0, _round_up(add, rounding[i]), 0.0)
            new = qty[i] + add
            new = np.where(
                (qty[i] <= EPS) & (add > 0) & (min_lot[i] > 0), np.maximum(new, min_lot[i]), new
            )
            new = np.minimum(new, qty[i] + np.where(room > 0, room, 0.0))
            gained = new - qty[i]
            qty[i] = new
            short[active] -= gained * unit[i]
    return qty


def container_utilization(lines: pd.DataFrame) -> np.ndarray:
    """Share of one container a unit takes: the largest of 1 / load_qty, weight / load_weight and
    volume / load_volume over the limits given; NaN where the line has no container limit."""
    parts = [
        1.0 / _num(lines, "container_load_qty"),
        _num(lines, "weight_per_unit", 0.0) / _num(lines, "container_load_weight"),
        _num(lines, "volume_per_unit", 0.0) / _num(lines, "container_load_volume"),
    ]
    stack = np.vstack(parts)
    stack = np.where(np.isfinite(stack), stack, np.nan)
    with np.errstate(all="ignore"):
        util = np.nanmax(np.where(np.isnan(stack), -np.inf, stack), axis=0)
    has_id = lines["container_id"].notna().to_numpy() if "container_id" in lines else False
    return np.where(np.isfinite(util) & (util > 0) & has_id, util, np.nan)


def apply_containers(lines: pd.DataFrame, qty: np.ndarray) -> np.ndarray:
    """Fill whole containers per (group_key, container_id), at most max_containers of them.

    Containers needed = ceil(sum of qty x utilization). Above max_containers every line of the
    container group is scaled down (to its rounding multiple) to fit; then the free room of the
    last container is filled by raising the fastest selling lines (whole rounding multiples, up to
    max lot). Lines without container data are left alone.
    """
    qty = np.asarray(qty, dtype=float).copy()
    util = container_utilization(lines)
    ok = ~np.isnan(util) & (qty > EPS)
    if not ok.any():
        return qty
    sub = lines[ok]
    idx = np.flatnonzero(ok)
    u = util[ok]
    key = sub["group_key"].astype(str) + "\x1f" + sub["container_id"].astype(str)
    codes = pd.factorize(key)[0]
    n_groups = int(codes.max()) + 1
    q = qty[ok]
    rounding = _num(sub, "rounding")
    max_lot = _num(sub, "max_lot", np.inf)
    max_lot = np.where(max_lot >= 0, max_lot, np.inf)
    max_c = np.full(n_groups, np.inf)
    np.minimum.at(max_c, codes, _num(sub, "max_containers", np.inf))
    load = np.bincount(codes, weights=q * u, minlength=n_groups)
    over = load > max_c + EPS
    if over.any():
        factor = np.where(over, max_c / np.maximum(load, EPS), 1.0)[codes]
        q = np.where(factor < 1, _round_down(q * factor, rounding), q)
        load = np.bincount(codes, weights=q * u, minlength=n_groups)
    target = np.minimum(np.ceil(load - EPS), max_c)
    slack = target - load
    rate = _num(sub, "daily_rate", 0.0)
    order, starts, sizes = _ranked(codes, [-rate])
    for r in range(int(sizes.max())):
        active = np.flatnonzero((slack > EPS) & (sizes > r))
        if len(active) == 0:
            break
        i = order[starts[active] + r]
        add = _round_down(slack[active] / u[i], rounding[i])
        add = np.clip(np.minimum(add, max_lot[i] - q[i]), 0.0, None)
        q[i] += add
        slack[active] -= add * u[i]
    qty[idx] = q
    return qty


def assign_containers(lines: pd.DataFrame, qty: np.ndarray) -> pd.DataFrame:
    """Split lines into container loads: one row per (line, container_no) with its qty.

    Containers of one (group_key, container_id) are numbered 1.. and filled line by line, fastest
    selling first; a line that does not fit the current container continues in the next. Returns
    columns line (position in `lines`), container_no (NaN for lines without containers), qty.
    """
    qty = np.asarray(qty, dtype=float)
    util = container_utilization(lines)
    has = ~np.isnan(util) & (qty > EPS)
    plain = np.flatnonzero(~has & (qty > EPS))
    out = [pd.DataFrame({"line": plain, "container_no": np.nan, "qty": qty[plain]})]
    if has.any():
        idx = np.flatnonzero(has)
        sub = lines.iloc[idx]
        key = sub["group_key"].astype(str) + "\x1f" + sub["container_id"].astype(str)
        codes = pd.factorize(key)[0]
        order, _, _ = _ranked(codes, [-_num(sub, "daily_rate", 0.0)])
        idx, codes = idx[order], codes[order]
        u, q = util[idx], qty[idx]
        load = q * u
        end = pd.Series(load).groupby(codes).cumsum().to_numpy()
        start = end - load
        first = np.floor(start + EPS).astype(int)
        last = np.maximum(np.ceil(end - EPS).astype(int) - 1, first)
        span = last - first + 1
        line = np.repeat(idx, span)
        rep = np.repeat(np.arange(len(idx)), span)
        k = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
        c = first[rep] + k
        upper = np.minimum(c + 1.0, end[rep])
        cum_units = np.where(c == last[rep], q[rep], np.floor((upper - start[rep]) / u[rep] + EPS))
        prev = np.where(k == 0, 0.0, np.roll(cum_units, 1))
        out.append(pd.DataFrame({"line": line, "container_no": c + 1.0, "qty": cum_units - prev}))
    res = pd.concat(out, ignore_index=True)
    return res[res["qty"] > EPS].reset_index(drop=True)
