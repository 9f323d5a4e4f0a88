"""Hand-computed cases for the inventory KPIs (tributary.kpis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tributary.kpis import KPI_COLUMNS, KpiInputs, abc_classes, item_kpis, kpis_in_chunks

AS_OF = dt.date(2026, 1, 4)  # window 2025-01-05 .. 2026-01-04; forecast from 2026-01-05
NAN = np.nan


def items_frame(*rows: dict) -> pd.DataFrame:
    base = {
        "account_id": "a",
        "item_code": "X",
        "location": "",
        "sales_price": NAN,
        "purchase_price": NAN,
        "inventory_value_per_unit": NAN,
        "supplier_currency": None,
        "on_hand": 0.0,
        "lead_time_days": 14.0,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def sales_frame(*rows: tuple) -> pd.DataFrame:
    """Rows of (item_code, date, qty_sold, revenue, sales_price, profit)."""
    cols = ["item_code", "date", "qty_sold", "revenue", "sales_price", "profit"]
    frame = pd.DataFrame(list(rows), columns=cols)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.assign(account_id="a", location="")


def demand_frame(*rows: tuple) -> pd.DataFrame:
    """Rows of (item_code, period_start, qty, stockout_days, is_outlier)."""
    cols = ["item_code", "period_start", "qty", "stockout_days", "is_outlier"]
    frame = pd.DataFrame(list(rows), columns=cols)
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    return frame.assign(account_id="a", location="")


def weekly_forecast(code: str, qty: float, weeks: int = 53, start="2026-01-05") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": "a",
            "item_code": code,
            "location": "",
            "period_start": pd.date_range(start, periods=weeks, freq="7D"),
            "forecast_qty": qty,
        }
    )


def plan_frame(*rows: tuple) -> pd.DataFrame:
    """Rows of (item_code, order_up_to, demand_over_lead_time)."""
    frame = pd.DataFrame(list(rows), columns=["item_code", "order_up_to", "demand_over_lead_time"])
    return frame.assign(
        account_id="a", location="", projected_stockout_date=None, lead_time_days=14.0
    )


EMPTY_SALES = sales_frame()
EMPTY_DEMAND = demand_frame()
EMPTY_FORECAST = weekly_forecast("X", 0.0, weeks=0)
EMPTY_PLAN = plan_frame()


@pytest.fixture(scope="module")
def inputs() -> KpiInputs:
    items = items_frame(
        # P: priced, costed, with on-hand history.
        {
            "item_code": "P",
            "sales_price": 10.0,
            "purchase_price": 4.0,
            "inventory_value_per_unit": 5.0,
            "on_hand": 100.0,
        },
        # N: no prices, no costs, no on-hand history.
        {"item_code": "N", "on_hand": 10.0},
        # S: no sales at all.
        {"item_code": "S", "sales_price": 20.0, "inventory_value_per_unit": 2.0, "on_hand": 0.0},
        # F: only a purchase price in a supplier currency.
        {
            "item_code": "F",
            "sales_price": 10.0,
            "purchase_price": 3.0,
            "supplier_currency": "EUR",
            "on_hand": 10.0,
        },
    )
    sales = sales_frame(
        ("P", "2024-12-01", 1000.0, 10000.0, 10.0, 5000.0),  # before the window
        ("P", "2025-01-04", 1000.0, 10000.0, 10.0, 5000.0),  # one day before the window
        ("P", "2025-06-01", 10.0, 100.0, 10.0, NAN),
        ("P", "2025-07-01", 20.0, NAN, 9.0, NAN),
        ("P", "2025-08-01", 30.0, 300.0, 10.0, 120.0),
        ("P", "2026-01-05", 500.0, 5000.0, 10.0, NAN),  # after as_of
        ("N", "2025-09-01", 5.0, NAN, NAN, NAN),
        ("F", "2025-09-01", 2.0, 20.0, 10.0, NAN),
    )
    demand = demand_frame(
        ("P", "2024-12-30", 1000.0, 7.0, False),  # before the window
        ("P", "2025-12-08", 14.0, 0.0, False),
        ("P", "2025-12-15", 28.0, 0.0, True),
        ("P", "2025-12-22", 4.0, 5.0, False),
        ("P", "2025-12-29", 14.0, 0.0, False),
        ("N", "2025-12-22", 5.0, NAN, False),
        ("N", "2025-12-29", 5.0, NAN, False),
    )
    forecast = pd.concat([weekly_forecast("P", 7.0), weekly_forecast("S", 14.0)])
    plan = plan_frame(("P", 80.0, 120.0), ("N", 4.0, 20.0), ("S", 10.0, 6.0))
    return KpiInputs(items, sales, demand, forecast, plan)


@pytest.fixture(scope="module")
def kpis(inputs: KpiInputs) -> pd.DataFrame:
    i = inputs
    out = item_kpis(i.items, i.sales, i.demand, i.forecast, i.plan, AS_OF, "week")
    return out.set_index("item_code")


def test_kpis_computed_one_item_at_a_time_equal_kpis_computed_at_once(inputs, kpis):
    """How a large scope is computed (chunk by chunk, ABC ranked over all chunks at the end)."""

    def only(frame: pd.DataFrame, code: str) -> pd.DataFrame:
        return frame[frame["item_code"] == code]

    chunks = (
        KpiInputs(*(only(frame, code) for frame in astuple_frames(inputs)))
        for code in ["S", "P", "F", "N"]
    )
    chunked = kpis_in_chunks(chunks, AS_OF, "week").set_index("item_code")
    assert sorted(chunked["abc_class"]) == sorted(kpis["abc_class"])
    pd.testing.assert_frame_equal(chunked.loc[kpis.index], kpis)


def astuple_frames(inputs: KpiInputs) -> tuple[pd.DataFrame, ...]:
    return (inputs.items, inputs.sales, inputs.demand, inputs.forecast, inputs.plan)


def test_output_has_the_contract_columns_one_row_per_item(kpis):
    assert ["item_code", *kpis.columns] == [KPI_COLUMNS[1], KPI_COLUMNS[0], *KPI_COLUMNS[2:]]
    assert sorted(kpis.index) == ["F", "N", "P", "S"]


def test_annual_revenue_uses_revenue_else_qty_times_line_price(kpis):
    assert kpis.loc["P", "annual_revenue"] == pytest.approx(100 + 20 * 9 + 300)


def test_gross_margin_uses_profit_else_revenue_minus_cost(kpis):
    assert kpis.loc["P", "gross_margin"] == pytest.approx((100 - 10 * 5) + (180 - 20 * 5) + 120)


def test_revenue_next_year_uses_item_price_over_365_forecast_days(kpis):
    # 1 unit a day for 365 days x item price 10 (not the last transaction price 9 or 10).
    assert kpis.loc["P", "revenue_next_year"] == pytest.approx(3650)
    assert kpis.loc["S", "revenue_next_year"] == pytest.approx(365 * 2 * 20)


def test_inventory_turnover_and_turn_earn_index(kpis):
    assert kpis.loc["P", "inventory_value"] == pytest.approx(500)
    assert kpis.loc["P", "turnover"] == pytest.approx(60 * 5 / 500)
    assert kpis.loc["P", "turn_earn_index"] == pytest.approx(250 / 580 * 0.6)


def test_days_of_supply_over_next_90_days(kpis):
    assert kpis.loc["P", "days_of_supply"] == pytest.approx(100)
    assert kpis.loc["S", "days_of_supply"] == 0


def test_overstock_and_expected_stockout_value(kpis):
    assert kpis.loc["P", "overstock_qty"] == 20
    assert kpis.loc["P", "overstock_value"] == 100
    assert kpis.loc["P", "expected_stockout_value"] == pytest.approx((120 - 100) * 10)
    assert kpis.loc["S", "overstock_qty"] == 0
    assert kpis.loc["S", "expected_stockout_value"] == pytest.approx(6 * 20)


def test_stockouts_lost_sales_and_fill_rate(kpis):
    assert kpis.loc["P", "stockout_days_12m"] == 5
    # in-stock, non-outlier periods: 28 units over 14 days = 2 a day.
    assert kpis.loc["P", "lost_sales_qty_12m"] == pytest.approx(10)
    assert kpis.loc["P", "fill_rate_12m"] == pytest.approx(60 / 70)


def test_xyz_by_coefficient_of_variation(kpis):
    # P: demand 14, 28, 4, 14 -> mean 15, population std sqrt(73) -> cv 0.57.
    assert kpis.loc["P", "xyz_class"] == "Y"
    assert kpis.loc["N", "xyz_class"] == "X"
    assert kpis.loc["S", "xyz_class"] == "Z"


def test_item_without_prices_or_costs_or_on_hand_history(kpis):
    n = kpis.loc["N"]
    classes_and_keys = {"account_id", "item_code", "location", "abc_class", "xyz_class"}
    for col in [c for c in KPI_COLUMNS if c not in classes_and_keys | {"overstock_qty"}]:
        assert np.isnan(n[col]), col
    assert n["overstock_qty"] == 6
    assert n["abc_class"] == "C"


def test_item_without_sales(kpis):
    s = kpis.loc["S"]
    assert s["annual_revenue"] == 0 and s["gross_margin"] == 0 and s["inventory_value"] == 0
    assert np.isnan(s["turnover"]) and np.isnan(s["turn_earn_index"])
    assert np.isnan(s["stockout_days_12m"]) and np.isnan(s["fill_rate_12m"])
    assert s["abc_class"] == "C"


def test_foreign_purchase_price_gives_no_gross_margin_but_an_inventory_value(kpis):
    f = kpis.loc["F"]
    assert np.isnan(f["gross_margin"]) and np.isnan(f["turn_earn_index"])
    assert f["inventory_value"] == 30
    assert f["turnover"] == pytest.approx(2 * 3 / 30)


def test_revenue_next_year_falls_back_to_last_transaction_price():
    items = items_frame({"item_code": "X"})
    sales = sales_frame(
        ("X", "2025-03-01", 1.0, 7.0, 7.0, NAN),
        ("X", "2025-05-01", 1.0, 8.0, 8.0, NAN),
        ("X", "2025-04-01", 1.0, NAN, NAN, NAN),
    )
    out = item_kpis(
        items, sales, EMPTY_DEMAND, weekly_forecast("X", 7.0), EMPTY_PLAN, AS_OF, "week"
    )
    assert out.loc[0, "revenue_next_year"] == pytest.approx(365 * 8)
    assert out.loc[0, "annual_revenue"] == pytest.approx(15)  # the unpriced line is skipped


def test_lost_sales_without_fully_in_stock_periods_use_demand_per_in_stock_day():
    items = items_frame({"item_code": "X", "on_hand": 1.0})
    demand = demand_frame(
        ("X", "2025-12-22", 6.0, 1.0, False), ("X", "2025-12-29", 10.0, 2.0, False)
    )
    out = item_kpis(items, EMPTY_SALES, demand, EMPTY_FORECAST, EMPTY_PLAN, AS_OF, "week")
    assert out.loc[0, "stockout_days_12m"] == 3
    assert out.loc[0, "lost_sales_qty_12m"] == pytest.approx(3 * 16 / 11)
    assert out.loc[0, "fill_rate_12m"] == 0


def test_monthly_periods_use_calendar_month_lengths():
    items = items_frame({"item_code": "X", "on_hand": 121.0})
    forecast = pd.DataFrame(
        {
            "account_id": "a",
            "item_code": "X",
            "location": "",
            "period_start": pd.to_datetime(
                ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
            ),
            "forecast_qty": [62.0, 28.0, 31.0, 30.0],
        }
    )
    out = item_kpis(
        items, EMPTY_SALES, EMPTY_DEMAND, forecast, EMPTY_PLAN, dt.date(2025, 12, 31), "month"
    )
    # Jan + Feb + Mar = 90 days, 121 units.
    assert out.loc[0, "days_of_supply"] == pytest.approx(90)


def abc_case(thresholds=(0.8, 0.95)) -> pd.Series:
    revenues = {"a": 50.0, "b": 30.0, "c": 10.0, "d": 6.0, "e": 4.0, "f": 0.0, "g": NAN}
    items = items_frame(*({"item_code": c, "sales_price": 1.0} for c in [*revenues, "h"]))
    sales = sales_frame(*((c, "2025-06-01", r, r, 1.0, NAN) for c, r in revenues.items()))
    out = item_kpis(
        items,
        sales,
        EMPTY_DEMAND,
        EMPTY_FORECAST,
        EMPTY_PLAN,
        AS_OF,
        "week",
        abc_thresholds=thresholds,
    )
    return out.set_index("item_code")["abc_class"]


def test_abc_by_cumulative_revenue_share_covers_every_item_once():
    classes = abc_case()
    # revenue share ranked above each: 0, 0.5, 0.8, 0.9, 0.96; no revenue / no sales is C.
    assert classes.to_dict() == {
        "a": "A",
        "b": "A",
        "c": "B",
        "d": "B",
        "e": "C",
        "f": "C",
        "g": "C",
        "h": "C",
    }
    assert classes.index.is_unique and classes.isin(["A", "B", "C"]).all()


def test_abc_thresholds_are_configurable():
    classes = abc_case((0.5, 0.9))
    assert classes[["a", "b", "c", "d", "e"]].tolist() == ["A", "B", "B", "C", "C"]


def test_abc_is_per_account_and_ties_are_deterministic():
    acc = pd.Series(["m", "m", "m", "k", "k"])
    rev = pd.Series([10.0, 10.0, 80.0, 1.0, 0.0])
    order = pd.DataFrame({"item_code": ["y", "x", "v", "z", "w"]})
    # m: v (above it 0 %) A, x (80 %) B, y (90 %) C - the tie x/y goes by item code;
    # k: its only selling item is A.
    assert abc_classes(acc, rev, order, (0.8, 0.85)).tolist() == ["C", "B", "A", "A", "C"]
    with pytest.raises(ValueError):
        abc_classes(acc, rev, order, (0.9, 0.8))


def test_null_location_matches_across_inputs_and_is_kept_in_the_output():
    items = items_frame({"item_code": "X", "location": None, "sales_price": 2.0, "on_hand": 5.0})
    sales = sales_frame(("X", "2025-06-01", 3.0, NAN, NAN, NAN)).assign(location=None)
    out = item_kpis(items, sales, EMPTY_DEMAND, EMPTY_FORECAST, EMPTY_PLAN, AS_OF, "week")
    assert out.loc[0, "location"] is None
    assert out.loc[0, "annual_revenue"] == pytest.approx(6)  # falls back to the item price


def test_turnover_uses_average_on_hand_from_history_when_given():
    """COGS 100 x 2 = 200; on hand over the window averages 25 -> value 50 -> turnover 4."""
    as_of = dt.date(2025, 6, 30)
    items = pd.DataFrame(
        {
            "account_id": ["a"],
            "item_code": ["X"],
            "location": [""],
            "on_hand": [10.0],
            "inventory_value_per_unit": [2.0],
            "sales_price": [5.0],
        }
    )
    sales = pd.DataFrame(
        {
            "account_id": ["a"],
            "date": [pd.Timestamp("2025-06-01")],
            "item_code": ["X"],
            "location": [""],
            "qty_sold": [100.0],
        }
    )
    history = pd.DataFrame(
        {
            "account_id": ["a"] * 3,
            "item_code": ["X"] * 3,
            "location": [""] * 3,
            "date": pd.to_datetime(["2024-01-01", "2025-06-01", "2025-06-30"]),
            "on_hand": [999.0, 40.0, 10.0],  # the 2024 day is outside the 12 months
        }
    )
    empty = pd.DataFrame(columns=["account_id", "item_code", "location", "period_start"])
    with_history = item_kpis(
        items, sales, empty, empty, empty, as_of, "week", on_hand_history=history
    )
    assert with_history.loc[0, "turnover"] == pytest.approx(200 / 50)
    without = item_kpis(items, sales, empty, empty, empty, as_of, "week")
    assert without.loc[0, "turnover"] == pytest.approx(200 / 20)  # today's value stands in
