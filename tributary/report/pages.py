"""The report's HTML pages: an index, one overview per account, item lists and item pages.

Every figure taken from a mart is printed in an element with `data-field` (the mart's column)
and `data-value` (the value as stored), so a reader, or a test, can tell which number is which.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import Any

from tributary.report import svg
from tributary.report.data import ItemData, ItemKey, Overview, Row, projection
from tributary.report.risk import stockout_before_delivery

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;
color:#1d2330;background:#f6f7f9}
header{background:#14213d;color:#fff;padding:10px 24px}
header a{color:#cfe3ff;margin-right:14px;text-decoration:none}
header a.current{color:#fff;font-weight:600;text-decoration:underline}
main{padding:16px 24px;max-width:1180px}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:22px 0 8px}
.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:8px 12px;min-width:130px}
.tile .label{color:#5b6475;font-size:12px}.tile .value{font-size:19px;font-weight:600}
table{border-collapse:collapse;background:#fff;margin:4px 0 10px}
th,td{border:1px solid #dde1e7;padding:3px 8px;text-align:left}td.num,th.num{text-align:right}
th{background:#eef1f5;font-weight:600}
.chart{background:#fff;border:1px solid #dde1e7;border-radius:6px;max-width:100%;height:auto}
.chart .grid{stroke:#e6e9ee}.chart .tick{font-size:11px;fill:#5b6475}.chart .muted{fill:#8a93a3}
.chart .shade{fill:#D55E00;fill-opacity:.12}.chart .marker{fill:#D55E00}
.chart .rule{stroke:#5b6475;stroke-dasharray:3 3}
.status-ok{color:#0b7a3e}.status-stale,.status-partial,.status-failed,.status-never_loaded{color:#b3261e;font-weight:600}
.muted{color:#6b7385}.pager a{margin-right:8px}
"""


def slug(key: ItemKey) -> str:
    """A file name for an item page: readable, and unique even where codes differ only in case."""
    code, location = key
    readable = re.sub(r"[^A-Za-z0-9_-]+", "_", f"{code}__{location}")[:60]
    digest = hashlib.sha1(f"{code}\x1f{location}".encode()).hexdigest()[:8]
    return f"{readable}-{digest}"


def _text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return svg.number(value, 0 if abs(value) >= 100 else 2)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def figure(field: str, value: Any, shown: str | None = None) -> str:
    """A figure as it was read from a mart, labelled with its column."""
    return (
        f'<span data-field="{escape(field)}" data-value="{escape(_raw(value))}">'
        f"{escape(shown if shown is not None else _text(value))}</span>"
    )


def tile(label: str, field: str, value: Any, shown: str | None = None) -> str:
    return (
        f'<div class="tile"><div class="label">{escape(label)}</div>'
        f'<div class="value">{figure(field, value, shown)}</div></div>'
    )


def table(
    columns: Sequence[tuple[str, str]], rows: Sequence[Row], link: dict[int, str] | None = None
) -> str:
    """An HTML table of mart rows: columns are (column, heading); `link` maps row index -> href
    for the first column."""
    if not rows:
        return '<p class="muted">none</p>'
    head = "".join(
        f'<th class="{"num" if isinstance(rows[0].get(c), int | float) else ""}">{escape(h)}</th>'
        for c, h in columns
    )
    body = []
    for index, row in enumerate(rows):
        cells = []
        for position, (column, _) in enumerate(columns):
            value = row.get(column)
            cell = figure(column, value)
            if position == 0 and link and index in link:
                cell = f'<a href="{escape(link[index])}">{cell}</a>'
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(f'<td class="{"num" if numeric else ""}">{cell}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page(title: str, nav: str, body: str, generated: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header>{nav}</header><main>{body}"
        f'<p class="muted">Generated {escape(generated)} by Tributary from the warehouse\'s marts.'
        "</p></main></body></html>"
    )


def navigation(accounts: Sequence[Row], current: str | None, depth: int) -> str:
    """Links to the index and every account's overview: the master/child toggle."""
    up = "../" * depth
    links = [
        f'<a href="{up}index.html"{" class=current" if current is None else ""}>All accounts</a>'
    ]
    for account in accounts:
        scope = account["account_id"]
        css = ' class="current"' if scope == current else ""
        links.append(f'<a href="{up}{escape(scope)}/index.html"{css}>{escape(scope)}</a>')
    return "<strong>Tributary</strong> &nbsp; " + " ".join(links)


def index_page(
    accounts: Sequence[Row], summaries: dict[str, Row | None], as_of: date | None, generated: str
) -> str:
    rows = []
    for account in accounts:
        summary = summaries.get(account["account_id"]) or {}
        rows.append({**account, **{k: v for k, v in summary.items() if k != "account_id"}})
    columns = [
        ("account_id", "account"),
        ("role", "role"),
        ("load_status", "status"),
        ("last_loaded_at", "loaded at"),
        ("items", "items"),
        ("annual_revenue", "annual revenue"),
        ("inventory_value", "inventory value"),
        ("overstock_value", "overstock value"),
        ("fill_rate_12m", "fill rate 12m"),
        ("currency", "currency"),
    ]
    links = {i: f"{row['account_id']}/index.html" for i, row in enumerate(rows)}
    body = (
        f"<h1>Planning report, as of {as_of.isoformat() if as_of else 'unknown'}</h1>"
        "<p>Each account's overview, the master first. Every figure is a column of the marts in "
        "<code>warehouse.duckdb</code> (schema <code>marts</code>).</p>"
        + table(columns, rows, links)
    )
    return page("Tributary planning report", navigation(accounts, None, 0), body, generated)


def _staleness(account: Row, now: datetime) -> str:
    loaded = account.get("last_loaded_at")
    if loaded is None:
        return "never loaded"
    hours = (now - loaded).total_seconds() / 3600
    return f"{hours:.0f} h ago" if hours >= 1 else "under an hour ago"


def overview_page(
    view: Overview,
    accounts: Sequence[Row],
    item_pages: set[ItemKey],
    pages_count: int,
    now: datetime,
    generated: str,
) -> str:
    """One account's overview: load status, key figures, risks, classes, orders and children."""
    scope = view.account["account_id"]
    parts = [
        _account_heading(view.account, now),
        _key_figures(view),
        _at_risk_section(view, item_pages),
        _class_value_section(view),
        _supplier_weeks(view),
        _overstock_section(view),
        _model_mix_section(view),
        _rejected_section(view),
        _children_section(view, now),
        f'<h2>Item pages</h2><p><a href="items-1.html">{len(item_pages)} items</a> '
        f"(at risk first, then A items by revenue; {pages_count} page(s) of the list).</p>",
    ]
    return page(
        f"{scope}: planning overview", navigation(accounts, scope, 1), "".join(parts), generated
    )


def _account_heading(account: Row, now: datetime) -> str:
    """The overview's title, load status and row counts, and the last error or stale children."""
    scope = account["account_id"]
    currency = account.get("currency") or ""
    status = account.get("load_status") or "unknown"
    parts = [
        f"<h1>{escape(account.get('name') or scope)} <span class=muted>("
        + escape(scope if scope == account["role"] else f"{scope}, {account['role']}")
        + ")</span></h1>",
        f'<p>Load status: <span class="status-{escape(status)}">{figure("load_status", status)}'
        f"</span>, loaded {escape(_staleness(account, now))} "
        f"({figure('last_loaded_at', account.get('last_loaded_at'))}); "
        f"{figure('rows_loaded', account.get('rows_loaded'))} rows loaded, "
        f"{figure('rows_rejected', account.get('rows_rejected'))} rejected. Money in "
        f"{escape(currency)}.</p>",
    ]
    if account.get("last_error"):
        parts.append(f"<p class=status-stale>Last error: {escape(str(account['last_error']))}</p>")
    if account.get("stale_children"):
        parts.append(
            "<p class=status-stale>Stale children: "
            f"{figure('stale_children', account['stale_children'])}</p>"
        )
    return "".join(parts)


# (label, kpi_summary column, decimals shown) for the overview's tiles
KEY_FIGURES = (
    ("Items", "items", 0),
    ("A items", "items_a", 0),
    ("Annual revenue", "annual_revenue", 0),
    ("Revenue next year", "revenue_next_year", 0),
    ("Gross margin %", "gross_margin_pct", 3),
    ("Inventory value", "inventory_value", 0),
    ("Overstock value", "overstock_value", 0),
    ("Expected stock-out value", "expected_stockout_value", 0),
    ("Turnover", "turnover", 2),
    ("Days of supply", "days_of_supply", 1),
    ("Fill rate 12m", "fill_rate_12m", 3),
    ("Lost sales 12m", "lost_sales_qty_12m", 0),
)


def _key_figures(view: Overview) -> str:
    """The kpi_summary tiles and the count of items at risk."""
    summary = view.summary or {}
    parts = ['<h2>Key figures (kpi_summary)</h2><div class="tiles">']
    for label, field, decimals in KEY_FIGURES:
        value = summary.get(field)
        shown = svg.number(value, decimals) if isinstance(value, float) else None
        parts.append(tile(label, field, value, shown))
    parts.append(tile("Items at risk of stock-out", "items_at_risk", view.at_risk_count) + "</div>")
    return "".join(parts)


def _at_risk_section(view: Overview, item_pages: set[ItemKey]) -> str:
    """The items that run out before their next delivery, linked to their pages."""
    links = {
        i: f"item/{slug((r['item_code'], r['location']))}.html"
        for i, r in enumerate(view.at_risk)
        if (r["item_code"], r["location"]) in item_pages
    }
    return (
        f"<h2>Items at risk of stock-out before their next delivery ({view.at_risk_count})</h2>"
    ) + table(
        [
            ("item_code", "item"),
            ("location", "location"),
            ("available", "available"),
            ("projected_stockout_date", "stock-out"),
            ("expected_delivery_date", "next delivery"),
            ("order_qty", "order now"),
            ("supplier_code", "supplier"),
        ],
        view.at_risk,
        links,
    )


def _class_value_section(view: Overview) -> str:
    """Inventory value by ABC class stacked by XYZ class: the chart and its table."""
    stacks = [
        (
            xyz or "none",
            [
                sum(
                    r["inventory_value"] or 0.0
                    for r in view.class_values
                    if r["abc_class"] == abc and r["xyz_class"] == xyz
                )
                for abc in ("A", "B", "C")
            ],
        )
        for xyz in sorted({r["xyz_class"] or "" for r in view.class_values})
    ]
    chart = svg.bar_chart(
        "Inventory value by ABC class, stacked by XYZ class", ["A", "B", "C"], stacks
    )
    columns = [
        ("abc_class", "ABC"),
        ("xyz_class", "XYZ"),
        ("items", "items"),
        ("inventory_value", "inventory value"),
    ]
    return "<h2>Inventory value by ABC/XYZ class</h2>" + chart + table(columns, view.class_values)


def _overstock_section(view: Overview) -> str:
    """The overstocked items, largest value first."""
    columns = [
        ("item_code", "item"),
        ("location", "location"),
        ("overstock_qty", "overstock qty"),
        ("overstock_value", "overstock value"),
        ("days_of_supply", "days of supply"),
    ]
    return "<h2>Overstock (largest value first)</h2>" + table(columns, view.overstock)


def _model_mix_section(view: Overview) -> str:
    """How many items each forecast model was chosen for."""
    bars = [(r["model"], r["items"]) for r in view.model_mix]
    return "<h2>Chosen forecast models</h2>" + svg.horizontal_bars("Items per chosen model", bars)


def _rejected_section(view: Overview) -> str:
    """The most frequent reasons rows were rejected."""
    columns = [("source_account_id", "account"), ("reason", "reason"), ("rows", "rows")]
    return "<h2>Rejected rows, top reasons</h2>" + table(columns, view.rejected[:MAX_REASONS])


def _children_section(view: Overview, now: datetime) -> str:
    """The master's children with their load status and age; empty for a child."""
    if not view.children:
        return ""
    rows = [{**child, "staleness": _staleness(child, now)} for child in view.children]
    columns = [
        ("account_id", "account"),
        ("load_status", "status"),
        ("last_loaded_at", "loaded at"),
        ("staleness", "age"),
        ("rows_loaded", "rows loaded"),
        ("rows_rejected", "rows rejected"),
        ("last_error", "last error"),
    ]
    links = {i: f"../{row['account_id']}/index.html" for i, row in enumerate(rows)}
    return "<h2>Children: load status and staleness</h2>" + table(columns, rows, links)


MAX_REASONS = 10
MAX_SUPPLIERS = 7  # stacks in the order-value chart; the rest is "other"
MAX_WEEKS = 16


def _supplier_weeks(view: Overview) -> str:
    """Planned purchase order value per week, stacked by supplier: one chart per currency (a
    supplier is paid in its own), lines without a cost listed by quantity only."""
    rows = view.supplier_weeks
    parts = ["<h2>Order value by supplier and week</h2>"]
    if not rows:
        return parts[0] + '<p class="muted">no planned purchase orders</p>'
    weeks = sorted({r["week"] for r in rows})[:MAX_WEEKS]
    for currency in sorted({r["currency"] for r in rows if r["currency"]}):
        priced = [r for r in rows if r["currency"] == currency and r["week"] in weeks]
        totals: dict[str, float] = {}
        for r in priced:
            totals[r["supplier_code"]] = totals.get(r["supplier_code"], 0.0) + (
                r["order_value"] or 0.0
            )
        top = sorted(totals, key=lambda s: (-totals[s], s))[:MAX_SUPPLIERS]
        stacks = []
        for supplier in [*top, "other"]:
            members = [supplier] if supplier != "other" else sorted(set(totals) - set(top))
            values = [
                sum(
                    r["order_value"] or 0.0
                    for r in priced
                    if r["week"] == week and r["supplier_code"] in members
                )
                for week in weeks
            ]
            if any(values):
                stacks.append((supplier, values))
        parts.append(
            svg.bar_chart(
                f"Order value in {currency} by week, stacked by supplier",
                [w.isoformat() for w in weeks],
                stacks,
            )
        )
    parts.append(
        table(
            [
                ("week", "week"),
                ("supplier_code", "supplier"),
                ("qty", "qty"),
                ("order_value", "order value"),
                ("currency", "currency"),
            ],
            [r for r in rows if r["week"] in weeks],
        )
    )
    return "".join(parts)


def list_page(
    scope: str,
    accounts: Sequence[Row],
    rows: Sequence[Row],
    number: int,
    pages_count: int,
    generated: str,
) -> str:
    pager = " ".join(
        f'<a href="items-{n}.html">{"<strong>" + str(n) + "</strong>" if n == number else n}</a>'
        for n in range(1, pages_count + 1)
    )
    links = {i: f"item/{slug((r['item_code'], r['location']))}.html" for i, r in enumerate(rows)}
    body = (
        f"<h1>{escape(scope)}: items with a page ({number}/{pages_count})</h1>"
        f'<p class="pager">{pager}</p>'
        + table(
            [
                ("item_code", "item"),
                ("location", "location"),
                ("abc_class", "ABC"),
                ("annual_revenue", "annual revenue"),
                ("order_qty", "order qty"),
                ("projected_stockout_date", "stock-out"),
                ("expected_delivery_date", "next delivery"),
            ],
            rows,
            links,
        )
    )
    return page(f"{scope}: items", navigation(accounts, scope, 1), body, generated)


def item_page(
    scope: str,
    data: ItemData,
    accounts: Sequence[Row],
    others: dict[str, bool],
    generated: str,
) -> str:
    """One item of one scope; `others` says for each other scope whether it has this item's page."""
    code, location = data.key
    accuracy = data.accuracy or {}
    model = (data.forecast[0]["model"] if data.forecast else None) or accuracy.get("model")
    toggle = _same_item_links(data.key, others)
    parts = [
        f"<h1>{escape(code)} at {escape(location)} <span class=muted>({escape(scope)})</span></h1>",
        f"<p>Same item in: {toggle or '<span class=muted>no other account</span>'}</p>",
        _item_tiles(data, model),
        _model_choice(accuracy),
        _risk_note(data.plan or {}),
        "<h2>Demand history and forecast</h2>",
        _demand_chart(data, model),
        "<h2>Projected on hand</h2>",
        _projection_chart(data),
        _planned_orders_section(data),
        _open_orders_section(data),
        _master_split_section(data, others),
    ]
    title = f"{code} at {location} ({scope})"
    return page(title, navigation(accounts, scope, 2), "".join(parts), generated)


def _same_item_links(key: ItemKey, others: dict[str, bool]) -> str:
    """Links to this item's page in the other scopes; the scopes without one are greyed out."""
    return " ".join(
        f'<a href="../../{escape(other)}/item/{slug(key)}.html">{escape(other)}</a>'
        if has_page
        else f'<span class="muted">{escape(other)}</span>'
        for other, has_page in others.items()
    )


def _item_tiles(data: ItemData, model: str | None) -> str:
    """The item's classes, stock, plan and forecast model as tiles."""
    plan, kpis, accuracy = data.plan or {}, data.kpis or {}, data.accuracy or {}
    tiles = [
        tile(
            "ABC / XYZ",
            "abc_class",
            kpis.get("abc_class"),
            f"{kpis.get('abc_class') or '–'} / {kpis.get('xyz_class') or '–'}",
        ),
        tile("Annual revenue", "annual_revenue", kpis.get("annual_revenue")),
        tile("On hand", "on_hand", plan.get("on_hand")),
        tile("On order", "on_order", plan.get("on_order")),
        tile("Safety stock", "safety_stock", plan.get("safety_stock")),
        tile("Reorder point", "reorder_point", plan.get("reorder_point")),
        tile("Order now", "order_qty", plan.get("order_qty")),
        tile("Order value", "order_value", plan.get("order_value")),
        tile("Next order", "next_order_date", plan.get("next_order_date")),
        tile("Next delivery", "expected_delivery_date", plan.get("expected_delivery_date")),
        tile("Projected stock-out", "projected_stockout_date", plan.get("projected_stockout_date")),
        tile("Model", "model", model),
        tile("Backtest MASE", "mase", accuracy.get("mase"), _mase(accuracy.get("mase"))),
    ]
    return '<div class="tiles">' + "".join(tiles) + "</div>"


def _model_choice(accuracy: Row) -> str:
    """The runner-up model and its backtest MASE; empty when there was none."""
    if not accuracy.get("runner_up"):
        return ""
    runner_up_mase = accuracy.get("runner_up_mase")
    return (
        f"<p>Chosen over {figure('runner_up', accuracy['runner_up'])} (backtest MASE "
        f"{figure('runner_up_mase', runner_up_mase, _mase(runner_up_mase))}).</p>"
    )


def _risk_note(plan: Row) -> str:
    """A warning when the stock runs out before the next delivery; empty otherwise."""
    if stockout_before_delivery(
        plan.get("projected_stockout_date"), plan.get("expected_delivery_date")
    ):
        return "<p class=status-stale>At risk: the stock runs out before the next delivery.</p>"
    return ""


def _planned_orders_section(data: ItemData) -> str:
    """The item's planned orders and transfers."""
    columns = [
        ("kind", "kind"),
        ("source", "supplier / from"),
        ("order_date", "order or start date"),
        ("delivery_date", "delivery date"),
        ("qty", "qty"),
        ("line_cost", "line cost"),
        ("currency", "currency"),
    ]
    return "<h2>Planned orders</h2>" + table(columns, data.planned)


def _open_orders_section(data: ItemData) -> str:
    """The item's open orders still to be received."""
    columns = [
        ("order_type", "type"),
        ("order_number", "order"),
        ("delivery_date", "delivery"),
        ("qty", "qty"),
        ("source_account_id", "from account"),
    ]
    return "<h2>Open orders to receive</h2>" + table(columns, data.receipts)


def _master_split_section(data: ItemData, others: dict[str, bool]) -> str:
    """The master's order shared out per child account; empty outside the master."""
    if not data.split:
        return ""
    columns = [
        ("source_account_id", "account"),
        ("on_hand", "on hand"),
        ("on_order", "on order"),
        ("demand_over_lead_time", "demand over lead time"),
        ("share_of_demand", "share of demand"),
        ("order_qty", "child's own order"),
        ("share_of_master_order_qty", "share of the master's order"),
    ]
    links = {
        i: f"../../{row['source_account_id']}/item/{slug(data.key)}.html"
        for i, row in enumerate(data.split)
        if others.get(row["source_account_id"])
    }
    return "<h2>The master's order, per account</h2>" + table(columns, data.split, links)


def _mase(value: float | None) -> str:
    return svg.number(value, 3)


def _demand_chart(data: ItemData, model: str | None) -> str:
    history = [(r["period_start"], float(r["qty"] or 0.0)) for r in data.history]
    chart = svg.TimeChart(title="Demand history and forecast")
    chart.lines.append(svg.Series("demand", history, svg.PALETTE[0]))
    if data.forecast:
        chart.lines.append(
            svg.Series(
                f"forecast ({model})",
                [(r["period_start"], r["forecast_qty"]) for r in data.forecast],
                svg.PALETTE[1],
                dashed=True,
            )
        )
        chart.bands.append(
            svg.Band(
                "80 % band",
                [
                    (r["period_start"], r["forecast_lo"] or 0.0, r["forecast_hi"] or 0.0)
                    for r in data.forecast
                ],
                svg.PALETTE[1],
            )
        )
        chart.rules.append((data.forecast[0]["period_start"], "forecast"))
    chart.markers = [
        (r["period_start"], float(r["qty"] or 0.0), f"outlier {r['period_start']}: {r['qty']}")
        for r in data.history
        if r["is_outlier"]
    ]
    starts = [r["period_start"] for r in data.history]
    for index, r in enumerate(data.history):
        if (r["stockout_days"] or 0) > 0:
            end = starts[index + 1] if index + 1 < len(starts) else r["period_start"]
            chart.shaded.append((r["period_start"], end, f"stock-out {r['stockout_days']} day(s)"))
    return chart.render()


def _projection_chart(data: ItemData) -> str:
    projected = projection(data)
    plan = data.plan or {}
    chart = svg.TimeChart(title="Projected on hand against safety stock and reorder point")
    chart.lines.append(
        svg.Series("with open orders", [(d, a) for d, a, _ in projected], svg.PALETTE[5], step=True)
    )
    chart.lines.append(
        svg.Series(
            "with planned orders", [(d, b) for d, _, b in projected], svg.PALETTE[2], step=True
        )
    )
    for name, field, colour in (
        ("safety stock", "safety_stock", svg.PALETTE[3]),
        ("reorder point", "reorder_point", svg.PALETTE[7]),
    ):
        if plan.get(field) is not None and projected:
            chart.lines.append(
                svg.Series(
                    name,
                    [(projected[0][0], plan[field]), (projected[-1][0], plan[field])],
                    colour,
                    dashed=True,
                )
            )
    return chart.render()
