"""The planning report: charts and figures on small hand-checked cases, then the demo home's
report through the whole graph, opened in a real headless browser (Debian's chromium).

The browser tests need /usr/bin/chromium (`python3 tasks.py test` installs it with apt-get when
run as root; elsewhere `apt-get install chromium`); without it they skip and say so.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.docs import generate_docs
from orchestration.runner import run_pipeline
from tributary.config import Home
from tributary.demo import write_demo_home
from tributary.report import ReportError, build_report, svg
from tributary.report.data import ItemData, inline, projection
from tributary.report.pages import slug
from tributary.report.risk import stockout_before_delivery
from tributary.report.summary import largest_orders, markdown_table

CHROMIUM = Path("/usr/bin/chromium")

# -- small cases --------------------------------------------------------------------------------


def test_at_risk_means_the_stock_runs_out_before_the_next_delivery():
    assert stockout_before_delivery(date(2026, 11, 5), date(2026, 11, 9))
    assert not stockout_before_delivery(date(2026, 11, 9), date(2026, 11, 9))
    assert not stockout_before_delivery(None, date(2026, 11, 9))
    assert not stockout_before_delivery(date(2026, 11, 5), None)
    assert not stockout_before_delivery(float("nan"), date(2026, 11, 9))


def test_projection_adds_receipts_and_takes_the_forecast_away():
    weeks = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    item = ItemData(
        key=("A", "L"),
        plan={
            "available": 100.0,
            "backorders": 10.0,
            "lead_time_days": 7.0,
            "order_cycle_days": 7.0,
            "expected_delivery_date": date(2026, 11, 9),
        },
        kpis=None,
        accuracy=None,
        forecast=[{"period_start": w, "forecast_qty": 30.0} for w in weeks],
        # an open order due before the first period counts in the first period
        receipts=[{"qty": 5.0, "delivery_date": date(2026, 11, 1)}],
        planned=[{"qty": 40.0, "delivery_date": date(2026, 11, 10)}],
    )
    # 90 on hand to start; -30 a week; +5 in week 1; +40 planned in week 2
    assert projection(item) == [
        (weeks[0], 65.0, 65.0),
        (weeks[1], 35.0, 75.0),
        (weeks[2], 5.0, 45.0),
        (weeks[3], -25.0, 15.0),
    ]


def test_charts_have_a_size_and_say_when_there_is_nothing_to_draw():
    chart = svg.TimeChart(
        "t", lines=[svg.Series("s", [(date(2026, 1, 1), 1.0), (date(2026, 2, 1), 3.0)])]
    )
    drawn = chart.render()
    assert 'width="720"' in drawn and "<polyline" in drawn
    assert "no data" in svg.TimeChart("empty").render()
    bars = svg.bar_chart("b", ["A", "B"], [("x", [1.0, 2.0]), ("y", [0.5, 0.0])])
    assert bars.count("<rect") == 3 + 2  # three bars and two legend keys
    assert "nothing to show" in svg.horizontal_bars("h", [])


def test_values_are_inlined_as_literals_quotes_and_all():
    assert inline("a = ? and b < ?", ["it's", 3]) == "a = 'it''s' and b < 3"
    with pytest.raises(ValueError, match="2 placeholders for 1 values"):
        inline("a = ? and b = ?", ["x"])
    con = duckdb.connect()
    assert con.execute(inline("select ? as v", ["o'clock"])).fetchone() == ("o'clock",)


def test_item_page_names_are_unique_and_safe():
    names = {slug(("ab/1", "X")), slug(("AB/1", "X")), slug(("ab 1", "X"))}
    assert len(names) == 3
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", name) for name in names)


def test_markdown_tables_of_the_largest_orders():
    import pandas as pd

    plan = pd.DataFrame(
        {
            "item_code": ["A", "B", "C"],
            "location": ["L", "L", "L"],
            "supplier_code": ["S|1", "S", "S"],
            "order_qty": [5.0, 0.0, 2.0],
            "order_value": [50.0, 0.0, 200.0],
            "next_order_date": [date(2026, 11, 2)] * 3,
            "expected_delivery_date": [pd.NaT] * 3,
        }
    )
    lines = largest_orders(plan).splitlines()
    assert lines[0].startswith("| item_code | location | supplier_code |")
    assert [line.split(" | ")[0] for line in lines[2:]] == ["| C", "| A"]  # by value, no B
    assert "S\\|1" in lines[3]
    assert markdown_table(plan.head(0), ["item_code"]).count("\n") == 1


# -- the demo home through the whole graph ------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Home:
    home = Home(tmp_path_factory.mktemp("report"))
    write_demo_home(home.root)
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok, summary
    assert summary.report_ok
    return home


def marts(home: Home, sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        cursor = con.execute(sql, params or [])
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_every_run_writes_the_report_in_the_home(demo):
    index = demo.report / "index.html"
    assert index.exists()
    accounts = [row["account_id"] for row in marts(demo, "select account_id from marts.accounts")]
    for account in accounts:
        assert (demo.report / account / "index.html").exists()
        assert (demo.report / account / "items-1.html").exists()
    html = index.read_text()
    assert "http://" not in html and "https://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_the_forecast_plan_and_kpi_materializations_carry_readable_metadata(demo):
    instance = dg.DagsterInstance.from_config(str(demo.dagster_home))
    keys = {
        ("forecasts", "demand_forecast"): {"rows", "series", "model_mix", "report"},
        ("plans", "order_plan"): {
            "rows",
            "order_value",
            "items_at_risk",
            "largest_orders",
            "report",
        },
        ("kpis", "kpis"): {"rows", "inventory_value", "overstock_value", "report"},
        ("report", "planning_report"): {"report", "item_pages", "items_at_risk"},
    }
    at_risk = {
        row["account_id"]: row["n"]
        for row in marts(
            demo,
            "select account_id, count(*) filter (where projected_stockout_date < "
            "expected_delivery_date) as n from marts.order_plan group by 1",
        )
    }
    for path, wanted in keys.items():
        partition = None if path[0] == "report" else "master"
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey(list(path)),
                asset_partitions=[partition] if partition else None,
            ),
            limit=1,
        ).records
        assert records, path
        metadata = records[0].asset_materialization.metadata
        assert wanted <= set(metadata), (path, set(metadata))
        if path == ("plans", "order_plan"):
            assert metadata["items_at_risk"].value == at_risk["master"]
            table = metadata["largest_orders"].value
            assert table.startswith("| item_code |") and len(table.splitlines()) <= 12
            assert metadata["report"].value == str(demo.report / "master" / "index.html")
        if path == ("report", "planning_report"):
            assert metadata["items_at_risk"].value == at_risk


def test_report_for_one_account_into_another_folder_and_bad_accounts(demo, tmp_path):
    runner = CliRunner()
    out = tmp_path / "one"
    result = runner.invoke(
        app, ["report", "--home", str(demo.root), "--account", "webshop", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["webshop"]
    assert "report:" in result.output
    bad = runner.invoke(
        app, ["report", "--home", str(demo.root), "--account", "nope", "--out", str(out)]
    )
    assert bad.exit_code != 0
    assert "no account nope" in bad.output
    # the failed build left the previous report in place
    assert (out / "webshop" / "index.html").exists()


def test_a_failed_build_keeps_the_previous_report(demo, tmp_path):
    out = tmp_path / "kept"
    build_report(demo.warehouse, out, only=["wholesale"], progress=lambda _: None)
    before = (out / "index.html").read_bytes()
    with pytest.raises(ReportError, match="no warehouse"):
        build_report(tmp_path / "missing.duckdb", out, progress=lambda _: None)
    assert (out / "index.html").read_bytes() == before
    assert not list(tmp_path.glob(".kept.*"))


def test_dbt_docs_site_for_the_home(demo):
    site = generate_docs(demo, demo.load(), progress=lambda _: None)
    page = (site / "static_index.html").read_text()
    for model in ("order_plan", "int_demand_by_period", "stg_transactions"):
        assert model in page
    assert not (demo.root / "docs" / "catalog").exists()  # the warehouse copy is gone


# -- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium, as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def open_page(browser, path: Path):
    """The page at `path`, with every console error and every non-file request recorded."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.errors, page.network = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on(
        "request", lambda r: None if r.url.startswith("file://") else page.network.append(r.url)
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


def charts_drawn(page) -> int:
    sizes = page.eval_on_selector_all(
        "svg.chart",
        "els => els.map(e => {const r = e.getBoundingClientRect(); return [r.width, r.height]})",
    )
    assert sizes and all(w > 0 and h > 0 for w, h in sizes), sizes
    return len(sizes)


def figures(page) -> dict[str, tuple[str, str]]:
    """data-field -> (data-value, text shown), for the first element of each field."""
    found = page.eval_on_selector_all(
        ".tile [data-field]",
        "els => els.map(e => [e.dataset.field, e.dataset.value, e.textContent])",
    )
    result: dict[str, tuple[str, str]] = {}
    for field, value, text in found:
        result.setdefault(field, (value, text))
    return result


def same(shown: str, expected) -> bool:
    if expected is None:
        return shown == ""
    if isinstance(expected, float | int):
        return abs(float(shown) - float(expected)) <= 1e-9 * max(1.0, abs(float(expected)))
    return shown == (expected.isoformat() if hasattr(expected, "isoformat") else str(expected))


def test_the_overview_in_a_browser_shows_the_marts_figures(demo, browser):
    page = open_page(browser, demo.report / "master" / "index.html")
    assert charts_drawn(page) >= 3
    shown = figures(page)
    summary = marts(demo, "select * from marts.kpi_summary where account_id = 'master'")[0]
    for field in ("items", "annual_revenue", "inventory_value", "overstock_value", "fill_rate_12m"):
        value, text = shown[field]
        assert same(value, summary[field]), (field, value, summary[field])
        decimals = {"fill_rate_12m": 3}.get(field, 0)
        assert text == svg.number(summary[field], decimals), (field, text)
    at_risk = marts(
        demo,
        "select count(*) as n from marts.order_plan where account_id = 'master' "
        "and projected_stockout_date < expected_delivery_date",
    )[0]["n"]
    assert shown["items_at_risk"][0] == str(at_risk)
    # the toggle: every account is one link away
    links = page.eval_on_selector_all("header a", "els => els.map(e => e.textContent)")
    assert {"master", "warehouse", "webshop", "wholesale"} <= set(links)
    assert page.errors == [] and page.network == []
    page.close()


def test_an_item_page_in_a_browser_shows_the_plan_and_its_charts(demo, browser):
    listing = open_page(browser, demo.report / "master" / "items-1.html")
    href = listing.eval_on_selector("table a", "a => a.getAttribute('href')")
    listing.close()
    page = open_page(browser, demo.report / "master" / href)
    assert charts_drawn(page) == 2  # demand with forecast, projected on hand
    title = page.text_content("h1")
    code, location = re.match(r"(\S+) at (\S+)", title).groups()
    plan = marts(
        demo,
        "select * from marts.order_plan where account_id = 'master' and item_code = ? "
        "and location = ?",
        [code, location],
    )[0]
    shown = figures(page)
    for field in (
        "on_hand",
        "on_order",
        "safety_stock",
        "reorder_point",
        "order_qty",
        "projected_stockout_date",
        "expected_delivery_date",
    ):
        assert same(shown[field][0], plan[field]), (field, shown[field], plan[field])
    forecast = marts(
        demo,
        "select count(*) as n from marts.demand_forecast where account_id = 'master' "
        "and item_code = ? and location = ?",
        [code, location],
    )[0]["n"]
    if forecast:
        assert page.locator("svg.chart polygon").count() >= 1  # the 80 % band
    assert page.errors == [] and page.network == []
    page.close()
