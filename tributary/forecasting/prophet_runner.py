"""Prophet fits in worker processes, under a wall-clock budget, with logging silenced."""

from __future__ import annotations

import logging
import multiprocessing as mp
import multiprocessing.util
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tributary.processes import die_with_parent

CHUNK = 4


@dataclass
class ProphetTask:
    """One series: period starts (history + future), y (NaN = unknown, history only), discount
    (history + future), and the fits to make as (train_end, h): fit on [:train_end], forecast
    the h periods after it."""

    index: int
    ds: np.ndarray
    y: np.ndarray
    discount: np.ndarray
    fits: list[tuple[int, int]]
    period: str
    season: int


def silence() -> None:
    """Mute prophet's and cmdstanpy's chatter (including the plotly import notice)."""
    for name in ("cmdstanpy", "prophet", "prophet.plot", "prophet.models"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL)
        logger.propagate = False
        # prophet resets its logger's level on import; a disabled logger stays silent.
        logger.disabled = True


def _fit_one(task: ProphetTask, end: int, h: int) -> np.ndarray:
    import warnings

    from prophet import Prophet

    ds = pd.DatetimeIndex(task.ds)
    train = pd.DataFrame({"ds": ds[:end], "y": task.y[:end], "promo": task.discount[:end]})
    train = train[train["y"].notna()]
    future = pd.DataFrame({"ds": ds[end : end + h], "promo": task.discount[end : end + h]})
    if len(train) < 3:
        return np.full(h, np.nan)
    n_seasons = len(train) / max(task.season, 1)
    model = Prophet(
        yearly_seasonality=(5 if task.period == "month" else 10) if n_seasons >= 1.0 else False,
        weekly_seasonality=task.period == "day",
        daily_seasonality=False,
        # Retail seasonality grows with the level (the real-series test: multiplicative 0.878
        # mean MASE, additive 0.972).
        seasonality_mode="multiplicative",
        uncertainty_samples=0,
    )
    if train["promo"].nunique() > 1:
        model.add_regressor("promo", standardize=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.fit(train[["ds", "y", "promo"]])
            out = model.predict(future)["yhat"].to_numpy(dtype=float)
        except Exception:  # noqa: BLE001 - a failed fit just drops prophet for this series
            return np.full(h, np.nan)
    return np.clip(out, 0.0, None)


def run_chunk(tasks: list[ProphetTask]) -> list[tuple[int, list[np.ndarray]]]:
    """Fit every requested (train_end, h) of every task; NaN arrays for failed fits."""
    silence()
    return [(t.index, [_fit_one(t, end, h) for end, h in t.fits]) for t in tasks]


_POOL: tuple[int, ProcessPoolExecutor] | None = None


def _worker_pool(n_jobs: int) -> ProcessPoolExecutor:
    """A process pool kept for the life of this process and reused by every call.

    Each worker imports prophet once (a few seconds); a pipeline that forecasts several scopes
    in one process pays that once instead of twice per scope.
    """
    global _POOL
    if _POOL is not None and _POOL[0] == n_jobs:
        return _POOL[1]
    if _POOL is not None:
        _POOL[1].shutdown(wait=True)
    ctx = mp.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=n_jobs, mp_context=ctx, initializer=_warm_worker, initargs=(os.getpid(),)
    )
    # Shut down before exit, also when this process is itself a multiprocessing worker: there
    # its children are joined at exit before any atexit hook runs, which would wait forever.
    # The priority runs this before the pool's queues close (theirs is 10).
    multiprocessing.util.Finalize(
        pool, pool.shutdown, kwargs={"wait": True, "cancel_futures": True}, exitpriority=100
    )
    _POOL = (n_jobs, pool)
    return pool


def _warm_worker(parent: int) -> None:
    die_with_parent(parent=parent)
    silence()
    import prophet  # noqa: F401 - imported once per worker, up front


def run_prophet(
    tasks: list[ProphetTask],
    n_jobs: int,
    budget_seconds: float | None,
    progress: Callable[[str], None] | None = None,
) -> dict[int, list[np.ndarray]]:
    """Run tasks in the given (priority) order on `n_jobs` processes.

    With a budget, no new chunk is started once `budget_seconds` of wall time have passed; tasks
    not run are absent from the result.
    """
    silence()
    results: dict[int, list[np.ndarray]] = {}
    if not tasks:
        return results
    chunks = [tasks[i : i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    start = time.monotonic()

    def over() -> bool:
        return budget_seconds is not None and time.monotonic() - start > budget_seconds

    if n_jobs <= 1:
        for chunk in chunks:
            if over():
                break
            results.update(run_chunk(chunk))
        return results
    # The pool outlives this call: starting workers that import prophet costs seconds.
    pool = _worker_pool(n_jobs)
    pending: set[Future] = set()
    queue = list(chunks)
    while queue or pending:
        while queue and len(pending) < 2 * n_jobs and not over():
            pending.add(pool.submit(run_chunk, queue.pop(0)))
        if over():
            queue.clear()
        if not pending:
            break
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for fut in done:
            results.update(fut.result())
        if progress is not None:
            progress(f"prophet: {len(results)}/{len(tasks)} series fitted")
    return results
