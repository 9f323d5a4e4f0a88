"""Forecasting benchmark: this engine vs a plain prophet loop on synthetic weekly series.

Generates N weekly series of two years (a mix of smooth, seasonal, trending and intermittent
demand), holds out the last 13 weeks, and prints series per second and accuracy (mean MASE with
the in-sample naive scale, and WAPE over all series) for (a) forecast_demand and (b) a plain loop
fitting prophet on every series (or on a random sample, extrapolating its per-series speed).

    .venv/bin/python bench/forecast.py --series 10000 --prophet-sample 300
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings

import numpy as np
import pandas as pd

from tributary.forecasting import ForecastSettings, forecast_demand
from tributary.forecasting.prophet_runner import silence

WEEKS = 104
HOLD_OUT = 13
START = pd.Timestamp("2023-01-02")  # a Monday


def generate(n: int, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """(history rows of all WEEKS, qty matrix (n, WEEKS), kind per series)."""
    rng = np.random.default_rng(seed)
    t = np.arange(WEEKS)
    mix = ["smooth", "seasonal", "trending", "intermittent"]
    kinds = rng.choice(mix, n, p=[0.3, 0.25, 0.15, 0.3])
    y = np.zeros((n, WEEKS))
    for i, kind in enumerate(kinds):
        level = rng.lognormal(3.0, 0.8)
        if kind == "smooth":
            mu = np.full(WEEKS, level)
        elif kind == "seasonal":
            amp, phase = rng.uniform(0.2, 0.7), rng.uniform(0, 2 * np.pi)
            mu = level * (1 + amp * np.sin(2 * np.pi * t / 52 + phase))
        elif kind == "trending":
            mu = level * np.clip(1 + rng.uniform(-0.6, 1.2) * t / WEEKS, 0.05, None)
        else:
            p = rng.uniform(0.08, 0.4)
            size = rng.lognormal(1.0, 0.7)
            y[i] = (rng.random(WEEKS) < p) * rng.poisson(size + 1, WEEKS)
            continue
        disp = rng.uniform(5, 50)  # negative binomial dispersion
        y[i] = rng.negative_binomial(disp, disp / (disp + mu))
    keys = [f"SKU{i:05d}" for i in range(n)]
    periods = pd.date_range(START, periods=WEEKS, freq="7D")
    hist = pd.DataFrame(
        {
            "account_id": "bench",
            "item_code": np.repeat(keys, WEEKS),
            "location": "WH",
            "period_start": np.tile(periods, n),
            "qty": y.ravel(),
            "stockout_days": np.nan,
            "is_outlier": False,
            "promo_discount": 0.0,
        }
    )
    return hist, y, [str(k) for k in kinds]


def mase_wape(train: np.ndarray, actual: np.ndarray, fc: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-series MASE (lag-1 in-sample scale) and the overall WAPE."""
    scale = np.mean(np.abs(np.diff(train, axis=1)), axis=1)
    scale = np.where(scale > 0, scale, np.maximum(train.mean(axis=1), 1.0))
    mase = np.mean(np.abs(actual - fc), axis=1) / scale
    return mase, float(np.abs(actual - fc).sum() / max(actual.sum(), 1e-9))


def prophet_loop(train: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Fit prophet (defaults, yearly seasonality on) on each row in turn; forecasts (len, 13)."""
    silence()
    from prophet import Prophet

    ds = pd.date_range(START, periods=WEEKS, freq="7D")
    out = np.zeros((len(rows), HOLD_OUT))
    for k, i in enumerate(rows):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = Prophet(
                yearly_seasonality=True,
                weekly_seasonality=False,
                daily_seasonality=False,
                uncertainty_samples=0,
            )
            m.fit(pd.DataFrame({"ds": ds[: WEEKS - HOLD_OUT], "y": train[i]}))
            fut = pd.DataFrame({"ds": ds[WEEKS - HOLD_OUT :]})
            out[k] = np.clip(m.predict(fut)["yhat"].to_numpy(), 0, None)
    return out


def main() -> None:
    """Run both contenders and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument(
        "--prophet-sample",
        type=int,
        default=300,
        help="series the prophet loop runs on (all when >= --series)",
    )
    ap.add_argument("--engine-prophet", default="auto", choices=["auto", "always", "never"])
    ap.add_argument("--engine-prophet-budget", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    silence()
    logging.getLogger("cmdstanpy").disabled = True

    hist, y, kinds = generate(args.series, args.seed)
    train, actual = y[:, : WEEKS - HOLD_OUT], y[:, WEEKS - HOLD_OUT :]
    last_train = START + pd.Timedelta(weeks=WEEKS - HOLD_OUT - 1)
    as_of = (last_train + pd.Timedelta(days=6)).date()  # Sunday closing the last training week
    settings = ForecastSettings(
        period="week",
        horizon=HOLD_OUT,
        prophet=args.engine_prophet,
        prophet_budget_seconds=args.engine_prophet_budget,
        n_jobs=2,
    )
    print(
        f"{args.series} weekly series x {WEEKS} weeks, last {HOLD_OUT} held out; "
        f"mix: {pd.Series(kinds).value_counts().to_dict()}"
    )

    t0 = time.perf_counter()
    res = forecast_demand(hist, None, None, as_of, settings)
    t_engine = time.perf_counter() - t0
    ordered = res.forecast.sort_values(["item_code", "period_start"])
    fc = ordered["forecast_qty"].to_numpy().reshape(args.series, HOLD_OUT)
    lo = ordered["forecast_lo"].to_numpy().reshape(args.series, HOLD_OUT)
    hi = ordered["forecast_hi"].to_numpy().reshape(args.series, HOLD_OUT)
    assert res.forecast["period_start"].min() == last_train + pd.Timedelta(weeks=1)
    e_mase, e_wape = mase_wape(train, actual, fc)
    print(
        f"(a) engine : {args.series / t_engine:8.1f} series/s ({t_engine:.1f}s), "
        f"mean MASE {e_mase.mean():.3f}, WAPE {e_wape:.3f}"
    )
    chosen = res.accuracy["model"]
    print("    models chosen:", chosen.value_counts().to_dict())
    print(f"    combinations' share of chosen models: {chosen.str.startswith('combo').mean():.1%}")
    inside = float(((actual >= lo) & (actual <= hi)).mean())
    print(f"    80 % interval coverage on the held-out weeks: {inside:.1%}")

    n_p = min(args.prophet_sample, args.series)
    rng = np.random.default_rng(args.seed + 1)
    rows = (
        np.sort(rng.choice(args.series, n_p, replace=False))
        if n_p < args.series
        else (np.arange(args.series))
    )
    t0 = time.perf_counter()
    p_fc = prophet_loop(train, rows)
    t_prophet = time.perf_counter() - t0
    p_mase, p_wape = mase_wape(train[rows], actual[rows], p_fc)
    s_mase, s_wape = mase_wape(train[rows], actual[rows], fc[rows])
    sampled = n_p < args.series
    note = f" (SAMPLED: {n_p} of {args.series} series, speed extrapolated)" if sampled else ""
    print(
        f"(b) prophet: {n_p / t_prophet:8.1f} series/s ({t_prophet:.1f}s for {n_p}; "
        f"~{args.series * t_prophet / n_p:.0f}s for all){note}"
    )
    print(
        f"    on the {n_p} series: prophet mean MASE {p_mase.mean():.3f}, WAPE {p_wape:.3f}; "
        f"engine mean MASE {s_mase.mean():.3f}, WAPE {s_wape:.3f}"
    )
    print(f"speed-up (a)/(b): {(args.series / t_engine) / (n_p / t_prophet):.1f}x")
    by_kind = pd.DataFrame({"kind": np.array(kinds)[rows], "engine": s_mase, "prophet": p_mase})
    table = by_kind.groupby("kind").mean().round(3).to_string()
    print("mean MASE by kind on the sample:\n" + table)


if __name__ == "__main__":
    main()
