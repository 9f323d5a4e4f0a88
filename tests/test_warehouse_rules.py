"""The data contract's rules as the warehouse marts show them, on a small hand-written home.

Two child accounts (``north``, ``south``) with hand-written CSV files go through the real
pipeline once (loads through the Dagster extract asset, then dbt build); every test reads
``marts.*`` of the resulting warehouse and checks numbers worked out by hand in the comments.

Master: period ``week``, as_of 2025-06-30 (a Monday). Weeks start on Monday:
2025-06-02, 06-09, 06-16, 06-23, 06-30.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.runner import RunSummary, run_pipeline
from tributary.config import Account, Config, Connection, Home, Master

AS_OF = date(2025, 6, 30)
D = date.fromisoformat

# -- north ---------------------------------------------------------------------------------
# CSV row numbers are the line numbers a person sees: the header is line 1.
NORTH = {
    "transactions.csv": """\
date,item_code,qty_sold,location,channel,outlier,sales_price,revenue,on_hand
2025-06-03,A,5,WH1,,,10,,20
2025-06-05,A,3,WH1,,,10,,17
2025-06-08,A,2,WH1,,,,25,
2025-06-17,A,17,WH1,,yes,10,,0
2025-06-20,A,0,WH1,,,,,12
2025-06-24,A,-1,WH1,,,10,,13
2025-07-01,A,7,WH1,,,10,,
2025-06-24,K1,2,WH1,,,,30,
2025-06-25,K2,1,WH1,,,9,,
2025-06-26,K3,5,WH1,,,4,,
2025-13-01,A,1,WH1,,,,,
2025-06-10,,1,WH1,,,,,
""",
    # row 4 repeats the key of row 2 (first wins); row 7 has a bad boolean
    "items.csv": """\
item_code,location,description,on_hand,lead_time_days,order_cycle,order_cycle_unit,inactive,\
termination,supplier_code,group_id,sales_price,dc_name
A,WH1,Alpha,13,14,,,,,SUP1,,9.5,
B,WH1,Bravo,-4,,,,no,,SUP2,G9,,
A,WH1,Alpha again,99,7,,,,,SUP1,,8,
C,STORE1,Charlie,5,3,2,days,,,SUP1,,,DC1
D,STORE2,Delta,0,,,,,,,,,
E,WH1,Echo,1,,,,maybe,,,,,
""",
    "orders_to_receive.csv": """\
item_code,qty,delivery_date,sendout_date,location,order_number,order_type
A,10,2025-07-15,2025-07-01,WH1,PO1,purchase
A,5,,2025-07-02,WH1,PO2,
B,8,,2025-07-01,WH1,PO3,purchase
N,2,,2025-07-01,WH1,PO4,purchase
C,6,,2025-07-01,STORE1,TR1,transfer
D,4,,2025-07-01,STORE2,TR2,transfer
M,3,,2025-07-01,WH1,MO1,manufacturing
""",
    "orders_to_ship.csv": """\
item_code,qty,shipment_date,location
A,3,,WH1
A,2,2025-07-05,WH1
D,5,,STORE2
""",
    # P -> Q -> R -> P is a loop; P -> S is not
    "bom.csv": """\
finished_code,material_code,qty_per_batch,batch_rounding
P,Q,2,
Q,R,1,
R,P,1,
P,S,,
""",
    # K1 = 2 X + 1 Y (multiplier default 1); K2 = 3 X from 2025-06-01; K3 = 4 X only from 07-15
    "substitutions.csv": """\
target_code,multiplier,item_code,substitution_date
X,2,K1,
Y,,K1,
X,3,K2,2025-06-01
X,4,K3,2025-07-15
""",
    "promotions.csv": """\
item_code,location,channel,start_date,end_date,discount
A,,,2025-06-14,2025-06-18,0.3
A,WH1,,2025-06-17,2025-06-17,0.5
""",
}
# accepted: transactions 10, items 4, orders_to_receive 7, orders_to_ship 3, bom 1,
# substitutions 4, promotions 2 = 31; rejected rows: 2 + 2 + 3 (BOM loop) = 7
NORTH_LOADED, NORTH_REJECTED = 31, 7

# -- south ---------------------------------------------------------------------------------
SOUTH = {
    "transactions.csv": """\
date,item_code,qty_sold,location,outlier,sales_price,on_hand
2025-06-10,A,2,WH1,,12,
2025-06-11,Z,1,WH2,,5,6
2025-06-12,Z,x,WH2,,5,
2025-06-12,Z,1,WH2,perhaps,5,
""",
    "items.csv": """\
item_code,location,description,on_hand,lead_time_days,supplier_code,sales_price
A,WH1,Alpha south,7,21,SUP9,11
Z,WH2,Zulu,6,,,
""",
    "orders_to_receive.csv": """\
item_code,qty,delivery_date,sendout_date,location,order_number
A,4,2025-07-20,,WH1,SPO1
Z,abc,2025-07-20,,WH2,SPO2
Z,3,,,WH2,SPO3
""",
    "bom.csv": """\
finished_code,material_code
F,G
G,F
""",
}
# accepted: transactions 2, items 2, orders_to_receive 1 = 5; rejected: 2 + 2 + 2 = 6
SOUTH_LOADED, SOUTH_REJECTED = 5, 6

ENV_KEYS = ("TRIBUTARY_HOME", "TRIBUTARY_LAKE", "TRIBUTARY_WAREHOUSE", "DAGSTER_HOME")


def _write_account(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, RunSummary]:
    home = Home(tmp_path_factory.mktemp("rules_home"))
    _write_account(home.root / "data" / "north", NORTH)
    _write_account(home.root / "data" / "south", SOUTH)
    home.save(
        Config(
            master=Master(name="Group", period="week", currency="USD", as_of=AS_OF),
            accounts=[
                Account("north", "North", "USD", Connection(type="csv", path="data/north")),
                Account("south", "South", "USD", Connection(type="csv", path="data/south")),
            ],
        )
    )
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


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str, *params) -> dict:
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description]
    found = result.fetchall()
    assert len(found) == 1, f"expected one row, got {found}"
    return dict(zip(names, found[0], strict=True))


def item(con, account: str, code: str, location: str) -> dict:
    return one(
        con,
        "select * from marts.items where account_id = ? and item_code = ? and location = ?",
        account,
        code,
        location,
    )


def position(con, account: str, code: str, location: str) -> dict:
    return one(
        con,
        "select * from marts.inventory_position"
        " where account_id = ? and item_code = ? and location = ?",
        account,
        code,
        location,
    )


def demand(con, account: str, code: str, location: str) -> dict[date, dict]:
    result = con.execute(
        "select * from marts.demand_history where account_id = ? and item_code = ?"
        " and location = ? order by period_start",
        [account, code, location],
    )
    names = [d[0] for d in result.description]
    return {
        r[names.index("period_start")]: dict(zip(names, r, strict=True)) for r in result.fetchall()
    }


def order(con, account: str, order_number: str) -> dict:
    return one(
        con,
        "select * from marts.open_orders where account_id = ? and order_number = ?",
        account,
        order_number,
    )


# -- the run -------------------------------------------------------------------------------


def test_pipeline_loads_both_accounts_and_builds_the_warehouse_with_its_tests(built):
    _, summary = built
    assert summary.loaded == ["north", "south"]
    assert summary.failed == {}
    assert summary.warehouse_ok, summary.warehouse_error


# -- rule 1: defaults ----------------------------------------------------------------------


def test_lead_time_defaults_to_30_days_when_not_given(con):
    assert item(con, "north", "B", "WH1")["lead_time_days"] == 30
    assert item(con, "south", "Z", "WH2")["lead_time_days"] == 30
    assert item(con, "north", "A", "WH1")["lead_time_days"] == 14  # given wins


def test_order_cycle_defaults_to_one_week_period(con):
    b = item(con, "north", "B", "WH1")
    assert (b["order_cycle"], b["order_cycle_unit"], b["order_cycle_days"]) == (1, "periods", 7)
    # given: 2 days
    c = item(con, "north", "C", "STORE1")
    assert (c["order_cycle"], c["order_cycle_unit"], c["order_cycle_days"]) == (2, "days", 2)


def test_booleans_default_to_false(con):
    for code, location in (("A", "WH1"), ("B", "WH1"), ("D", "STORE2")):
        row = item(con, "north", code, location)
        assert (row["inactive"], row["termination"], row["purchase_for_bom"]) == (
            False,
            False,
            False,
        ), code


def test_items_without_an_item_row_get_the_defaults_too(con):
    # N only appears in an order to receive, M in a manufacturing order
    for code in ("N", "M"):
        row = item(con, "north", code, "WH1")
        assert row["has_item_row"] is False
        assert (row["lead_time_days"], row["order_cycle_days"], row["inactive"]) == (30, 7, False)


def test_group_id_defaults_to_supplier_code(con):
    assert item(con, "north", "A", "WH1")["group_id"] == "SUP1"
    assert item(con, "north", "B", "WH1")["group_id"] == "G9"  # given
    assert item(con, "north", "D", "STORE2")["group_id"] is None  # neither given


def test_items_sales_price_is_carried_from_the_items_file(con):
    assert item(con, "north", "A", "WH1")["sales_price"] == 9.5
    assert item(con, "south", "A", "WH1")["sales_price"] == 11
    assert item(con, "north", "B", "WH1")["sales_price"] is None


# -- rule 2: expected delivery date --------------------------------------------------------


def test_given_delivery_date_is_kept(con):
    row = order(con, "north", "PO1")
    assert (row["delivery_date"], row["delivery_date_rule"]) == (D("2025-07-15"), "given")
    row = order(con, "south", "SPO1")
    assert (row["sendout_date"], row["delivery_date"]) == (None, D("2025-07-20"))


def test_purchase_with_sendout_only_arrives_after_the_item_lead_time(con):
    # A lead time 14: 2025-07-02 + 14; order_type empty means purchase
    row = order(con, "north", "PO2")
    assert (row["order_type"], row["delivery_date"]) == ("purchase", D("2025-07-16"))
    assert row["delivery_date_rule"] == "purchase_lead_time"


def test_purchase_of_an_item_without_lead_time_arrives_after_30_days(con):
    # B has an item row without lead time; N has no item row at all
    assert order(con, "north", "PO3")["delivery_date"] == D("2025-07-31")
    assert order(con, "north", "PO4")["delivery_date"] == D("2025-07-31")


def test_transfer_to_a_location_supplied_by_a_dc_takes_that_lead_time(con):
    # C at STORE1 names DC1 with lead time 3
    row = order(con, "north", "TR1")
    assert (row["delivery_date"], row["delivery_date_rule"]) == (D("2025-07-04"), "dc_lead_time")


def test_transfer_to_a_location_without_dc_takes_one_day(con):
    row = order(con, "north", "TR2")
    assert (row["delivery_date"], row["delivery_date_rule"]) == (
        D("2025-07-02"),
        "transfer_one_day",
    )


def test_manufacturing_order_arrives_on_its_sendout_date(con):
    row = order(con, "north", "MO1")
    assert (row["order_type"], row["delivery_date"]) == ("manufacturing", D("2025-07-01"))


# -- rule 3: orders to ship ----------------------------------------------------------------


def test_undated_order_to_ship_comes_off_available_and_dated_one_is_a_backorder(con):
    a = position(con, "north", "A", "WH1")
    # on hand 13 (items file), on order 10 + 5, undated 3, dated 2
    assert (a["on_hand"], a["on_order"], a["undated_to_ship"], a["backorders"], a["available"]) == (
        13,
        15,
        3,
        2,
        10,
    )


def test_shortfall_shows_as_negative_available(con):
    d = position(con, "north", "D", "STORE2")
    assert (d["on_hand"], d["undated_to_ship"], d["available"], d["on_order"]) == (0, 5, -5, 4)


# -- decided here --------------------------------------------------------------------------


def test_negative_on_hand_is_kept_and_flagged(con):
    b = item(con, "north", "B", "WH1")
    assert (b["on_hand"], b["on_hand_negative"]) == (-4, True)
    b = position(con, "north", "B", "WH1")
    assert (b["on_hand"], b["on_hand_negative"], b["available"]) == (-4, True, -4)
    assert position(con, "north", "A", "WH1")["on_hand_negative"] is False
    # The master's item and position agree: flagged because a child holds negative stock.
    assert item(con, "master", "B", "WH1")["on_hand_negative"] is True
    assert position(con, "master", "B", "WH1")["on_hand_negative"] is True


def test_duplicate_key_keeps_the_first_row_and_rejects_the_later_one(con):
    a = item(con, "north", "A", "WH1")
    assert (a["description"], a["on_hand"], a["lead_time_days"]) == ("Alpha", 13, 14)
    assert rows(
        con,
        "select piece, source_file, row_number, column_name, value from marts.rejected_rows"
        " where account_id = 'north' and reason = 'duplicate key'",
    ) == [("items", "items.csv", 4, "item_code+location", "A|WH1")]


def test_bom_loop_rows_are_rejected_naming_the_loop(con):
    assert rows(
        con,
        "select account_id, row_number, value, reason from marts.rejected_rows"
        " where piece = 'bom' and account_id <> 'master' order by account_id, row_number",
    ) == [
        ("north", 2, "P|Q", "BOM loop: loop among P, Q, R"),
        ("north", 3, "Q|R", "BOM loop: loop among P, Q, R"),
        ("north", 4, "R|P", "BOM loop: loop among P, Q, R"),
        ("south", 2, "F|G", "BOM loop: F -> G -> F"),
        ("south", 3, "G|F", "BOM loop: F -> G -> F"),
    ]


def test_same_item_code_in_two_accounts_is_one_master_item(con):
    master = item(con, "master", "A", "WH1")
    # on hand 13 + 7; other fields from the first child (north) that gives them
    assert master["on_hand"] == 20
    assert (master["description"], master["lead_time_days"], master["sales_price"]) == (
        "Alpha",
        14,
        9.5,
    )
    assert list(master["source_account_ids"]) == ["north", "south"]
    assert rows(
        con, "select count(*) from marts.items where account_id = 'master' and item_code = 'A'"
    ) == [(1,)]


# -- kits ----------------------------------------------------------------------------------


def test_kit_sale_becomes_component_demand_times_multiplier(con):
    # week of 2025-06-23: K1 x2 -> X 4, Y 2 (multiplier default 1); K2 x1 -> X 3
    y = demand(con, "north", "Y", "WH1")
    assert y[D("2025-06-23")]["qty"] == 2
    # K1's revenue 30 split 2:1 over X and Y
    assert y[D("2025-06-23")]["revenue"] == pytest.approx(10)
    assert rows(
        con,
        "select count(*) from marts.demand_history where item_code in ('K1', 'K2')",
    ) == [(0,)]


def test_components_demand_sums_over_kits(con):
    x = demand(con, "north", "X", "WH1")
    assert list(x) == [D("2025-06-23"), D("2025-06-30")]
    assert x[D("2025-06-23")]["qty"] == 7  # 2 x 2 (K1) + 1 x 3 (K2)
    assert x[D("2025-06-23")]["revenue"] == pytest.approx(29)  # 20 of K1's 30 + K2's 9
    assert x[D("2025-06-30")]["qty"] == 0


def test_substitution_dated_after_as_of_does_not_explode(con):
    k3 = demand(con, "north", "K3", "WH1")
    assert k3[D("2025-06-23")]["qty"] == 5
    assert k3[D("2025-06-23")]["revenue"] == 20


# -- aggregation into weeks ----------------------------------------------------------------


def test_daily_lines_land_in_their_monday_week_and_empty_weeks_are_zero_filled(con):
    a = demand(con, "north", "A", "WH1")
    assert list(a) == [
        D("2025-06-02"),
        D("2025-06-09"),
        D("2025-06-16"),
        D("2025-06-23"),
        D("2025-06-30"),
    ]
    # 06-03, 06-05 and Sunday 06-08 are one week; 07-01 is after as_of
    assert [(r["qty"], r["revenue"], r["is_zero_filled"]) for r in a.values()] == [
        (10, 105, False),
        (0, 0, True),
        (17, 170, False),
        (-1, -10, False),
        (0, 0, True),
    ]
    assert {r["period_days"] for r in a.values()} == {7}


def test_outlier_flag_marks_its_week_only(con):
    a = demand(con, "north", "A", "WH1")
    assert [r["is_outlier"] for r in a.values()] == [False, False, True, False, False]


def test_promo_discount_is_day_weighted_largest_discount(con):
    a = demand(con, "north", "A", "WH1")
    # 0.3 on 06-14..06-18 (every location); 0.5 at WH1 on 06-17
    assert a[D("2025-06-09")]["promo_discount"] == pytest.approx(0.6 / 7)  # 06-14, 06-15
    assert a[D("2025-06-16")]["promo_discount"] == pytest.approx(1.1 / 7)  # .3 + .5 + .3
    assert a[D("2025-06-02")]["promo_discount"] == 0
    assert a[D("2025-06-23")]["promo_discount"] == 0


def test_stockout_days_come_from_on_hand_history(con):
    # on hand 0 after the sale of 06-17 until the receipt of 06-20: 06-17, 06-18, 06-19
    a = demand(con, "north", "A", "WH1")
    assert [r["stockout_days"] for r in a.values()] == [0, 0, 3, 0, 0]
    # Y has no on-hand history at all
    assert demand(con, "north", "Y", "WH1")[D("2025-06-23")]["stockout_days"] is None


def test_master_demand_is_computed_on_the_childrens_combined_lines(con):
    a = demand(con, "master", "A", "WH1")
    # south sold 2 at 12 in the week of 06-09, which north left empty
    assert [(r["qty"], r["revenue"]) for r in a.values()] == [
        (10, 105),
        (2, 24),
        (17, 170),
        (-1, -10),
        (0, 0),
    ]
    assert a[D("2025-06-09")]["is_zero_filled"] is False
    assert a[D("2025-06-16")]["stockout_days"] == 3


# -- master invariants ---------------------------------------------------------------------

LINE = "source_account_id, date, item_code, location, channel, qty_sold, revenue, outlier"


def master_and_children(con, table: str, columns: str) -> tuple[list[tuple], list[tuple]]:
    """``columns`` of the master's rows of ``table`` and of the children's rows, each sorted."""
    select = f"select {columns} from marts.{table} where account_id {{}} 'master' order by all"
    return rows(con, select.format("=")), rows(con, select.format("<>"))


def test_master_sales_history_has_exactly_the_childrens_lines(con):
    master, children = master_and_children(con, "sales_history", LINE)
    assert master == children
    assert len(master) == 12  # 10 north + 2 south
    assert rows(
        con,
        "select source_account_id, count(*) from marts.sales_history"
        " where account_id = 'master' group by all order by all",
    ) == [("north", 10), ("south", 2)]
    # a line after as_of is history too (07-01), revenue derived from price
    assert rows(
        con,
        "select qty_sold, revenue from marts.sales_history"
        " where account_id = 'master' and date = '2025-07-01'",
    ) == [(7, 70)]


def test_master_open_orders_are_the_childrens_lines_unchanged(con):
    cols = (
        "source_account_id, item_code, location, order_type, order_number, qty, "
        "sendout_date, delivery_date"
    )
    master, children = master_and_children(con, "open_orders", cols)
    assert master == children
    assert len(master) == 8  # 7 north + 1 south


def test_master_on_hand_is_the_sum_of_the_children_per_item_and_location(con):
    mismatches = rows(
        con,
        """
        with children as (
            select item_code, location, sum(on_hand) as on_hand
            from marts.inventory_position where account_id <> 'master' group by all
        )
        select children.item_code, children.location, children.on_hand, master.on_hand
        from children
        full join (select * from marts.inventory_position where account_id = 'master') master
            using (item_code, location)
        where children.on_hand is distinct from master.on_hand
        """,
    )
    assert mismatches == []
    a = position(con, "master", "A", "WH1")
    assert (a["on_hand"], a["on_order"], a["backorders"], a["available"]) == (20, 19, 2, 17)


INVARIANT_MODELS = (
    "sales_history",
    "open_orders",
    "inventory_position",
    "demand_history",
    "demand_forecast",  # held only in the summing master modes: passes here (combined)
)


def warehouse_copy(home: Home, folder: Path) -> Path:
    """A writable copy of the built warehouse (the module's readers keep the original open)."""
    copy = folder / "warehouse.duckdb"  # dbt names the catalog after the file
    folder.mkdir()
    shutil.copy(home.warehouse, copy)
    return copy


def dbt_invariant_tests(home: Home, warehouse: Path, target: Path) -> dict[str, str]:
    """Run the master invariant tests (generic dbt tests) on a warehouse file: status by test."""
    dbt = Path(sys.executable).parent / "dbt"
    project = Path(__file__).resolve().parents[1] / "dbt_project"
    env = dict(
        os.environ,
        TRIBUTARY_HOME=str(home.root),
        TRIBUTARY_LAKE=str(home.lake),
        TRIBUTARY_WAREHOUSE=str(warehouse),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    selector = "test_name:master_equals_children test_name:master_sums_children"
    done = subprocess.run(
        [
            dbt,
            "test",
            "--select",
            *selector.split(),
            "--project-dir",
            project,
            "--profiles-dir",
            project,
            "--target-path",
            target,
            "--vars",
            json.dumps({"as_of": AS_OF.isoformat(), "period": "week"}),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (target / "run_results.json").exists(), done.stdout + done.stderr
    results = json.loads((target / "run_results.json").read_text())["results"]
    statuses = {}
    for result in results:  # unique ids read test.tributary.<test>_<model>_<arguments>.<hash>
        name = result["unique_id"].split(".")[2]
        kind = next(
            k for k in ("master_equals_children", "master_sums_children") if name.startswith(k)
        )
        model = next(m for m in INVARIANT_MODELS if name.startswith(f"{kind}_{m}"))
        statuses[kind, model] = result["status"]
    return statuses


def test_master_invariant_tests_pass_and_fail_when_the_master_is_broken(built, tmp_path):
    home, _ = built
    intact = dbt_invariant_tests(home, warehouse_copy(home, tmp_path / "intact"), tmp_path / "t1")
    assert set(intact.values()) == {"pass"} and len(intact) == 5, intact

    broken = warehouse_copy(home, tmp_path / "copy")
    with duckdb.connect(str(broken)) as con:
        # one master line changed, one master on hand off, one master period missing
        con.execute(
            "update marts.sales_history set qty_sold = qty_sold + 1 where rowid = (select"
            " min(rowid) from marts.sales_history where account_id = 'master')"
        )
        con.execute(
            "update marts.inventory_position set on_hand = on_hand + 1"
            " where account_id = 'master' and item_code = 'A' and location = 'WH1'"
        )
        con.execute(
            "delete from marts.demand_history where rowid = (select min(rowid)"
            " from marts.demand_history where account_id = 'master' and qty > 0)"
        )
    statuses = dbt_invariant_tests(home, broken, tmp_path / "t2")
    assert statuses == {
        ("master_equals_children", "sales_history"): "fail",
        ("master_equals_children", "open_orders"): "pass",
        ("master_sums_children", "inventory_position"): "fail",
        ("master_sums_children", "demand_history"): "fail",
        ("master_sums_children", "demand_forecast"): "pass",
    }


def test_a_master_line_replaced_by_a_copy_of_another_fails(built, tmp_path):
    # Same number of lines per item, so only the rows' fingerprint can tell.
    home, _ = built
    broken = warehouse_copy(home, tmp_path / "copy")
    with duckdb.connect(str(broken)) as con:
        first, second = con.execute(
            "select min(rowid), max(rowid) from marts.open_orders where account_id = 'master'"
            " and item_code = (select item_code from marts.open_orders where account_id ="
            " 'master' group by all having count(*) > 1 order by all limit 1)"
        ).fetchone()
        con.execute(
            "update marts.open_orders set qty = (select qty + 1 from marts.open_orders"
            f" where rowid = {second}) where rowid = {first}"
        )
    statuses = dbt_invariant_tests(home, broken, tmp_path / "swapped")
    assert statuses["master_equals_children", "open_orders"] == "fail"


def test_accounts_lists_master_and_children_with_their_load_counts(con):
    assert rows(
        con,
        "select account_id, role, load_status, rows_loaded, rows_rejected from marts.accounts"
        " order by account_id",
    ) == [
        ("master", "master", "ok", NORTH_LOADED + SOUTH_LOADED, NORTH_REJECTED + SOUTH_REJECTED),
        ("north", "child", "ok", NORTH_LOADED, NORTH_REJECTED),
        ("south", "child", "ok", SOUTH_LOADED, SOUTH_REJECTED),
    ]


def test_rejected_rows_count_matches_accounts(con):
    assert rows(
        con,
        "select account_id, count(distinct (source_account_id, piece, row_number))"
        " from marts.rejected_rows group by all order by all",
    ) == [
        ("master", NORTH_REJECTED + SOUTH_REJECTED),
        ("north", NORTH_REJECTED),
        ("south", SOUTH_REJECTED),
    ]


# -- rejections ----------------------------------------------------------------------------


def test_every_bad_row_is_rejected_with_its_reason_and_account(con):
    found = rows(
        con,
        "select account_id, piece, source_file, row_number, column_name, value, reason"
        " from marts.rejected_rows where account_id <> 'master'"
        " and reason not like 'BOM loop%' and reason <> 'duplicate key' order by all",
    )
    boolean = "not a boolean (use 1/true/yes or 0/false/no)"
    assert found == [
        ("north", "items", "items.csv", 7, "inactive", "maybe", boolean),
        (
            "north",
            "transactions",
            "transactions.csv",
            12,
            "date",
            "2025-13-01",
            "not a date (expected ISO 8601, e.g. 2024-03-31)",
        ),
        (
            "north",
            "transactions",
            "transactions.csv",
            13,
            "item_code",
            "",
            "required value missing",
        ),
        ("south", "orders_to_receive", "orders_to_receive.csv", 3, "qty", "abc", "not a number"),
        (
            "south",
            "orders_to_receive",
            "orders_to_receive.csv",
            4,
            "delivery_date",
            "",
            "delivery_date or sendout_date is required",
        ),
        ("south", "transactions", "transactions.csv", 4, "qty_sold", "x", "not a number"),
        ("south", "transactions", "transactions.csv", 5, "outlier", "perhaps", boolean),
    ]


def test_master_rejected_rows_carry_the_child_account(con):
    assert rows(
        con,
        "select source_account_id, count(*) from marts.rejected_rows"
        " where account_id = 'master' group by all order by all",
    ) == [("north", NORTH_REJECTED), ("south", SOUTH_REJECTED)]
