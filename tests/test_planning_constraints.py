"""Hand-computed cases for supplier group minimums and containers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tributary.planning.constraints import (
    apply_containers,
    apply_group_minimums,
    assign_containers,
)


def lines(n=2, **cols) -> pd.DataFrame:
    base = {"group_key": ["S"] * n, "daily_rate": [10.0, 5.0, 1.0][:n]}
    base.update(cols)
    return pd.DataFrame(base)


def test_group_min_qty_raises_the_fastest_selling_line():
    q = apply_group_minimums(lines(group_min_qty=[100, 100]), np.array([20.0, 10.0]))
    assert list(q) == [90, 10]


def test_group_min_qty_moves_on_when_the_fastest_line_hits_max_lot():
    q = apply_group_minimums(
        lines(group_min_qty=[100, 100], max_lot=[50, np.nan]), np.array([20.0, 10.0])
    )
    assert list(q) == [50, 50]


def test_group_min_raises_in_rounding_multiples():
    q = apply_group_minimums(
        lines(group_min_qty=[100, None], rounding=[12, 1]), np.array([24.0, 10.0])
    )
    assert list(q) == [96, 10]  # 24 + 72 (66 rounded up to 6 x 12)


def test_group_min_weight_volume_and_cost():
    weight = lines(group_min_weight=[100, 100], weight_per_unit=[2.0, 2.0])
    assert list(apply_group_minimums(weight, np.array([20.0, 10.0]))) == [40, 10]
    vol = lines(group_min_volume=[10, 10], volume_per_unit=[0.5, 0.1])
    assert list(apply_group_minimums(vol, np.array([4.0, 10.0]))) == [18, 10]
    cost = lines(group_min_cost=[1000, 1000], unit_cost=[10.0, 3.0])
    assert list(apply_group_minimums(cost, np.array([20.0, 100.0]))) == [70, 100]


def test_group_that_orders_nothing_is_not_raised():
    q = apply_group_minimums(lines(group_min_qty=[100, 100]), np.array([0.0, 0.0]))
    assert list(q) == [0, 0]


def test_groups_are_independent():
    ln = lines(group_key=["S", "T"], group_min_qty=[100, 50])
    assert list(apply_group_minimums(ln, np.array([20.0, 60.0]))) == [100, 60]


def containers(**cols) -> pd.DataFrame:
    base = {
        "container_id": ["C20", "C20"],
        "container_load_qty": [100.0, 100.0],
        "max_containers": [2.0, 2.0],
    }
    base.update(cols)
    return lines(**base)


def test_containers_are_filled_whole_with_the_fastest_line():
    q = apply_containers(containers(), np.array([130.0, 20.0]))
    assert list(q) == [180, 20]


def test_container_weight_limit_binds_when_tighter_than_qty():
    ln = containers(weight_per_unit=[2.0, 2.0], container_load_weight=[100.0, 100.0])
    q = apply_containers(ln, np.array([30.0, 10.0]))  # 80 kg of 100 kg: +10 units fills it
    assert list(q) == [40, 10]


def test_max_containers_caps_the_load():
    q = apply_containers(containers(), np.array([250.0, 50.0]))
    assert q.sum() == 200
    assert list(q) == [167, 33]


def test_container_numbers_split_a_line_over_containers():
    ln = containers()
    pieces = assign_containers(ln, np.array([180.0, 20.0]))
    assert pieces.to_dict("list") == {
        "line": [0, 0, 1],
        "container_no": [1.0, 2.0, 2.0],
        "qty": [100.0, 80.0, 20.0],
    }


def test_lines_without_container_have_no_container_number():
    ln = containers(container_id=[None, None])
    pieces = assign_containers(ln, np.array([180.0, 20.0]))
    assert pieces["container_no"].isna().all()
    assert list(pieces["qty"]) == [180, 20]
