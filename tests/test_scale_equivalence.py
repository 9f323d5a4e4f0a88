"""The fast paths give what a plain full run gives (issue 15): a nightly rerun in which one
account changed (its unchanged siblings' forecasts reused, tributary.demo.group's generated
group) ends with the same marts as a fresh one-worker run of the same input."""

from __future__ import annotations

import shutil
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
CACHE = Path("lake/cache/statistical_forecast")


def _cached_keys(home: Home) -> dict[str, str]:
    folders = (home.root / CACHE).glob("account=*/*")
    return {folder.parent.name.removeprefix("account="): folder.name for folder in folders}


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


def test_the_nightly_rerun_reuses_only_the_unchanged_accounts_forecasts(homes):
    _, _, before, after = homes
    assert set(before) == {"acct1", "acct2", "acct3", "master"}
    assert after["acct2"] == before["acct2"] and after["acct3"] == before["acct3"]
    assert after["acct1"] != before["acct1"] and after["master"] != before["master"]


def test_the_rerun_on_two_workers_has_the_marts_of_a_fresh_one_worker_run(homes):
    nightly, fresh, _, _ = homes
    assert mart_differences(nightly.warehouse, fresh.warehouse, ignore=RUN_STAMPED) == []


def test_a_changed_mart_is_reported(homes, tmp_path):
    nightly, _, _, _ = homes
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(nightly.warehouse, changed)
    with duckdb.connect(str(changed)) as con:
        con.execute("update marts.order_plan set order_qty = order_qty + 1 where rowid = 0")
    problems = [str(p) for p in mart_differences(nightly.warehouse, changed)]
    assert problems == ["marts.order_plan: 1 rows only in the first, 1 only in the second"]
