"""plan_scope end to end on small homes with constant demand (10 a day, checked to the unit)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tributary.planning.mrp import BomLoopError, low_level_codes
from tributary.planning.plan import plan_scope

AS_OF = dt.date(2026, 1, 4)  # Sunday; weekly forecast periods start on the Mondays after


def item(code, location="", **kw) -> dict:
    row = {
        "account_id": "a",
        "item_code": code,
        "location": location,
        "on_hand": 0.0,
        "lead_time_days": 7.0,
        "order_cycle_days": 7.0,
        "safety_stock_periods": 0.0,
        "supplier_code": "S",
    }
    row.update(kw)
    return row


def weekly(code, location="", qty=70.0) -> pd.DataFrame:
    starts = pd.date_range("2026-01-05", periods=52, freq="7D")
    return pd.DataFrame(
        {
            "account_id": "a",
            "item_code": code,
            "location": location,
            "period_start": starts,
            "forecast_qty": qty,
            "forecast_sigma": 0.0,
        }
    )


def by_item(plan: pd.DataFrame) -> pd.DataFrame:
    return plan.set_index(["item_code", "location"])


def test_mrp_over_two_levels_with_batch_rounding():
    items = pd.DataFrame([item("F"), item("A"), item("B", lead_time_days=14.0)])
    bom = pd.DataFrame(
        {
            "finished_code": ["F", "A"],
            "material_code": ["A", "B"],
            "qty_per_batch": [100.0, 1.0],
            "batch_rounding": [50.0, None],
            "manufacturing_lead_time_days": [7.0, None],
            "min_batch": [None, None],
        }
    )
    out = plan_scope(items, weekly("F"), AS_OF, bom=bom)
    plan = by_item(out["order_plan"])
    assert plan.loc[("F", ""), "order_qty"] == 150  # 140 over L + R rounded up to 50s
    assert plan.loc[("A", ""), "order_qty"] == 300  # 150 / 50 x 100
    assert plan.loc[("B", ""), "order_qty"] == 580  # 300 now + 2 x 10 a day over days 8-21
    mos = out["manufacturing_orders"].set_index("finished_code")
    assert mos.loc["F", "qty"] == 150
    assert mos.loc["F", "due_date"] == pd.Timestamp("2026-01-11")
    assert mos.loc["A", "start_date"] == pd.Timestamp(AS_OF)
    mat = out["material_plan"].set_index("material_code")
    assert mat.loc["A", "required_qty"] == 300
    assert mat.loc["B", "required_qty"] == 300
    assert list(out["purchase_orders"]["item_code"]) == ["B"]


def test_min_batch_raises_the_build():
    items = pd.DataFrame([item("F", on_hand=65.0), item("A")])  # L = 0: OUT = 70
    bom = pd.DataFrame({"finished_code": ["F"], "material_code": ["A"], "min_batch": [10.0]})
    out = plan_scope(items, weekly("F"), AS_OF, bom=bom)
    assert out["manufacturing_orders"]["qty"].tolist() == [10]  # 5 needed


def test_purchase_for_bom_buys_the_item():
    items = pd.DataFrame([item("F", purchase_for_bom=True), item("A")])
    bom = pd.DataFrame({"finished_code": ["F"], "material_code": ["A"]})
    out = plan_scope(items, weekly("F"), AS_OF, bom=bom)
    assert out["manufacturing_orders"].empty
    assert out["purchase_orders"]["item_code"].tolist() == ["F"]


def test_bom_loop_is_an_error():
    bom = pd.DataFrame({"finished_code": ["A", "B", "C"], "material_code": ["B", "A", "A"]})
    with pytest.raises(BomLoopError, match="A, B"):
        low_level_codes(bom)


def test_low_level_codes_take_the_deepest_use():
    bom = pd.DataFrame({"finished_code": ["F", "F", "A"], "material_code": ["A", "B", "B"]})
    assert low_level_codes(bom).to_dict() == {"F": 0, "A": 1, "B": 2}


def test_dc_with_two_stores_orders_their_transfers_plus_its_own_sales():
    items = pd.DataFrame(
        [
            item("X", "S1", dc_name="DC"),
            item("X", "S2", dc_name="DC"),
            item("X", "DC", on_hand=100.0, lead_time_days=14.0),
        ]
    )
    fc = pd.concat([weekly("X", "S1"), weekly("X", "S2"), weekly("X", "DC", 35.0)])
    out = plan_scope(items, fc, AS_OF)
    plan = by_item(out["order_plan"])
    assert plan.loc[("X", "S1"), "order_qty"] == 140
    assert plan.loc[("X", "S2"), "order_qty"] == 140
    # 280 shipped now + own 5 a day x 21 days + the stores' 20 a day over days 8-21 - 100 on hand
    assert plan.loc[("X", "DC"), "order_qty"] == 280 + 105 + 280 - 100
    tr = out["transfers"]
    assert sorted(zip(tr.from_location, tr.to_location, tr.qty, strict=True)) == [
        (
            "DC",
            "S1",
            140,
        ),
        ("DC", "S2", 140),
    ]
    po = out["purchase_orders"]
    assert po["location"].tolist() == ["DC"]


def test_intersite_transfer_fills_smallest_need_first_and_never_across_regions():
    items = pd.DataFrame(
        [
            item("X", "A", on_hand=300.0, transfer_region="N"),
            item("X", "B", on_hand=100.0, transfer_region="N"),
            item("X", "C", transfer_region="N"),
            item("X", "D", transfer_region="S"),
        ]
    )
    fc = pd.concat([weekly("X", loc) for loc in "ABCD"])
    out = plan_scope(items, fc, AS_OF)
    tr = out["transfers"]
    assert sorted(zip(tr.from_location, tr.to_location, tr.qty, strict=True)) == [
        ("A", "B", 40),
        ("A", "C", 120),
    ]
    assert (tr["kind"] == "intersite").all()
    plan = by_item(out["order_plan"])
    assert plan["order_qty"].to_dict() == {
        ("X", "A"): 0,
        ("X", "B"): 0,
        ("X", "C"): 20,
        ("X", "D"): 140,
    }


def test_batch_that_expires_unsold_is_written_off_and_not_usable():
    items = pd.DataFrame([item("X", on_hand=100.0, inventory_value_per_unit=2.5)])
    batches = pd.DataFrame(
        {
            "account_id": "a",
            "item_code": "X",
            "location": "",
            "batch_code": ["b1", "b2"],
            "expiration_date": [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-03-01")],
            "on_hand": [60.0, 40.0],
        }
    )
    out = plan_scope(items, weekly("X"), AS_OF, batches=batches)
    wo = out["projected_write_offs"]
    assert wo[["batch_code", "qty_expiring", "value"]].values.tolist() == [["b1", 10.0, 25.0]]
    plan = out["order_plan"].iloc[0]
    assert plan["available"] == 90
    assert plan["order_qty"] == 140 - 90


def test_purchase_orders_carry_supplier_codes_currency_cost_and_containers():
    items = pd.DataFrame(
        [
            item(
                "X",
                supplier_item_code="SX",
                supplier_currency="EUR",
                purchase_price=2.0,
                container_id="C",
                container_load_qty=100.0,
                max_containers=5.0,
            ),
            item(
                "Y",
                supplier_currency="EUR",
                purchase_price=1.0,
                container_id="C",
                container_load_qty=100.0,
                max_containers=5.0,
            ),
        ]
    )
    fc = pd.concat([weekly("X", qty=140.0), weekly("Y", qty=35.0)])
    out = plan_scope(items, fc, AS_OF)
    po = out["purchase_orders"]
    # X needs 280, Y 70: 350 fills 4 containers, X (faster) takes the free 50
    assert po[["item_code", "supplier_item_code", "container_no", "qty"]].values.tolist() == [
        ["X", "SX", 1.0, 100.0],
        ["X", "SX", 2.0, 100.0],
        ["X", "SX", 3.0, 100.0],
        ["X", "SX", 4.0, 30.0],
        ["Y", "Y", 4.0, 70.0],
    ]
    assert po["currency"].eq("EUR").all()
    assert np.allclose(po["line_cost"], po["qty"] * po["unit_cost"])


def test_scope_output_frames_have_the_contract_columns():
    out = plan_scope(pd.DataFrame([item("X")]), weekly("X"), AS_OF)
    contract = {
        "order_plan": "account_id item_code location on_hand on_order backorders lead_time_days "
        "order_cycle_days demand_over_lead_time safety_stock reorder_point order_up_to order_qty "
        "order_value next_order_date expected_delivery_date projected_stockout_date supplier_code",
        "purchase_orders": "account_id supplier_code order_date delivery_date item_code "
        "supplier_item_code location qty currency unit_cost line_cost container_id container_no",
        "transfers": "account_id item_code from_location to_location transfer_region qty",
        "manufacturing_orders": "account_id finished_code location qty start_date due_date",
        "material_plan": "account_id material_code finished_code location required_qty "
        "required_date",
        "projected_write_offs": "account_id item_code location batch_code expiration_date "
        "qty_expiring value",
    }
    for name, cols in contract.items():
        assert set(cols.split()) <= set(out[name].columns), name
