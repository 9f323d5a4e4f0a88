"""An account whose database is down: retried with backoff, then failed alone; others load."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.definitions import build_definitions
from orchestration.partitions import sync_account_partitions
from orchestration.runner import prepare_instance
from tributary.config import Account, Config, Connection, Home, Master
from tributary.lake import Lake

DOWN_URL = "postgresql+psycopg2://postgres@127.0.0.1:1/erp"  # nothing listens on port 1


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    monkeypatch.setenv("ERP_DOWN_URL", DOWN_URL)
    folder = tmp_path / "data" / "shop"
    folder.mkdir(parents=True)
    (folder / "transactions.csv").write_text("date,item_code,qty_sold\n2025-06-02,A,5\n")
    home = Home(tmp_path)
    home.save(
        Config(
            master=Master(currency="EUR", name="Group"),
            accounts=[
                Account("shop", "Shop", "EUR", Connection(type="csv", path="data/shop")),
                Account(
                    "erp",
                    "ERP",
                    "EUR",
                    Connection(
                        type="database",
                        url_env="ERP_DOWN_URL",
                        queries={"transactions": "select 1"},
                    ),
                ),
            ],
        )
    )
    return home


def test_unreachable_database_is_retried_then_fails_only_its_account(home):
    instance = prepare_instance(home)
    sync_account_partitions(instance, home.load())
    job = build_definitions(str(home.root)).resolve_job_def("refresh_account")

    shop = job.execute_in_process(partition_key="shop", instance=instance)
    assert shop.success

    erp = job.execute_in_process(partition_key="erp", instance=instance, raise_on_error=False)
    assert not erp.success
    retries = [e for e in erp.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert len(retries) == 2  # the RetryPolicy's max_retries, with backoff between them
    failure = next(e for e in erp.all_events if e.is_step_failure)
    description = failure.step_failure_data.user_failure_data.description
    assert "account 'erp'" in description and "127.0.0.1" in description

    lake = Lake(home.lake)
    assert lake.status("shop").status == "ok"
    assert lake.status("erp").status == "failed"
    assert "password" not in (lake.status("erp").last_error or "")


def test_a_bad_file_is_not_retried(home):
    (home.root / "data" / "shop" / "transactions.csv").write_text("no,columns,here\n")
    instance = prepare_instance(home)
    sync_account_partitions(instance, home.load())
    job = build_definitions(str(home.root)).resolve_job_def("refresh_account")
    result = job.execute_in_process(partition_key="shop", instance=instance, raise_on_error=False)
    assert not result.success
    assert not [
        e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY
    ]
