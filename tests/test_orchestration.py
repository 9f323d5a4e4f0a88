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
    for job in ("refresh_account", "build_warehouse", "build_output_marts", "publish_postgres"):
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


def test_a_failed_load_changes_only_its_status_in_the_graph(home):
    (home.root / "data" / "south" / "transactions.csv").write_text("nothing useful\n")
    instance = prepare_instance(home)
    sync_account_partitions(instance, home.load())
    job = build_definitions(str(home.root)).resolve_job_def("refresh_account")
    for account in ("north", "south"):
        job.execute_in_process(partition_key=account, instance=instance, raise_on_error=False)
    lake = Lake(home.lake)
    assert lake.status("north").status == "ok"  # loaded although south failed
    assert lake.status("south").status == "failed"
    # Only the account that loaded shows its data as materialized in the UI; the failed one's
    # status is new (it says stale, and why), so the warehouse rebuilds to show it.
    assert instance.get_materialized_partitions(dg.AssetKey(["lake", "transactions"])) == {"north"}
    status = dg.AssetKey(["lake", "load_status"])
    assert instance.get_materialized_partitions(status) == {"north", "south"}


def test_nightly_schedule_requests_one_load_per_account(home):
    defs = build_definitions(str(home.root))
    schedule = defs.resolve_schedule_def("nightly_refresh")
    instance = prepare_instance(home)
    with dg.build_schedule_context(
        instance=instance,
        resources={"tributary_home": defs.resources["tributary_home"]},
        repository_def=defs.get_repository_def(),
    ) as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["north", "south"]
    assert instance.get_dynamic_partitions("scopes") == ["master", "north", "south"]


def test_the_graph_is_one_lineage_from_account_files_to_the_marts(home):
    from orchestration.assets.dbt import DERIVED_SOURCE_KEYS

    graph = build_definitions(str(home.root)).resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    # No external (unmaterializable) asset: every dbt source is an asset something writes.
    assert [k.to_user_string() for k in keys if not graph.get(k).is_materializable] == []
    for key in [*DERIVED_SOURCE_KEYS.values(), dg.AssetKey(["lake", "master_items"])]:
        assert graph.get(key).is_materializable, key
    # The scope files feed the marts, and every asset leads to a mart (or is one).
    assert (
        dg.AssetKey(["forecasts", "demand_forecast"])
        in graph.get(dg.AssetKey(["staging", "stg_demand_forecast"])).parent_keys
    )

    def descendants(key: dg.AssetKey) -> set[dg.AssetKey]:
        found, stack = set(), [key]
        while stack:
            for child in graph.get(stack.pop()).child_keys:
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    marts = {k for k in keys if k.path[0] == "marts"}
    publish = dg.AssetKey(["publish", "postgres_marts"])
    report = dg.AssetKey(["report", "planning_report"])  # reads the marts, like the publish
    dangling = [
        k.to_user_string()
        for k in keys
        if k not in marts and k not in (publish, report) and not (descendants(k) & marts)
    ]
    assert dangling == []
    assert report in descendants(dg.AssetKey(["lake", "transactions"]))
    # From one account's files to the PostgreSQL publish.
    assert publish in descendants(dg.AssetKey(["lake", "transactions"]))


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


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every process, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return found


def test_stopping_tributary_ui_ends_every_dagster_process_it_started(home):
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tributary = Path(sys.executable).parent / "tributary"
    ui = subprocess.Popen(
        [str(tributary), "ui", "--home", str(home.root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(1)
        else:
            pytest.fail("the Dagster UI did not answer within 120 s")
        group = next(pid for pid, (parent, _) in _processes().items() if parent == ui.pid)
        started = [pid for pid, (_, pgrp) in _processes().items() if pgrp == group]
        assert len(started) >= 3  # dagster dev, its webserver, its daemon (and code servers)
        ui.send_signal(signal.SIGTERM)
        ui.wait(timeout=30)
        deadline = time.time() + 15
        while time.time() < deadline and any(pid in _processes() for pid in started):
            time.sleep(0.5)
        assert [pid for pid in started if pid in _processes()] == []
    finally:
        if ui.poll() is None:
            os.kill(ui.pid, signal.SIGKILL)


def test_the_parse_lock_sits_beside_the_manifest_it_guards():
    from orchestration.resources.dbt import PARSE_LOCK, dbt_project

    # Not relative to the folder a process starts in (it once landed in ./target of the repo).
    assert PARSE_LOCK.is_absolute()
    assert PARSE_LOCK.parent == Path(dbt_project.manifest_path).parent
