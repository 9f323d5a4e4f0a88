"""The issue-15 scale case: a generated group through `tributary run`, then a nightly rerun.

    python bench/scale.py [--accounts 5] [--items 20000] [--days 730] [--density 1.0]
                          [--workers 2] [--keep DIR] [--no-rerun]

Generates the group (tributary.demo.group: CSV accounts with the source document's headers,
60 % shared item codes, smooth/intermittent/lumpy items), runs `tributary run` on it with
default settings and prints:
- wall seconds and peak memory per stage, as bench/pipeline.py does;
- the seconds of each kind of step inside the stages (read from the home's Dagster run
  records), with rows per second for the loads and series per second for the forecasts;
- the peak resident memory of each process involved (the driver, its run workers, dbt,
  prophet workers), and the share of the run during which both cores were busy;
- unless --no-rerun: the same after one account's last week changed (a nightly), and that
  rerun's wall time as a share of the full run's.
Generation is not counted. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import threading
from collections import defaultdict
from pathlib import Path

import duckdb
from group_home import add_group_options, generate_group, work_folder
from pipeline import print_stages, run

from tributary.demo.group import change_one_account

GIB = 2**30


class ProcessPeaks(threading.Thread):
    """Peak resident memory of every process below a root process, by what it runs."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peaks: dict[int, tuple[str, int]] = {}
        self.stop = threading.Event()

    def _below_root(self) -> dict[int, int]:
        """Process id -> parent id of the root and everything below it."""
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
        below = {self.root_pid}
        for _ in range(6):  # the tree is a few levels deep
            below |= {pid for pid, parent in parents.items() if parent in below}
        return {pid: parents.get(pid, 0) for pid in sorted(below)}

    def run(self) -> None:
        labels: dict[int, str] = {}
        while not self.stop.wait(0.5):
            for pid, parent in self._below_root().items():
                try:
                    with open(f"/proc/{pid}/status") as handle:
                        rss = next(
                            int(line.split()[1]) * 1024
                            for line in handle
                            if line.startswith("VmRSS:")
                        )
                    with open(f"/proc/{pid}/cmdline", "rb") as handle:
                        command = handle.read().replace(b"\0", b" ").decode(errors="replace")
                except (OSError, StopIteration):
                    continue
                label = _label(command)
                # a worker process started by a run worker is one of its prophet workers
                if label == "run worker" and labels.get(parent) == "run worker":
                    label = "prophet worker"
                labels[pid] = label
                if rss > self.peaks.get(pid, ("", 0))[1]:
                    self.peaks[pid] = (label, rss)


def _label(command: str) -> str:
    for marker, label in (
        ("dbt", "dbt"),
        ("multiprocessing", "run worker"),
        ("tributary run", "tributary run (driver)"),
    ):
        if marker in command:
            return label
    return command.split(" ")[0].rsplit("/", 1)[-1] or "?"


def step_seconds(home: Path, since: dt.datetime) -> dict[str, float]:
    """Seconds per kind of step (summed over partitions), from the runs started after ``since``."""
    totals: dict[str, float] = defaultdict(float)
    for db in (home / "dagster" / "history" / "runs").glob("*.db"):
        if dt.datetime.fromtimestamp(db.stat().st_mtime) < since:
            continue
        with sqlite3.connect(db) as con:
            events = con.execute(
                "select dagster_event_type, timestamp, step_key from event_logs "
                "where dagster_event_type in ('STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE') "
                "order by id"
            ).fetchall()
        started: dict[str, dt.datetime] = {}
        for kind, stamp, step in events:
            at = dt.datetime.fromisoformat(str(stamp))
            if kind == "STEP_START":
                started[step] = at
            elif step in started:
                name = "expectations" if "expectations" in step else step
                totals[name] += (at - started[step]).total_seconds()
    return dict(totals)


def series_count(home: Path) -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from marts.forecast_accuracy").fetchone()[0]


def measured_run(home: Path, workers: int, lines: int) -> float:
    """Run once and print every figure; return the wall seconds."""
    since = dt.datetime.now()
    peaks: ProcessPeaks | None = None

    def watch(process_pid: int) -> None:
        nonlocal peaks
        peaks = ProcessPeaks(process_pid)
        peaks.start()

    wall, stages, sampler, code = run(home, workers, on_start=watch)
    if peaks is not None:
        peaks.stop.set()
        peaks.join()
    print(f"\ntributary run: exit {code}, {wall:.0f} s wall")
    print_stages(wall, stages, sampler)
    steps = step_seconds(home, since)
    series = series_count(home) if code == 0 else 0
    print("steps (seconds summed over the accounts/scopes; two run side by side):")
    for step, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        rate = ""
        if step == "account_data" and seconds:
            rate = f"  {lines / seconds:,.0f} rows/s per process"
        if step == "scope_forecasts" and seconds:
            rate = f"  {series:,} series, {series / seconds:,.0f} series/s per process"
        print(f"  {step:<28} {seconds:8.1f} s{rate}")
    if peaks is not None:
        by_label: dict[str, int] = defaultdict(int)
        for label, rss in peaks.peaks.values():
            by_label[label] = max(by_label[label], rss)
        print("peak memory of one process, by kind:")
        for label, rss in sorted(by_label.items(), key=lambda item: -item[1]):
            print(f"  {label:<28} {rss / GIB:6.2f} GiB")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_group_options(parser, accounts=5, items=20_000)
    parser.add_argument("--density", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-rerun", action="store_true", help="skip the nightly rerun")
    args = parser.parse_args()
    with work_folder(args.keep, "tributary-scale-") as root:
        lines = generate_group(root, args, args.density)
        full = measured_run(root, args.workers, lines)
        if not args.no_rerun:
            changed = change_one_account(root)
            print(f"\nnightly rerun: acct1's last 7 days changed ({changed:,} lines)")
            rerun = measured_run(root, args.workers, lines // args.accounts)
            print(f"rerun / full run: {rerun:.0f} s / {full:.0f} s = {rerun / full:.0%}")


if __name__ == "__main__":
    main()
