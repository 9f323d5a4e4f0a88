"""Inventory KPIs per planning item (marts.kpis; dbt sums them per account in kpi_summary).

Plain functions on DataFrames of one scope (a child or the master); no framework import.
Definitions, one line each ("decided" marks a choice the source documents leave open):

- window: the 12 months before ``as_of`` are the 365 days ending on ``as_of`` inclusive
  (``as_of - 364`` .. ``as_of``); a demand period counts when its ``period_start`` lies in it.
- unit cost: ``inventory_value_per_unit``, else ``purchase_price``; null without either.
- current sales price: ``items.sales_price``, else the price of the latest priced sale (rule 9).
- annual_revenue: sum over the window's sales lines of ``revenue``, else ``qty_sold`` x the line's
  ``sales_price`` (decided: else the item's price); unpriced lines are skipped, null when no line
  is priced, 0 with no sales.
- revenue_next_year: forecast quantity of the 365 days after ``as_of`` x current sales price;
  a period straddling the horizon counts pro rata by days (decided); null without a price.
- gross_margin: sum over the window's lines of ``profit``, else line revenue - qty x unit cost;
  no cost when only a ``purchase_price`` in a ``supplier_currency`` is given (source doc); lines
  without a margin are skipped, null when none has one, 0 with no sales.
- inventory_value: on_hand x unit cost; null without a cost (decided: a missing on_hand is 0).
- turnover: cost of goods sold (window qty sold x unit cost) / average inventory value: the mean
  end-of-day on hand over the window x unit cost where the account provides on-hand history
  (transactions with on_hand or on_hand_change), else the current inventory value (decided);
  null when that value is 0 or null.
- turn_earn_index: gross margin % (gross_margin / annual_revenue) x turnover; null when either is.
- days_of_supply: on_hand / average daily forecast demand over the next 90 days (forecast
  quantity over the days the forecast covers); null when that demand is 0 or absent.
- overstock_qty: max(0, on_hand - order_up_to); overstock_value: overstock_qty x unit cost; null
  without an order plan row (or cost).
- expected_stockout_value: expected lost revenue over the lead time,
  max(0, demand_over_lead_time - on_hand) x current sales price (decided); null without plan/price.
- stockout_days_12m: sum of ``demand.stockout_days`` over the window's periods, each clipped to
  the period length; null when none is known (no on-hand history).
- lost_sales_qty_12m: stockout_days_12m x average daily demand of the fully in-stock, non-outlier
  periods (decided fallback when there are none: demand per in-stock day over all known periods);
  0 with no stockout days, null without on-hand history.
- fill_rate_12m: qty sold / (qty sold + lost sales qty) over the window; null when lost is null
  or nothing was demanded.
- abc_class: per account, items sorted by annual revenue descending (ties by item, location);
  an item's class follows the share of the account's positive revenue ranked above it:
  A below the first threshold (0.8), B below the second (0.95), C the rest, so the item that
  crosses 80 % is still A (decided; a single selling item is A); items with no, null or
  negative revenue are C.
- xyz_class: coefficient of variation (population std / mean) of period demand over the window's
  periods, outliers included (decided): X < 0.5, Y < 1.0, Z otherwise; no or zero demand is Z.
  demand_history is taken to hold one row per period (zero periods included).
- period length in days: day 1, week 7, month the calendar days of the period's month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tributary.periods import PERIODS, period_days
from tributary.scopes import SERIES_KEYS

KPI_COLUMNS = [
    *SERIES_KEYS,
    "abc_class",
    "xyz_class",
    "annual_revenue",
    "revenue_next_year",
    "gross_margin",
    "inventory_value",
    "turnover",
    "turn_earn_index",
    "stockout_days_12m",
    "lost_sales_qty_12m",
    "overstock_qty",
    "overstock_value",
    "expected_stockout_value",
    "days_of_supply",
    "fill_rate_12m",
]
XYZ_THRESHOLDS = (0.5, 1.0)
WINDOW_DAYS = 365
SUPPLY_DAYS = 90


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    """Column as float Series (NaN where absent or not numeric)."""
    if col not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[col], errors="coerce").astype(float)


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy with a fresh index and the key columns as strings (null location -> "")."""
    out = frame.reset_index(drop=True).copy()
    for col in SERIES_KEYS:
        out[col] = out[col].astype(object).where(out[col].notna(), "").astype(str)
    return out


def _dates(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_datetime(frame[col]).dt.normalize()


def _period_days(starts: pd.Series, period: str) -> pd.Series:
    """Length in days of each period starting at ``starts`` (the forecaster's definition)."""
    if period not in PERIODS:
        raise ValueError(f"period must be day, week or month, not {period!r}")
    return pd.Series(period_days(starts, period), index=starts.index, dtype=float)


def _per_item(base: pd.DataFrame, grouped: pd.DataFrame) -> pd.DataFrame:
    """Aggregates aligned to the rows of ``base`` (NaN for items without rows)."""
    return (
        base[SERIES_KEYS]
        .merge(grouped.reset_index(), on=SERIES_KEYS, how="left")
        .set_index(base.index)
    )


def _average_on_hand(
    base: pd.DataFrame, history: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """Mean end-of-day on hand (negatives as 0) over the window; NaN without history."""
    if history is None or history.empty:
        return pd.Series(np.nan, index=base.index)
    days = _keyed(history)
    dates = pd.to_datetime(days["date"])
    days = days[(dates >= start) & (dates <= end)]
    days = days.assign(on_hand=_num(days, "on_hand").clip(lower=0))
    mean = days.groupby(SERIES_KEYS, dropna=False)[["on_hand"]].mean()
    return _per_item(base, mean)["on_hand"]


def _forecast_over(
    forecast: pd.DataFrame, start: pd.Timestamp, days: int, period: str
) -> pd.DataFrame:
    """Forecast qty and covered days within [start, start + days), periods pro rata by days."""
    fc = forecast[SERIES_KEYS].copy()
    begin = _dates(forecast, "period_start")
    length = _period_days(begin, period)
    end = begin + pd.to_timedelta(length, unit="D")
    stop = start + pd.Timedelta(days=days)
    overlap = (end.clip(upper=stop) - begin.clip(lower=start)).dt.days.clip(lower=0)
    fc["qty"] = _num(forecast, "forecast_qty") * overlap / length
    fc["days"] = overlap.astype(float)
    return fc[overlap > 0].groupby(SERIES_KEYS, dropna=False)[["qty", "days"]].sum()


def abc_classes(
    account_id: pd.Series,
    revenue: pd.Series,
    order: pd.DataFrame,
    thresholds: tuple[float, float] = (0.8, 0.95),
) -> pd.Series:
    """ABC class of each row by cumulative share of its account's positive revenue."""
    a, b = thresholds
    if not 0 < a <= b <= 1:
        raise ValueError(f"abc thresholds must satisfy 0 < A <= B <= 1, got {thresholds}")
    rev = revenue.where(revenue > 0, 0.0).fillna(0.0)
    frame = pd.DataFrame({"acc": account_id, "rev": rev}, index=revenue.index).join(order)
    frame = frame.sort_values(
        ["acc", "rev", *order.columns],
        ascending=[True, False] + [True] * len(order.columns),
        kind="mergesort",
    )
    total = frame.groupby("acc", dropna=False)["rev"].transform("sum")
    above = frame.groupby("acc", dropna=False)["rev"].cumsum() - frame["rev"]
    share = above / total.where(total > 0)  # share of the revenue ranked above the item
    eps = 1e-9
    cls = np.select(
        [(frame["rev"] > 0) & (share < a - eps), (frame["rev"] > 0) & (share < b - eps)],
        ["A", "B"],
        "C",
    )
    return pd.Series(cls, index=frame.index).reindex(revenue.index)


def xyz_classes(cv: pd.Series, thresholds: tuple[float, float] = XYZ_THRESHOLDS) -> pd.Series:
    """XYZ class from the coefficient of variation (NaN, i.e. no demand, is Z)."""
    x, y = thresholds
    return pd.Series(np.select([cv < x, cv < y], ["X", "Y"], "Z"), index=cv.index)


@dataclass(frozen=True)
class KpiInputs:
    """What the KPIs of a set of items are computed from (all of a scope, or one chunk of its
    items: every frame holding the rows of those items only).

    ``on_hand_history`` (account_id, item_code, location, date, on_hand: end-of-day stock) gives
    the average inventory for turnover where the account provides on-hand history.
    """

    items: pd.DataFrame
    sales: pd.DataFrame
    demand: pd.DataFrame
    forecast: pd.DataFrame
    plan: pd.DataFrame
    on_hand_history: pd.DataFrame | None = None


def item_kpis(
    items: pd.DataFrame,
    sales: pd.DataFrame,
    demand: pd.DataFrame,
    forecast: pd.DataFrame,
    plan: pd.DataFrame,
    as_of: dt.date,
    period: str,
    abc_thresholds: tuple[float, float] = (0.8, 0.95),
    on_hand_history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per item of ``items`` with the marts.kpis columns (definitions in the module doc)."""
    inputs = KpiInputs(items, sales, demand, forecast, plan, on_hand_history)
    return kpis_in_chunks([inputs], as_of, period, abc_thresholds)


def kpis_in_chunks(
    chunks: Iterable[KpiInputs],
    as_of: dt.date,
    period: str,
    abc_thresholds: tuple[float, float] = (0.8, 0.95),
) -> pd.DataFrame:
    """The KPIs of a scope whose items come in chunks (each chunk's inputs read, used and freed
    before the next is read), equal to one call with everything: every KPI but the ABC class is
    per item, and the ABC class is ranked over all chunks at the end."""
    parts = [item_measures(chunk, as_of, period) for chunk in chunks]
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in KPI_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    keys = _keyed(out[SERIES_KEYS])
    out["abc_class"] = abc_classes(
        keys["account_id"], out["annual_revenue"], keys[["item_code", "location"]], abc_thresholds
    )
    return out[KPI_COLUMNS]


@dataclass(frozen=True)
class _Scope:
    """What every KPI group of one chunk needs: its items, their costs and the window."""

    base: pd.DataFrame  # the items, keyed
    on_hand: pd.Series
    unit_cost: pd.Series
    margin_cost: pd.Series  # unit cost, null for a purchase price in a foreign currency
    item_price: pd.Series
    as_of: pd.Timestamp
    window_start: pd.Timestamp
    period: str


def _scope(items: pd.DataFrame, as_of: dt.date, period: str) -> _Scope:
    base = _keyed(items)
    as_of_ts = pd.Timestamp(as_of).normalize()
    ivpu = _num(base, "inventory_value_per_unit")
    purchase = _num(base, "purchase_price")
    unit_cost = ivpu.fillna(purchase)
    currency = base.get("supplier_currency", pd.Series(None, index=base.index))
    foreign = ivpu.isna() & purchase.notna() & currency.fillna("").astype(str).str.strip().ne("")
    return _Scope(
        base=base,
        on_hand=_num(base, "on_hand").fillna(0.0),
        unit_cost=unit_cost,
        margin_cost=unit_cost.mask(foreign),
        item_price=_num(base, "sales_price"),
        as_of=as_of_ts,
        window_start=as_of_ts - pd.Timedelta(days=WINDOW_DAYS - 1),
        period=period,
    )


def item_measures(inputs: KpiInputs, as_of: dt.date, period: str) -> pd.DataFrame:
    """Every KPI column but ``abc_class`` (which ranks a whole account) for the given items."""
    scope = _scope(inputs.items, as_of, period)
    price, sold, sales_kpis = _sales_kpis(scope, _keyed(inputs.sales))
    inventory = _inventory_kpis(scope, inputs.on_hand_history, sold, sales_kpis)
    demand_kpis, cv = _demand_kpis(scope, _keyed(inputs.demand), sold)
    values = {
        **sales_kpis,
        **_forecast_kpis(scope, _keyed(inputs.forecast), price),
        **inventory,
        **demand_kpis,
        **_plan_kpis(scope, _keyed(inputs.plan), price),
    }
    out = inputs.items[SERIES_KEYS].reset_index(drop=True)
    out["abc_class"] = None  # ranked over the whole account by kpis_in_chunks
    out["xyz_class"] = xyz_classes(cv)
    for col, val in values.items():
        out[col] = val.astype(float).to_numpy()
    return out[KPI_COLUMNS]


def _sales_kpis(
    scope: _Scope, sales: pd.DataFrame
) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    """The current sales price, the window's qty sold, annual_revenue and gross_margin."""
    base = scope.base
    lines = sales[SERIES_KEYS].copy()
    lines["date"] = _dates(sales, "date")
    lines["qty"] = _num(sales, "qty_sold").fillna(0.0)
    lines["price"] = _num(sales, "sales_price")
    lines["revenue"] = _num(sales, "revenue")
    lines["profit"] = _num(sales, "profit")
    lines = lines[lines["date"] <= scope.as_of]
    priced = lines[lines["price"].notna()].sort_values("date", kind="mergesort")
    last_price = priced.groupby(SERIES_KEYS, dropna=False)["price"].last().rename("last_price")
    price = scope.item_price.fillna(_per_item(base, last_price.to_frame())["last_price"])

    costs = base[SERIES_KEYS].assign(item_price=scope.item_price, margin_cost=scope.margin_cost)
    win = lines[lines["date"] >= scope.window_start].merge(costs, on=SERIES_KEYS, how="inner")
    win["line_revenue"] = win["revenue"].fillna(win["qty"] * win["price"].fillna(win["item_price"]))
    win["line_margin"] = win["profit"].fillna(win["line_revenue"] - win["qty"] * win["margin_cost"])
    agg = win.groupby(SERIES_KEYS, dropna=False).agg(
        n=("qty", "size"),
        sold=("qty", "sum"),
        revenue=("line_revenue", lambda s: s.sum(min_count=1)),
        margin=("line_margin", lambda s: s.sum(min_count=1)),
    )
    s = _per_item(base, agg)
    has_sales = s["n"].fillna(0) > 0
    kpis = {
        "annual_revenue": s["revenue"].where(has_sales, 0.0),
        "gross_margin": s["margin"].where(has_sales, 0.0),
    }
    return price, s["sold"].fillna(0.0), kpis


def _forecast_kpis(scope: _Scope, forecast: pd.DataFrame, price: pd.Series) -> dict[str, pd.Series]:
    """revenue_next_year and days_of_supply."""
    base, period = scope.base, scope.period
    horizon_start = scope.as_of + pd.Timedelta(days=1)
    year = _per_item(base, _forecast_over(forecast, horizon_start, WINDOW_DAYS, period))
    supply = _per_item(base, _forecast_over(forecast, horizon_start, SUPPLY_DAYS, period))
    daily = supply["qty"] / supply["days"]
    return {
        "revenue_next_year": year["qty"].fillna(0.0) * price,
        "days_of_supply": scope.on_hand / daily.where(daily > 0),
    }


def _inventory_kpis(
    scope: _Scope,
    on_hand_history: pd.DataFrame | None,
    sold: pd.Series,
    sales_kpis: dict[str, pd.Series],
) -> dict[str, pd.Series]:
    """inventory_value, turnover and turn_earn_index."""
    unit_cost = scope.unit_cost
    inventory_value = scope.on_hand * unit_cost
    history = _average_on_hand(scope.base, on_hand_history, scope.window_start, scope.as_of)
    average_value = history * unit_cost
    average_value = average_value.fillna(inventory_value)  # no history: today's value stands in
    turnover = sold * unit_cost / average_value.where(average_value > 0)
    annual_revenue = sales_kpis["annual_revenue"]
    margin_pct = sales_kpis["gross_margin"] / annual_revenue.where(annual_revenue > 0)
    return {
        "inventory_value": inventory_value,
        "turnover": turnover,
        "turn_earn_index": margin_pct * turnover,
    }


def _plan_kpis(scope: _Scope, plan: pd.DataFrame, price: pd.Series) -> dict[str, pd.Series]:
    """overstock_qty, overstock_value and expected_stockout_value from the order plan."""
    plan_rows = plan.drop_duplicates(SERIES_KEYS).set_index(SERIES_KEYS)
    p = _per_item(
        scope.base,
        pd.DataFrame(
            {
                "order_up_to": _num(plan_rows, "order_up_to"),
                "dolt": _num(plan_rows, "demand_over_lead_time"),
            }
        ),
    )
    overstock_qty = (scope.on_hand - p["order_up_to"]).clip(lower=0)
    return {
        "overstock_qty": overstock_qty,
        "overstock_value": overstock_qty * scope.unit_cost,
        "expected_stockout_value": (p["dolt"] - scope.on_hand).clip(lower=0) * price,
    }


def _demand_kpis(
    scope: _Scope, demand: pd.DataFrame, sold: pd.Series
) -> tuple[dict[str, pd.Series], pd.Series]:
    """stockout_days_12m, lost_sales_qty_12m and fill_rate_12m, and the demand's coefficient of
    variation (for the XYZ class), from the window's demand history."""
    dem = demand[SERIES_KEYS].copy()
    dem["start"] = _dates(demand, "period_start")
    dem["qty"] = _num(demand, "qty").fillna(0.0)
    dem["length"] = _period_days(dem["start"], scope.period)
    dem["so"] = _num(demand, "stockout_days").clip(lower=0, upper=dem["length"])
    outlier = demand["is_outlier"].eq(True) if "is_outlier" in demand else False
    dem = dem[(dem["start"] >= scope.window_start) & (dem["start"] <= scope.as_of)]
    outlier = pd.Series(outlier, index=demand.index).reindex(dem.index).fillna(False)
    known = dem["so"].notna() & ~outlier
    full = known & dem["so"].eq(0)
    dem["full_qty"] = dem["qty"].where(full, 0.0)
    dem["full_days"] = dem["length"].where(full, 0.0)
    dem["known_qty"] = dem["qty"].where(known, 0.0)
    dem["known_days"] = (dem["length"] - dem["so"]).where(known, 0.0)
    d = _per_item(
        scope.base,
        dem.groupby(SERIES_KEYS, dropna=False).agg(
            stockout=("so", lambda x: x.sum(min_count=1)),
            full_qty=("full_qty", "sum"),
            full_days=("full_days", "sum"),
            known_qty=("known_qty", "sum"),
            known_days=("known_days", "sum"),
            mean=("qty", "mean"),
            std=("qty", lambda x: x.std(ddof=0)),
        ),
    )
    rate = (d["full_qty"] / d["full_days"].where(d["full_days"] > 0)).fillna(
        d["known_qty"] / d["known_days"].where(d["known_days"] > 0)
    )
    stockout_days = d["stockout"]
    lost = (stockout_days * rate).mask(stockout_days.eq(0), 0.0)
    kpis = {
        "stockout_days_12m": stockout_days,
        "lost_sales_qty_12m": lost,
        "fill_rate_12m": sold / (sold + lost).where(sold + lost > 0),
    }
    return kpis, d["std"] / d["mean"].where(d["mean"] > 0)
