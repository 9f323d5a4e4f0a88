"""`tributary`: set up a home, manage its accounts, run the pipeline, open the UI."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tributary.config import (
    Account,
    Config,
    ConfigError,
    Connection,
    Home,
    Master,
)
from tributary.periods import PERIODS
from tributary.processes import die_with_parent
from tributary.scopes import MASTER_ID, scope_ids

if TYPE_CHECKING:
    from orchestration.runner import RunSummary

DEMO_MARKER = ".tributary-demo"

app = typer.Typer(
    help="Tributary: roll child accounts up into one master and plan it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
accounts_app = typer.Typer(help="Add, list and remove child accounts.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Home folder (default: $TRIBUTARY_HOME, then ./tributary-home).",
        show_default=False,
    ),
]


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _load(home: Home) -> Config:
    try:
        return home.load()
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable


@app.command()
def init(
    home: HomeOption = None,
    name: Annotated[str, typer.Option(help="Master account name.")] = "Master",
    period: Annotated[str, typer.Option(help="Aggregation period: day, week or month.")] = "week",
    currency: Annotated[str, typer.Option(help="Master's base currency.")] = "USD",
    service_level: Annotated[float, typer.Option(help="Default service level.")] = 0.95,
    horizon: Annotated[
        int | None, typer.Option(help="Forecast horizon in periods (default one year).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Fix 'today' (YYYY-MM-DD) for reproducible runs.")
    ] = None,
) -> None:
    """Create a home folder with an accounts.yaml holding the master block."""
    target = Home.resolve(home)
    if target.exists():
        _fail(f"{target.accounts_file} already exists")
    if period not in PERIODS:
        _fail(f"--period must be one of {', '.join(PERIODS)}")
    try:
        master = Master(
            name=name,
            period=period,
            currency=currency,
            service_level=service_level,
            horizon_periods=horizon,
            as_of=date.fromisoformat(as_of) if as_of else None,
        )
        target.save(Config(master=master, accounts=[]))
    except (ConfigError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"created {target.accounts_file}")


@accounts_app.command("add")
def accounts_add(
    account_id: Annotated[str, typer.Argument(help="Short id: lower case, digits, _.")],
    path: Annotated[
        str | None, typer.Option(help="csv: folder with the account's files (relative: home).")
    ] = None,
    url_env: Annotated[
        str | None,
        typer.Option(help="database: name of the env var holding the SQLAlchemy URL."),
    ] = None,
    query: Annotated[
        list[str] | None,
        typer.Option(help="database: 'piece=SELECT ...', one per piece. Repeatable."),
    ] = None,
    existing: Annotated[
        str | None,
        typer.Option(help="Another Tributary deployment's home folder, added as one child."),
    ] = None,
    home: HomeOption = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    currency: Annotated[str | None, typer.Option(help="Account currency.")] = None,
    date_format: Annotated[
        str | None, typer.Option(help="Date format of the files, e.g. %m/%d/%Y (default ISO).")
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(help="Map a header to a contract column: 'Header=column'. Repeatable."),
    ] = None,
    to: Annotated[
        str, typer.Option(help="Account to add the connection to; only the master takes them.")
    ] = MASTER_ID,
) -> None:
    """Add a child account (the first one creates the master)."""
    target = Home.resolve(home)
    config = _load(target) if target.exists() else Config()
    if to != MASTER_ID:
        if any(a.id == to for a in config.accounts):
            _fail(
                f"'{to}' is a child account and cannot hold children: add connections to the "
                "master (--to master)"
            )
        _fail(f"no account '{to}'; connections are added to the master")
    created_master = config.master is None
    if created_master:
        config.master = Master(currency=currency or "USD")
    columns = {}
    for mapping in column or []:
        if "=" not in mapping:
            _fail(f"--column '{mapping}' must look like 'Header=column'")
        header, _, target_column = mapping.partition("=")
        columns[header.strip()] = target_column.strip()
    if any(a.id == account_id for a in config.accounts):
        _fail(f"account '{account_id}' already exists")
    queries = {}
    for item in query or []:
        piece, sep, sql = item.partition("=")
        if not sep:
            _fail(f"--query '{item}' must look like 'piece=SELECT ...'")
        queries[piece.strip()] = sql.strip()
    if existing:
        connection = Connection(type="tributary", path=existing)
    elif url_env or queries:
        connection = Connection(
            type="database",
            url_env=url_env or "",
            queries=queries,
            date_format=date_format,
            columns=columns,
        )
    else:
        if not path:
            _fail(
                "give --path (a folder of files), --url-env with --query (a database) or "
                "--existing (another Tributary home)"
            )
        connection = Connection(type="csv", path=path, date_format=date_format, columns=columns)
    config.accounts.append(
        Account(
            id=account_id,
            name=name or account_id,
            currency=currency or config.master.currency,
            connection=connection,
        )
    )
    try:
        target.save(config)
    except ConfigError as exc:
        _fail(str(exc))
    if created_master:
        typer.echo(f"created the master account in {target.accounts_file}")
    typer.echo(
        f"added account '{account_id}' ({connection.describe()}); load it with `tributary run`"
    )


@accounts_app.command("list")
def accounts_list(home: HomeOption = None) -> None:
    """List the master and its child accounts with their last load."""
    from tributary.lake import Lake

    target = Home.resolve(home)
    config = _load(target)
    if config.master is None:
        typer.echo("no master yet: add an account with `tributary accounts add`")
        return
    master = config.master
    typer.echo(
        f"master: {master.name} (period {master.period}, {master.currency}, "
        f"as of {master.today().isoformat()})"
    )
    lake = Lake(target.lake)
    for account in config.accounts:
        status = lake.status(account.id)
        if status is None:
            state = "never loaded"
        elif status.status == "ok":
            state = (
                f"ok, {status.rows_loaded:,} rows, {status.rows_rejected:,} rejected, loaded "
                f"{status.last_loaded_at}"
            )
        else:
            state = f"STALE: {status.last_error}"
        typer.echo(
            f"  {account.id:<16} {account.name:<28} {account.connection.describe()}  [{state}]"
        )


@accounts_app.command("remove")
def accounts_remove(
    account_id: str,
    home: HomeOption = None,
    keep_data: Annotated[bool, typer.Option(help="Keep its files in the lake.")] = False,
) -> None:
    """Remove a child account from accounts.yaml and its data from the lake."""
    from tributary.lake import Lake

    target = Home.resolve(home)
    config = _load(target)
    try:
        config.account(account_id)
    except ConfigError as exc:
        _fail(str(exc))
    config.accounts = [a for a in config.accounts if a.id != account_id]
    target.save(config)
    if not keep_data:
        Lake(target.lake).drop_account(account_id)
    typer.echo(f"removed account '{account_id}'; run `tributary run` to rebuild the master")


@app.command()
def run(
    accounts: Annotated[
        list[str] | None, typer.Argument(help="Accounts to load (default: all).")
    ] = None,
    home: HomeOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Dagster logs.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="Runs side by side (default: one per core, at most 4).", min=1),
    ] = None,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            help="Accept, this once, the held-back load of this account (its transactions "
            "shrank a lot). Repeatable."
        ),
    ] = None,
    wait: Annotated[
        float | None,
        typer.Option(
            help="If another run holds this home, wait up to this many seconds (default: "
            "exit at once).",
            min=0,
        ),
    ] = None,
) -> None:
    """Load the given accounts (or all); automation then rebuilds everything downstream."""
    from orchestration.runner import DEFAULT_WORKERS, run_pipeline

    target = Home.resolve(home)
    _load(target)
    summary = _guarded(
        lambda: run_pipeline(
            target,
            accounts or None,
            echo=typer.echo,
            log_level="INFO" if verbose else "CRITICAL",
            workers=workers or DEFAULT_WORKERS,
            accept=accept or None,
            wait_seconds=wait or 0.0,
        )
    )
    _print_outcome(target, summary.seconds)
    if not summary.ok:
        raise typer.Exit(1)


def _guarded(start: Callable[[], RunSummary]) -> RunSummary:
    """Run the pipeline; a busy home or a bad accounts.yaml is one line and exit code 2/3."""
    from tributary.runlock import RunInProgress

    try:
        return start()
    except ConfigError as exc:
        _fail(str(exc))
    except RunInProgress as exc:
        typer.secho(
            f"error: {exc}. Nothing was changed; try again when it has finished, or pass "
            "--wait SECONDS.",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(3) from None
    raise AssertionError("unreachable")


def _print_outcome(target: Home, seconds: float) -> None:
    typer.echo("")
    if target.warehouse.exists():
        typer.echo(_render(target, ACCOUNTS_SUMMARY))
    typer.echo(f"finished in {seconds:.1f}s")
    typer.echo(f"warehouse: {target.warehouse}  (schema `marts`: what BI tools read)")
    if (target.report / "index.html").exists():
        typer.echo(f"report:    {target.report / 'index.html'}  (open it in a browser)")
    typer.echo(f"  look:    tributary show sales_history --home {target.root} --account master")
    typer.echo(f"  open UI: tributary ui --home {target.root}")


ACCOUNTS_SUMMARY = (
    "select account_id, role, load_status, rows_loaded, rows_rejected, last_error "
    "from marts.accounts order by role desc, account_id"
)


def _render(target: Home, sql: str, params: list | None = None) -> str:
    import duckdb

    try:
        with duckdb.connect(str(target.warehouse), read_only=True) as con:
            return str(con.execute(sql, params or []).fetchdf().to_string(index=False))
    except duckdb.Error as exc:
        # Say what is wrong in one line: e.g. someone holds the file open for writing.
        _fail(f"cannot read {target.warehouse}: {str(exc).splitlines()[0]}")
        raise  # unreachable


@app.command()
def show(
    table: Annotated[str, typer.Argument(help="A table of schema marts, e.g. accounts.")],
    home: HomeOption = None,
    account: Annotated[
        str | None, typer.Option(help=f"Only this account's view: a child id or '{MASTER_ID}'.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
) -> None:
    """Print rows of a mart (read-only), e.g. `tributary show accounts`."""
    import duckdb

    target = Home.resolve(home)
    if not target.warehouse.exists():
        _fail(f"no warehouse at {target.warehouse} yet: run `tributary run` first")
    with duckdb.connect(str(target.warehouse), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "order by 1"
            ).fetchall()
        ]
    if table not in tables:
        _fail(f"no table marts.{table}; tables: {', '.join(tables)}")
    where = "where account_id = ?" if account else ""
    sql = f'select * from marts."{table}" {where} limit {int(limit)}'
    typer.echo(_render(target, sql, [account] if account else None))


@app.command()
def demo(
    home: Annotated[Path, typer.Option("--home", help="Where to write the demo home.")] = Path(
        "tributary-demo"
    ),
    force: Annotated[
        bool, typer.Option(help="Delete an existing demo home first (only a demo home).")
    ] = False,
) -> None:
    """Write a demo home with three child accounts and run the whole pipeline on it."""
    from orchestration.runner import run_pipeline
    from tributary.demo import write_demo_home

    target = Home.resolve(home)
    marker = target.root / DEMO_MARKER
    if target.root.exists() and any(target.root.iterdir()):
        # Only ever overwrite or delete a folder that a previous `tributary demo` wrote.
        if not marker.exists():
            _fail(
                f"{target.root} exists and is not a demo home (no {DEMO_MARKER}); nothing was "
                "changed. Choose another --home for the demo."
            )
        if force:
            shutil.rmtree(target.root)
    target.root.mkdir(parents=True, exist_ok=True)
    marker.write_text("written by `tributary demo`; `tributary demo --force` may replace it\n")
    started = time.perf_counter()
    config = write_demo_home(target.root)
    typer.echo(
        f"demo home written to {target.root}: {len(config.accounts)} child accounts "
        f"({', '.join(a.id for a in config.accounts)})"
    )
    summary = _guarded(lambda: run_pipeline(target, echo=typer.echo))
    _print_outcome(target, time.perf_counter() - started)
    if summary.failed:
        typer.echo("some accounts failed to load (see above)")
    if not summary.warehouse_ok:
        raise typer.Exit(1)


@app.command()
def report(
    home: HomeOption = None,
    account: Annotated[
        list[str] | None,
        typer.Option(help=f"Only this account's pages (a child id or '{MASTER_ID}'). Repeatable."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder to write the report to (default: <home>/report).")
    ] = None,
) -> None:
    """Write the HTML planning report of the home's warehouse (every run also refreshes it)."""
    from tributary.report import ReportError, build_report

    target = Home.resolve(home)
    _load(target)
    try:
        result = build_report(
            target.warehouse, out or target.report, only=account or None, progress=typer.echo
        )
    except ReportError as exc:
        _fail(str(exc))
        return
    typer.echo(
        f"report: {result.index}  ({len(result.accounts)} accounts, {result.item_pages} item "
        f"pages, {result.seconds:.1f}s)"
    )


@app.command()
def docs(
    home: HomeOption = None,
    port: Annotated[int, typer.Option(help="Port of the documentation site.")] = 8080,
    serve: Annotated[
        bool, typer.Option(help="Serve the site (else only write it and print where).")
    ] = True,
) -> None:
    """Generate dbt's documentation site (lineage, column docs) for the home's warehouse and
    serve it on 127.0.0.1."""
    from orchestration.docs import DocsError, generate_docs

    target = Home.resolve(home)
    config = _load(target)
    try:
        site = generate_docs(target, config, progress=typer.echo)
    except DocsError as exc:
        _fail(str(exc))
        return
    typer.echo(f"dbt docs: {site / 'static_index.html'}  (one file, opens without a server)")
    if serve:
        typer.echo(f"serving on http://127.0.0.1:{port}  (Ctrl+C stops it)")
        raise typer.Exit(run_in_own_group(docs_serve_command(site, port)))


def docs_serve_command(site: Path, port: int) -> list[str]:
    """Serve the generated site with Python's own HTTP server (dbt's serve needs the project)."""
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(site)]


@app.command()
def ui(
    home: HomeOption = None,
    port: Annotated[int, typer.Option(help="Port of the web UI.")] = 3000,
) -> None:
    """Open the Dagster UI on a home (runs `dagster dev`)."""
    from orchestration.runner import prepare_instance

    target = Home.resolve(home)
    _load(target)
    prepare_instance(target)
    workspace = Path(__file__).resolve().parents[1] / "workspace.yaml"
    typer.echo(f"Dagster UI for {target.root} on http://127.0.0.1:{port}  (Ctrl+C stops it)")
    raise typer.Exit(
        run_in_own_group(
            [sys.executable, "-m", "dagster", "dev", "-w", str(workspace), "-p", str(port)]
        )
    )


def run_in_own_group(command: list[str], grace_seconds: float = 10.0) -> int:
    """Run a command in its own process group and end the whole group when we stop.

    `dagster dev` starts a webserver, a daemon and code servers; stopping only the first one
    (Ctrl+C on us, a SIGTERM from a service manager) would leave the rest running.
    """
    process = subprocess.Popen(
        command,
        env=dict(os.environ),
        start_new_session=True,
        preexec_fn=lambda: die_with_parent(signal.SIGTERM),
    )

    def stop(signum, _frame) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        _end_group(process, grace_seconds)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            _end_group(process, grace_seconds)


def _end_group(process: subprocess.Popen, grace_seconds: float) -> None:
    """SIGTERM to the group (dagster dev shuts its children down), then SIGKILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_seconds)


# -- planner overrides (tributary.forecasting.overrides; the logic lives there) -----------------

override_app = typer.Typer(
    help="Add, list and remove planner overrides of the forecast (overrides.csv in the home).",
    no_args_is_help=True,
)
app.add_typer(override_app, name="override")


def _overrides_file(target: Home) -> tuple[Path, set[str]]:
    from tributary.forecasting.overrides import OVERRIDES_FILE

    config = _load(target)
    return target.root / OVERRIDES_FILE, set(scope_ids(config))


@override_app.command("add")
def override_add(
    account: Annotated[str, typer.Option(help=f"Account id, or '{MASTER_ID}'.")],
    item: Annotated[str, typer.Option(help="Item code.")],
    start: Annotated[str, typer.Option(help="First day of the period range (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option(help="Last day of the period range (YYYY-MM-DD).")],
    qty: Annotated[str, typer.Option(help="New forecast per period.")] = "",
    pct_change: Annotated[str, typer.Option(help="Percent change of the forecast.")] = "",
    location: Annotated[str, typer.Option(help="Location ('' = every location).")] = "",
    note: Annotated[str, typer.Option(help="Why (shown beside the forecast).")] = "",
    author: Annotated[str, typer.Option(help="Who.")] = "",
    home: HomeOption = None,
) -> None:
    """Validate an override and append it; it applies from the next `tributary run`."""
    from tributary.forecasting.overrides import OverrideError, add_override

    path, accounts = _overrides_file(Home.resolve(home))
    row = {
        "account_id": account,
        "item_code": item,
        "location": location,
        "period_start": start,
        "period_end": end,
        "qty": qty,
        "pct_change": pct_change,
        "note": note,
        "author": author,
    }
    try:
        added = add_override(path, row, accounts)
    except OverrideError as exc:
        _fail(str(exc))
        return
    typer.echo(f"override {added.override_id} added to {path}")


@override_app.command("list")
def override_list(home: HomeOption = None) -> None:
    """The overrides, and whether each matched forecast rows in the last run."""
    import pandas as pd

    from tributary.forecasting.overrides import OverrideError, listing, read_overrides
    from tributary.lake import PART, Lake

    target = Home.resolve(home)
    path, accounts = _overrides_file(target)
    try:
        overrides = read_overrides(path, accounts)
    except OverrideError as exc:
        _fail(str(exc))
        return
    if not overrides:
        typer.echo(f"no overrides ({path} is absent or empty)")
        return
    lake = Lake(target.lake)
    status = [
        lake.read_scope("override_status", scope)
        for scope in sorted(accounts)
        if (lake.scope_partition("override_status", scope) / PART).exists()
    ]
    table = listing(overrides, pd.concat(status, ignore_index=True) if status else None)
    typer.echo(table.to_string(index=False))


@override_app.command("remove")
def override_remove(
    override_id: Annotated[int | None, typer.Argument(help="Row id from `override list`.")] = None,
    account: Annotated[str | None, typer.Option(help=f"Account id, or '{MASTER_ID}'.")] = None,
    item: Annotated[str | None, typer.Option(help="Item code.")] = None,
    period: Annotated[str | None, typer.Option(help="A day the override covers.")] = None,
    home: HomeOption = None,
) -> None:
    """Remove an override by its id, or every override of an account, item and/or period."""
    from tributary.forecasting.overrides import OverrideError, remove_overrides

    path, _accounts = _overrides_file(Home.resolve(home))
    try:
        day = date.fromisoformat(period) if period else None
        removed = remove_overrides(path, override_id, account, item, day)
    except (OverrideError, ValueError) as exc:
        _fail(str(exc))
        return
    if not removed:
        _fail("no override matched")
    typer.echo(f"removed {len(removed)} override(s); ids of the rest may have moved up")


if __name__ == "__main__":
    app()
