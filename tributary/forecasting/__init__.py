"""Demand forecasting engine: per-series model choice by rolling-origin backtest.

Pure Python (numpy, pandas, scipy; prophet in worker processes); no orchestration imports.
Entry point: forecast_demand(history, items, promotions, as_of, settings) -> ForecastResult.

Decisions the integration relies on:

- First forecast period: the period that starts after the last complete period at as_of (a
  period is complete when as_of is on or after its last day). With as_of mid-period the current
  period is forecast and its partial history is dropped. Weeks start on Monday.
- Unknown demand (NaN, not zero): periods flagged is_outlier, and periods whose stockout_days is
  not null and >= half the period's days. Periods before a series' first row are not history;
  periods after it missing from the input count as zero demand.
- Classes: new (< 2 x backtest horizon observed periods or < 4 non-zero), Syntetos-Boylan
  smooth / erratic / intermittent / lumpy (ADI 1.32, CV^2 0.49), inactive / terminated from the
  items table (forecast 0, model 'inactive' / 'terminated'). New series forecast the window mean
  (model 'mean', no accuracy figures, periods_tested 0).
- Candidates: smooth/erratic: combo_median and combo_mean (median / mean of ets, theta and
  arima), ets (vectorized AutoETS equivalent), theta (optimised Theta), arima (seasonal
  ARIMA(1,0,0)(0,1,0) with or without drift), seasonal_naive, naive, mean, prophet (per
  settings.prophet); intermittent/lumpy: croston_sba, tsb, adida. Choice: lowest mean MASE over
  the origins of a backtest covering at least settings.min_backtest_horizon (lead time plus order
  cycle); a single smooth-series model needs a 20 % lower MASE than the combinations, near-ties
  by WAPE. accuracy reports the chosen model's backtest wape, mase (lag-1 in-sample scale), bias
  (= sum(forecast - actual) / sum(actual), > 0 over-forecasts), and the runner-up with its mase.
- Promotions: qty = baseline * (1 + beta * discount); beta pooled over all series of the call
  and shrunk per series; statistical models see de-promoted history and future promoted
  periods are multiplied back; prophet gets the discount as a regressor instead.
- Intervals: forecast -+ z(level) * backtest RMSE of the chosen model, widened by sqrt(k/h_bt)
  beyond the backtest horizon, lower bound clipped at 0.
- Determinism: same input, same output. Under prophet='auto' the budget is turned into a number
  of series (nominal 0.12 s per fit, times the cores), highest volume first, so machine speed
  never changes which series get prophet. Prophet workers use the 'spawn'
  start method: scripts calling forecast_demand need the `if __name__ == "__main__":` guard.
"""

from tributary.periods import first_forecast_period

from .engine import forecast_demand
from .settings import ForecastResult, ForecastSettings

__all__ = ["ForecastResult", "ForecastSettings", "first_forecast_period", "forecast_demand"]
