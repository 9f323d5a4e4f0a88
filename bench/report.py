"""The planning report on a big group, timed as `tributary report` (what every run also does).

    python bench/report.py [--items 20000] [--accounts 1] [--days 730] [--home DIR] [--repeat 3]

Without --home it generates a group with tributary.demo.group's generator (`--accounts` CSV
accounts of `--items` items each, daily sales over `--days`) and runs `tributary run` on it first
(not timed here; bench/pipeline.py times that). Then it runs `tributary report` on the home
`--repeat` times in a fresh process each and prints the wall seconds, the process's peak
resident memory, the items per scope, the pages written and their size. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from tributary.demo.group import write_generated_group

sys.path.insert(0, str(Path(__file__).resolve().parent))
from group_home import add_group_options  # noqa: E402
from tributary_cli import TRIBUTARY, start_tributary  # noqa: E402


def prepare(home: Path, accounts: int, items: int, days: int) -> None:
    print(f"generating {accounts} account(s) x {items:,} items x {days} days in {home} ...")
    lines = write_generated_group(home, accounts, items, days)
    print(f"  {lines:,} transaction lines; `tributary run` (not timed here) ...", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [str(TRIBUTARY), "run", "--home", str(home)], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"tributary run failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    print(f"  done in {time.perf_counter() - started:.0f}s")


def timed_report(home: Path, out: Path) -> tuple[float, int, str]:
    """(wall seconds, peak RSS bytes, last line) of one `tributary report` process."""
    started = time.perf_counter()
    process = start_tributary("report", "--home", home, "--out", out)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"tributary report failed:\n{output[-3000:]}")
    return wall, usage.ru_maxrss * 1024, output.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_group_options(parser, accounts=1, items=20_000)
    parser.add_argument("--home", type=Path, help="an existing home (already run) to report on")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="tributary-report-bench-"))
    home = args.home or args.keep or scratch / "home"
    try:
        if args.home is None:
            if home.exists():
                shutil.rmtree(home)
            prepare(home, args.accounts, args.items, args.days)
            # A fresh, small process for the timings: a child forked from this one (which
            # holds the generated frames) would count this process's memory as its own peak.
            if args.keep is None:
                print("(add --keep DIR to keep the generated home)")
            command = [sys.executable, __file__, "--home", str(home), "--repeat", str(args.repeat)]
            sys.stdout.flush()
            code = subprocess.call(command)
            if args.keep is None:
                shutil.rmtree(scratch, ignore_errors=True)
            sys.exit(code)
        with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
            scopes = con.execute(
                "select account_id, count(*) from marts.order_plan group by 1 order by 1"
            ).fetchall()
        print("items per scope: " + ", ".join(f"{scope} {n:,}" for scope, n in scopes))
        walls, peaks = [], []
        out = scratch / "report"
        for attempt in range(args.repeat):
            wall, peak, line = timed_report(home, out)
            walls.append(wall)
            peaks.append(peak)
            print(f"  run {attempt + 1}: {wall:.2f}s, peak RSS {peak / 2**20:.0f} MiB  ({line})")
        files = [p for p in out.rglob("*.html")]
        size = sum(p.stat().st_size for p in files)
        print()
        print(f"report of {sum(n for _, n in scopes):,} item-locations in {len(scopes)} scopes")
        print(
            f"  wall   min {min(walls):.2f}s  median {statistics.median(walls):.2f}s  "
            f"max {max(walls):.2f}s"
        )
        print(f"  peak RSS of the report process: max {max(peaks) / 2**20:.0f} MiB")
        print(f"  pages: {len(files):,} HTML files, {size / 2**20:.1f} MiB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
