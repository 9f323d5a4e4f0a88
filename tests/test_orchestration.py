"""The Dagster code location and the CLI on a tiny home (no dbt build here: see test_pipeline)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.definitions import build_definitions
from orchestration.partitions import accounts_partitions, sync_account_partitions
from orchestration.runner import prepare_instance
from tributary.config import Home
from tributary.lake import Lake

runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def home(tmp_path) -> Home:
    for account, rows in {"north": "2025-06-02,A,5\n", "south": "2025-06-03,A,2\n"}.items():
        folder = tmp_path / "data" / account
        folder.mkdir(parents=True)
        (folder / "transactions.csv").write_text("date,item_code,qty_sold\n" + rows)
    code, output = cli(
        "init",
        "--home",
        str(tmp_path),
        "--name",
        "Group",
        "--currency",
        "EUR",
        "--as-of",
        "2025-06-30",
    )
    assert code == 0, output
    for account in ("north", "south"):
        code, output = cli(
            "accounts", "add", account, "--home", str(tmp_path), "--path", f"data/{account}"
        )
        assert code == 0, output
    return Home(tmp_path)


def test_definitions_load_with_every_job_schedule_and_sensor(home):
    defs = build_definitions(str(home.root))
    dg.Definitions.validate_loadable(defs)
    for job in ("refresh_account", "build_warehouse", "load_all_accounts"):
        assert defs.resolve_job_def(job) is not None
    assert defs.resolve_schedule_def("nightly_refresh").cron_schedule == "0 2 * * *"
    assert defs.resolve_sensor_def("account_partitions_sensor") is not None
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "lake/transactions",
        "lake/accounts",
        "marts/accounts",
        "marts/sales_history",
        "staging/stg_transactions",
    } <= keys


def test_partitions_follow_accounts_yaml(home):
    instance = prepare_instance(home)
    config = home.load()
    assert sync_account_partitions(instance, config) == (["north", "south"], [])
    config.accounts = config.accounts[:1]
    assert sync_account_partitions(instance, config) == ([], ["south"])
    assert instance.get_dynamic_partitions(accounts_partitions.name) == ["north"]


def test_refresh_account_materializes_one_partition(home):
    instance = prepare_instance(home)
    sync_account_partitions(instance, home.load())
    defs = build_definitions(str(home.root))
    result = defs.resolve_job_def("refresh_account").execute_in_process(
        partition_key="south", instance=instance
    )
    assert result.success
    materialized = {
        (m.asset_key.to_user_string(), m.partition)
        for m in result.asset_materializations_for_node("account_data")
    }
    assert ("lake/transactions", "south") in materialized
    assert Lake(home.lake).accounts_with_data() == ["south"]


def test_load_all_accounts_job_isolates_a_failing_account(home):
    (home.root / "data" / "south" / "transactions.csv").write_text("nothing useful\n")
    instance = prepare_instance(home)
    defs = build_definitions(str(home.root))
    result = defs.resolve_job_def("load_all_accounts").execute_in_process(
        instance=instance, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    description = failure.step_failure_data.user_failure_data.description
    assert "1 of 2 account loads failed" in description and "south" in description
    lake = Lake(home.lake)
    assert lake.status("north").status == "ok"  # loaded although south failed
    assert lake.status("south").status == "failed"
    # Only the account that loaded shows as materialized in the UI.
    assert instance.get_materialized_partitions(dg.AssetKey(["lake", "transactions"])) == {"north"}


def test_nightly_schedule_requests_the_load_of_every_account(home):
    defs = build_definitions(str(home.root))
    schedule = defs.resolve_schedule_def("nightly_refresh")
    with dg.build_schedule_context() as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert len(requests) == 1


# -- CLI --------------------------------------------------------------------------------------


def test_first_account_creates_the_master(tmp_path):
    code, output = cli(
        "accounts",
        "add",
        "shop",
        "--home",
        str(tmp_path / "h"),
        "--path",
        "x",
        "--currency",
        "GBP",
        "--column",
        "SKU=item_code",
    )
    assert code == 0, output
    assert "created the master account" in output
    data = yaml.safe_load((tmp_path / "h" / "accounts.yaml").read_text())
    assert data["master"]["currency"] == "GBP"
    assert data["accounts"][0]["connection"]["columns"] == {"SKU": "item_code"}


def test_a_child_cannot_hold_children(home):
    code, output = cli(
        "accounts", "add", "east", "--home", str(home.root), "--path", "x", "--to", "north"
    )
    assert code == 2
    assert "cannot hold children" in output


def test_accounts_list_and_remove(home):
    code, output = cli("accounts", "list", "--home", str(home.root))
    assert code == 0 and "north" in output and "never loaded" in output
    code, output = cli("accounts", "remove", "south", "--home", str(home.root))
    assert code == 0, output
    assert [a.id for a in home.load().accounts] == ["north"]
    code, output = cli("accounts", "remove", "nope", "--home", str(home.root))
    assert code == 2 and "no account 'nope'" in output


def test_run_refuses_an_unknown_account(home):
    code, output = cli("run", "atlantis", "--home", str(home.root))
    assert code == 2
    assert "no account 'atlantis'" in output


def test_init_refuses_to_overwrite(home):
    code, output = cli("init", "--home", str(home.root))
    assert code == 2 and "already exists" in output


def test_missing_home_says_how_to_create_one(tmp_path):
    code, output = cli("run", "--home", str(tmp_path / "none"))
    assert code == 2
    assert "tributary init" in output
    assert not Path(tmp_path / "none").exists()


def test_a_database_account_is_added_with_its_queries(tmp_path):
    code, output = cli(
        "accounts",
        "add",
        "erp",
        "--home",
        str(tmp_path),
        "--url-env",
        "ERP_URL",
        "--query",
        "transactions=select d as date, s as item_code, q as qty_sold from t",
    )
    assert code == 0, output
    connection = Home(tmp_path).load().accounts[0].connection
    assert connection.type == "database" and connection.url_env == "ERP_URL"
    assert connection.queries["transactions"].startswith("select d as date")


def test_an_account_needs_a_folder_or_a_database(tmp_path):
    code, output = cli("accounts", "add", "x", "--home", str(tmp_path))
    assert code == 2 and "--path" in output


def test_files_sensor_requests_a_load_when_a_folder_changes(home):
    with dg.partition_loading_context(dynamic_partitions_store=prepare_instance(home)):
        _check_files_sensor(home)


def _check_files_sensor(home):
    defs = build_definitions(str(home.root))
    sensor = defs.resolve_sensor_def("account_files_sensor")
    instance = prepare_instance(home)
    sync_account_partitions(instance, home.load())
    resources = {"tributary_home": defs.resources["tributary_home"]}
    repository = defs.get_repository_def()

    with dg.build_sensor_context(
        instance=instance, resources=resources, repository_def=repository
    ) as context:
        first = sensor.evaluate_tick(context)
    assert first.run_requests == []  # the first look only records the folders
    cursor = first.cursor

    (home.root / "data" / "south" / "transactions.csv").write_text(
        "date,item_code,qty_sold\n2025-06-03,A,2\n2025-06-04,B,7\n"
    )
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources=resources, repository_def=repository
    ) as ctx:
        second = sensor.evaluate_tick(ctx)
    assert [r.partition_key for r in second.run_requests] == ["south"]
    assert second.run_requests[0].tags["tributary/trigger"] == "files-changed"

    with dg.build_sensor_context(
        instance=instance, cursor=second.cursor, resources=resources, repository_def=repository
    ) as ctx:
        assert sensor.evaluate_tick(ctx).run_requests == []  # nothing changed since


def test_an_existing_deployment_is_added_by_its_home(tmp_path, home):
    code, output = cli(
        "accounts", "add", "legacy", "--home", str(tmp_path / "new"), "--existing", str(home.root)
    )
    assert code == 0, output
    connection = Home(tmp_path / "new").load().accounts[0].connection
    assert (connection.type, connection.path) == ("tributary", str(home.root))


def test_demo_never_touches_a_folder_it_did_not_write(tmp_path, home):
    before = home.accounts_file.read_text()
    for args in ([], ["--force"]):
        code, output = cli("demo", "--home", str(home.root), *args)
        assert code == 2 and "is not a demo home" in output
    assert home.accounts_file.read_text() == before
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "important.txt").write_text("keep me")
    code, output = cli("demo", "--home", str(tmp_path / "victim"), "--force")
    assert code == 2
    assert (tmp_path / "victim" / "important.txt").read_text() == "keep me"
