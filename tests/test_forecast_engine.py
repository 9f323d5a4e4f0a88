"""Forecasting engine behaviour on small hand-built series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandas.testing as pdt

from tributary.forecasting import ForecastSettings, first_forecast_period, forecast_demand
from tributary.outputs import DEMAND_FORECAST_SCHEMA

INTERMITTENT = {"croston_sba", "tsb", "adida"}


def _history(series: dict[str, np.ndarray], start: str, freq: str, **extra) -> pd.DataFrame:
    """Dense history rows; extra maps column -> {item: array} (stockout_days, is_outlier, ...)."""
    frames = []
    for item, qty in series.items():
        periods = pd.date_range(start, periods=len(qty), freq=freq)
        f = pd.DataFrame(
            {
                "account_id": "acc",
                "item_code": item,
                "location": "WH",
                "period_start": periods,
                "qty": np.asarray(qty, dtype=float),
                "stockout_days": np.nan,
                "is_outlier": False,
                "promo_discount": 0.0,
            }
        )
        for col, per_item in extra.items():
            if item in per_item:
                f[col] = per_item[item]
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def _weekly_as_of(n: int, start: str = "2023-01-02") -> dt.date:
    """The Sunday closing week n (so week n+1 is the first forecast period)."""
    return (pd.Timestamp(start) + pd.Timedelta(weeks=n) - pd.Timedelta(days=1)).date()


def _run(history, as_of, items=None, promotions=None, **kw) -> pd.DataFrame:
    settings = ForecastSettings(**{"period": "week", "horizon": 13, "prophet": "never", **kw})
    return forecast_demand(history, items, promotions, as_of, settings)


def _fc(result, item: str) -> pd.DataFrame:
    f = result.forecast
    return f[f["item_code"] == item].sort_values("period_start")


def test_constant_series_forecasts_its_constant():
    res = _run(_history({"A": np.full(60, 12.0)}, "2023-01-02", "W-MON"), _weekly_as_of(60))
    f = _fc(res, "A")
    assert len(f) == 13
    np.testing.assert_allclose(f["forecast_qty"], 12.0, atol=1e-6)


def test_seasonal_series_recovers_its_season():
    t = np.arange(72)
    season = 30 * np.sin(2 * np.pi * t / 12)
    noise = np.random.default_rng(0).normal(0, 2, 72)
    h = _history({"S": 100 + season + noise}, "2019-01-01", "MS")
    res = _run(h, dt.date(2024, 12, 31), period="month", horizon=12)
    f = _fc(res, "S")["forecast_qty"].to_numpy()
    truth = 100 + 30 * np.sin(2 * np.pi * np.arange(72, 84) / 12)
    assert np.corrcoef(f, truth)[0, 1] > 0.95
    assert np.mean(np.abs(f - truth)) < 6


def test_intermittent_series_gets_an_intermittent_method_and_a_sensible_rate():
    rng = np.random.default_rng(3)
    y = (rng.random(104) < 0.25) * (rng.poisson(5, 104) + 1)
    res = _run(_history({"I": y}, "2023-01-02", "W-MON"), _weekly_as_of(104))
    acc = res.accuracy.set_index("item_code").loc["I"]
    assert acc["series_class"] in {"intermittent", "lumpy"}
    assert acc["model"] in INTERMITTENT
    rate = y[-52:].mean()
    f = _fc(res, "I")["forecast_qty"]
    assert ((f > 0.5 * rate) & (f < 1.5 * rate)).all()


def test_stockout_period_does_not_drag_the_forecast_down():
    y = 20 + np.random.default_rng(1).normal(0, 1, 80)
    y[-4:] = 1.0  # shelves empty for most of the last four weeks
    stock = np.full(80, np.nan)
    stock[-4:] = 6
    plain = _run(_history({"P": y}, "2023-01-02", "W-MON"), _weekly_as_of(80))
    flagged = _run(
        _history({"P": y}, "2023-01-02", "W-MON", stockout_days={"P": stock}), _weekly_as_of(80)
    )
    f_flag = _fc(flagged, "P")["forecast_qty"]
    assert (f_flag > 18).all()
    assert f_flag.mean() > _fc(plain, "P")["forecast_qty"].mean()


def test_outlier_is_ignored():
    y = 20 + np.random.default_rng(2).normal(0, 1, 80)
    y[-2] = 600.0
    out = np.zeros(80, dtype=bool)
    out[-2] = True
    res = _run(_history({"O": y}, "2023-01-02", "W-MON", is_outlier={"O": out}), _weekly_as_of(80))
    f = _fc(res, "O")["forecast_qty"]
    assert ((f > 18) & (f < 22)).all()


def test_promotion_lifts_the_forecast_in_its_window():
    rng = np.random.default_rng(4)
    disc = np.zeros(104)
    disc[[10, 11, 30, 31, 50, 70, 71, 90]] = 0.3
    y = rng.poisson(50 * (1 + 2.0 * disc))  # 30 % off: +60 %
    h = _history({"P": y}, "2023-01-02", "W-MON", promo_discount={"P": disc})
    as_of = _weekly_as_of(104)
    future = pd.date_range(pd.Timestamp(as_of) + pd.Timedelta(days=1), periods=13, freq="W-MON")
    promos = pd.DataFrame(
        {
            "account_id": "acc",
            "item_code": "P",
            "location": "WH",
            "period_start": future[[4, 5]],
            "promo_discount": 0.3,
        }
    )
    f = _fc(_run(h, as_of, promotions=promos), "P").set_index("period_start")["forecast_qty"]
    inside = f.loc[future[[4, 5]]]
    outside = f.drop(future[[4, 5]])
    assert (inside > 1.3 * outside.max()).all()
    assert ((outside > 44) & (outside < 56)).all()  # the baseline is de-promoted, not inflated


def test_inactive_and_terminated_items_forecast_zero():
    h = _history(
        {"X": np.full(60, 9.0), "T": np.full(60, 9.0), "K": np.full(60, 9.0)}, "2023-01-02", "W-MON"
    )
    items = pd.DataFrame(
        {
            "account_id": "acc",
            "item_code": ["X", "T"],
            "location": "WH",
            "inactive": [True, False],
            "termination": [False, True],
        }
    )
    res = _run(h, _weekly_as_of(60), items=items)
    for item, name in (("X", "inactive"), ("T", "terminated")):
        f = _fc(res, item)
        assert (f[["forecast_qty", "forecast_lo", "forecast_hi"]] == 0).all().all()
        assert set(f["model"]) == {name}
    assert (_fc(res, "K")["forecast_qty"] > 8).all()


def test_forecasts_are_never_negative_and_bounds_enclose_them():
    y = np.clip(200 - 4.0 * np.arange(60), 0, None) + np.random.default_rng(5).normal(0, 5, 60)
    res = _run(
        _history({"D": np.clip(y, 0, None)}, "2023-01-02", "W-MON"), _weekly_as_of(60), horizon=52
    )
    f = res.forecast
    assert (f["forecast_lo"] >= 0).all()
    assert (f["forecast_lo"] <= f["forecast_qty"]).all()
    assert (f["forecast_qty"] <= f["forecast_hi"]).all()


def _mixed() -> pd.DataFrame:
    rng = np.random.default_rng(6)
    t = np.arange(100)
    old = _history(
        {
            "a": rng.poisson(30, 100),
            "b": rng.poisson(20 * (1 + 0.5 * np.sin(2 * np.pi * t / 52))),
            "c": (rng.random(100) < 0.2) * rng.poisson(4, 100),
        },
        "2023-01-02",
        "W-MON",
    )
    new = _history({"d": rng.poisson(5, 10)}, "2024-10-07", "W-MON")  # weeks 90-99
    return pd.concat([old, new], ignore_index=True)


def test_output_is_deterministic_and_sorted():
    h = _mixed()
    a = _run(h, _weekly_as_of(100), prophet="always")
    b = _run(h.sample(frac=1.0, random_state=1), _weekly_as_of(100), prophet="always")
    pdt.assert_frame_equal(a.forecast, b.forecast)
    pdt.assert_frame_equal(a.accuracy, b.accuracy)
    keys = ["account_id", "item_code", "location", "period_start"]
    pdt.assert_frame_equal(a.forecast, a.forecast.sort_values(keys).reset_index(drop=True))


def test_output_columns_and_new_series_class():
    res = _run(_mixed(), _weekly_as_of(100))
    # The lake's columns (tributary.outputs) through the model, after the series' account_id;
    # the planner-override columns are added later (tributary.forecasting.overrides).
    lake = DEMAND_FORECAST_SCHEMA.names
    assert list(res.forecast.columns) == ["account_id", *lake[: lake.index("model") + 1]]
    assert res.forecast["period_start"].dtype == "datetime64[ns]"
    acc = res.accuracy.set_index("item_code")
    assert {"model", "wape", "mase", "bias", "periods_tested", "series_class"} <= set(acc.columns)
    assert acc.loc["a", "periods_tested"] > 0
    assert acc.loc["d", "series_class"] == "new"  # ten weeks of history


def test_first_forecast_period_follows_the_last_complete_period():
    assert first_forecast_period(dt.date(2025, 6, 30), "month") == pd.Timestamp("2025-07-01")
    assert first_forecast_period(dt.date(2025, 6, 15), "month") == pd.Timestamp("2025-06-01")
    assert first_forecast_period(dt.date(2025, 6, 29), "week") == pd.Timestamp("2025-06-30")
    assert first_forecast_period(dt.date(2025, 6, 30), "week") == pd.Timestamp("2025-06-30")
    assert first_forecast_period(dt.date(2025, 6, 30), "day") == pd.Timestamp("2025-07-01")


def test_theta_extends_a_straight_line_and_keeps_a_season():
    from tributary.forecasting.theta import theta

    line = 10.0 + 2.0 * np.arange(48)
    f = theta(line[None, :], 3, 12)[0]
    # SES lags a line; the theta lines add the slope back: the forecast rises and stays within
    # 5 % of the line's continuation (62, 64, 66...).
    assert np.all(np.diff(f) > 0)
    assert np.allclose(f, 10.0 + 2.0 * np.arange(48, 51), rtol=0.05)
    season = np.tile([5.0, 10.0, 20.0, 10.0] * 3, 4)  # period 12, four seasons, no trend
    g = theta(season[None, :], 12, 12)[0]
    assert np.allclose(g, season[:12], rtol=0.02)


def test_seasonal_arima_repeats_a_pure_season_and_its_drift():
    from tributary.forecasting.theta import seasonal_arima

    pattern = np.array([1.0, 3.0, 2.0, 6.0])
    y = np.concatenate([pattern + 4.0 * k for k in range(6)])  # each season 4 higher
    f = seasonal_arima(y[None, :], 4, 4)[0]
    assert np.allclose(f, pattern + 24.0)
    short = seasonal_arima(np.array([[5.0, 5.0, 5.0]]), 2, 4)[0]  # too short: SES
    assert np.allclose(short, 5.0)


def test_combination_is_the_median_of_its_members_and_runner_up_is_reported():
    from tributary.forecasting import backtest as btm

    rng = np.random.default_rng(3)
    y = 50 + 10 * np.sin(2 * np.pi * np.arange(60) / 12) + rng.normal(0, 2, (2, 60))
    members = np.stack([btm.STAT_MODELS[k](y, 6, 12) for k in btm.COMBO_MEMBERS])
    assert np.allclose(btm.combo_forecast("combo_median", y, 6, 12), np.median(members, axis=0))
    assert np.allclose(btm.combo_forecast("combo_mean", y, 6, 12), members.mean(axis=0))
    start = pd.Timestamp("2020-01-01")
    hist = _history({"A": y[0], "B": y[1]}, str(start.date()), "MS")
    as_of = (start + pd.DateOffset(months=60) - pd.Timedelta(days=1)).date()
    res = forecast_demand(
        hist, None, None, as_of, ForecastSettings(period="month", horizon=6, prophet="never")
    )
    acc = res.accuracy
    assert (acc["runner_up"] != acc["model"]).all()
    assert acc["runner_up"].isin(btm.SMOOTH_CANDIDATES).all()
    assert (acc["runner_up_mase"] > 0).all()


def test_backtest_horizon_covers_lead_time_plus_order_cycle():
    from tributary.forecasting.settings import consumed_periods

    # 60 days lead time + 14 days cycle = 74 days: 10.6, so 11 weeks; defaults (30 + 7 days):
    # 5.3, so 6 weeks; a month: 30 + 30.4 days, 2 months
    assert consumed_periods(np.array([60.0]), np.array([14.0]), "week") == 11
    assert consumed_periods(None, None, "week") == 6
    assert consumed_periods(np.array([np.nan]), np.array([np.nan]), "month") == 2
    s = ForecastSettings(period="week", horizon=52, min_backtest_horizon=20)
    assert s.bt_horizon == 20  # beyond the default 13 weeks
    assert ForecastSettings(period="week", horizon=8, min_backtest_horizon=20).bt_horizon == 8


def test_settings_from_config_carry_every_forecast_option():
    """Each `forecast:` option of accounts.yaml reaches the engine; none is copied by hand."""
    from dataclasses import fields

    from tributary.config import ForecastOptions, Master

    options = ForecastOptions(prophet="never", prophet_budget_seconds=2.5, backtest_origins=5)
    master = Master(period="month", horizon_periods=9, forecast=options)
    # 50 days lead time + 30 days order cycle = 80 days: 3 months
    settings = ForecastSettings.from_config(master, np.array([50.0]), np.array([30.0]))
    assert (settings.period, settings.horizon, settings.min_backtest_horizon) == ("month", 9, 3)
    # master_mode says how the master combines the scopes' forecasts, not how one is made
    for option in (f for f in fields(ForecastOptions) if f.name != "master_mode"):
        assert getattr(settings, option.name) == getattr(options, option.name), option.name
