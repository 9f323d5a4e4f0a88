"""Vectorized simple and intermittent-demand forecasters.

Every function takes `y` (series x periods, NaN = unknown demand), a horizon `h` and a season
length `m`, and returns an (series x h) array of non-negative, finite forecasts. Rows with no
observation forecast zero.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Forecaster = Callable[[np.ndarray, int, int], np.ndarray]


def nanmean(a: np.ndarray, axis: int = 1) -> np.ndarray:
    """Mean of the non-NaN values along `axis`; NaN where there are none (no warning)."""
    obs = ~np.isnan(a)
    cnt = obs.sum(axis=axis)
    tot = np.where(obs, a, 0.0).sum(axis=axis)
    return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def _last_observed(y: np.ndarray) -> np.ndarray:
    """Last non-NaN value per row (0 when none)."""
    obs = ~np.isnan(y)
    idx = np.where(obs, np.arange(y.shape[1]), -1).max(axis=1)
    out = np.zeros(y.shape[0])
    has = idx >= 0
    out[has] = y[np.nonzero(has)[0], idx[has]]
    return out


def _finish(f: np.ndarray) -> np.ndarray:
    """Replace non-finite values by zero and clip negatives."""
    return np.clip(np.nan_to_num(f, nan=0.0, posinf=0.0, neginf=0.0), 0.0, None)


def naive(y: np.ndarray, h: int, m: int) -> np.ndarray:
    """Last observed value, repeated."""
    return _finish(np.repeat(_last_observed(y)[:, None], h, axis=1))


def window_mean(y: np.ndarray, h: int, m: int) -> np.ndarray:
    """Mean of the observed values of the last max(m, 4) periods (all history if none there)."""
    w = max(m, 4)
    recent = y[:, -w:]
    mu = nanmean(recent) if recent.size else np.full(y.shape[0], np.nan)
    if np.isnan(mu).any() and y.size:
        mu = np.where(np.isnan(mu), nanmean(y), mu)
    return _finish(np.repeat(np.nan_to_num(mu)[:, None], h, axis=1))


def seasonal_naive(y: np.ndarray, h: int, m: int) -> np.ndarray:
    """Value of the same season position one season back (older seasons, then naive, if NaN)."""
    n, t = y.shape
    base = _last_observed(y)
    out = np.full((n, h), np.nan)
    for k in range(h):
        for back in range(1, 4):
            j = t + k - back * m
            while j >= t:
                j -= m
            if j < 0:
                break
            fill = np.isnan(out[:, k])
            out[fill, k] = y[fill, j]
    out = np.where(np.isnan(out), base[:, None], out)
    return _finish(out)


def _ses_nonzero(y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Croston's smoothed size and interval over the non-zero observed demands."""
    n, t = y.shape
    z = np.full(n, np.nan)
    p = np.full(n, np.nan)
    gap = np.ones(n)
    for j in range(t):
        v = y[:, j]
        obs = ~np.isnan(v)
        hit = obs & (v > 0)
        first = hit & np.isnan(z)
        upd = hit & ~first
        z = np.where(first, v, np.where(upd, z + alpha * (v - z), z))
        p = np.where(first, gap, np.where(upd, p + alpha * (gap - p), p))
        gap = np.where(hit, 1.0, np.where(obs, gap + 1.0, gap))
    return z, p


def croston_sba(y: np.ndarray, h: int, m: int, alpha: float = 0.1) -> np.ndarray:
    """Croston with the Syntetos-Boylan bias correction: (1 - alpha/2) * size / interval."""
    z, p = _ses_nonzero(y, alpha)
    rate = (1 - alpha / 2) * z / p
    return _finish(np.repeat(rate[:, None], h, axis=1))


def tsb(y: np.ndarray, h: int, m: int, alpha: float = 0.1, beta: float = 0.1) -> np.ndarray:
    """Teunter-Syntetos-Babai: smoothed demand probability times smoothed size."""
    n, t = y.shape
    prob = np.full(n, np.nan)
    size = np.full(n, np.nan)
    for j in range(t):
        v = y[:, j]
        obs = ~np.isnan(v)
        hit = obs & (v > 0)
        init = obs & np.isnan(prob)
        prob = np.where(init, hit.astype(float), prob)
        upd = obs & ~init
        prob = np.where(upd, prob + beta * (hit.astype(float) - prob), prob)
        first = hit & np.isnan(size)
        size = np.where(first, v, np.where(hit & ~first, size + alpha * (v - size), size))
    rate = prob * np.nan_to_num(size)
    return _finish(np.repeat(rate[:, None], h, axis=1))


def _ses_level(x: np.ndarray, alpha: float) -> np.ndarray:
    """Final simple-exponential-smoothing level per row, skipping NaN."""
    level = np.full(x.shape[0], np.nan)
    for j in range(x.shape[1]):
        v = x[:, j]
        obs = ~np.isnan(v)
        level = np.where(obs & np.isnan(level), v, level)
        level = np.where(obs, level + alpha * (v - level), level)
    return level


def adida(y: np.ndarray, h: int, m: int, alpha: float = 0.1) -> np.ndarray:
    """Aggregate into buckets of the mean inter-demand interval, SES the totals, disaggregate."""
    n, t = y.shape
    obs = ~np.isnan(y)
    nz = (np.where(obs, y, 0) > 0).sum(axis=1)
    adi = np.where(nz > 0, obs.sum(axis=1) / np.maximum(nz, 1), 1.0)
    size = np.clip(np.round(adi), 1, max(1, t // 2)).astype(int)
    mu = np.nan_to_num(nanmean(y))
    started = np.maximum.accumulate(obs, axis=1)
    filled = np.where(obs, y, np.where(started, mu[:, None], np.nan))
    rate = np.zeros(n)
    for s in np.unique(size):
        rows = np.nonzero(size == s)[0]
        nb = t // s
        if nb == 0:
            continue
        block = filled[rows, t - nb * s :].reshape(len(rows), nb, s)
        with np.errstate(invalid="ignore"):
            totals = np.where(np.isnan(block).all(axis=2), np.nan, np.nansum(block, axis=2))
        rate[rows] = _ses_level(totals, alpha) / s
    return _finish(np.repeat(rate[:, None], h, axis=1))


SIMPLE_MODELS: dict[str, Forecaster] = {
    "naive": naive,
    "mean": window_mean,
    "seasonal_naive": seasonal_naive,
    "croston_sba": croston_sba,
    "tsb": tsb,
    "adida": adida,
}
