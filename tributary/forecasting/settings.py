"""Settings and result types of the forecasting engine (the integration depends on these)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tributary.config import PROPHET_MODES, Master
from tributary.contract import DEFAULT_LEAD_TIME_DAYS
from tributary.periods import MEAN_PERIOD_DAYS, PERIODS

DEFAULT_SEASON = {"day": 7, "week": 52, "month": 12}


def consumed_periods(
    lead_time_days: pd.Series | np.ndarray | None,
    order_cycle_days: pd.Series | np.ndarray | None,
    period: str,
    quantile: float = 0.9,
) -> int:
    """Periods a plan consumes (lead time + order cycle), at `quantile` over the items.

    Missing values take the planner's defaults (30 days lead time, one period order cycle).
    """
    days = MEAN_PERIOD_DAYS[period]
    lt = pd.to_numeric(pd.Series(lead_time_days, dtype=float), errors="coerce")
    oc = pd.to_numeric(pd.Series(order_cycle_days, dtype=float), errors="coerce")
    if lt.empty:
        lt = pd.Series([DEFAULT_LEAD_TIME_DAYS])
    oc = oc.reindex(lt.index)
    total = lt.fillna(DEFAULT_LEAD_TIME_DAYS).clip(lower=0) + oc.fillna(days).clip(lower=0)
    return max(1, int(np.ceil(float(np.quantile(total.to_numpy(), quantile)) / days)))


@dataclass
class ForecastSettings:
    """How to forecast: period grain, horizon, backtest shape and the prophet policy.

    `backtest_horizon` defaults to min(horizon, season_length, 13), raised to
    `min_backtest_horizon` (the periods the plan consumes: lead time plus order cycle, see
    consumed_periods) and capped at the horizon. `prophet` is 'auto' (only on
    smooth/erratic series with enough history, as many as `prophet_budget_seconds` pays for at
    a nominal cost per fit, highest volume first; deterministic), 'always' (every eligible
    series, no budget) or 'never'. `interval_level` is the central probability of
    forecast_lo..forecast_hi; it does not change forecast_sigma (nor the plan).
    """

    period: str
    horizon: int
    season_length: int | None = None
    backtest_origins: int = 3
    backtest_horizon: int | None = None
    min_backtest_horizon: int = 1
    prophet: str = "auto"
    prophet_budget_seconds: float = 10.0
    n_jobs: int = 2
    interval_level: float = 0.8

    @classmethod
    def from_config(
        cls,
        master: Master,
        lead_time_days: pd.Series | np.ndarray | None = None,
        order_cycle_days: pd.Series | np.ndarray | None = None,
    ) -> ForecastSettings:
        """The settings a scope runs with: the master's period, horizon and `forecast:` block.

        The backtest covers what the plan consumes (lead time plus order cycle of the scope's
        items, see consumed_periods), so the model is chosen on the horizon that matters.
        """
        options = master.forecast
        return cls(
            period=master.period,
            horizon=master.horizon,
            backtest_origins=options.backtest_origins,
            min_backtest_horizon=consumed_periods(lead_time_days, order_cycle_days, master.period),
            prophet=options.prophet,
            prophet_budget_seconds=options.prophet_budget_seconds,
        )

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"period must be one of {PERIODS}, not {self.period!r}")
        if self.horizon < 1:
            raise ValueError("horizon must be at least 1")
        if self.prophet not in PROPHET_MODES:
            raise ValueError(f"prophet must be one of {PROPHET_MODES}, not {self.prophet!r}")
        if self.backtest_origins < 1:
            raise ValueError("backtest_origins must be at least 1")
        if not 0.0 < self.interval_level < 1.0:
            raise ValueError("interval_level must be between 0 and 1")

    @property
    def season(self) -> int:
        """Season length in periods (day 7, week 52, month 12 unless set)."""
        return int(self.season_length or DEFAULT_SEASON[self.period])

    @property
    def bt_horizon(self) -> int:
        """Periods each backtest origin forecasts."""
        if self.backtest_horizon is not None:
            return max(1, int(self.backtest_horizon))
        base = min(self.horizon, self.season, 13)
        return max(1, base, min(int(self.min_backtest_horizon), self.horizon))

    @property
    def bt_spacing(self) -> int:
        """Periods between consecutive backtest origins."""
        return max(1, -(-self.bt_horizon // self.backtest_origins))


@dataclass
class ForecastResult:
    """Engine output.

    forecast: account_id, item_code, location, period_start (datetime64), forecast_qty,
    forecast_lo, forecast_hi (the central `interval_level` band), forecast_sigma (standard
    deviation of the forecast error, >= 0: what the planner's safety stock uses), model.
    accuracy: account_id, item_code, location, model, wape, mase, bias, periods_tested,
    series_class.
    """

    forecast: pd.DataFrame
    accuracy: pd.DataFrame
