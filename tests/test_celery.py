"""Scale-out: the whole pipeline with every step executed by Celery workers on RabbitMQ.

Uses the RabbitMQ at ``TRIBUTARY_TEST_BROKER`` (default ``pyamqp://guest:guest@127.0.0.1:5672//``,
which these machines run). Two `dagster-celery` workers start in subprocesses; the pipeline runs
on a small two-account home with ``TRIBUTARY_EXECUTOR=celery``; its marts must equal those of the
same home run in process. Skipped, with the reason, only when no broker answers. Elsewhere:
``docker run -p 5672:5672 rabbitmq`` or ``TRIBUTARY_TEST_BROKER=pyamqp://user:pw@host// pytest
tests/test_celery.py``.
"""

from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pandas as pd
import pytest

from orchestration.runner import run_pipeline
from tributary.config import Account, Config, Connection, Home, Master

BROKER = os.environ.get("TRIBUTARY_TEST_BROKER", "pyamqp://guest:guest@127.0.0.1:5672//")
REPO = Path(__file__).resolve().parents[1]
MARTS = ["sales_history", "inventory_position", "demand_forecast", "order_plan", "kpis"]
# Columns that say when or by which run something happened: they differ between any two runs.
RUN_COLUMNS = {"last_loaded_at", "load_id"}


def _broker_answers() -> str | None:
    parsed = urlparse(BROKER)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 5672), timeout=3):
            return None
    except OSError as exc:
        return f"no RabbitMQ at TRIBUTARY_TEST_BROKER ({parsed.hostname}:{parsed.port}): {exc}"


def _write_home(root: Path) -> Home:
    for account, qty in (("north", 4), ("south", 9)):
        lines = "".join(
            f"{datetime.date(2025, 1, 6) + datetime.timedelta(days=3 * n)},SKU-{n % 3},"
            f"{qty + n % 5},3.5\n"
            for n in range(60)
        )
        (root / "data" / account).mkdir(parents=True)
        (root / "data" / account / "transactions.csv").write_text(
            "date,item_code,qty_sold,sales_price\n" + lines
        )
    master = Master(currency="EUR", name="Group", as_of=datetime.date(2025, 7, 1))
    master.forecast.prophet = "never"
    home = Home(root)
    home.save(
        Config(
            master=master,
            accounts=[
                Account(a, a.title(), "EUR", Connection(path=f"data/{a}"))
                for a in ("north", "south")
            ],
        )
    )
    return home


def _marts(home: Home) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        frames = {}
        for table in MARTS:
            frame = con.sql(f"select * from marts.{table}").df()
            frame = frame.drop(columns=[c for c in frame if c in RUN_COLUMNS])
            frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return frames


@pytest.fixture
def celery_env(tmp_path, monkeypatch):
    reason = _broker_answers()
    if reason:
        pytest.skip(reason)
    home = _write_home(tmp_path / "celery")
    env = dict(
        os.environ,
        TRIBUTARY_HOME=str(home.root),
        DAGSTER_HOME=str(home.dagster_home),
        TRIBUTARY_EXECUTOR="celery",
        TRIBUTARY_CELERY_BROKER=BROKER,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        # dagster-celery starts `celery` by name: the one beside this Python.
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    # The instance (its dagster.yaml) exists before the workers open it.
    from orchestration.runner import prepare_instance

    prepare_instance(home)
    dagster_celery = Path(sys.executable).parent / "dagster-celery"
    workers, logs = [], []
    for name in ("one", "two"):
        log = tmp_path / f"worker-{name}.log"
        logs.append(log)
        workers.append(
            subprocess.Popen(
                [
                    str(dagster_celery),
                    "worker",
                    "start",
                    "-A",
                    "dagster_celery.app",
                    "-y",
                    str(REPO / "deploy" / "celery.yaml"),
                    "-n",
                    f"tributary-test-{name}-{os.getpid()}@%h",
                    "--loglevel",
                    "INFO",
                    "--",
                    "--concurrency=1",
                ],
                env=env,
                cwd=tmp_path,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    for key in ("TRIBUTARY_EXECUTOR", "TRIBUTARY_CELERY_BROKER"):
        monkeypatch.setenv(key, env[key])
    try:
        yield home, logs
    finally:
        for worker in workers:
            try:
                os.killpg(worker.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.time() + 20
        for worker in workers:
            try:
                worker.wait(timeout=max(1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)


def test_celery_workers_on_rabbitmq_build_the_same_marts_as_one_process(
    celery_env, tmp_path, monkeypatch
):
    home, logs = celery_env
    summary = run_pipeline(home, echo=lambda _: None)
    assert summary.ok, summary
    executed = "".join(log.read_text() for log in logs)
    # Every kind of step ran on a worker: loads, dbt, scopes.
    assert executed.count("succeeded") >= 5, executed[-3000:]
    through_celery = _marts(home)

    monkeypatch.delenv("TRIBUTARY_EXECUTOR")
    in_process_home = _write_home(tmp_path / "in_process")
    assert run_pipeline(in_process_home, echo=lambda _: None).ok
    in_process = _marts(in_process_home)
    for table in MARTS:
        assert len(through_celery[table]) > 0, table
        pd.testing.assert_frame_equal(through_celery[table], in_process[table], obj=table)
