"""The fast paths give what a plain full run gives (issue 15): a nightly rerun in which one
account changed (its unchanged siblings' forecasts and KPIs reused, tributary.demo.group's generated
group) ends with the same marts as a fresh one-worker run of the same input."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.runner import run_pipeline
from tributary.config import Home
from tributary.demo.group import change_one_account, write_generated_group
from tributary.warehouse_diff import mart_differences

GROUP = {"accounts": 3, "items": 40, "days": 150}
# Stamped with the time of the run, not computed from the input.
RUN_STAMPED = ("accounts",)
CACHES = (Path("lake/cache/statistical_forecast"), Path("lake/cache/kpis"))


def _cached_keys(home: Home) -> dict[str, str]:
    """'<cache>/<scope>' -> the digest its result is kept under."""
    return {
        f"{cache.name}/{folder.parent.name.removeprefix('account=')}": folder.name
        for cache in CACHES
        for folder in (home.root / cache).glob("account=*/*")
    }


@pytest.fixture(scope="module")
def homes(tmp_path_factory) -> tuple[Home, Home, dict[str, str], dict[str, str]]:
    nightly = Home(tmp_path_factory.mktemp("nightly"))
    write_generated_group(nightly.root, **GROUP)
    assert run_pipeline(nightly, echo=lambda _: None).ok
    first_keys = _cached_keys(nightly)
    change_one_account(nightly.root, "acct1")
    assert run_pipeline(nightly, echo=lambda _: None).ok

    fresh = Home(tmp_path_factory.mktemp("fresh"))
    write_generated_group(fresh.root, **GROUP)
    change_one_account(fresh.root, "acct1")
    assert run_pipeline(fresh, echo=lambda _: None, workers=1).ok
    return nightly, fresh, first_keys, _cached_keys(nightly)


def test_a_nightly_rerun_reuses_unchanged_forecasts_and_gives_a_fresh_runs_marts(homes):
    # One test over the module's homes: three pipeline runs are built once, on one worker.
    nightly, fresh, before, after = homes
    scopes = ("acct1", "acct2", "acct3", "master")
    assert set(before) == {f"{cache.name}/{scope}" for cache in CACHES for scope in scopes}
    for cache in CACHES:

        def key(keys: dict[str, str], scope: str, cache: Path = cache) -> str:
            return keys[f"{cache.name}/{scope}"]

        for unchanged in ("acct2", "acct3"):
            assert key(after, unchanged) == key(before, unchanged), (cache, unchanged)
        for changed in ("acct1", "master"):
            assert key(after, changed) != key(before, changed), (cache, changed)
    assert mart_differences(nightly.warehouse, fresh.warehouse, ignore=RUN_STAMPED) == []


def _warehouse(path: Path, order_qty: float) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.order_plan as select * from (values ('a', 1.0), ('b', 2.0)) "
            "as t(item_code, order_qty)"
        )
        con.execute("update marts.order_plan set order_qty = ? where item_code = 'b'", [order_qty])
        con.execute("create table marts.accounts as select now() as loaded_at")
    return path


def test_equal_marts_differ_only_in_ignored_tables_and_a_changed_row_is_reported(tmp_path):
    first = _warehouse(tmp_path / "first.duckdb", 2.0)
    same = _warehouse(tmp_path / "same.duckdb", 2.0000000001)
    changed = _warehouse(tmp_path / "changed.duckdb", 3.0)
    assert mart_differences(first, same, ignore=RUN_STAMPED) == []
    assert [str(p) for p in mart_differences(first, same)] == [
        "marts.accounts: 1 rows only in the first, 1 only in the second"
    ]
    assert [str(p) for p in mart_differences(first, changed, ignore=RUN_STAMPED)] == [
        "marts.order_plan: 1 rows only in the first, 1 only in the second"
    ]
