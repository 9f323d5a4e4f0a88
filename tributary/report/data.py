"""What the planning report shows, read from the warehouse's marts (read-only).

Plain tuples and dicts, no pandas: the report of a 20,000-item group stays within a couple of
hundred MB. Aggregates the marts do not hold (order value per supplier and week, inventory value
per ABC/XYZ class) are small GROUP BYs here; every figure shown is a mart's column or a sum of one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

from tributary.report.risk import AT_RISK_SQL
from tributary.scopes import CHILD_ROLE, MASTER_ROLE

Row = dict[str, Any]
ItemKey = tuple[str, str]  # (item_code, location)

# Item pages per account: every A item and every item at risk, at-risk first, up to this many.
MAX_ITEM_PAGES = 150
# Rows of the overview's lists (the full lists are the marts).
MAX_LIST_ROWS = 25


def literal(value: str | int) -> str:
    """A SQL literal: a whole number as it is, anything else as a quoted string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def inline(sql: str, params: Sequence[str | int]) -> str:
    """`sql` with each `?` replaced by its value as a literal. The report inlines its few values
    (account ids, item keys, a limit) instead of binding them: DuckDB imports pandas to bind a
    Python value, about 100 MB the report does not otherwise need."""
    pieces = sql.split("?")
    if len(pieces) != len(params) + 1:
        raise ValueError(f"{len(pieces) - 1} placeholders for {len(params)} values: {sql}")
    return "".join(
        p + (literal(v) if i < len(params) else "")
        for i, (p, v) in enumerate(zip(pieces, [*params, ""], strict=True))
    )


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[str | int] = ()) -> list[Row]:
    cursor = con.execute(inline(sql, params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


@dataclass
class Overview:
    """One account's (or the master's) overview page."""

    account: Row
    summary: Row | None
    class_values: list[Row]  # abc_class, xyz_class, items, inventory_value
    supplier_weeks: list[Row]  # supplier_code, week, currency, order_value
    at_risk_first: list[Row]  # the first items at risk, soonest stock-out first
    at_risk_count: int  # all items at risk (risk.stockout_before_delivery)
    overstock: list[Row]
    rejected: list[Row]  # source_account_id, reason, rows
    model_mix: list[Row]  # model, items
    children: list[Row] = field(default_factory=list)  # the master's children, with their status

    @property
    def at_risk(self) -> list[Row]:
        """The overview's list of items at risk."""
        return self.at_risk_first[:MAX_LIST_ROWS]


@dataclass
class ItemData:
    """Everything one item page shows."""

    key: ItemKey
    plan: Row | None
    kpis: Row | None
    accuracy: Row | None
    history: list[Row] = field(default_factory=list)
    forecast: list[Row] = field(default_factory=list)
    receipts: list[Row] = field(default_factory=list)  # open orders to receive
    planned: list[Row] = field(default_factory=list)  # planned purchase, build, transfer lines
    split: list[Row] = field(default_factory=list)  # the master's order per child account


def accounts(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Every account served, the master first, then the children in accounts.yaml's order."""
    return fetch(
        con,
        "select * from marts.accounts order by role = 'child', position, account_id",
    )


def overview(con: duckdb.DuckDBPyConnection, account: Row, all_accounts: list[Row]) -> Overview:
    scope = account["account_id"]
    summary = fetch(con, "select * from marts.kpi_summary where account_id = ?", [scope])
    at_risk = fetch(
        con,
        "select item_code, location, on_hand, available, order_qty, order_value, "
        "next_order_date, expected_delivery_date, projected_stockout_date, supplier_code "
        f"from marts.order_plan where account_id = ? and {AT_RISK_SQL} "
        "order by projected_stockout_date, item_code, location limit ?",
        [scope, MAX_ITEM_PAGES],
    )
    at_risk_count = fetch(
        con,
        f"select count(*) as n from marts.order_plan where account_id = ? and {AT_RISK_SQL}",
        [scope],
    )[0]["n"]
    rejected_key = "source_account_id" if account["role"] == MASTER_ROLE else "account_id"
    return Overview(
        account=account,
        summary=summary[0] if summary else None,
        class_values=fetch(
            con,
            "select abc_class, xyz_class, count(*) as items, "
            "sum(inventory_value) as inventory_value from marts.kpis where account_id = ? "
            "group by all order by all",
            [scope],
        ),
        supplier_weeks=fetch(
            con,
            "select coalesce(supplier_code, '(no supplier)') as supplier_code, "
            "cast(date_trunc('week', order_date) as date) as week, currency, "
            "sum(line_cost) as order_value, sum(qty) as qty "
            "from marts.purchase_orders where account_id = ? group by all order by week, 1",
            [scope],
        ),
        at_risk_first=at_risk,
        at_risk_count=at_risk_count,
        overstock=fetch(
            con,
            "select item_code, location, overstock_qty, overstock_value, days_of_supply "
            "from marts.kpis where account_id = ? and overstock_value > 0 "
            f"order by overstock_value desc, item_code limit {MAX_LIST_ROWS}",
            [scope],
        ),
        rejected=fetch(
            con,
            f"select coalesce({rejected_key}, account_id) as source_account_id, reason, "
            "count(*) as rows from marts.rejected_rows where account_id = ? "
            "group by all order by rows desc, 1, reason",
            [scope],
        ),
        model_mix=fetch(
            con,
            "select model, count(*) as items from marts.forecast_accuracy where account_id = ? "
            "group by all order by items desc, model",
            [scope],
        ),
        children=[row for row in all_accounts if row["role"] == CHILD_ROLE]
        if account["role"] == MASTER_ROLE
        else [],
    )


def item_selection(
    con: duckdb.DuckDBPyConnection, scope: str, at_risk: Iterable[ItemKey]
) -> list[ItemKey]:
    """The items that get a page: at risk first, then A items by revenue, capped."""
    chosen = dict.fromkeys(at_risk)
    for row in fetch(
        con,
        "select item_code, location from marts.kpis where account_id = ? and abc_class = 'A' "
        "order by annual_revenue desc nulls last, item_code, location limit ?",
        [scope, MAX_ITEM_PAGES],
    ):
        chosen.setdefault((row["item_code"], row["location"]))
    return list(chosen)[:MAX_ITEM_PAGES]


def _grouped(rows: list[Row]) -> dict[ItemKey, list[Row]]:
    grouped: dict[ItemKey, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[(row.pop("item_code"), row.pop("location"))].append(row)
    return grouped


def items(con: duckdb.DuckDBPyConnection, scope: str, keys: list[ItemKey]) -> list[ItemData]:
    """The item pages' data for `keys` of one scope: one query per mart, joined on the keys."""
    con.execute("create or replace temp table report_keys (item_code varchar, location varchar)")
    if keys:
        values = ", ".join(f"({literal(code)}, {literal(location)})" for code, location in keys)
        con.execute(f"insert into report_keys values {values}")

    def per_item(sql: str, extra: Sequence[Any] = ()) -> dict[ItemKey, list[Row]]:
        return _grouped(fetch(con, sql, [scope, *extra]))

    join = "join report_keys using (item_code, location) where account_id = ?"
    plan = per_item(f"select * exclude (account_id) from marts.order_plan {join}")
    kpis = per_item(f"select * exclude (account_id) from marts.kpis {join}")
    accuracy = per_item(f"select * exclude (account_id) from marts.forecast_accuracy {join}")
    history = per_item(
        "select item_code, location, period_start, qty, stockout_days, is_outlier "
        f"from marts.demand_history {join} order by period_start"
    )
    forecast = per_item(
        "select item_code, location, period_start, forecast_qty, forecast_lo, forecast_hi, model "
        f"from marts.demand_forecast {join} order by period_start"
    )
    receipts = per_item(
        "select item_code, location, order_type, order_number, qty, delivery_date, "
        "source_account_id "
        f"from marts.open_orders {join} order by delivery_date nulls last, order_number"
    )
    planned = per_item(
        "select item_code, location, 'purchase' as kind, supplier_code as source, order_date, "
        "delivery_date, qty, line_cost, currency "
        f"from marts.purchase_orders {join} "
        "union all "
        "select m.finished_code, m.location, 'build', null, m.start_date, m.due_date, m.qty, "
        "null, null from marts.manufacturing_orders as m join report_keys as k "
        "on m.finished_code = k.item_code and m.location = k.location where m.account_id = ? "
        "union all "
        "select t.item_code, t.to_location, 'transfer', t.from_location, t.ship_date, "
        "t.delivery_date, t.qty, null, null from marts.transfers as t join report_keys as k "
        "on t.item_code = k.item_code and t.to_location = k.location where t.account_id = ? "
        "order by delivery_date nulls last, kind",
        [scope, scope],
    )
    split = per_item(
        "select item_code, location, source_account_id, on_hand, on_order, "
        "demand_over_lead_time, order_qty, share_of_demand, share_of_master_order_qty "
        f"from marts.order_plan_by_account {join} order by source_account_id"
    )
    con.execute("drop table report_keys")
    return [
        ItemData(
            key=key,
            plan=(plan.get(key) or [None])[0],
            kpis=(kpis.get(key) or [None])[0],
            accuracy=(accuracy.get(key) or [None])[0],
            history=history.get(key, []),
            forecast=forecast.get(key, []),
            receipts=receipts.get(key, []),
            planned=planned.get(key, []),
            split=split.get(key, []),
        )
        for key in keys
    ]


def projection(data: ItemData) -> list[tuple[date, float, float]]:
    """Projected on hand at the end of each forecast period: (period_start, with the open orders
    only, with the planned orders too), over what the plan covers: up to the next delivery plus
    one order cycle (and at least four periods). It starts from the plan's available less
    backorders, adds receipts by delivery date and takes away the forecast."""
    if data.plan is None or not data.forecast:
        return []
    plan = data.plan
    first = data.forecast[0]["period_start"]
    lead = timedelta(days=float(plan.get("lead_time_days") or 0.0))
    cycle = timedelta(days=float(plan.get("order_cycle_days") or 0.0))
    delivery = plan.get("expected_delivery_date") or first
    covered_until = max(delivery, first + lead) + cycle
    periods = [row for row in data.forecast if row["period_start"] <= covered_until]
    periods = periods if len(periods) >= 4 else data.forecast[:4]
    stock = (plan.get("available") or 0.0) - (plan.get("backorders") or 0.0)
    ends: list[date | None] = [row["period_start"] for row in periods[1:]] + [None]
    open_only = planned_too = stock
    projected = []
    for row, end in zip(periods, ends, strict=True):
        received = _arriving(data.receipts, row["period_start"], end, first)
        ordered = _arriving(data.planned, row["period_start"], end, first)
        demand = row["forecast_qty"] or 0.0
        open_only += received - demand
        planned_too += received + ordered - demand
        projected.append((row["period_start"], open_only, planned_too))
    return projected


def _arriving(lines: list[Row], start: date, end: date | None, first: date) -> float:
    """Quantity delivered in [start, end); deliveries before the first period count in it."""
    return sum(
        line["qty"] or 0.0
        for line in lines
        if line["delivery_date"] is not None
        and (end is None or line["delivery_date"] < end)
        and (line["delivery_date"] >= start or start == first)
    )
