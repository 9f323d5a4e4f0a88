"""Promotion uplift: qty = baseline * (1 + beta * discount), beta pooled with per-series shrinkage.

beta is estimated from history: for each promoted period the ratio of its qty to the mean of the
nearby non-promoted observed periods (window of +-`WINDOW` periods). The pooled beta shrinks
toward a prior (PRIOR_BETA) when few promoted periods exist; each series' own estimate shrinks
toward the pooled one. History is de-promoted (divided by the factor) before the statistical
models are fitted and future promoted periods are multiplied by it.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import correlate1d

WINDOW = 6
PRIOR_BETA = 1.0
PRIOR_WEIGHT = 3.0  # promoted periods' worth of confidence in the prior
SERIES_WEIGHT = 8.0  # promoted periods' worth of confidence in the pooled beta
MAX_BETA = 10.0


def _local_baseline(y: np.ndarray, promo: np.ndarray) -> np.ndarray:
    """Mean of the observed, non-promoted values within +-WINDOW periods (NaN when none)."""
    use = ~np.isnan(y) & ~promo
    kernel = np.ones(2 * WINDOW + 1)
    kernel[WINDOW] = 0.0
    num = correlate1d(np.where(use, y, 0.0), kernel, axis=1, mode="constant")
    den = correlate1d(use.astype(float), kernel, axis=1, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den >= 2, num / den, np.nan)


def estimate_uplift(y: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """Uplift coefficient beta per series (>= 0): a discount d multiplies demand by 1 + beta*d."""
    n = y.shape[0]
    if n == 0:
        return np.zeros(0)
    promo = discount > 0
    base = _local_baseline(y, promo)
    ok = promo & ~np.isnan(y) & (base > 0)
    d = np.where(ok, discount, 0.0)
    r = np.where(ok, y / np.where(ok, base, 1.0) - 1.0, 0.0)
    sxy = (d * r).sum(axis=1)
    sxx = (d * d).sum(axis=1)
    cnt = ok.sum(axis=1)
    mean_d2 = sxx.sum() / max(cnt.sum(), 1)
    pooled = (
        (sxy.sum() + PRIOR_WEIGHT * mean_d2 * PRIOR_BETA) / (sxx.sum() + PRIOR_WEIGHT * mean_d2)
        if cnt.sum() > 0
        else PRIOR_BETA
    )
    pooled = float(np.clip(pooled, 0.0, MAX_BETA))
    k = SERIES_WEIGHT * max(mean_d2, 1e-6)
    beta = (sxy + k * pooled) / (sxx + k)
    return np.clip(beta, 0.0, MAX_BETA)


def uplift_factor(beta: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """Multiplicative factor 1 + beta * discount, shape of `discount`."""
    return 1.0 + beta[:, None] * np.clip(discount, 0.0, 1.0)


def depromote(y: np.ndarray, discount: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """History with promotional uplift removed (NaN stays NaN)."""
    return y / uplift_factor(beta, discount)
