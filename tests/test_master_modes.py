"""The master forecast modes (tributary.forecasting.master_modes) on hand-checked cases."""

from __future__ import annotations

import pandas as pd
import pytest

from tributary.forecasting.master_modes import in_master_terms, reconcile_children, sum_of_children
from tributary.forecasting.overrides import statistical_columns

WEEK = pd.Timestamp("2027-01-04")


def forecast(rows: list[tuple[str, float]], sigma: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_code": [code for code, _ in rows],
            "location": "",
            "period_start": WEEK,
            "forecast_qty": [qty for _, qty in rows],
            "forecast_lo": [max(qty - 2, 0) for _, qty in rows],
            "forecast_hi": [qty + 2 for _, qty in rows],
            "forecast_sigma": sigma,
            "model": "ets",
        }
    )


CASES = pd.DataFrame({"item_code": ["CASE-A"], "master_item_code": ["A"], "multiplier": [6.0]})


def test_a_childs_rows_in_master_terms_take_the_master_code_and_units():
    rows = in_master_terms("trade", forecast([("CASE-A", 2.0), ("B", 1.0)], sigma=0.5), CASES)
    assert rows["item_code"].tolist() == ["A", "B"]
    assert rows["source_item_code"].tolist() == ["CASE-A", "B"]
    assert rows["forecast_qty"].tolist() == [12.0, 1.0]  # 2 cases = 12 of A
    assert rows["forecast_sigma"].tolist() == [3.0, 0.5]


def test_sum_of_children_adds_quantities_and_sigma_in_quadrature_and_names_the_notes():
    web = statistical_columns(forecast([("A", 10.0)], sigma=3.0))
    web.loc[0, "override_note"] = "promo"
    trade = statistical_columns(forecast([("CASE-A", 2.0)], sigma=4.0 / 6))  # sigma 4 in units of A
    rows = pd.concat(
        [in_master_terms("web", web, None), in_master_terms("trade", trade, CASES)],
        ignore_index=True,
    )
    master = sum_of_children(rows, "sum_of_children")
    assert len(master) == 1
    row = master.iloc[0]
    assert row.forecast_qty == 22.0  # 10 + 2 x 6
    assert row.forecast_sigma == pytest.approx(5.0)  # sqrt(3^2 + 4^2)
    assert (row.forecast_lo, row.forecast_hi) == (8.0 + 0.0 * 6, 12.0 + 4.0 * 6)
    assert row.override_note == "via web: promo"
    assert row.model == "sum_of_children"


def test_min_trace_ols_spreads_the_gap_equally_over_master_and_children():
    # master says 30, children 10 + 14 = 24: gap 6 over 2 children + the master = 2 each
    master = forecast([("A", 30.0)])
    children = {"north": forecast([("A", 10.0)]), "south": forecast([("A", 14.0)])}
    out = reconcile_children(master, children, {})
    assert out["north"]["forecast_qty"].tolist() == [12.0]
    assert out["south"]["forecast_qty"].tolist() == [16.0]
    # coherent: the master is their sum, 28, between its own 30 and the children's 24
    assert out["north"]["forecast_qty"][0] + out["south"]["forecast_qty"][0] == 28.0
    # the interval moves with the point forecast
    assert (out["north"]["forecast_lo"][0], out["north"]["forecast_hi"][0]) == (10.0, 14.0)


def test_min_trace_moves_a_pack_child_in_its_own_units_and_never_below_zero():
    master = forecast([("A", 0.0), ("B", 9.0)])
    children = {
        "trade": forecast([("CASE-A", 1.0)]),  # 6 of A
        "web": forecast([("A", 6.0), ("B", 3.0)]),
    }
    out = reconcile_children(master, children, {"trade": CASES})
    # A: gap 0 - 12 = -12 over 3: each child series -4 of A; CASE-A 1 - 4/6 cases
    assert out["trade"]["forecast_qty"].tolist() == pytest.approx([1.0 - 4.0 / 6])
    assert out["web"]["forecast_qty"].tolist() == pytest.approx([2.0, 6.0])  # B: +3 of gap 6/2
    # a child forecast pushed below zero stops at zero
    deep = reconcile_children(forecast([("A", 0.0)]), {"web": forecast([("A", 1.0)])}, {})
    assert deep["web"]["forecast_qty"].tolist() == [0.5]
    deeper = reconcile_children(
        forecast([("A", 0.0)]),
        {"web": forecast([("A", 1.0)]), "shop": forecast([("A", 8.0)])},
        {},
    )
    assert deeper["web"]["forecast_qty"].tolist() == [0.0]  # 1 - 3 floored
    assert deeper["shop"]["forecast_qty"].tolist() == [5.0]


def test_a_child_item_the_master_does_not_forecast_is_left_alone():
    out = reconcile_children(forecast([("A", 5.0)]), {"web": forecast([("Z", 4.0)])}, {})
    assert out["web"]["forecast_qty"].tolist() == [4.0]
