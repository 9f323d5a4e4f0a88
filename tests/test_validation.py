"""Parsing and rejection rules of the data contract, one piece of text at a time."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from tributary.connectors.folder import RawTable, UnreadableFile, read_piece_file
from tributary.contract import PIECES, arrow_schema, arrow_table, normalize_header
from tributary.validation import validate_in_slices, validate_piece


def validate(piece: str, csv: str, **kwargs):
    frame = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False, na_filter=False)
    return validate_piece(PIECES[piece], RawTable(f"{piece}.csv", frame, 2), **kwargs)


def reasons(result) -> list[tuple[int, str, str]]:
    return [(row.row_number, row.column_name, row.reason) for row in result.rejected.itertuples()]


# -- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("piece", "header", "column"),
    [
        ("transactions", "Item code", "item_code"),
        ("transactions", "Qty sold", "qty_sold"),
        ("transactions", "  DATE ", "date"),
        ("transactions", "Sales price/unit", "sales_price"),
        ("transactions", "On hand change", "on_hand_change"),
        ("transactions", "Transaction revenue", "revenue"),
        ("items", "Lead time", "lead_time_days"),
        ("items", "Supplier's item code", "supplier_item_code"),
        ("items", "Supplier\u2019s currency", "supplier_currency"),
        ("items", "# of periods for safety stock", "safety_stock_periods"),
        ("items", "Inventory value/unit", "inventory_value_per_unit"),
        ("items", "Weight/unit", "weight_per_unit"),
        ("items", "Shelf life, days", "shelf_life_days"),
        ("items", "DC name", "dc_name"),
    ],
)
def test_document_headers_match_the_piece_columns(piece, header, column):
    normalized = normalize_header(header)
    assert PIECES[piece].aliases.get(normalized, normalized) == column


def test_explicit_column_map_wins():
    result = validate(
        "transactions",
        "Posting date,SKU,Qty\n2024-01-02,A,3\n",
        column_map={"Posting date": "date", "SKU": "item_code", "Qty": "qty_sold"},
    )
    assert result.frame[["item_code", "qty_sold"]].to_dict("records") == [
        {"item_code": "A", "qty_sold": 3.0}
    ]


def test_missing_required_column_fails_the_file_naming_it():
    with pytest.raises(UnreadableFile) as error:
        validate("transactions", "date,item_code\n2024-01-02,A\n")
    assert "transactions.csv" in str(error.value)
    assert "qty_sold" in str(error.value)


def test_two_headers_for_one_column_fail_the_file():
    with pytest.raises(UnreadableFile, match="both map to column 'qty_sold'"):
        validate("transactions", "date,item_code,Qty sold,qty_sold\n2024-01-02,A,1,1\n")


def test_unknown_column_is_reported_once_as_a_warning():
    result = validate("transactions", "date,item_code,qty_sold,colour\n2024-01-02,A,1,x\n")
    assert len(result.warnings) == 1
    assert "colour" in result.warnings[0]
    assert len(result.frame) == 1


def test_info_columns_become_item_attributes_and_categories_a_list():
    result = validate(
        "items",
        "item_code,info_color,Item category,Item sub-category,item_category_3\n"
        "A,red,Tools,,Small\nB,,Tools,,\n",
    )
    rows = result.frame.set_index("item_code")
    assert rows.loc["A", "attributes"] == '{"color": "red"}'
    assert rows.loc["B", "attributes"] == "{}"
    # An empty level inside the hierarchy is kept; empty levels at the end are dropped.
    assert rows.loc["A", "item_categories"] == ["Tools", "", "Small"]
    assert rows.loc["B", "item_categories"] == ["Tools"]


# -- values ---------------------------------------------------------------------------------


def test_empty_location_and_channel_mean_none_given():
    result = validate(
        "transactions", "date,item_code,qty_sold,location,channel\n2024-01-02,A,1,,\n"
    )
    assert result.frame.loc[0, "location"] == ""
    assert result.frame.loc[0, "channel"] == ""


def test_empty_optional_number_is_not_given():
    result = validate("transactions", "date,item_code,qty_sold,revenue\n2024-01-02,A,1,\n")
    assert math.isnan(result.frame.loc[0, "revenue"])


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "Yes", "yes"])
def test_true_booleans(word):
    result = validate("transactions", f"date,item_code,qty_sold,outlier\n2024-01-02,A,1,{word}\n")
    assert bool(result.frame.loc[0, "outlier"]) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "NO"])
def test_false_booleans(word):
    result = validate("transactions", f"date,item_code,qty_sold,outlier\n2024-01-02,A,1,{word}\n")
    assert bool(result.frame.loc[0, "outlier"]) is False


def test_other_boolean_rejects_the_row():
    result = validate("transactions", "date,item_code,qty_sold,outlier\n2024-01-02,A,1,maybe\n")
    assert result.frame.empty
    assert reasons(result) == [(2, "outlier", "not a boolean (use 1/true/yes or 0/false/no)")]
    assert result.rejected.loc[0, "value"] == "maybe"


def test_iso_date_with_time_keeps_the_day():
    result = validate("transactions", "date,item_code,qty_sold\n2024-03-31T17:45:00,A,1\n")
    assert str(result.frame.loc[0, "date"]) == "2024-03-31"


def test_declared_date_format_is_used():
    result = validate(
        "transactions", "date,item_code,qty_sold\n12/30/2023,A,1\n", date_format="%m/%d/%Y"
    )
    assert str(result.frame.loc[0, "date"]) == "2023-12-30"


def test_unparseable_date_rejects_the_row_with_file_row_and_value():
    result = validate("transactions", "date,item_code,qty_sold\n2024-01-02,A,1\n31.02.2024,A,1\n")
    assert len(result.frame) == 1
    rejected = result.rejected.iloc[0]
    assert (rejected.source_file, rejected.row_number, rejected.column_name, rejected.value) == (
        "transactions.csv",
        3,
        "date",
        "31.02.2024",
    )
    assert rejected.reason.startswith("not a date")


def test_fractional_quantities_are_kept():
    result = validate("transactions", "date,item_code,qty_sold\n2024-01-02,ROPE,2.5\n")
    assert result.frame.loc[0, "qty_sold"] == 2.5


def test_negative_qty_sold_is_a_return_not_an_error():
    result = validate("transactions", "date,item_code,qty_sold\n2024-01-02,A,-2\n")
    assert result.frame.loc[0, "qty_sold"] == -2.0
    assert result.rejected.empty


def test_non_numeric_quantity_rejects_the_row():
    result = validate("transactions", "date,item_code,qty_sold\n2024-01-02,A,three\n")
    assert reasons(result) == [(2, "qty_sold", "not a number")]


def test_missing_required_value_rejects_the_row():
    result = validate("transactions", "date,item_code,qty_sold\n2024-01-02,,1\n")
    assert reasons(result) == [(2, "item_code", "required value missing")]


def test_negative_on_hand_in_items_is_kept():
    result = validate("items", "item_code,on_hand\nA,-4\n")
    assert result.frame.loc[0, "on_hand"] == -4.0
    assert result.rejected.empty


@pytest.mark.parametrize(
    ("piece", "csv", "expected"),
    [
        ("items", "item_code,service_level\nA,1\n", ("service_level", "must be less than 1")),
        ("items", "item_code,service_level\nA,-0.1\n", ("service_level", "must be at least 0")),
        (
            "items",
            "item_code,order_cycle_unit\nA,fortnights\n",
            ("order_cycle_unit", "must be one of periods, days, lead_times"),
        ),
        ("items", "item_code,max_containers\nA,1.5\n", ("max_containers", "not a whole number")),
        (
            "orders_to_receive",
            "item_code,qty,delivery_date\nA,0,2024-01-01\n",
            ("qty", "must be greater than 0"),
        ),
        (
            "orders_to_receive",
            "item_code,qty,delivery_date,order_type\nA,1,2024-01-01,gift\n",
            ("order_type", "must be one of purchase, transfer, manufacturing"),
        ),
        (
            "orders_to_receive",
            "item_code,qty\nA,1\n",
            ("delivery_date", "delivery_date or sendout_date is required"),
        ),
        ("orders_to_ship", "item_code,qty\nA,-1\n", ("qty", "must be greater than 0")),
        (
            "bom",
            "finished_code,material_code,batch_rounding\nF,M,0\n",
            ("batch_rounding", "must be at least 1"),
        ),
        (
            "bom",
            "finished_code,material_code,qty_per_batch\nF,M,0\n",
            ("qty_per_batch", "must be greater than 0"),
        ),
        (
            "promotions",
            "item_code,start_date,end_date,discount\nA,2024-01-01,2024-01-07,1.5\n",
            ("discount", "must be at most 1"),
        ),
        (
            "promotions",
            "item_code,start_date,end_date,discount\nA,2024-01-07,2024-01-01,0.2\n",
            ("end_date", "end_date is before start_date"),
        ),
        (
            "substitutions",
            "item_code,target_code,multiplier\nK,C,0\n",
            ("multiplier", "must be greater than 0"),
        ),
        (
            "batches",
            "item_code,batch_code,on_hand\nA,B1,3\n",
            None,  # expiration_date column missing: the file fails (checked below)
        ),
    ],
)
def test_rejection_reasons(piece, csv, expected):
    if expected is None:
        with pytest.raises(UnreadableFile, match="expiration_date"):
            validate(piece, csv)
        return
    result = validate(piece, csv)
    assert result.frame.empty
    assert reasons(result) == [(2, *expected)]


def test_each_problem_of_a_row_is_listed_but_the_row_counts_once():
    result = validate("transactions", "date,item_code,qty_sold\nnope,,x\n")
    assert {r[1] for r in reasons(result)} == {"date", "qty_sold"}
    assert result.rows_rejected == 1


# -- keys and loops ---------------------------------------------------------------------------


def test_duplicate_key_first_row_wins_rest_rejected():
    result = validate("items", "item_code,location,on_hand\nA,L1,5\nA,L1,9\nA,L2,1\nA,L1,7\n")
    assert result.frame[["location", "on_hand"]].values.tolist() == [["L1", 5.0], ["L2", 1.0]]
    assert reasons(result) == [
        (3, "item_code+location", "duplicate key"),
        (5, "item_code+location", "duplicate key"),
    ]
    assert result.rejected.loc[0, "value"] == "A|L1"


def test_a_rejected_row_does_not_win_the_key():
    result = validate("items", "item_code,location,on_hand\nA,L1,lots\nA,L1,9\n")
    assert result.frame["on_hand"].tolist() == [9.0]
    assert reasons(result) == [(2, "on_hand", "not a number")]


def test_bom_loop_rejects_the_rows_of_the_loop_and_names_it():
    result = validate("bom", "finished_code,material_code\nA,B\nB,C\nC,A\nA,D\nE,E\n")
    assert result.frame[["finished_code", "material_code"]].values.tolist() == [["A", "D"]]
    loop_reasons = {r[0]: r[2] for r in reasons(result)}
    assert loop_reasons[2] == "BOM loop: loop among A, B, C"
    assert loop_reasons[6] == "BOM loop: E -> E"


def test_substitution_loop_is_rejected():
    result = validate("substitutions", "item_code,target_code\nK1,K2\nK2,K1\nK3,C\n")
    assert result.frame["item_code"].tolist() == ["K3"]
    assert {r[2] for r in reasons(result)} == {"substitution loop: K1 -> K2 -> K1"}


def test_rows_keep_their_file_and_row_number():
    result = validate("transactions", "date,item_code,qty_sold\n2024-01-02,A,1\n2024-01-03,B,2\n")
    assert result.frame["source_row"].tolist() == [2, 3]
    assert set(result.frame["source_file"]) == {"transactions.csv"}


# -- headers written without separators ------------------------------------------------------


def test_headers_without_separators_match_contract_columns():
    result = validate("transactions", "ItemCode,QtySold,Date\nA,2,2024-01-02\n")
    assert result.frame[["item_code", "qty_sold"]].to_dict("records") == [
        {"item_code": "A", "qty_sold": 2.0}
    ]
    assert str(result.frame.loc[0, "date"]) == "2024-01-02"
    assert result.warnings == []


def test_compact_header_matches_document_spellings_and_categories():
    result = validate("items", "ItemCode,LeadTime,ItemCategory1,ItemSubCategory\nA,5,Tools,Saws\n")
    assert result.frame.loc[0, "lead_time_days"] == 5.0
    assert result.frame.loc[0, "item_categories"] == ["Tools", "Saws"]


def test_compact_header_clashing_with_a_normal_one_fails_the_file():
    with pytest.raises(UnreadableFile, match="both map to column 'item_code'"):
        validate("transactions", "item_code,ItemCode,qty_sold,date\nA,A,1,2024-01-02\n")


# -- dates: offsets, far future, formats --------------------------------------------------------


def test_mixed_iso_dates_and_timestamps_with_offsets_keep_the_local_day():
    result = validate(
        "transactions",
        "date,item_code,qty_sold\n"
        "2024-03-31,A,1\n"
        "2024-03-31T10:00:00+02:00,B,1\n"
        "2024-04-01T23:30:00Z,C,1\n"
        "2024-04-01T23:30:00-05:00,D,1\n",
    )
    assert result.rejected.empty
    assert [str(d) for d in result.frame["date"]] == [
        "2024-03-31",
        "2024-03-31",
        "2024-04-01",
        "2024-04-01",  # the day as written, not converted to UTC (04-02)
    ]


def test_dates_beyond_the_nanosecond_range_are_dates():
    result = validate(
        "batches",
        "item_code,batch_code,expiration_date,on_hand\n"
        "A,B1,9999-12-31,1\nA,B2,2300-01-01,1\nA,B3,1600-02-29,1\nA,B4,10000-01-01,1\n",
    )
    assert [str(d) for d in result.frame["expiration_date"]] == [
        "9999-12-31",
        "2300-01-01",
        "1600-02-29",
    ]
    assert reasons(result) == [
        (5, "expiration_date", "not a date (expected ISO 8601, e.g. 2024-03-31)")
    ]


def test_declared_format_parses_far_future_dates():
    result = validate(
        "batches",
        "item_code,batch_code,expiration_date,on_hand\nA,B1,31.12.9999,1\nA,B2,31.02.2024,1\n",
        date_format="%d.%m.%Y",
    )
    assert [str(d) for d in result.frame["expiration_date"]] == ["9999-12-31"]
    assert reasons(result) == [(3, "expiration_date", "not a date (expected %d.%m.%Y)")]


def test_promotion_dates_in_the_far_future_compare():
    result = validate(
        "promotions",
        "item_code,start_date,end_date,discount\nA,2024-01-01,9999-12-31,0.1\n"
        "B,9999-12-31,2024-01-01,0.1\n",
    )
    assert result.frame["item_code"].tolist() == ["A"]
    assert reasons(result) == [(3, "end_date", "end_date is before start_date")]


@pytest.mark.parametrize("date_format", ["%d.%m.%Q", "%Y-%", "dd.mm.yyyy"])
def test_an_invalid_date_format_fails_the_file_naming_the_format(date_format):
    with pytest.raises(UnreadableFile) as error:
        validate(
            "transactions", "date,item_code,qty_sold\n01.02.2024,A,1\n", date_format=date_format
        )
    assert f"date_format '{date_format}'" in str(error.value)


# -- range rules: numbers no real account holds ----------------------------------------------


def test_absurd_and_non_finite_numbers_reject_their_rows():
    result = validate(
        "transactions",
        "date,item_code,qty_sold,sales_price\n"
        "2024-01-02,A,1e300,1\n"
        "2024-01-02,B,2,-2e9\n"
        "2024-01-02,C,inf,1\n"
        "2024-01-02,D,NaN,1\n"
        "2024-01-02,E,999999999,1\n",
    )
    assert result.frame["item_code"].tolist() == ["E"]
    found = reasons(result)
    assert [(row, column) for row, column, _ in found] == [
        (2, "qty_sold"),
        (3, "sales_price"),
        (4, "qty_sold"),
        (5, "qty_sold"),
    ]
    assert "beyond the plausible range of +/-1e+09" in found[0][2]
    assert "master.load_checks.max_abs_value" in found[0][2]


def test_the_range_limit_is_configurable():
    csv = "item_code,on_hand\nA,5000\nB,50\n"
    assert validate("items", csv).frame["item_code"].tolist() == ["A", "B"]
    result = validate("items", csv, max_abs_value=1000)
    assert result.frame["item_code"].tolist() == ["B"]
    reason = (
        "beyond the plausible range of +/-1000 (accounts.yaml master.load_checks.max_abs_value)"
    )
    assert reasons(result) == [(2, "on_hand", reason)]


def test_validating_in_slices_gives_the_whole_file_result(tmp_path):
    # Rejections on both sides of slice borders, a blank line, a line with a field too many and
    # channel categories: 3 rows a slice must give what the whole file gives, row numbers included.
    path = tmp_path / "transactions.csv"
    path.write_text(
        "date,item_code,qty_sold,location,channel_category_1\n"
        "2024-01-02,A,1,,web\n"
        "2024-01-03,A,x,,web\n"
        "\n"
        "2024-01-04,B,2,north,\n"
        "2024-01-05,B,3,north,shop,extra\n"
        "nope,,4,,\n"
        "2024-01-06,C,5,,web\n"
        "2024-01-07,C,-1,south,\n"
    )
    raw = read_piece_file(path)
    assert raw.bad_lines  # the line with a field too many
    piece = PIECES["transactions"]
    whole = validate_piece(piece, raw)
    sliced = validate_in_slices(piece, raw, rows=3)
    assert sliced.frame.equals(arrow_table(whole.frame, arrow_schema(piece)))
    assert sliced.frame["source_row"].to_pylist() == [2, 5, 8, 9]
    pd.testing.assert_frame_equal(sliced.rejected, whole.rejected)
    assert sorted(set(sliced.rejected["row_number"])) == [3, 6, 7]
    assert (sliced.rows_read, sliced.rows_rejected, sliced.warnings) == (
        whole.rows_read,
        whole.rows_rejected,
        whole.warnings,
    )


def test_pieces_with_a_key_are_not_validated_in_slices():
    raw = RawTable("items.csv", pd.DataFrame({"item_code": ["A"]}), first_row_number=2)
    with pytest.raises(ValueError, match="items has rules across rows"):
        validate_in_slices(PIECES["items"], raw)
