"""Accuracy measures over NaN-masked actuals."""

from __future__ import annotations

import warnings

import numpy as np


def mase_scale(y: np.ndarray, lag: int = 1) -> np.ndarray:
    """Mean absolute lag-`lag` difference of each row's observed history (the MASE denominator).

    Falls back to the lag-1 scale, then to the mean absolute level, then to 1, so it is never 0.
    """

    def _scale(lg: int) -> np.ndarray:
        if y.shape[1] <= lg:
            return np.full(y.shape[0], np.nan)
        d = np.abs(y[:, lg:] - y[:, :-lg])
        with np.errstate(invalid="ignore"):
            return np.nanmean(np.where(np.isnan(d), np.nan, d), axis=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s = _scale(lag)
        if lag != 1:
            s = np.where(np.isfinite(s) & (s > 0), s, _scale(1))
        level = np.nanmean(np.abs(y), axis=1) if y.shape[1] else np.full(y.shape[0], np.nan)
    s = np.where(np.isfinite(s) & (s > 0), s, level)
    return np.where(np.isfinite(s) & (s > 0), s, 1.0)


def error_sums(actual: np.ndarray, fc: np.ndarray) -> dict[str, np.ndarray]:
    """Per-row sums over observed actuals: abs error, signed error (fc - actual), actual, count."""
    obs = ~np.isnan(actual)
    err = np.where(obs, fc - np.nan_to_num(actual), 0.0)
    return {
        "abs": np.abs(err).sum(axis=1),
        "err": err.sum(axis=1),
        "act": np.where(obs, np.abs(np.nan_to_num(actual)), 0.0).sum(axis=1),
        "n": obs.sum(axis=1).astype(float),
    }


def wape(abs_err: np.ndarray, act: np.ndarray) -> np.ndarray:
    """Sum |error| / sum |actual| (NaN when the actuals sum to 0 and errors too, else inf-safe)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(act > 0, abs_err / act, np.where(abs_err > 0, np.nan, 0.0))


def bias(err: np.ndarray, act: np.ndarray) -> np.ndarray:
    """Sum (forecast - actual) / sum actual: positive means over-forecasting."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(act > 0, err / act, np.where(err != 0, np.nan, 0.0))
