"""Planner overrides: parsing, validation and applying, on small hand-checked cases."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tributary.forecasting.overrides import (
    OverrideError,
    add_override,
    apply_overrides,
    master_child_changes,
    read_overrides,
    remove_overrides,
)

ACCOUNTS = {"master", "webshop", "warehouse"}
HEADER = "account_id,item_code,location,period_start,period_end,qty,pct_change,note,author\n"


def write(tmp_path, *rows: str):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows))
    return path


def forecast(rows: list[tuple[str, str, str, float]], hi_above: float = 2.0) -> pd.DataFrame:
    """Forecast rows (item, location, period_start, qty) with a symmetric interval."""
    frame = pd.DataFrame(rows, columns=["item_code", "location", "period_start", "forecast_qty"])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["forecast_lo"] = (frame["forecast_qty"] - hi_above).clip(lower=0)
    frame["forecast_hi"] = frame["forecast_qty"] + hi_above
    frame["forecast_sigma"] = 1.5
    frame["model"] = "ets"
    return frame


def parse(tmp_path, row: str):
    return read_overrides(write(tmp_path, row), ACCOUNTS)


def test_a_valid_row_parses_with_its_row_number_as_id(tmp_path):
    (o,) = parse(tmp_path, "webshop,A,,2027-01-04,2027-01-17,40,,promo,ann")
    assert (o.override_id, o.account_id, o.item_code, o.location) == (1, "webshop", "A", "")
    assert (o.period_start, o.period_end, o.qty, o.pct_change) == (
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 17),
        40.0,
        None,
    )


@pytest.mark.parametrize(
    "row, message",
    [
        ("webshop,A,,2027-01-04,2027-01-17,40,10,x,a", "columns qty/pct_change: give exactly one"),
        ("webshop,A,,2027-01-04,2027-01-17,,,x,a", "(neither given)"),
        ("webshop,A,,2027-13-04,2027-01-17,40,,x,a", "column period_start: '2027-13-04'"),
        ("webshop,A,,2027-01-17,2027-01-04,40,,x,a", "column period_end: 2027-01-04 is before"),
        ("shop,A,,2027-01-04,2027-01-17,40,,x,a", "column account_id: unknown account 'shop'"),
        ("webshop,A,,2027-01-04,2027-01-17,-1,,x,a", "column qty: -1 is negative"),
        ("webshop,A,,2027-01-04,2027-01-17,,-150,x,a", "column pct_change: -150 is below -100"),
        ("webshop,A,,2027-01-04,2027-01-17,ten,,x,a", "column qty: 'ten' is not a number"),
        ("webshop,,,2027-01-04,2027-01-17,10,,x,a", "column item_code: a value is required"),
    ],
)
def test_a_bad_row_is_named_by_file_row_and_column(tmp_path, row, message):
    with pytest.raises(OverrideError) as error:
        read_overrides(write(tmp_path, "webshop,B,,2027-01-04,2027-01-17,1,,ok,a", row), ACCOUNTS)
    assert str(tmp_path / "overrides.csv") in str(error.value)
    assert "row 2" in str(error.value)
    assert message in str(error.value)


def test_no_file_means_no_overrides(tmp_path):
    assert read_overrides(tmp_path / "overrides.csv", ACCOUNTS) == []


def test_a_qty_override_replaces_the_covered_periods_and_keeps_the_statistical_value(tmp_path):
    overrides = parse(tmp_path, "webshop,A,north,2027-01-04,2027-01-11,40,,promo,ann")
    rows = forecast(
        [
            ("A", "north", "2027-01-04", 10.0),
            ("A", "north", "2027-01-11", 10.0),
            ("A", "north", "2027-01-18", 10.0),  # after period_end
            ("A", "south", "2027-01-04", 10.0),  # another location
        ]
    )
    out = apply_overrides(rows, "webshop", overrides).forecast
    assert out["forecast_qty"].tolist() == [40.0, 40.0, 10.0, 10.0]
    assert out["forecast_qty_statistical"].tolist() == [10.0] * 4
    assert out["override_note"].tolist() == ["promo", "promo", None, None]
    # the interval keeps its half-width of 2 around the new quantity; sigma is the model's
    assert out["forecast_lo"].tolist()[:2] == [38.0, 38.0]
    assert out["forecast_hi"].tolist()[:2] == [42.0, 42.0]
    assert out["forecast_sigma"].tolist() == [1.5] * 4
    assert out["override_flagged"].tolist() == [True, True, False, False]


def test_a_pct_change_within_30_percent_is_not_flagged_and_empty_location_means_all(tmp_path):
    overrides = parse(tmp_path, "webshop,A,,2027-01-04,2027-01-04,,-20,lost customer,bo")
    rows = forecast([("A", "north", "2027-01-04", 10.0), ("A", "south", "2027-01-04", 5.0)])
    out = apply_overrides(rows, "webshop", overrides).forecast
    assert out["forecast_qty"].tolist() == [8.0, 4.0]
    assert out["forecast_lo"].tolist() == [6.0, 2.0]
    assert out["override_flagged"].tolist() == [False, False]


def test_other_accounts_overrides_do_not_touch_the_scope(tmp_path):
    overrides = parse(tmp_path, "warehouse,A,,2027-01-04,2027-01-04,99,,x,a")
    out = apply_overrides(forecast([("A", "", "2027-01-04", 10.0)]), "webshop", overrides)
    assert out.forecast["forecast_qty"].tolist() == [10.0]
    assert out.status.empty


def test_overrides_that_match_nothing_are_reported_with_the_reason(tmp_path):
    path = write(
        tmp_path,
        "webshop,GONE,,2027-01-04,2027-01-04,5,,x,a",
        "webshop,A,west,2027-01-04,2027-01-04,5,,x,a",
        "webshop,A,,2020-01-06,2020-02-03,5,,x,a",
        "webshop,A,,2027-01-04,2027-01-04,5,,x,a",
    )
    status = apply_overrides(
        forecast([("A", "north", "2027-01-04", 10.0)]), "webshop", read_overrides(path)
    ).status
    assert status[["override_id", "status", "rows_matched"]].values.tolist() == [
        [1, "unknown item", 0],
        [2, "unknown location", 0],
        [3, "no forecast period in range", 0],
        [4, "applied", 1],
    ]


def test_the_later_row_wins_and_a_pct_change_is_taken_from_the_statistical_forecast(tmp_path):
    path = write(
        tmp_path,
        "webshop,A,,2027-01-04,2027-01-04,30,,first,a",
        "webshop,A,,2027-01-04,2027-01-04,,50,second,a",
    )
    out = apply_overrides(
        forecast([("A", "", "2027-01-04", 10.0)]), "webshop", read_overrides(path)
    ).forecast
    assert out["forecast_qty"].tolist() == [15.0]
    assert out["override_note"].tolist() == ["second"]


def test_child_overrides_add_their_change_to_the_master_unless_the_master_has_its_own(tmp_path):
    path = write(
        tmp_path,
        "webshop,A,,2027-01-04,2027-01-11,25,,promo,ann",  # +15 in both periods
        "warehouse,A,,2027-01-04,2027-01-04,,-50,lost,bo",  # -4 in the first
        "master,A,,2027-01-11,2027-01-11,100,,group call,cy",  # the master's own wins here
    )
    overrides = read_overrides(path, ACCOUNTS)
    children = {
        "webshop": forecast([("A", "", "2027-01-04", 10.0), ("A", "", "2027-01-11", 10.0)]),
        "warehouse": forecast([("A", "", "2027-01-04", 8.0), ("A", "", "2027-01-11", 8.0)]),
    }
    changes = master_child_changes(overrides, children.__getitem__)
    master = forecast([("A", "", "2027-01-04", 18.0), ("A", "", "2027-01-11", 18.0)])
    out = apply_overrides(master, "master", overrides, changes).forecast
    assert out["forecast_qty"].tolist() == [29.0, 100.0]  # 18 + 15 - 4; the master's 100
    assert out["forecast_qty_statistical"].tolist() == [18.0, 18.0]
    assert out["override_note"].tolist() == [
        "via warehouse: lost; via webshop: promo",
        "group call",
    ]


def test_a_mapped_childs_override_reaches_the_master_item_in_master_units(tmp_path):
    # the trade account sells CASE-A, a case of 6 x master item A: +5 cases is +30 of A
    path = write(tmp_path, "webshop,CASE-A,,2027-01-04,2027-01-04,7,,fair,ann")
    overrides = read_overrides(path, ACCOUNTS)
    children = {"webshop": forecast([("CASE-A", "", "2027-01-04", 2.0)])}
    item_map = pd.DataFrame(
        {"item_code": ["CASE-A"], "master_item_code": ["A"], "multiplier": [6.0]}
    )
    changes = master_child_changes(overrides, children.__getitem__, lambda child: item_map)
    master = forecast([("A", "", "2027-01-04", 40.0)])
    out = apply_overrides(master, "master", overrides, changes).forecast
    assert out["forecast_qty"].tolist() == [70.0]  # 40 + (7 - 2) x 6
    assert out["override_note"].tolist() == ["via webshop: fair"]


def test_no_child_override_gives_no_master_change(tmp_path):
    overrides = parse(tmp_path, "master,A,,2027-01-04,2027-01-04,1,,x,a")
    assert master_child_changes(overrides, lambda child: pytest.fail(child)) is None


def test_add_validates_and_appends_and_remove_by_id_or_by_item(tmp_path):
    path = tmp_path / "overrides.csv"
    row = {"account_id": "webshop", "item_code": "A", "period_start": "2027-01-04"}
    added = add_override(path, {**row, "period_end": "2027-01-10", "qty": "4"}, ACCOUNTS)
    assert added.override_id == 1
    add_override(
        path, {**row, "item_code": "B", "period_end": "2027-01-10", "pct_change": "5"}, ACCOUNTS
    )
    with pytest.raises(OverrideError, match="row 3, column period_end"):
        add_override(path, {**row, "period_end": "2026-01-01", "qty": "1"}, ACCOUNTS)
    assert [o.item_code for o in read_overrides(path)] == ["A", "B"]
    removed = remove_overrides(
        path, account_id="webshop", item_code="B", period=dt.date(2027, 1, 5)
    )
    assert [o.item_code for o in removed] == ["B"]
    assert [o.override_id for o in remove_overrides(path, override_id=1)] == [1]
    assert read_overrides(path) == []


def test_the_cli_adds_lists_and_removes_overrides(tmp_path):
    from typer.testing import CliRunner

    from orchestration.cli import app
    from tributary.demo import write_demo_home

    write_demo_home(tmp_path)
    home = ["--home", str(tmp_path)]
    cli = CliRunner()
    span = ["--start", "2027-01-04", "--end", "2027-01-10"]
    added = cli.invoke(
        app, ["override", "add", *home, "--account", "webshop", "--item", "A", *span, "--qty", "5"]
    )
    assert added.exit_code == 0, added.output
    bad = cli.invoke(app, ["override", "add", *home, "--account", "webshop", "--item", "A", *span])
    assert bad.exit_code == 2 and "(neither given)" in bad.output
    listed = cli.invoke(app, ["override", "list", *home])
    assert "not run yet" in listed.output and "webshop" in listed.output
    assert cli.invoke(app, ["override", "remove", "1", *home]).exit_code == 0
    assert read_overrides(tmp_path / "overrides.csv") == []
