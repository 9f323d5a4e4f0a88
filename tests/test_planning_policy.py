"""Hand-computed cases for the order-up-to policy (tributary.planning.policy)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tributary.forecasting import ForecastSettings, forecast_demand
from tributary.planning.policy import apply_lots, plan_items

AS_OF = dt.date(2026, 1, 4)  # a Sunday: the week of 2026-01-05 is the first forecast period


def items(**overrides) -> pd.DataFrame:
    row = {
        "account_id": "a",
        "item_code": "X",
        "location": "",
        "on_hand": 0.0,
        "on_order": 0.0,
        "backorders": 0.0,
        "available": None,
        "lead_time_days": 14.0,
        "order_cycle_days": 7.0,
        "safety_stock_periods": 1.0,
        "supplier_code": "S",
    }
    row.update(overrides)
    return pd.DataFrame([row])


def weekly(qty=70.0, weeks=52, sigma=0.0, start="2026-01-05", code="X") -> pd.DataFrame:
    starts = pd.date_range(start, periods=weeks, freq="7D")
    qty = np.broadcast_to(np.asarray(qty, dtype=float), (weeks,))
    fc = pd.DataFrame(
        {
            "account_id": "a",
            "item_code": code,
            "location": "",
            "period_start": starts,
            "forecast_qty": qty,
        }
    )
    fc["forecast_sigma"] = float(sigma)
    return fc


def plan(it, fc=None, **kw) -> pd.Series:
    return plan_items(it, weekly() if fc is None else fc, AS_OF, "week", **kw).iloc[0]


def test_constant_demand_orders_up_to_level_minus_position():
    row = plan(items(on_hand=100, on_order=50, backorders=10))
    assert row.demand_over_lead_time == pytest.approx(140)
    assert row.safety_stock == pytest.approx(70)
    assert row.reorder_point == pytest.approx(210)
    assert row.order_up_to == pytest.approx(280)
    assert row.position == pytest.approx(140)
    assert row.order_qty == 140


def test_orders_every_review_while_position_is_below_order_up_to():
    row = plan(items(on_hand=250))  # above the reorder point 210, below order-up-to 280
    assert row.order_qty == 30


def test_undated_orders_to_ship_come_off_available():
    row = plan(items(on_hand=100, available=60))
    assert row.order_qty == 220


def test_service_level_safety_stock_uses_forecast_error_and_lead_time_variance():
    fc = weekly(sigma=10.0)  # per week
    row = plan(items(safety_stock_periods=None, service_level=0.95, lead_time_variance=49.0), fc)
    z = 1.6448536269514722
    assert row.safety_stock == pytest.approx(z * np.sqrt(2 * 10**2 + 70**2 * 1.0))


def test_missing_service_level_takes_the_default():
    fc = weekly(sigma=10.0)
    row = plan(items(safety_stock_periods=None), fc, default_service_level=0.9)
    assert row.safety_stock == pytest.approx(1.2815515655446004 * np.sqrt(2) * 10)


def test_a_sigma_column_wins_over_forecast_sigma():
    fc = weekly(sigma=10.0).assign(sigma=20.0)
    row = plan(items(safety_stock_periods=None), fc, default_service_level=0.9)
    assert row.safety_stock == pytest.approx(1.2815515655446004 * np.sqrt(2) * 20)


def test_bounds_without_forecast_sigma_are_refused_not_decoded():
    fc = weekly().drop(columns="forecast_sigma").assign(forecast_hi=90.0)
    with pytest.raises(ValueError, match="forecast_sigma"):
        plan(items(safety_stock_periods=None), fc)


def test_interval_level_changes_the_bounds_but_not_sigma_nor_safety_stock():
    rng = np.random.default_rng(3)
    history = pd.DataFrame(
        {
            "account_id": "a",
            "item_code": "X",
            "location": "",
            "period_start": pd.date_range("2024-01-01", periods=104, freq="7D"),
            "qty": rng.poisson(70, 104).astype(float),
            "stockout_days": np.nan,
            "is_outlier": False,
            "promo_discount": 0.0,
        }
    )
    fcs = {
        level: forecast_demand(
            history,
            None,
            None,
            AS_OF,
            ForecastSettings(period="week", horizon=26, prophet="never", interval_level=level),
        ).forecast
        for level in (0.8, 0.95)
    }
    a, b = fcs[0.8], fcs[0.95]
    assert a["forecast_sigma"].dtype == "float64" and (a["forecast_sigma"] > 0).all()
    assert (a["forecast_hi"] < b["forecast_hi"]).all()
    pd.testing.assert_series_equal(a["forecast_sigma"], b["forecast_sigma"])
    pd.testing.assert_series_equal(a["forecast_qty"], b["forecast_qty"])
    # the 80 % band is forecast -+ z(0.9) x sigma (lo clipped at 0)
    half = a["forecast_hi"] - a["forecast_qty"]
    assert np.allclose(half, 1.2815515655446004 * a["forecast_sigma"])
    it = items(safety_stock_periods=None, service_level=0.95)
    plans = [plan_items(it, f, AS_OF, "week").iloc[0] for f in (a, b)]
    assert plans[0].safety_stock > 0
    assert plans[0].safety_stock == plans[1].safety_stock
    assert plans[0].sigma == plans[1].sigma


def test_safety_stock_periods_win_over_service_level():
    row = plan(items(safety_stock_periods=2.0, service_level=0.99))
    assert row.safety_stock == pytest.approx(140)


def test_display_qty_raises_safety_stock():
    assert plan(items(display_qty=100)).safety_stock == pytest.approx(100)
    assert plan(items(display_qty=30)).safety_stock == pytest.approx(70)


def test_demand_over_window_is_pro_rata_within_periods():
    fc = pd.concat([weekly(70, weeks=1), weekly(140, weeks=10, start="2026-01-12")])
    as_of = dt.date(2026, 1, 7)  # Wednesday: Thu-Sun of week 1, then Mon-Wed of week 2
    row = plan_items(items(lead_time_days=7.0, safety_stock_periods=0.0), fc, as_of).iloc[0]
    assert row.demand_over_lead_time == pytest.approx(4 * 10 + 3 * 20)


def test_batch_rounding_rounds_up_to_a_multiple():
    assert (
        apply_lots(np.array([120.0]), np.array([50.0]), np.array([np.nan]), np.array([np.nan]))[0]
        == 150
    )


def test_min_lot_raises_the_quantity():
    assert (
        apply_lots(np.array([5.0]), np.array([np.nan]), np.array([10.0]), np.array([np.nan]))[0]
        == 10
    )


def test_min_lot_above_max_lot_uses_max_lot():
    q = apply_lots(np.array([5.0, 30.0]), np.full(2, np.nan), np.full(2, 20.0), np.full(2, 15.0))
    assert list(q) == [5, 15]


def test_no_need_orders_nothing_whatever_the_min_lot():
    assert (
        apply_lots(np.array([0.0]), np.array([50.0]), np.array([10.0]), np.array([np.nan]))[0] == 0
    )


def test_rounding_applies_in_the_plan():
    assert plan(items(rounding=50.0)).order_qty == 300


def test_shelf_life_caps_the_order_at_forecast_within_shelf_life():
    assert plan(items(shelf_life_days=7.0)).order_qty == 70
    assert plan(items(shelf_life_periods=2.0)).order_qty == 140


def test_lot_constraints_win_over_shelf_life():
    assert plan(items(shelf_life_days=7.0, rounding=50.0)).order_qty == 100
    assert plan(items(shelf_life_days=7.0, min_lot=120.0)).order_qty == 120


def test_inactive_and_terminated_items_order_nothing():
    assert plan(items(inactive=True)).order_qty == 0
    assert plan(items(termination=True)).order_qty == 0


def test_whole_units_at_the_end():
    fc = weekly(7.7)
    row = plan(items(safety_stock_periods=0.0, lead_time_days=7.0), fc)
    assert row.order_qty == 16  # 15.4 needed


def test_ordering_today_delivers_after_the_lead_time():
    row = plan(items())
    assert row.next_order_date == pd.Timestamp(AS_OF)
    assert row.expected_delivery_date == pd.Timestamp(AS_OF) + pd.Timedelta(days=14)


def test_next_order_date_is_when_position_falls_to_the_reorder_point():
    row = plan(items(on_hand=1000))
    assert row.order_qty == 0
    assert row.next_order_date == pd.Timestamp("2026-03-24")  # (1000 - 210) / 10 = 79 days
    assert row.expected_delivery_date == pd.Timestamp("2026-04-07")


def test_projected_stockout_is_the_first_day_demand_is_not_met():
    row = plan(items(on_hand=35))  # 10 a day: days 1-3 served, day 4 half
    assert row.projected_stockout_date == pd.Timestamp("2026-01-08")
    row = plan(items(on_hand=30))  # stock ends with day 3
    assert row.projected_stockout_date == pd.Timestamp("2026-01-08")


def test_projected_stockout_counts_open_orders_on_their_delivery_date():
    oo = pd.DataFrame(
        {
            "account_id": ["a"],
            "item_code": ["X"],
            "location": [""],
            "qty": [100.0],
            "delivery_date": [pd.Timestamp("2026-01-06")],
        }
    )
    row = plan(items(on_hand=35, on_order=100), open_orders=oo)
    assert row.projected_stockout_date == pd.Timestamp("2026-01-18")  # 135 / 10 = 13.5 days
    late = oo.assign(delivery_date=pd.Timestamp("2026-01-20"))
    row = plan(items(on_hand=35, on_order=100), open_orders=late)
    assert row.projected_stockout_date == pd.Timestamp("2026-01-08")


def test_no_demand_means_no_stockout_date():
    row = plan(items(on_hand=5), weekly(0.0))
    assert pd.isna(row.projected_stockout_date)
    assert row.order_qty == 0


def test_items_are_planned_independently_and_in_order():
    it = pd.concat([items(item_code="X", on_hand=100), items(item_code="Y", on_hand=0)])
    fc = pd.concat([weekly(code="X"), weekly(140, code="Y")])
    out = plan_items(it, fc, AS_OF)
    assert list(out.item_code) == ["X", "Y"]
    assert list(out.order_qty) == [180, 560]


def test_monthly_periods_spread_pro_rata_over_their_days():
    starts = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])
    fc = pd.DataFrame(
        {
            "account_id": "a",
            "item_code": "X",
            "location": "",
            "period_start": starts,
            "forecast_qty": [310.0, 280.0, 310.0],
        }
    )
    it = items(lead_time_days=30.0, order_cycle_days=0.0, safety_stock_periods=0.0)
    row = plan_items(it, fc, dt.date(2026, 1, 15), "month").iloc[0]
    assert row.demand_over_lead_time == pytest.approx(16 * 10 + 14 * 10)  # Jan 16-31, Feb 1-14


def test_flags_accept_booleans_with_gaps():
    it = pd.concat([items(item_code="X", inactive=True), items(item_code="Y", inactive=None)])
    fc = pd.concat([weekly(code="X"), weekly(code="Y")])
    assert list(plan_items(it, fc, AS_OF)["order_qty"]) == [0, 280]
