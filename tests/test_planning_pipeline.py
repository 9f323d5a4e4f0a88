"""The whole graph on a small home with constant demand: order quantities checked to the unit.

Two children sell item A at location L, 10 and 5 units every Monday for two years (a constant
15 a week for the master). Hand-computed plan for north, as_of Sunday 2025-06-29:

- forecast 10 a week; lead time 14 days -> demand over lead time 20; order cycle 1 week -> 7
  days -> demand over L + R = 30; safety stock 1 period x 10 = 10;
- reorder point 30, order-up-to 40; position = on hand 12 + on order 0 - backorders 0 = 12;
- order 40 - 12 = 28, rounded up to a multiple of 12 -> 36.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from orchestration.runner import run_pipeline
from tributary.config import Account, Config, Connection, Home, Master


def mondays(start: date, weeks: int) -> list[date]:
    return [start + timedelta(weeks=k) for k in range(weeks)]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan")
    weeks = mondays(date(2023, 7, 3), 104)  # through 2025-06-23
    for account, qty, on_hand in (("north", 10, 12), ("south", 5, 30)):
        folder = root / "data" / account
        folder.mkdir(parents=True)
        lines = "".join(f"{d.isoformat()},A,L,{qty}\n" for d in weeks)
        (folder / "transactions.csv").write_text("date,item_code,location,qty_sold\n" + lines)
        (folder / "items.csv").write_text(
            "item_code,location,on_hand,lead_time_days,safety_stock_periods,rounding,"
            "supplier_code,purchase_price\n"
            f"A,L,{on_hand},14,1,12,SUP,2.5\n"
        )
    home = Home(root)
    master = Master(currency="EUR", name="Group", period="week", as_of=date(2025, 6, 29))
    master.forecast.prophet = "never"
    home.save(
        Config(
            master=master,
            accounts=[
                Account(a, a, "EUR", Connection(path=f"data/{a}")) for a in ("north", "south")
            ],
        )
    )
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok, summary
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        yield con


def plan(con, account: str) -> dict:
    frame = con.execute(
        "select * from marts.order_plan where account_id = ? and item_code = 'A'", [account]
    ).df()
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_constant_demand_forecasts_the_constant(warehouse):
    rows = warehouse.execute(
        "select account_id, min(forecast_qty), max(forecast_qty) from marts.demand_forecast "
        "group by 1 order by 1"
    ).fetchall()
    for account, low, high in rows:
        expected = {"master": 15, "north": 10, "south": 5}[account]
        assert low == pytest.approx(expected, abs=1e-6) and high == pytest.approx(
            expected, abs=1e-6
        )


def test_child_order_quantity_to_the_unit(warehouse):
    north = plan(warehouse, "north")
    assert north["demand_over_lead_time"] == pytest.approx(20)
    assert north["safety_stock"] == pytest.approx(10)
    assert north["reorder_point"] == pytest.approx(30)
    assert north["order_up_to"] == pytest.approx(40)
    assert north["order_qty"] == 36  # 28 rounded up to a multiple of 12
    assert north["order_value"] == pytest.approx(36 * 2.5)
    # south: OUT = 10 + 5 + 5 = 20 (L 14 days of 5/week, R 7 days, SS 5); position 30: no order.
    assert plan(warehouse, "south")["order_qty"] == 0


def test_master_plans_its_pooled_stock_and_expands_into_children(warehouse):
    master = plan(warehouse, "master")
    assert master["on_hand"] == 42  # 12 + 30
    # OUT = 30 (14 days of 15) + 15 (7 days) + 15 (1 period) = 60; 60 - 42 = 18 -> 24.
    assert master["order_up_to"] == pytest.approx(60)
    assert master["order_qty"] == 24
    shares = warehouse.execute(
        "select source_account_id, on_hand, order_qty, share_of_demand "
        "from marts.order_plan_by_account where item_code = 'A' order by 1"
    ).fetchall()
    assert [(s[0], s[1], s[2]) for s in shares] == [("north", 12, 36), ("south", 30, 0)]
    assert [round(s[3], 6) for s in shares] == [round(2 / 3, 6), round(1 / 3, 6)]


def test_purchase_order_line_for_the_supplier(warehouse):
    lines = warehouse.execute(
        "select supplier_code, qty, unit_cost, line_cost, order_date, delivery_date "
        "from marts.purchase_orders where account_id = 'north'"
    ).fetchall()
    assert lines == [("SUP", 36, 2.5, 90.0, date(2025, 6, 29), date(2025, 7, 13))]


def test_master_items_file_overrides_the_children(tmp_path):
    """master.items_file wins over the first child, field by field; a bad row fails clearly."""
    root = tmp_path
    for account, lead in (("north", 14), ("south", 21)):
        folder = root / "data" / account
        folder.mkdir(parents=True)
        (folder / "transactions.csv").write_text(
            "date,item_code,location,qty_sold\n2025-06-02,A,L,5\n2025-06-09,A,L,5\n"
        )
        (folder / "items.csv").write_text(
            f"item_code,location,on_hand,lead_time_days,supplier_code\nA,L,3,{lead},SUP-{account}\n"
        )
    (root / "master_items.csv").write_text("item_code,location,lead_time_days\nA,L,7\n")
    home = Home(root)
    master = Master(
        currency="EUR", name="Group", as_of=date(2025, 6, 15), items_file="master_items.csv"
    )
    master.forecast.prophet = "never"
    home.save(
        Config(
            master=master,
            accounts=[
                Account(a, a, "EUR", Connection(path=f"data/{a}")) for a in ("north", "south")
            ],
        )
    )
    assert run_pipeline(home, echo=lambda _: None).ok
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        row = con.execute(
            "select lead_time_days, supplier_code, on_hand from marts.items "
            "where account_id = 'master' and item_code = 'A'"
        ).fetchone()
    assert row == (7.0, "SUP-north", 6.0)  # file's lead time, first child's supplier, summed

    (root / "master_items.csv").write_text("item_code,location,lead_time_days\nA,L,soon\n")
    summary = run_pipeline(home, echo=lambda _: None)
    assert not summary.warehouse_ok
    assert "master items file master_items.csv" in summary.warehouse_error
    assert "row 2 lead_time_days 'soon': not a number" in summary.warehouse_error
