"""Run the Dagster graph in this process for one home: what `tributary run` and the tests use."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from orchestration.partitions import MASTER_SCOPE, sync_account_partitions, sync_scope_partitions
from tributary.config import ConfigError, Home

DAGSTER_YAML = """\
# Dagster instance of this Tributary home: SQLite run and event storage in this folder.
# For PostgreSQL in production see the README's "Production" section.
telemetry:
  enabled: false
"""


@dataclass
class RunSummary:
    loaded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warehouse_ok: bool = False
    warehouse_error: str | None = None
    forecast_failed: dict[str, str] = field(default_factory=dict)  # forecasts and plans
    published: bool | None = None  # None: publishing is off (no TRIBUTARY_PUBLISH_URL)
    publish_error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.failed
            and self.warehouse_ok
            and not self.forecast_failed
            and self.published is not False
        )


def prepare_instance(home: Home) -> dg.DagsterInstance:
    """Point Dagster and dbt at this home and open its (SQLite) instance."""
    home.dagster_home.mkdir(parents=True, exist_ok=True)
    dagster_yaml = home.dagster_home / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text(DAGSTER_YAML)
    os.environ["TRIBUTARY_HOME"] = str(home.root)
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return dg.DagsterInstance.get()


class DbtProgress(io.TextIOBase):
    """Stands in for stdout while dbt runs: the full log goes to a file, the screen gets a line
    every tenth of the way and every failure in full."""

    NODE = re.compile(r"^\s*(\d+) of (\d+) (OK|PASS|ERROR|FAIL|WARN|SKIP)\b")

    def __init__(self, log_path: Path, echo: Callable[[str], None]):
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = log_path.open("w")
        self.echo = echo
        self.screen = sys.stdout  # echo may print; keep that on the real screen
        self.buffer_text = ""
        self.next_report = 0.1

    def write(self, text: str) -> int:
        self.log.write(text)
        self.buffer_text += text
        while "\n" in self.buffer_text:
            line, self.buffer_text = self.buffer_text.split("\n", 1)
            self._line(re.sub(r"\x1b\[[0-9;]*m", "", line))
        return len(text)

    def _line(self, line: str) -> None:
        found = self.NODE.match(line)
        if not found:
            return
        done, total, outcome = int(found[1]), int(found[2]), found[3]
        with contextlib.redirect_stdout(self.screen):
            if outcome in ("ERROR", "FAIL"):
                self.echo(f"[build]   {line.strip()}")
            if done / total >= self.next_report or done == total:
                self.echo(f"[build]   {done}/{total} models and tests")
                self.next_report = (int(done / total * 10) + 1) / 10

    def close(self) -> None:
        self.log.close()
        super().close()


def _error_text(result: dg.ExecuteInProcessResult) -> str:
    messages = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            text = user.description if user and user.description else None
            messages.append(text or (error.message.strip() if error else "step failed"))
    return "; ".join(messages) or "run failed"


def run_pipeline(
    home: Home,
    accounts: list[str] | None = None,
    echo: Callable[[str], None] = print,
    log_level: str = "CRITICAL",
) -> RunSummary:
    """Load the given accounts (all by default), then rebuild everything downstream."""
    from orchestration.definitions import build_definitions

    started = time.perf_counter()
    config = home.load()
    if not config.accounts:
        raise ConfigError(
            f"{home.accounts_file} lists no accounts: add one with `tributary accounts add`"
        )
    chosen = accounts or [a.id for a in config.accounts]
    for account_id in chosen:
        config.account(account_id)  # unknown ids fail before anything runs
    instance = prepare_instance(home)
    sync_account_partitions(instance, config)
    sync_scope_partitions(instance, config)
    defs = build_definitions(str(home.root))
    loggers = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    summary = RunSummary()

    # Each account is its own run of the partitioned extract asset, so one failure stays there.
    refresh = defs.resolve_job_def("refresh_account")
    for account_id in chosen:
        echo(f"[load] {account_id} ...")
        t0 = time.perf_counter()
        result = refresh.execute_in_process(
            partition_key=account_id, instance=instance, raise_on_error=False, run_config=loggers
        )
        if result.success:
            summary.loaded.append(account_id)
            status = _status_line(home, account_id)
            echo(f"[load] {account_id}: {status} ({time.perf_counter() - t0:.1f}s)")
        else:
            summary.failed[account_id] = _error_text(result)
            echo(f"[load] {account_id}: FAILED, previous data kept: {summary.failed[account_id]}")

    summary.warehouse_ok, summary.warehouse_error = _run_dbt_job(
        defs, "build_warehouse", instance, loggers, home, echo, "warehouse", log_level
    )
    # Then per scope (the master and each child): forecasts, then plans; one dbt step turns
    # every scope's files into the forecast and plan marts. A failed stage stops what follows.
    stages = (("forecast", "forecast_scope"), ("plan", "plan_scope"), ("kpi", "kpi_scope"))
    for label, scope_job in stages:
        if not summary.warehouse_ok or summary.forecast_failed:
            break
        _per_scope(defs, scope_job, label, instance, loggers, config, echo, summary)
    if summary.warehouse_ok and not summary.forecast_failed:
        ok, error = _run_dbt_job(
            defs,
            "publish_outputs",
            instance,
            loggers,
            home,
            echo,
            "forecast, plan and KPI marts",
            log_level,
        )
        if not ok:
            summary.forecast_failed["marts"] = error or "failed"
    if summary.warehouse_ok and os.environ.get("TRIBUTARY_PUBLISH_URL"):
        summary.published, summary.publish_error = _publish(defs, instance, loggers, echo)
    summary.seconds = time.perf_counter() - started
    return summary


def _run_dbt_job(
    defs: dg.Definitions,
    job: str,
    instance: dg.DagsterInstance,
    loggers: dict,
    home: Home,
    echo: Callable[[str], None],
    label: str,
    log_level: str,
) -> tuple[bool, str | None]:
    """Run a job whose step is dbt, showing compact progress and keeping dbt's full log."""
    log_path = home.root / "logs" / f"{job}.log"
    echo(f"[build] {label}: dbt models and tests (full log: {log_path}) ...")
    t0 = time.perf_counter()
    progress = DbtProgress(log_path, echo) if log_level != "INFO" else None
    with contextlib.redirect_stdout(progress) if progress else contextlib.nullcontext():
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, raise_on_error=False, run_config=loggers
        )
    if progress:
        progress.close()
    if result.success:
        echo(f"[build] {label}: done ({time.perf_counter() - t0:.1f}s)")
        return True, None
    error = _error_text(result)
    echo(f"[build] {label}: FAILED: {error}")
    return False, error


def _per_scope(
    defs: dg.Definitions,
    job_name: str,
    label: str,
    instance: dg.DagsterInstance,
    loggers: dict,
    config,
    echo: Callable[[str], None],
    summary: RunSummary,
) -> None:
    """One run of a scope-partitioned job per scope: the master, then each child."""
    job = defs.resolve_job_def(job_name)
    for scope in [MASTER_SCOPE, *[a.id for a in config.accounts]]:
        echo(f"[{label}] {scope} ...")
        t0 = time.perf_counter()
        result = job.execute_in_process(
            partition_key=scope, instance=instance, raise_on_error=False, run_config=loggers
        )
        if result.success:
            echo(f"[{label}] {scope}: done ({time.perf_counter() - t0:.1f}s)")
        else:
            summary.forecast_failed[f"{label} {scope}"] = _error_text(result)
            echo(f"[{label}] {scope}: FAILED: {summary.forecast_failed[f'{label} {scope}']}")


def _publish(
    defs: dg.Definitions, instance: dg.DagsterInstance, loggers: dict, echo: Callable[[str], None]
) -> tuple[bool, str | None]:
    echo("[publish] checking the marts, then copying them to PostgreSQL ...")
    t0 = time.perf_counter()
    result = defs.resolve_job_def("publish_postgres").execute_in_process(
        instance=instance, raise_on_error=False, run_config=loggers
    )
    if result.success:
        echo(f"[publish] done ({time.perf_counter() - t0:.1f}s)")
        return True, None
    error = _error_text(result)
    echo(f"[publish] FAILED, the published tables are unchanged: {error}")
    return False, error


def _status_line(home: Home, account_id: str) -> str:
    from tributary.lake import Lake

    status = Lake(home.lake).status(account_id)
    if status is None:
        return "loaded"
    return f"{status.rows_loaded:,} rows loaded, {status.rows_rejected:,} rejected"
