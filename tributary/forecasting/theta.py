"""Vectorized optimised Theta method and a cheap seasonal ARIMA, all series at once.

Theta (Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003): the series is
deseasonalised by classical decomposition when it passes the 90 % autocorrelation test at the
season lag (multiplicative when every observation is positive, additive otherwise), then
forecast as simple exponential smoothing plus (1 - 1/theta) of the linear-trend slope. Alpha and
theta are chosen per series on a grid by the in-sample one-step squared error, the way the
optimised Theta method (Fiorucci et al. 2016) chooses them by likelihood; theta = 2 is the
classical method that won M3.

seasonal_arima: ARIMA(1,0,0)(0,1,0)_m with and without drift, fitted by least squares on the
season-differenced series, the variant with the lower AICc kept. Series with fewer than two
seasons plus 4 observations get ARIMA(0,1,1) without drift (= SES, so they never fail).
"""

from __future__ import annotations

import numpy as np

from .models import _finish, nanmean

THETA_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
THETAS = (1.0, 2.0, 3.0)
SEASONAL_TEST_Z = 1.645  # 90 % one-sided, as in forecast::thetaf and statsforecast


def _fill(y: np.ndarray) -> np.ndarray:
    """NaN replaced by the row mean (rows without observations become 0)."""
    mu = np.nan_to_num(nanmean(y))
    return np.where(np.isnan(y), mu[:, None], y)


def seasonal_test(y: np.ndarray, m: int) -> np.ndarray:
    """(N,) bool: the autocorrelation at lag m is significant at 90 % (Bartlett bound)."""
    n, t = y.shape
    if m < 2 or t < 3 * m:
        return np.zeros(n, dtype=bool)
    x = _fill(y)
    x = x - x.mean(axis=1, keepdims=True)
    den = (x**2).sum(axis=1)
    den = np.where(den > 0, den, np.inf)
    acf = np.stack([(x[:, k:] * x[:, :-k]).sum(axis=1) / den for k in range(1, m + 1)], axis=1)
    bound = SEASONAL_TEST_Z * np.sqrt((1 + 2 * (acf[:, :-1] ** 2).sum(axis=1)) / t)
    return np.abs(acf[:, -1]) > bound


def seasonal_indices(y: np.ndarray, m: int, mult: np.ndarray) -> np.ndarray:
    """(N, m) classical-decomposition seasonal indices by position t % m (ratios or differences).

    The trend is the centred moving average of order m (2 x m for even m); multiplicative rows
    (`mult`) take ratios normalised to mean 1, additive rows differences normalised to mean 0.
    """
    n, t = y.shape
    x = _fill(y)
    if m % 2:
        k = np.ones(m) / m
    else:
        k = np.r_[0.5, np.ones(m - 1), 0.5] / m
    w = len(k)
    trend = np.full((n, t), np.nan)
    if t >= w:
        win = np.lib.stride_tricks.sliding_window_view(x, w, axis=1)
        trend[:, w // 2 : w // 2 + win.shape[1]] = win @ k
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(mult[:, None], y / trend, y - trend)
    dev = np.where(np.isfinite(dev), dev, np.nan)
    idx = np.zeros((n, m))
    pos = np.arange(t) % m
    for p in range(m):
        col = dev[:, pos == p]
        idx[:, p] = nanmean(col) if col.shape[1] else np.nan
    base = np.where(mult, 1.0, 0.0)
    idx = np.where(np.isnan(idx), base[:, None], idx)
    centre = idx.mean(axis=1)
    return np.where(
        mult[:, None], idx / np.where(centre > 0, centre, 1.0)[:, None], idx - centre[:, None]
    )


def deseasonalise(
    y: np.ndarray, h: int, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(adjusted y, future index (N, h), multiplicative rows, seasonal rows)."""
    n, t = y.shape
    seasonal = seasonal_test(y, m)
    obs = ~np.isnan(y)
    mult = seasonal & (np.where(obs, y, 1.0) > 0).all(axis=1)
    if not seasonal.any():
        return y, np.zeros((n, h)), mult, seasonal
    idx = seasonal_indices(y, m, mult)
    idx = np.where(seasonal[:, None], idx, np.where(mult, 1.0, 0.0)[:, None])
    hist = idx[:, np.arange(t) % m]
    fut = idx[:, (t + np.arange(h)) % m]
    adj = np.where(mult[:, None], y / np.where(hist > 0, hist, 1.0), y - hist)
    return adj, fut, mult, seasonal


def theta(y: np.ndarray, h: int, m: int) -> np.ndarray:
    """Optimised Theta forecast (N, h), never negative; see the module docstring."""
    n, t = y.shape
    if n == 0 or t == 0:
        return np.zeros((n, h))
    z, fut, mult, _ = deseasonalise(y, h, m)
    alphas = np.array(THETA_ALPHAS)
    thetas = np.array(THETAS)
    coef = 1 - 1 / thetas  # (K,)
    a = len(alphas)
    level = np.full((n, a), np.nan)
    sse = np.zeros((n, a, len(thetas)))
    cnt = np.zeros(n)
    sx = np.zeros(n)
    sy = np.zeros(n)
    sxx = np.zeros(n)
    sxy = np.zeros(n)
    for j in range(t):
        v = z[:, j]
        obs = ~np.isnan(v)
        started = cnt > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            var = sxx - sx**2 / np.maximum(cnt, 1)
            slope = np.where(
                (cnt >= 2) & (var > 0), (sxy - sx * sy / np.maximum(cnt, 1)) / var, 0.0
            )
        drift = (1 - (1 - alphas[None, :]) ** cnt[:, None]) / alphas[None, :]  # (N, A)
        pred = level[:, :, None] + coef[None, None, :] * (slope[:, None] * drift)[:, :, None]
        scored = obs & started & (cnt >= 2)
        e = np.where(scored[:, None, None], v[:, None, None] - pred, 0.0)
        sse += e**2
        init = obs & ~started
        upd = obs & started
        level = np.where(init[:, None], v[:, None], level)
        level = np.where(upd[:, None], level + alphas[None, :] * (v[:, None] - level), level)
        x = float(j)
        vv = np.where(obs, v, 0.0)
        cnt += obs
        sx += obs * x
        sxx += obs * x * x
        sy += vv
        sxy += vv * x
    flat = sse.reshape(n, -1)
    best = np.argmin(flat, axis=1)
    ai, ki = np.unravel_index(best, (a, len(thetas)))
    with np.errstate(divide="ignore", invalid="ignore"):
        var = sxx - sx**2 / np.maximum(cnt, 1)
        slope = np.where((cnt >= 2) & (var > 0), (sxy - sx * sy / np.maximum(cnt, 1)) / var, 0.0)
    al = alphas[ai]
    lv = level[np.arange(n), ai]
    steps = np.arange(h)[None, :] + ((1 - (1 - al) ** cnt) / al)[:, None]
    fc = lv[:, None] + (coef[ki] * slope)[:, None] * steps
    fc = np.where(mult[:, None], fc * fut, fc + fut)
    return _finish(fc)


def _aicc(sse: np.ndarray, n: np.ndarray, k: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        aic = n * np.log(np.maximum(sse, 1e-12) / np.maximum(n, 1)) + 2 * k
        out = aic + 2 * k * (k + 1) / (n - k - 1)
    return np.where(n - k - 1 > 0, out, np.inf)


def arima_ready(y: np.ndarray, m: int) -> np.ndarray:
    """(N,) bool: at least 2 * m + 4 observed periods (and m >= 2) for the seasonal ARIMA."""
    t = y.shape[1]
    return (m >= 2) & (t > 2 * m + 4) & ((~np.isnan(y)).sum(axis=1) >= 2 * m + 4)


def seasonal_arima(y: np.ndarray, h: int, m: int) -> np.ndarray:
    """ARIMA(1,0,0)(0,1,0)_m with or without drift by AICc (N, h), never negative.

    Rows with fewer than 2 * m + 4 observed periods (or m < 2) fall back to SES (ARIMA(0,1,1)).
    """
    n, t = y.shape
    if n == 0 or t == 0:
        return np.zeros((n, h))
    ok = arima_ready(y, m)
    out = np.zeros((n, h))
    rest = np.nonzero(~ok)[0]
    if len(rest):
        out[rest] = _ses(y[rest], h)
    rows = np.nonzero(ok)[0]
    if not len(rows):
        return _finish(out)
    x = y[rows]
    d = x[:, m:] - x[:, :-m]  # (R, T - m)
    cur, lag = d[:, 1:], d[:, :-1]
    use = ~np.isnan(cur) & ~np.isnan(lag)
    k = use.sum(axis=1).astype(float)
    c0, l0 = np.where(use, cur, 0.0), np.where(use, lag, 0.0)
    # no drift: cur = phi * lag
    sll = (l0 * l0).sum(axis=1)
    slc = (l0 * c0).sum(axis=1)
    phi1 = np.clip(np.where(sll > 0, slc / np.where(sll > 0, sll, 1), 0.0), -0.98, 0.98)
    sse1 = (np.where(use, c0 - phi1[:, None] * l0, 0.0) ** 2).sum(axis=1)
    # with drift: cur = c + phi * lag
    sl, sc = l0.sum(axis=1), c0.sum(axis=1)
    kk = np.maximum(k, 1)
    var = sll - sl**2 / kk
    phi2 = np.where(var > 0, (slc - sl * sc / kk) / np.where(var > 0, var, 1), 0.0)
    phi2 = np.clip(phi2, -0.98, 0.98)
    c2 = (sc - phi2 * sl) / kk
    sse2 = (np.where(use, c0 - c2[:, None] - phi2[:, None] * l0, 0.0) ** 2).sum(axis=1)
    drift = _aicc(sse2, k, 2) < _aicc(sse1, k, 1)
    phi = np.where(drift, phi2, phi1)
    c = np.where(drift, c2, 0.0)
    last_d = d[:, -1]
    last_d = np.where(np.isnan(last_d), 0.0, last_d)
    ext = np.concatenate([_fill_forward(x), np.zeros((len(rows), h))], axis=1)
    for s in range(h):
        last_d = c + phi * last_d
        ext[:, t + s] = ext[:, t + s - m] + last_d
    out[rows] = ext[:, t:]
    return _finish(out)


def _fill_forward(y: np.ndarray) -> np.ndarray:
    """NaN replaced by the previous observation (leading NaN by the row mean)."""
    x = _fill(y).copy()
    obs = ~np.isnan(y)
    idx = np.where(obs, np.arange(y.shape[1]), 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    filled = y[np.arange(y.shape[0])[:, None], idx]
    return np.where(np.isnan(filled), x, filled)


def _ses(y: np.ndarray, h: int) -> np.ndarray:
    """SES with alpha chosen on a grid by the one-step squared error."""
    n, t = y.shape
    alphas = np.array(THETA_ALPHAS)
    level = np.full((n, len(alphas)), np.nan)
    sse = np.zeros((n, len(alphas)))
    for j in range(t):
        v = y[:, j]
        obs = ~np.isnan(v)
        started = ~np.isnan(level[:, 0])
        upd = obs & started
        e = np.where(upd[:, None], v[:, None] - level, 0.0)
        sse += e**2
        level = np.where((obs & ~started)[:, None], v[:, None], level)
        level = np.where(upd[:, None], level + alphas[None, :] * e, level)
    best = np.argmin(sse, axis=1)
    lv = np.nan_to_num(level[np.arange(n), best])
    return np.repeat(lv[:, None], h, axis=1)
