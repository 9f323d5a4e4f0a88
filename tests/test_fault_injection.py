"""A load killed while it writes leaves the previous data whole (a real SIGKILL, no mocks)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from tributary.config import Account, Config, Connection, Home, Master
from tributary.lake import Lake
from tributary.loading import load_account

ROOT = Path(__file__).resolve().parents[1]

LOAD_SCRIPT = """
import sys
from tributary.config import Home
from tributary.loading import load_account
home = Home.resolve(sys.argv[1])
load_account(home, home.load(), "big", force=True)
"""


def test_a_load_killed_mid_write_keeps_the_previous_data(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from load import generate  # the benchmark's generator: a real 300k-line account

    folder = tmp_path / "data" / "big"
    folder.mkdir(parents=True)
    home = Home(tmp_path)
    config = Config(
        master=Master(),
        accounts=[
            Account("big", "Big", "USD", Connection(path="data/big", date_format="%m/%d/%Y"))
        ],
    )
    home.save(config)
    (folder / "transactions.csv").write_text("date,item_code,qty_sold\n01/01/2024,OLD,1\n")
    load_account(home, config, "big")
    lake = Lake(home.lake)
    before = lake.read("transactions", "big")
    assert before["item_code"].tolist() == ["OLD"]

    generate(folder, 300_000)
    process = subprocess.Popen(
        [sys.executable, "-c", LOAD_SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    staging = home.lake / ".staging"
    deadline = time.monotonic() + 120
    killed_while_writing = False
    while time.monotonic() < deadline and process.poll() is None:
        if staging.exists() and any(staging.iterdir()):
            process.send_signal(signal.SIGKILL)
            killed_while_writing = True
            break
        time.sleep(0.002)
    process.wait(timeout=30)
    assert killed_while_writing, "the load finished before it could be killed mid-write"

    # The half-written load is invisible: every table still holds the previous load.
    pd.testing.assert_frame_equal(before, lake.read("transactions", "big"))
    assert lake.status("big").rows_loaded == 1
    assert lake.has_data("big")

    # The next load cleans up after the dead one and lands whole.
    report = load_account(home, config, "big")
    assert report.rows_loaded + report.rows_rejected == 300_000
    assert not staging.exists() or not any(staging.iterdir())


# -- whole runs killed, run twice at once, read during a run -----------------------------------
#
# A real `tributary run` in a subprocess on a small two-account home, killed with SIGKILL (the
# driver only, as the OOM killer or `kill -9` would) at each stage. What must hold: the marts
# readers see are the previous run's, readable all along; no process of the run survives it by
# more than 5 s; the next run cleans up and gives what an uninterrupted run gives.

STAGE_MARKERS = {
    "load": "[load] ",
    "warehouse": "[build] warehouse: dbt",
    "scopes": "[scope] ",
    "output marts": "[build] forecast, plan and KPI marts: dbt",
}
MARTS = ("accounts", "sales_history", "demand_history", "demand_forecast", "order_plan", "kpis")
# What differs between two correct runs of the same input: when they ran.
VOLATILE = {"last_loaded_at", "failed_at", "load_id"}


def write_group(root: Path, days: int, seed: int) -> None:
    """A two-account home (daily sales of 12 items over ``days`` days) with a fixed as_of."""
    import numpy as np

    rng = np.random.default_rng(seed)
    dates = pd.date_range(end="2026-10-31", periods=days, freq="D")
    lines = []
    for account in ("north", "south"):
        folder = root / "data" / account
        folder.mkdir(parents=True, exist_ok=True)
        rows = [
            f"{day:%Y-%m-%d},SKU-{item},{rng.poisson(3) + 1},9.5"
            for day in dates
            for item in range(12)
            if rng.random() < 0.6
        ]
        (folder / "transactions.csv").write_text(
            "date,item_code,qty_sold,sales_price\n" + "\n".join(rows) + "\n"
        )
        (folder / "items.csv").write_text(
            "item_code,on_hand,lead_time_days,purchase_price\n"
            + "".join(f"SKU-{item},{20 + item},14,4\n" for item in range(12))
        )
        lines.append(
            f"  - {{id: {account}, name: {account}, currency: USD, "
            f"connection: {{type: csv, path: data/{account}}}}}"
        )
    (root / "accounts.yaml").write_text(
        "master:\n  name: Group\n  period: week\n  as_of: 2026-11-01\n"
        "  forecast: {prophet: never}\naccounts:\n" + "\n".join(lines) + "\n"
    )


def marts_of(home: Home) -> dict[str, pd.DataFrame]:
    import duckdb

    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        frames = {
            table: con.sql(f"select * from marts.{table} order by all").df() for table in MARTS
        }
    return {
        table: frame.drop(columns=[c for c in frame.columns if c in VOLATILE])
        for table, frame in frames.items()
    }


def assert_same_marts(left: dict, right: dict) -> None:
    for table in MARTS:
        pd.testing.assert_frame_equal(
            left[table].reset_index(drop=True), right[table].reset_index(drop=True), obj=table
        )


def run_env(home: Home, marker: str) -> dict[str, str]:
    # TRIBUTARY_TEST_RUN marks every process of the run (environments are inherited).
    return dict(
        os.environ, PYTHONPATH=str(ROOT), TRIBUTARY_HOME=str(home.root), TRIBUTARY_TEST_RUN=marker
    )


def tributary(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "tributary"), *args]


def processes_marked(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if f"TRIBUTARY_TEST_RUN={marker}".encode() in handle.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def run_to_completion(home: Home, marker: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        tributary("run", "--home", str(home.root), *args),
        cwd=ROOT,
        env=run_env(home, marker),
        capture_output=True,
        text=True,
        timeout=600,
    )


def kill_at(home: Home, marker: str, line_start: str) -> list[str]:
    """Start a run, SIGKILL its driver once it prints a line starting with ``line_start``."""
    process = subprocess.Popen(
        tributary("run", "--home", str(home.root)),
        cwd=ROOT,
        env=run_env(home, marker),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line.rstrip())
        if line.startswith(line_start):
            time.sleep(1.0)  # into the stage: dbt started, a load half read, a scope forecasting
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"the run ended before the kill: {seen}"
    return seen


class Reader(threading.Thread):
    """A BI tool: one read-only connection held open, queried every 0.2 s, errors kept."""

    def __init__(self, home: Home):
        import duckdb

        super().__init__(daemon=True)
        self.con = duckdb.connect(str(home.warehouse), read_only=True)
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.counts: set[int] = set()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            try:
                self.counts.add(self.con.sql("select count(*) from marts.order_plan").fetchone()[0])
                self.con.sql("select * from marts.accounts").fetchall()
            except Exception as exc:  # noqa: BLE001 - what a reader would see, kept for the test
                self.errors.append(str(exc))

    def close(self) -> None:
        self.stop.set()
        self.join()
        self.con.close()


@pytest.fixture(scope="module")
def group(tmp_path_factory) -> tuple[Home, dict, dict]:
    """A home after one good run, its input then changed; and the marts an uninterrupted run
    of the changed input gives (run on a copy of the home)."""
    home = Home(tmp_path_factory.mktemp("killed"))
    write_group(home.root, days=200, seed=1)
    first = run_to_completion(home, "setup")
    assert first.returncode == 0, first.stdout + first.stderr
    before = marts_of(home)
    write_group(home.root, days=230, seed=2)  # a month more, other numbers
    reference = Home(tmp_path_factory.mktemp("uninterrupted"))
    shutil.copytree(home.root, reference.root, dirs_exist_ok=True)
    second = run_to_completion(reference, "reference")
    assert second.returncode == 0, second.stdout + second.stderr
    return home, before, marts_of(reference)


def test_a_run_killed_at_each_stage_leaves_the_previous_marts_and_no_process(group):
    home, before, uninterrupted = group
    reader = Reader(home)  # open through every kill and the rerun
    reader.start()
    try:
        for stage, line_start in STAGE_MARKERS.items():
            marker = f"kill-{stage.replace(' ', '-')}"
            kill_at(home, marker, line_start)
            deadline = time.monotonic() + 5
            while processes_marked(marker) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert processes_marked(marker) == [], f"processes outlived a run killed at {stage}"
            assert_same_marts(marts_of(home), before)  # all old, and readable

        rerun = run_to_completion(home, "rerun")
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    finally:
        reader.close()
    assert reader.errors == []
    assert len(reader.counts) == 1  # its snapshot never changed under it
    assert_same_marts(marts_of(home), uninterrupted)
    assert not (home.root / ".building").exists()


def test_a_second_run_at_once_exits_naming_the_first_and_changes_nothing(group):
    home, _, _ = group
    first = subprocess.Popen(
        tributary("run", "--home", str(home.root)),
        cwd=ROOT,
        env=run_env(home, "first"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert first.stdout is not None
        for line in first.stdout:
            if line.startswith("[load] "):
                break
        second = run_to_completion(home, "second")
        assert second.returncode == 3
        assert f"another run is in progress on {home.root}" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr + second.stdout
        assert second.stdout == ""
    finally:
        first.stdout.read()
        assert first.wait(timeout=600) == 0


def test_an_emptied_export_is_held_until_accepted(group):
    home, _, _ = group
    path = home.root / "data" / "south" / "transactions.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")  # the header only
    held = run_to_completion(home, "held")
    assert held.returncode == 1
    assert "held back, previous data kept" in held.stdout
    assert "--accept south" in held.stdout
    marts = marts_of(home)
    accounts = marts["accounts"].set_index("account_id")
    assert accounts.loc["south", "load_status"] == "stale"
    sales = marts["sales_history"]
    assert (sales["account_id"] == "south").sum() > 0  # its history stayed
    accepted = run_to_completion(home, "accepted", "--accept", "south")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    sales = marts_of(home)["sales_history"]
    assert (sales["account_id"] == "south").sum() == 0
