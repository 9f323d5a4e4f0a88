"""Group planning (#12) end to end on a generated group: two currencies, three children, the
same products under different codes and pack sizes, and the master forecast reconciled with its
children's (master.forecast.master_mode: reconciled, MinTrace OLS).

Children (master currency USD, exchange rates EUR 1.10 from 2025-01-01 and 1.20 from 2025-05-05):
- ``eu_store`` (EUR) sells SKU-1..SKU-4 under those codes;
- ``us_web`` (USD) sells SKU-1 and SKU-2 as WS-1-BLK and WS-2-BLK, and its own WS-9;
- ``us_trade`` (USD) sells cases: CASE-1 = 6 x SKU-1, CASE-3 = 12 x SKU-3, and its own T-7. Its
  item map also maps CASE-1 a second time (to SKU-2): that row is rejected by name.

The group goes through the real pipeline once (``run_pipeline``: loads, dbt build with its tests,
forecasts, plans, marts); every expectation below is computed from the generated input files
with pandas, independently of the warehouse's SQL.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.runner import RunSummary, run_pipeline
from tributary.config import Account, Config, Connection, ForecastOptions, Home, Master
from tributary.exchange_rates import ExchangeRatesError, load_exchange_rates
from tributary.loading import AccountLoadError, load_account

AS_OF = date(2025, 6, 30)  # a Monday: weeks 2025-03-03 .. 2025-06-23 are history
FIRST_DAY = date(2025, 3, 3)
RATES_CSV = "currency,rate_to_base,valid_from\nEUR,1.10,2025-01-01\nEUR,1.20,2025-05-05\n"
# a child's override (20 cases of CASE-1 in the first two weeks) and one of the master's own,
# which a summing master mode reports as not applied
OVERRIDES_CSV = (
    "account_id,item_code,location,period_start,period_end,qty,pct_change,note,author\n"
    "us_trade,CASE-1,,2025-06-30,2025-07-13,20,,trade fair,ann\n"
    "master,SKU-4,,2025-06-30,2025-07-06,100,,group call,cy\n"
)
ENV_KEYS = ("TRIBUTARY_HOME", "TRIBUTARY_LAKE", "TRIBUTARY_WAREHOUSE", "DAGSTER_HOME")

# child -> (currency, {own code: (master code or None, multiplier, daily mean, unit price)})
CHILDREN = {
    "eu_store": (
        "EUR",
        {
            "SKU-1": (None, 1, 6.0, 10.0),
            "SKU-2": (None, 1, 3.0, 20.0),
            "SKU-3": (None, 1, 2.0, 5.0),
            "SKU-4": (None, 1, 1.0, 40.0),
        },
    ),
    "us_web": (
        "USD",
        {
            "WS-1-BLK": ("SKU-1", 1, 4.0, 12.0),
            "WS-2-BLK": ("SKU-2", 1, 2.0, 25.0),
            "WS-9": (None, 1, 1.5, 8.0),
        },
    ),
    "us_trade": (
        "USD",
        {
            "CASE-1": ("SKU-1", 6, 1.0, 60.0),
            "CASE-3": ("SKU-3", 12, 0.5, 50.0),
            "T-7": (None, 1, 2.0, 3.0),
        },
    ),
}


def rate(currency: str, day: date) -> float:
    if currency == "USD":
        return 1.0
    return 1.20 if day >= date(2025, 5, 5) else 1.10


def generate_child(account: str, seed: int) -> dict[str, pd.DataFrame]:
    """Daily sales with Poisson quantities, an items file and (for mapped codes) an item map."""
    _, codes = CHILDREN[account]
    rng = np.random.default_rng(seed)
    days = [FIRST_DAY + timedelta(days=n) for n in range((AS_OF - FIRST_DAY).days)]
    lines = []
    for code, (_, _, mean, price) in codes.items():
        for day, qty in zip(days, rng.poisson(mean, len(days)), strict=True):
            if qty:
                lines.append(
                    {"date": day, "item_code": code, "qty_sold": qty, "sales_price": price}
                )
    items = pd.DataFrame(
        [
            {
                "item_code": code,
                "on_hand": float(10 + 7 * n),
                "lead_time_days": 14,
                "supplier_code": "SUP",
                "sales_price": price,
                "inventory_value_per_unit": price / 2,
            }
            for n, (code, (_, _, _, price)) in enumerate(codes.items())
        ]
    )
    item_map = [
        {"item_code": code, "master_item_code": master, "multiplier": multiplier}
        for code, (master, multiplier, _, _) in codes.items()
        if master
    ]
    if account == "us_trade":  # row 4 of item_map.csv: CASE-1 mapped a second time
        item_map.append({"item_code": "CASE-1", "master_item_code": "SKU-2", "multiplier": 1})
    files = {"transactions": pd.DataFrame(lines), "items": items}
    if item_map:
        files["item_map"] = pd.DataFrame(item_map)
    return files


GROUP = {account: generate_child(account, seed) for seed, account in enumerate(CHILDREN)}


def master_code(account: str, code: str) -> tuple[str, float]:
    master, multiplier, _, _ = CHILDREN[account][1][code]
    return master or code, float(multiplier)


def write_group(root: Path) -> Home:
    home = Home(root)
    for account, files in GROUP.items():
        folder = root / "data" / account
        folder.mkdir(parents=True)
        for piece, frame in files.items():
            frame.to_csv(folder / f"{piece}.csv", index=False)
    (root / "exchange_rates.csv").write_text(RATES_CSV)
    (root / "overrides.csv").write_text(OVERRIDES_CSV)
    home.save(
        Config(
            master=Master(
                name="Group",
                period="week",
                currency="USD",
                as_of=AS_OF,
                exchange_rates="exchange_rates.csv",
                forecast=ForecastOptions(prophet="never", master_mode="reconciled"),
            ),
            accounts=[
                Account(
                    account, account, currency, Connection(type="folder", path=f"data/{account}")
                )
                for account, (currency, _) in CHILDREN.items()
            ],
        )
    )
    return home


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, RunSummary]:
    home = write_group(tmp_path_factory.mktemp("group_home"))
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    try:
        summary = run_pipeline(home, echo=lambda _: None)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return home, summary


@pytest.fixture(scope="module")
def con(built: tuple[Home, RunSummary]):
    home, _ = built
    connection = duckdb.connect(str(home.warehouse), read_only=True)
    yield connection
    connection.close()


def frame(con: duckdb.DuckDBPyConnection, sql: str, *params) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def all_lines() -> pd.DataFrame:
    """Every generated line with its account, master code, master quantity and USD revenue."""
    parts = []
    for account, files in GROUP.items():
        currency, _ = CHILDREN[account]
        lines = files["transactions"].copy()
        lines["account"] = account
        mapped = [master_code(account, code) for code in lines["item_code"]]
        lines["master_item_code"] = [code for code, _ in mapped]
        lines["master_qty"] = lines["qty_sold"] * [m for _, m in mapped]
        lines["revenue"] = lines["qty_sold"] * lines["sales_price"]
        lines["rate"] = [rate(currency, day) for day in lines["date"]]
        parts.append(lines)
    return pd.concat(parts, ignore_index=True)


def test_the_group_runs_with_every_warehouse_test_passing(built):
    _, summary = built
    assert summary.loaded == sorted(CHILDREN) or set(summary.loaded) == set(CHILDREN)
    assert summary.failed == {}
    assert summary.warehouse_ok, summary.warehouse_error
    assert summary.ok, summary


def test_master_revenue_is_the_childrens_revenue_times_the_rate_of_each_line(con):
    lines = all_lines()
    expected = (lines["revenue"] * lines["rate"]).groupby(lines["account"]).sum()
    got = frame(
        con,
        "select source_account_id, sum(revenue) as revenue from marts.sales_history"
        " where account_id = 'master' group by all",
    ).set_index("source_account_id")["revenue"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index(), check_names=False, rtol=1e-9
    )
    # a child's own view stays in its own currency
    eu_own = frame(
        con, "select sum(revenue) as revenue from marts.sales_history where account_id = 'eu_store'"
    )["revenue"][0]
    assert eu_own == pytest.approx(lines.loc[lines["account"] == "eu_store", "revenue"].sum())


def test_master_period_revenue_converts_each_childs_period_at_its_first_days_rate(con):
    lines = all_lines()
    lines["period_start"] = [day - timedelta(days=day.weekday()) for day in lines["date"]]
    currency = lines["account"].map({a: c for a, (c, _) in CHILDREN.items()})
    lines["period_rate"] = [
        rate(c, p) for c, p in zip(currency, lines["period_start"], strict=True)
    ]
    expected = (lines["revenue"] * lines["period_rate"]).groupby(lines["period_start"]).sum()
    got = frame(
        con,
        "select period_start, sum(revenue) as revenue from marts.demand_history"
        " where account_id = 'master' group by all",
    )
    got = got.set_index(got["period_start"].dt.date)["revenue"]
    got = got[got.index.isin(expected.index)]
    pd.testing.assert_series_equal(
        got.sort_index(),
        expected.sort_index(),
        check_names=False,
        check_index_type=False,
        rtol=1e-9,
    )
    # the rate changes on Monday 2025-05-05: the week before is at 1.10, that week at 1.20
    assert rate("EUR", date(2025, 4, 28)) == 1.10 and rate("EUR", date(2025, 5, 5)) == 1.20


def test_a_mapped_item_is_one_master_item_with_the_combined_stock_in_master_units(con):
    master_codes = set(
        frame(con, "select item_code from marts.items where account_id = 'master'")["item_code"]
    )
    assert {"SKU-1", "SKU-2", "SKU-3", "SKU-4", "WS-9", "T-7"} == master_codes
    stock = {
        (account, row.item_code): row.on_hand
        for account, files in GROUP.items()
        for row in files["items"].itertuples()
    }
    position = frame(
        con,
        "select on_hand from marts.inventory_position where account_id = 'master'"
        " and item_code = 'SKU-1'",
    )
    assert len(position) == 1
    expected = (
        stock["eu_store", "SKU-1"] + stock["us_web", "WS-1-BLK"] + 6 * stock["us_trade", "CASE-1"]
    )
    assert position["on_hand"][0] == pytest.approx(expected)


def test_master_demand_counts_every_childs_lines_in_master_units(con):
    lines = all_lines()
    week = date(2025, 6, 16)
    in_week = lines[(lines["date"] >= week) & (lines["date"] < week + timedelta(days=7))]
    expected = in_week.groupby("master_item_code")["master_qty"].sum()
    got = frame(
        con,
        "select item_code, qty from marts.demand_history where account_id = 'master'"
        " and period_start = ?",
        week,
    ).set_index("item_code")["qty"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index().astype(float), check_names=False
    )


def test_master_items_value_stock_in_the_base_currency_per_master_unit(con):
    items = frame(
        con,
        "select item_code, inventory_value_per_unit, sales_price from marts.items"
        " where account_id = 'master' and item_code in ('SKU-1', 'SKU-3')",
    ).set_index("item_code")
    # first child in accounts.yaml order gives the value: eu_store, EUR at the as_of rate 1.20
    assert items.loc["SKU-1", "inventory_value_per_unit"] == pytest.approx(5.0 * 1.20)
    assert items.loc["SKU-1", "sales_price"] == pytest.approx(10.0 * 1.20)
    assert items.loc["SKU-3", "sales_price"] == pytest.approx(5.0 * 1.20)


def test_order_plan_by_account_splits_the_master_order_into_each_childs_code_and_units(con):
    split = frame(
        con,
        "select item_code, source_account_id, source_item_code, source_multiplier,"
        " source_share_of_master_order_qty, share_of_demand from marts.order_plan_by_account"
        " where item_code = 'SKU-1' order by source_account_id",
    )
    assert list(
        zip(split.source_account_id, split.source_item_code, split.source_multiplier, strict=True)
    ) == [
        ("eu_store", "SKU-1", 1.0),
        ("us_trade", "CASE-1", 6.0),
        ("us_web", "WS-1-BLK", 1.0),
    ]
    master = frame(
        con, "select item_code, order_qty from marts.order_plan where account_id = 'master'"
    ).set_index("item_code")["order_qty"]
    everything = frame(
        con,
        "select item_code, sum(source_share_of_master_order_qty * source_multiplier) as qty,"
        " sum(share_of_demand) as shares from marts.order_plan_by_account group by all",
    ).set_index("item_code")
    assert master["SKU-1"] > 0
    for code, row in everything.iterrows():
        if row.shares > 0:
            assert row.qty == pytest.approx(master[code]), code


def test_an_item_code_mapped_twice_is_rejected_naming_its_row(con):
    rejected = frame(
        con,
        "select row_number, column_name, value, reason from marts.rejected_rows"
        " where account_id = 'us_trade' and piece = 'item_map'",
    )
    assert list(rejected.row_number) == [4]
    assert rejected.reason[0] == "duplicate key" and rejected.value[0] == "CASE-1"
    # the first mapping stands: CASE-1 is SKU-1 in the master
    assert (
        frame(
            con,
            "select count(*) as n from marts.sales_history where account_id = 'master'"
            " and source_item_code = 'CASE-1' and item_code = 'SKU-1'",
        )["n"][0]
        > 0
    )


def test_a_child_currency_without_a_rate_fails_its_load_by_name_and_keeps_its_data(built, tmp_path):
    home_before, _ = built
    home = Home(tmp_path / "home")
    shutil.copytree(home_before.root, home.root, ignore=shutil.ignore_patterns("dagster"))
    (home.root / "exchange_rates.csv").write_text("currency,rate_to_base,valid_from\nGBP,1.3,\n")
    partition = home.lake / "raw" / "transactions" / "account=eu_store"
    before = {p.name: p.read_bytes() for p in partition.iterdir()}
    with pytest.raises(AccountLoadError, match="account 'eu_store': its currency EUR has no rate"):
        load_account(home, home.load(), "eu_store", force=True)
    assert {p.name: p.read_bytes() for p in partition.iterdir()} == before
    # the USD children need no rate and still load
    assert load_account(home, home.load(), "us_web", force=True).rows_loaded > 0


def test_a_bad_exchange_rate_row_names_the_file_row_and_column(tmp_path):
    home = Home(tmp_path)
    (tmp_path / "rates.csv").write_text(
        "currency,rate_to_base,valid_from\nEUR,1.1,2025-01-01\nEUR,-2,2025-02-01\nUSD,1.5,\n"
    )
    config = Config(master=Master(currency="USD", exchange_rates="rates.csv"), accounts=[])
    with pytest.raises(ExchangeRatesError, match=r"rates.csv.*row 3 rate_to_base '-2'"):
        load_exchange_rates(home, config)
    (tmp_path / "rates.csv").write_text("currency,rate_to_base,valid_from\nEUR,1.1,\nUSD,1.5,\n")
    with pytest.raises(ExchangeRatesError, match="row\\(s\\) 3: USD is the master's currency"):
        load_exchange_rates(home, config)


def children_in_master_terms(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The children's published forecasts, mapped with the generated item maps (not the SQL's)."""
    rows = frame(
        con,
        "select account_id, item_code, location, period_start, forecast_qty,"
        " forecast_qty_statistical from marts.demand_forecast where account_id <> 'master'",
    )
    mapped = [master_code(a, c) for a, c in zip(rows.account_id, rows.item_code, strict=True)]
    rows["item_code"] = [code for code, _ in mapped]
    multiplier = [m for _, m in mapped]
    rows["forecast_qty"] *= multiplier
    rows["forecast_qty_statistical"] *= multiplier
    return rows.groupby(["item_code", "location", "period_start"])[
        ["forecast_qty", "forecast_qty_statistical"]
    ].sum()


def test_reconciled_master_forecast_is_the_sum_of_its_childrens_to_rounding(con):
    master = frame(
        con,
        "select item_code, location, period_start, forecast_qty, forecast_qty_statistical, model"
        " from marts.demand_forecast where account_id = 'master'",
    )
    assert set(master["model"]) == {"mint_ols"}
    master = master.set_index(["item_code", "location", "period_start"])
    children = children_in_master_terms(con)
    assert len(master) == len(children) > 0
    pd.testing.assert_frame_equal(
        master[["forecast_qty", "forecast_qty_statistical"]].sort_index(),
        children.sort_index(),
        rtol=1e-9,
    )


def test_a_childs_override_flows_into_the_reconciled_master_and_a_masters_own_is_reported(
    built, con
):
    trade = frame(
        con,
        "select period_start, forecast_qty, override_note from marts.demand_forecast"
        " where account_id = 'us_trade' and item_code = 'CASE-1' order by period_start limit 3",
    )
    assert trade["forecast_qty"].tolist()[:2] == [20.0, 20.0]
    assert trade["override_note"].tolist() == ["trade fair", "trade fair", None]
    master = frame(
        con,
        "select override_note from marts.demand_forecast where account_id = 'master'"
        " and item_code = 'SKU-1' order by period_start limit 2",
    )
    assert master["override_note"].tolist() == ["via us_trade: trade fair"] * 2
    # the master's own override would break master = sum of children: reported, not applied
    _, summary = built
    assert summary.overrides_unmatched.get("master") == 1
    sku4 = frame(
        con,
        "select forecast_qty, override_note from marts.demand_forecast where account_id ="
        " 'master' and item_code = 'SKU-4' order by period_start limit 1",
    )
    assert sku4["override_note"][0] is None and sku4["forecast_qty"][0] != 100.0
