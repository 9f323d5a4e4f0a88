"""The Great Expectations suites catch what they promise to, on hand-made rows."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from marts import FOUNDATION_MARTS

from tributary.quality import (
    load_suite,
    tables_with_suites,
    validate_table,
    validate_warehouse,
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
    assert set(tables_with_suites()) >= set(FOUNDATION_MARTS)


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


def warehouse_with(path, table: str, rows: pd.DataFrame):
    with duckdb.connect(str(path)) as con:
        con.register("rows_frame", rows)
        con.execute("create schema if not exists marts")
        con.execute(f'create or replace table marts."{table}" as select * from rows_frame')
    return path


def write_suite(directory, table: str, *expectations: tuple[str, dict]) -> None:
    (directory / f"{table}.json").write_text(
        json.dumps(
            {"name": table, "expectations": [{"type": t, "kwargs": k} for t, k in expectations]}
        )
    )


def test_a_duplicate_key_anywhere_in_the_table_is_caught(tmp_path):
    # One duplicated key among 200: the whole table is one batch, in DuckDB.
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
    path = warehouse_with(tmp_path / "w.duckdb", "demand_forecast", rows)
    report = validate_warehouse("demand_forecast", path)
    assert report.rows == 201
    assert [(f.expectation, f.column, f.unexpected_count) for f in report.failures] == [
        (
            "expect_compound_columns_to_be_unique",
            "account_id, item_code, location, period_start",
            2,
        )
    ]
    assert {example["item_code"] for example in report.failures[0].examples} == {"I007"}


def test_unexpected_values_are_counted_over_the_whole_table(tmp_path):
    rows = forecast_rows()
    rows = pd.concat([rows.assign(item_code=f"I{i}") for i in range(60)], ignore_index=True)
    rows.loc[rows.index % 3 == 0, "forecast_qty"] = -1.0  # 40 negative rows
    path = warehouse_with(tmp_path / "w.duckdb", "demand_forecast", rows)
    report = validate_warehouse("demand_forecast", path)
    counts = {(f.expectation, f.column): f.unexpected_count for f in report.failures}
    assert counts[("expect_column_values_to_be_between", "forecast_qty")] == 40
    assert (
        counts[("expect_column_pair_values_a_to_be_greater_than_b", "forecast_qty, forecast_lo")]
        == 40
    )
    assert report.rows == 120


def test_an_empty_table_still_checks_its_columns(tmp_path):
    write_suite(
        tmp_path,
        "t",
        ("expect_column_to_exist", {"column": "y"}),
        ("expect_column_to_exist", {"column": "x"}),
        ("expect_column_values_to_not_be_null", {"column": "y"}),
    )
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.t as select 1 as y where false")
    report = validate_warehouse("t", path, directory=tmp_path)
    assert report.rows == 0 and report.evaluated == 3
    assert [(f.expectation, f.column) for f in report.failures] == [("expect_column_to_exist", "x")]


# Each expectation type of the suites that DuckDB computes in SQL of its own, caught with its
# column and examples.
RISKY = [
    (
        "expect_column_values_to_be_in_set",
        {"column": "role", "value_set": ["master", "child"]},
        {"role": ["master", "child", "parent", None]},
        "role",
        ["parent"],
        2,
    ),
    (
        "expect_column_values_to_be_unique",
        {"column": "account_id"},
        {"account_id": ["a", "b", "b", "c"]},
        "account_id",
        ["b", "b"],
        2,
    ),
    (
        "expect_column_values_to_be_between",
        {"column": "promo_discount", "min_value": 0, "max_value": 1},
        {"promo_discount": [0.0, 0.5, 1.0, 1.5]},
        "promo_discount",
        [1.5],
        3,
    ),
    (
        "expect_column_values_to_be_between",
        {"column": "row_number", "min_value": 1},
        {"row_number": [1, 2, 0, 3]},
        "row_number",
        [0],
        2,
    ),
    (
        "expect_column_pair_values_a_to_be_greater_than_b",
        {"column_A": "delivery_date", "column_B": "order_date", "or_equal": True},
        {
            "delivery_date": pd.to_datetime(["2026-11-02", "2026-11-01", "2026-11-05", None]),
            "order_date": pd.to_datetime(["2026-11-02", "2026-11-03", "2026-11-01", None]),
        },
        "delivery_date, order_date",
        [(pd.Timestamp("2026-11-01").date(), pd.Timestamp("2026-11-03").date())],
        1,
    ),
    (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["item_code", "location"]},
        {"item_code": ["A", "A", "B", "B"], "location": ["x", "y", "x", "x"]},
        "item_code, location",
        [{"item_code": "B", "location": "x"}] * 2,
        3,
    ),
]


@pytest.mark.parametrize(("kind", "kwargs", "columns", "column", "examples", "offending"), RISKY)
def test_each_risky_expectation_type_fails_in_duckdb_naming_column_and_examples(
    tmp_path, kind, kwargs, columns, column, examples, offending
):
    write_suite(tmp_path, "t", (kind, kwargs))
    rows = pd.DataFrame(columns)
    for name in rows.columns:
        if rows[name].dtype.kind == "M":
            rows[name] = rows[name].dt.date  # DATE columns, as in the marts
    path = warehouse_with(tmp_path / "w.duckdb", "t", rows)
    report = validate_warehouse("t", path, directory=tmp_path)
    assert [(f.expectation, f.column, f.unexpected_count) for f in report.failures] == [
        (kind, column, len(examples))
    ]
    assert report.failures[0].examples == examples
    # Without the offending row the same expectation passes.
    warehouse_with(path, "t", rows.drop(index=offending))
    assert validate_warehouse("t", path, directory=tmp_path).success


def test_the_warehouse_is_read_only_and_released_after_the_check(tmp_path):
    path = warehouse_with(tmp_path / "w.duckdb", "demand_forecast", forecast_rows())
    before = path.read_bytes()
    report = validate_warehouse("demand_forecast", path, config={"threads": "1"})
    assert report.success and report.rows == 2
    assert path.read_bytes() == before
    # Nothing of the check keeps the file open: a writer (other settings) can open it now.
    with duckdb.connect(str(path), config={"threads": "2"}) as con:
        con.execute("drop table marts.demand_forecast")


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
