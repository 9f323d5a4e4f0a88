"""The Great Expectations suites catch what they promise to, on hand-made rows."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from tributary.quality import (
    load_suite,
    partition_columns,
    read_in_batches,
    tables_with_suites,
    validate_batches,
    validate_table,
)


def forecast_rows(**changes) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "account_id": ["master", "master"],
            "item_code": ["A", "A"],
            "location": ["", ""],
            "period_start": pd.to_datetime(["2026-11-02", "2026-11-09"]),
            "forecast_qty": [10.0, 12.0],
            "forecast_lo": [8.0, 9.0],
            "forecast_hi": [13.0, 15.0],
            "forecast_sigma": [2.3, 2.3],
            "model": ["ets", "ets"],
            "forecast_qty_statistical": [10.0, 12.0],
            "override_note": [None, None],
            "override_flagged": [False, False],
        }
    )
    for column, values in changes.items():
        rows[column] = values
    return rows


def test_every_output_table_of_the_foundation_has_a_suite():
    assert set(tables_with_suites()) >= {
        "accounts",
        "rejected_rows",
        "items",
        "sales_history",
        "demand_history",
        "inventory_position",
        "open_orders",
    }


@pytest.mark.parametrize("table", tables_with_suites())
def test_suites_load(table):
    suite = load_suite(table)
    assert len(suite.expectations) > 3


def test_good_rows_pass():
    report = validate_table("demand_forecast", forecast_rows())
    assert report.success, [str(f) for f in report.failures]


def test_negative_forecast_fails_naming_the_column():
    report = validate_table("demand_forecast", forecast_rows(forecast_qty=[-1.0, 12.0]))
    assert not report.success
    failed = {(f.expectation, f.column) for f in report.failures}
    assert ("expect_column_values_to_be_between", "forecast_qty") in failed


def test_missing_or_negative_forecast_sigma_fails():
    report = validate_table("demand_forecast", forecast_rows(forecast_sigma=[-0.5, None]))
    failed = {(f.expectation, f.column) for f in report.failures}
    assert ("expect_column_values_to_be_between", "forecast_sigma") in failed
    assert ("expect_column_values_to_not_be_null", "forecast_sigma") in failed
    report = validate_table("demand_forecast", forecast_rows().drop(columns="forecast_sigma"))
    assert ("expect_column_to_exist", "forecast_sigma") in {
        (f.expectation, f.column) for f in report.failures
    }


def test_duplicate_key_and_inverted_bounds_fail():
    rows = forecast_rows(period_start=pd.to_datetime(["2026-11-02"] * 2), forecast_hi=[9.0, 15.0])
    failed = {f.expectation for f in validate_table("demand_forecast", rows).failures}
    assert "expect_compound_columns_to_be_unique" in failed
    assert "expect_column_pair_values_a_to_be_greater_than_b" in failed


def test_missing_column_fails(tmp_path):
    (tmp_path / "t.json").write_text(
        json.dumps(
            {
                "name": "t",
                "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "x"}}],
            }
        )
    )
    report = validate_table("t", pd.DataFrame({"y": [1]}), directory=tmp_path)
    assert [f.expectation for f in report.failures] == ["expect_column_to_exist"]


def test_batches_keep_each_key_together_so_duplicates_are_caught():
    # One duplicated key among 200, 50 rows per batch: the pair lands in the same batch.
    keys = [f"I{i:03d}" for i in range(200)] + ["I007"]
    rows = pd.DataFrame(
        {
            "account_id": "master",
            "item_code": keys,
            "location": "",
            "period_start": pd.Timestamp("2026-11-02"),
            "forecast_qty": 1.0,
            "forecast_lo": 0.0,
            "forecast_hi": 2.0,
            "forecast_sigma": 0.8,
            "model": "ets",
            "forecast_qty_statistical": 1.0,
            "override_note": None,
            "override_flagged": False,
        }
    )
    con = duckdb.connect()
    con.register("rows_view", rows)
    key = partition_columns("demand_forecast")
    assert key == ["account_id", "item_code", "location", "period_start"]
    batches = list(read_in_batches(con, "rows_view", key, batch_rows=50))
    assert len(batches) == 5 and sum(len(b) for b in batches) == 201
    report = validate_batches("demand_forecast", iter(batches))
    assert report.rows == 201
    assert [(f.expectation, f.unexpected_count) for f in report.failures] == [
        ("expect_compound_columns_to_be_unique", 2)
    ]


def test_batches_add_up_unexpected_counts_across_batches():
    rows = forecast_rows()
    rows = pd.concat([rows.assign(item_code=f"I{i}") for i in range(60)], ignore_index=True)
    rows.loc[rows.index % 3 == 0, "forecast_qty"] = -1.0  # 40 negative rows over the batches
    con = duckdb.connect()
    con.register("rows_view", rows)
    batches = read_in_batches(con, "rows_view", [], batch_rows=2048)
    many = read_in_batches(con, "rows_view", partition_columns("demand_forecast"), batch_rows=7)
    one = validate_batches("demand_forecast", batches)
    split = validate_batches("demand_forecast", many)
    negative = {(f.expectation, f.column): f.unexpected_count for f in split.failures}
    assert negative[("expect_column_values_to_be_between", "forecast_qty")] == 40
    assert {(f.expectation, f.column, f.unexpected_count) for f in one.failures} == {
        (f.expectation, f.column, f.unexpected_count) for f in split.failures
    }


def test_an_empty_table_still_checks_its_columns():
    con = duckdb.connect()
    con.execute("create table t as select 1 as y where false")
    batches = list(read_in_batches(con, "t", []))
    assert len(batches) == 1 and list(batches[0].columns) == ["y"]


def test_the_rejected_rows_suite_allows_exactly_the_contracts_pieces():
    from tributary.contract import PIECES
    from tributary.quality import suite_path

    suite = json.loads(suite_path("rejected_rows").read_text())
    allowed = next(
        e["kwargs"]["value_set"]
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == "piece"
    )
    assert sorted(allowed) == sorted(PIECES)
