"""deploy/dagster.yaml: Dagster's run and event storage in a real PostgreSQL database.

The test creates a fresh database ``tributary_dagster_test_<random>`` on the server of
``TRIBUTARY_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``, trust auth),
points the ``TRIBUTARY_DAGSTER_PG_*`` variables at it, opens an instance from a copy of
deploy/dagster.yaml, runs a one-op job in process and reads the run back, through Dagster and
straight from the database's tables. The database is dropped afterwards. To run it against
another server, set ``TRIBUTARY_TEST_PG_URL`` to a URL whose user may create databases; when the
server is unreachable the test is skipped with a message saying so.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
import yaml
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_YAML = ROOT / "deploy" / "dagster.yaml"
# A libpq URL; a SQLAlchemy one (postgresql+psycopg2://) is accepted too.
PG_URL = re.sub(
    r"^postgres(?:ql)?\+\w+://",
    "postgresql://",
    os.environ.get("TRIBUTARY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)
RUN_START = dg.DagsterEventType.RUN_START
STEP_SUCCESS = dg.DagsterEventType.STEP_SUCCESS
RUN_SUCCESS = dg.DagsterEventType.RUN_SUCCESS
ENV_VARS = {
    "username": "TRIBUTARY_DAGSTER_PG_USER",
    "password": "TRIBUTARY_DAGSTER_PG_PASSWORD",
    "hostname": "TRIBUTARY_DAGSTER_PG_HOST",
    "db_name": "TRIBUTARY_DAGSTER_PG_DB",
    "port": "TRIBUTARY_DAGSTER_PG_PORT",
}


@pytest.fixture
def dagster_database():
    """A fresh, empty database on the test server; yields its connection parameters."""
    try:
        admin = psycopg2.connect(PG_URL, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.skip(
            f"PostgreSQL not reachable at {PG_URL} ({str(exc).strip()}); "
            "set TRIBUTARY_TEST_PG_URL to run the Dagster-on-PostgreSQL test"
        )
    admin.autocommit = True
    params = admin.get_dsn_parameters()
    name = f"tributary_dagster_test_{secrets.token_hex(4)}"
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield {
            "username": params["user"],
            "password": admin.info.password or "",
            "hostname": params.get("host") or "127.0.0.1",
            "db_name": name,
            "port": params.get("port") or "5432",
        }
    finally:
        with admin.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        admin.close()


@dg.op
def count_rows(context) -> int:
    context.log.info("tributary says hello from PostgreSQL")
    return 3


@dg.job
def tiny_job():
    count_rows()


def test_deploy_yaml_reads_every_setting_from_the_environment():
    config = yaml.safe_load(DEPLOY_YAML.read_text())
    postgres_db = config["storage"]["postgres"]["postgres_db"]
    assert postgres_db == {key: {"env": variable} for key, variable in ENV_VARS.items()} | {
        "scheme": "postgresql+psycopg2"
    }
    assert config["telemetry"] == {"enabled": False}


def test_a_job_runs_with_run_and_event_storage_in_postgres(dagster_database, tmp_path, monkeypatch):
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(DEPLOY_YAML, dagster_home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    for key, variable in ENV_VARS.items():
        monkeypatch.setenv(variable, str(dagster_database[key]))

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert instance.get_settings("telemetry") == {"enabled": False}

        result = tiny_job.execute_in_process(instance=instance)
        assert result.success
        assert result.output_for_node("count_rows") == 3
        run_id = result.run_id

    # A second instance opened from the same file finds the run: it lives in the database.
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        run = instance.get_run_by_id(run_id)
        assert run is not None
        assert run.job_name == "tiny_job"
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert run_id in {r.run_id for r in instance.get_runs()}
        logs = instance.all_logs(run_id)
        event_types = {e.dagster_event.event_type for e in logs if e.is_dagster_event}
        assert {RUN_START, STEP_SUCCESS, RUN_SUCCESS} <= event_types
        assert any("tributary says hello" in (e.user_message or "") for e in logs)

    # And the tables themselves, read straight from PostgreSQL.
    conn = psycopg2.connect(
        user=dagster_database["username"],
        password=dagster_database["password"],
        host=dagster_database["hostname"],
        port=dagster_database["port"],
        dbname=dagster_database["db_name"],
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pipeline_name, status FROM runs WHERE run_id = %s", (run_id,))
            assert cur.fetchall() == [("tiny_job", "SUCCESS")]
            cur.execute(
                "SELECT count(*), count(*) FILTER (WHERE dagster_event_type = %s) "
                "FROM event_logs WHERE run_id = %s",
                (RUN_SUCCESS.value, run_id),  # stored under its old name, PIPELINE_SUCCESS
            )
            events, successes = cur.fetchone()
            assert events >= len(logs) and successes == 1
    finally:
        conn.close()
