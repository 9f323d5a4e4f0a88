"""`tributary run`: the nightly path of the one asset graph, driven from the command line.

It does what the daemon does after the nightly schedule fires: launch the schedule's load runs,
then evaluate the automation conditions (`orchestration.automation`) and launch the runs they
request, tick after tick, until nothing more is requested. Runs go to a pool of worker processes
(two by default: both cores), so accounts load side by side and scopes forecast side by side;
the conditions keep the dbt steps one at a time. Every run is recorded in the home's Dagster
instance, so the UI shows them as it shows the schedule's.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing as mp
import os
import queue
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from tributary.config import ConfigError, Home
from tributary.processes import die_with_parent
from tributary.runlock import TOKEN_TAG, HomeLock

DAGSTER_YAML = """\
# Dagster instance of this Tributary home: SQLite run and event storage in this folder.
# For PostgreSQL in production see the README's "Production" section.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 2   # both cores: two loads or two scopes side by side
  pools:
    granularity: run         # a run waits in the queue until its pool has a free slot
    default_limit: 1         # pool `warehouse`: one dbt step at a time (one DuckDB writer)
"""
# A run of the whole graph needs about five ticks; more means something keeps re-requesting.
MAX_TICKS = 25
# Runs side by side: one per core (these machines have two).
DEFAULT_WORKERS = max(1, min(os.cpu_count() or 1, 4))


@dataclass
class RunOutcome:
    """One Dagster run launched by `tributary run`."""

    spec: RunSpec
    run_id: str | None
    success: bool
    error: str | None
    started: float
    finished: float


@dataclass
class RunSummary:
    loaded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warehouse_ok: bool = False
    warehouse_error: str | None = None
    # failed steps after the warehouse (a scope's forecast, plan or KPIs; the output marts)
    step_failed: dict[str, str] = field(default_factory=dict)
    published: bool | None = None  # None: publishing is off (no TRIBUTARY_PUBLISH_URL)
    publish_error: str | None = None
    report_ok: bool | None = None  # None: no run rebuilt the report
    # per scope, the planner overrides (overrides.csv) that matched no forecast row
    overrides_unmatched: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    runs: list[RunOutcome] = field(default_factory=list)

    @property
    def forecast_failed(self) -> dict[str, str]:
        """The old name of step_failed, kept for scripts written against it."""
        return self.step_failed

    @property
    def ok(self) -> bool:
        return (
            not self.failed
            and self.warehouse_ok
            and not self.step_failed
            and self.published is not False
            and self.report_ok is not False
        )

    def __repr__(self) -> str:
        # What went wrong first: a failed assert on a summary shows this, cut short by pytest.
        problems = {
            **{f"load {account}": error for account, error in self.failed.items()},
            **({"warehouse": self.warehouse_error or "failed"} if not self.warehouse_ok else {}),
            **self.step_failed,
            **({"publish": self.publish_error or "failed"} if self.published is False else {}),
            **({"report": "failed"} if self.report_ok is False else {}),
        }
        stages = ", ".join(
            f"{run.spec.stage} {run.spec.partition or ''}".strip() for run in self.runs
        )
        return (
            f"RunSummary(ok={self.ok}, problems={problems}, loaded={self.loaded}, runs=[{stages}])"
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
        self.log = log_path.open("w", buffering=1)  # line by line: a killed run keeps its log
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


# -- what a run is ------------------------------------------------------------------------------

# The stage of a run, from the stage tags of the assets it materializes (orchestration.automation).
STAGE_LABELS = {
    "load": "load",
    "warehouse": "build",
    "scope": "scope",
    "marts": "build",
    "publish": "publish",
    "report": "report",
}


@dataclass(frozen=True)
class RunSpec:
    """A run request in plain values, to hand to a worker process."""

    stage: str
    asset_keys: tuple[str, ...]
    partition: str | None
    tags: tuple[tuple[str, str], ...]
    publishes: bool = False  # the run also copies the marts to PostgreSQL
    reports: bool = False  # the run also rebuilds the HTML planning report
    run_config: str = "{}"  # JSON (a load's `accept_drop`)


def _stage_of(keys: list[dg.AssetKey], graph) -> str:
    from orchestration.assets.publish import PUBLISH_KEY
    from orchestration.assets.report import REPORT_KEY
    from orchestration.automation import OUTPUT_STAGE, SCOPE_STAGE, STAGE_TAG

    stages = {graph.get(key).tags.get(STAGE_TAG) for key in keys}
    if OUTPUT_STAGE in stages:
        return "marts"
    if SCOPE_STAGE in stages:
        return "scope"
    if "warehouse" in stages or any(
        key.path[-1] in ("accounts", "master_items", "exchange_rates") for key in keys
    ):
        return "warehouse"
    if keys and set(keys) <= {PUBLISH_KEY, REPORT_KEY}:
        return "publish" if PUBLISH_KEY in keys else "report"
    return "load"


def _spec(request: dg.RunRequest, graph, extra_tags: dict[str, str]) -> RunSpec:
    from orchestration.assets.publish import PUBLISH_KEY
    from orchestration.assets.report import REPORT_KEY

    keys = list(request.asset_selection or [])
    run_config = request.run_config if isinstance(request.run_config, dict) else {}
    return RunSpec(
        stage=_stage_of(keys, graph),
        asset_keys=tuple(key.to_user_string() for key in keys),
        partition=request.partition_key,
        tags=tuple(sorted({**(request.tags or {}), **extra_tags}.items())),
        publishes=PUBLISH_KEY in keys,
        reports=REPORT_KEY in keys,
        run_config=json.dumps(run_config, sort_keys=True),
    )


# -- the worker side ----------------------------------------------------------------------------

_MESSAGES = None  # the queue a worker sends progress lines on (set when the worker starts)


def _init_worker(messages, parent: int) -> None:
    global _MESSAGES
    _MESSAGES = messages
    die_with_parent(parent=parent)  # a killed `tributary run` leaves no worker behind


def _send(line: str) -> None:
    if _MESSAGES is not None:
        _MESSAGES.put(line)


def execute_run(home_root: str, spec: RunSpec, log_level: str) -> tuple[str | None, bool, str]:
    """Execute one run of the global asset job in this process, through the chosen executor.

    Returns (run id, success, error text).
    """
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from orchestration.definitions import GLOBAL_ASSET_JOB

    job = ReconstructableRepository.for_module(
        "orchestration.definitions", "defs"
    ).get_reconstructable_job(GLOBAL_ASSET_JOB)
    os.environ["TRIBUTARY_HOME"] = home_root  # what orchestration.definitions binds to
    instance = dg.DagsterInstance.get()
    tags = dict(spec.tags)
    if spec.partition is not None:
        tags["dagster/partition"] = spec.partition
    tags["tributary/trigger"] = tags.get("tributary/trigger", "cli")
    loggers = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    dbt_log = None
    if spec.stage in ("warehouse", "marts") and log_level != "INFO":
        name = "build_warehouse" if spec.stage == "warehouse" else "build_output_marts"
        dbt_log = DbtProgress(Path(home_root) / "logs" / f"{name}.log", _send)
    with contextlib.redirect_stdout(dbt_log) if dbt_log else contextlib.nullcontext():
        with dg.execute_job(
            job,
            instance=instance,
            run_config={**json.loads(spec.run_config), **loggers},
            tags=tags,
            asset_selection=[dg.AssetKey.from_user_string(key) for key in spec.asset_keys],
            raise_on_error=False,
        ) as result:
            success = result.success
            error = "" if success else _error_text(result.all_events)
            run_id = result.run_id
    if dbt_log:
        dbt_log.close()
    return run_id, success, error


def _error_text(events) -> str:
    messages = []
    for event in events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            text = user.description if user and user.description else None
            messages.append(text or (error.message.strip() if error else "step failed"))
    return "; ".join(dict.fromkeys(messages)) or "run failed"


# -- the driver side ----------------------------------------------------------------------------


class RunPool:
    """Worker processes that execute runs side by side (spawned: no state shared by fork)."""

    def __init__(self, home: Home, workers: int, log_level: str):
        self.home = home
        self.workers = workers
        self.log_level = log_level
        self.context = mp.get_context("spawn")
        self.messages = self.context.Queue()
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> RunPool:
        return self

    def __exit__(self, *exc) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=self.context,
                initializer=_init_worker,
                initargs=(self.messages, os.getpid()),
            )
        return self.executor

    def run_all(
        self, specs: list[RunSpec], echo: Callable[[str], None], on_done: Callable
    ) -> list[RunOutcome]:
        """Execute every run (at most `workers` at once) and return when all have finished."""
        futures: dict[Future, tuple[RunSpec, float]] = {}
        for spec in specs:
            echo(_start_line(spec))
            future = self._executor().submit(execute_run, str(self.home.root), spec, self.log_level)
            futures[future] = (spec, time.time())
        outcomes = []
        while futures:
            done, _ = wait(list(futures), timeout=0.2, return_when=FIRST_COMPLETED)
            self._drain(echo)
            for future in done:
                spec, started = futures.pop(future)
                try:
                    run_id, success, error = future.result()
                except BrokenProcessPool as exc:
                    # A worker died (killed, out of memory): its run failed; start a fresh pool.
                    run_id, success, error = None, False, f"the worker process died: {exc}"
                    self.executor = None
                outcome = RunOutcome(spec, run_id, success, error or None, started, time.time())
                outcomes.append(outcome)
                on_done(outcome)
        self._drain(echo)
        return outcomes

    def _drain(self, echo: Callable[[str], None]) -> None:
        while True:
            try:
                echo(self.messages.get_nowait())
            except queue.Empty:
                return


def _start_line(spec: RunSpec) -> str:
    label = STAGE_LABELS[spec.stage]
    if spec.stage == "load":
        return f"[load] {spec.partition} ..."
    if spec.stage == "scope":
        return f"[scope] {spec.partition}: forecasts, plans, KPIs ..."
    if spec.stage == "warehouse":
        return f"[{label}] warehouse: dbt models and tests ..."
    if spec.stage == "marts":
        return f"[{label}] forecast, plan and KPI marts: dbt models and tests ..."
    if spec.stage == "report":
        return "[report] rebuilding the planning report ..."
    return "[publish] checking the marts, then copying them to PostgreSQL ..."


def _cursor_path(home: Home) -> Path:
    return home.dagster_home / "automation_cursor.json"


def _read_cursor(home: Home):
    from dagster._core.definitions.asset_daemon_cursor import AssetDaemonCursor
    from dagster_shared.serdes import deserialize_value

    path = _cursor_path(home)
    if not path.exists():
        return None
    try:
        return deserialize_value(path.read_text(), AssetDaemonCursor)
    except Exception:  # noqa: BLE001 - an unreadable cursor only costs a fresh start
        return None


def _write_cursor(home: Home, cursor) -> None:
    from dagster_shared.serdes import serialize_value

    path = _cursor_path(home)
    path.with_suffix(".tmp").write_text(serialize_value(cursor))
    path.with_suffix(".tmp").replace(path)


def run_pipeline(
    home: Home,
    accounts: list[str] | None = None,
    echo: Callable[[str], None] = print,
    log_level: str = "CRITICAL",
    workers: int = DEFAULT_WORKERS,
    accept: list[str] | None = None,
    wait_seconds: float = 0.0,
) -> RunSummary:
    """Load the given accounts (all by default); automation then rebuilds what depends on them.

    Holds the home's run lock throughout (tributary.runlock): raises RunInProgress, having
    changed nothing, when another run holds it for longer than ``wait_seconds``. Accounts in
    ``accept`` have a held load (a large drop in transactions) accepted this once.
    """
    from orchestration.jobs import load_requests
    from orchestration.resources.home import TributaryHome

    config = home.load()
    if not config.accounts:
        raise ConfigError(
            f"{home.accounts_file} lists no accounts: add one with `tributary accounts add`"
        )
    for account_id in [*(accounts or []), *(accept or [])]:
        config.account(account_id)  # unknown ids fail before anything runs
    lock = HomeLock(home.root)
    token = lock.acquire(
        "driver",
        "tributary run",
        wait_seconds,
        on_wait=lambda busy: echo(f"{busy}; waiting up to {wait_seconds:.0f}s ..."),
    )
    try:
        instance = prepare_instance(home)
        loads = load_requests(
            instance, TributaryHome(path=str(home.root)), accounts, trigger="cli", accept=accept
        )
        return drive(home, loads, echo=echo, log_level=log_level, workers=workers, lock_token=token)
    finally:
        lock.release()


def drive(
    home: Home,
    requests: list[dg.RunRequest],
    echo: Callable[[str], None] = print,
    log_level: str = "CRITICAL",
    workers: int = DEFAULT_WORKERS,
    lock_token: str | None = None,
) -> RunSummary:
    """Execute the given run requests, then every run automation asks for, until it asks for none.

    This is what the daemon does after a schedule tick (there with a tick every 30 s, here with
    a tick as soon as the runs of the previous one have finished).
    """
    from orchestration.automation import automation_tick
    from orchestration.definitions import build_definitions, publishing_enabled

    started = time.perf_counter()
    instance = prepare_instance(home)
    defs = build_definitions(str(home.root))
    graph = defs.resolve_asset_graph()
    summary = RunSummary()
    tags = {"tributary/trigger": "cli"}
    # The runs this drive launches hold the home through the caller's lock (tributary.runlock).
    extra = {TOKEN_TAG: lock_token} if lock_token else {}

    def record(outcome: RunOutcome) -> None:
        summary.runs.append(outcome)
        _record(home, summary, outcome, echo)

    _fail_abandoned_runs(instance, echo)
    cursor = _read_cursor(home)
    _cursor_path(home).unlink(missing_ok=True)
    with RunPool(home, workers, log_level) as pool:
        if cursor is None:
            # A first tick sets the clock that "updated since the last tick" counts from (the
            # daemon's first tick does the same); what it asks for runs before the rest.
            first, cursor = automation_tick(defs, instance, None, tags)
            pool.run_all([_spec(request, graph, extra) for request in first], echo, record)
        pending = list(requests)
        for _ in range(MAX_TICKS):
            if not pending:
                # Saved only when the drive ends on its own: a killed `tributary run` leaves
                # none, and the next starts afresh (a cursor saved after a tick whose runs were
                # killed says they were requested, and automation would wait for them for ever).
                _write_cursor(home, cursor)
                break
            pool.run_all([_spec(request, graph, extra) for request in pending], echo, record)
            pending, cursor = automation_tick(defs, instance, cursor, tags)
        else:
            raise RuntimeError(
                f"automation still requested runs after {MAX_TICKS} ticks: "
                + ", ".join(_start_line(_spec(r, graph, extra)) for r in pending)
            )
    # Accounts in the order they were asked for (accounts.yaml's), not the order they finished.
    order = [request.partition_key for request in requests]
    summary.loaded.sort(key=lambda account: order.index(account) if account in order else 0)
    if publishing_enabled() and summary.published is None and summary.warehouse_ok:
        summary.published = False
        summary.publish_error = (
            "not published: a step before it failed or a mart's checks did not pass"
        )
    if not any(run.spec.stage == "warehouse" for run in summary.runs):
        summary.warehouse_error = "the warehouse was not rebuilt: no load finished"
    summary.seconds = time.perf_counter() - started
    return summary


def _fail_abandoned_runs(instance: dg.DagsterInstance, echo: Callable[[str], None]) -> None:
    """Mark as failed the runs an earlier, killed `tributary run` left "started".

    The caller holds the home's run lock exclusively, so none of them is still going; left
    "started", automation would wait for them for ever (a run in progress holds its assets).
    """
    abandoned = instance.get_runs(
        dg.RunsFilter(
            statuses=[
                dg.DagsterRunStatus.NOT_STARTED,
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
            ],
            tags={"tributary/trigger": "cli"},
        )
    )
    for run in abandoned:
        instance.report_run_failed(run, message="its `tributary run` was stopped or killed")
    if abandoned:
        echo(f"[run] {len(abandoned)} run(s) of an interrupted `tributary run` marked failed")


def _record(
    home: Home, summary: RunSummary, outcome: RunOutcome, echo: Callable[[str], None]
) -> None:
    seconds = outcome.finished - outcome.started
    stage, partition = outcome.spec.stage, outcome.spec.partition
    if stage == "load":
        account_id = partition or ""
        if outcome.success:
            summary.loaded.append(account_id)
            echo(f"[load] {account_id}: {_status_line(home, account_id)} ({seconds:.1f}s)")
        else:
            summary.failed[account_id] = outcome.error or "failed"
            # The error says what was kept (the previous data, or a held-back load).
            echo(f"[load] {account_id}: FAILED: {outcome.error}")
    elif stage == "warehouse":
        summary.warehouse_ok = outcome.success
        summary.warehouse_error = outcome.error
        done = f"[build] warehouse: done ({seconds:.1f}s)"
        _echo_outcome(echo, outcome, done, "[build] warehouse: FAILED")
    elif stage == "scope":
        if outcome.success:
            echo(f"[scope] {partition}: done ({seconds:.1f}s)")
            _report_overrides(home, summary, partition or "", echo)
        else:
            summary.step_failed[f"scope {partition}"] = outcome.error or "failed"
            echo(f"[scope] {partition}: FAILED: {outcome.error}")
    elif stage == "marts":
        if outcome.success:
            echo(f"[build] forecast, plan and KPI marts: done ({seconds:.1f}s)")
        else:
            summary.step_failed["marts"] = outcome.error or "failed"
            echo(f"[build] forecast, plan and KPI marts: FAILED: {outcome.error}")
    if outcome.spec.reports:
        summary.report_ok = outcome.success
        done = f"[report] {home.report / 'index.html'}"
        _echo_outcome(echo, outcome, done, "[report] FAILED, the previous report is kept")
    if outcome.spec.publishes:
        summary.published = outcome.success
        summary.publish_error = outcome.error
        failed = "[publish] FAILED, the published tables are unchanged"
        _echo_outcome(echo, outcome, f"[publish] done ({seconds:.1f}s)", failed)


def _echo_outcome(echo: Callable[[str], None], outcome: RunOutcome, done: str, failed: str) -> None:
    """Echo ``done``, or ``failed`` followed by the run's error."""
    echo(done if outcome.success else f"{failed}: {outcome.error}")


def _report_overrides(
    home: Home, summary: RunSummary, scope: str, echo: Callable[[str], None]
) -> None:
    """Warn about the scope's overrides that matched no forecast row (never dropped silently)."""
    from tributary.lake import PART, Lake

    lake = Lake(home.lake)
    if not (lake.scope_partition("override_status", scope) / PART).exists():
        return
    status = lake.read_scope("override_status", scope)
    unmatched = status[status["status"] != "applied"]
    if len(unmatched):
        summary.overrides_unmatched[scope] = len(unmatched)
    for row in unmatched.itertuples():
        echo(
            f"[override] {scope}: WARNING override {row.override_id} ({row.item_code} "
            f"{row.location or 'all locations'} {row.period_start}..{row.period_end}) "
            f"matched no forecast row: {row.status}"
        )


def _status_line(home: Home, account_id: str) -> str:
    from tributary.lake import Lake

    status = Lake(home.lake).status(account_id)
    if status is None:
        return "loaded"
    return f"{status.rows_loaded:,} rows loaded, {status.rows_rejected:,} rejected"
