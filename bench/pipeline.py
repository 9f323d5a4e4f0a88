"""`tributary run` on a generated group, timed as a user gets it.

    python bench/pipeline.py [--accounts 5] [--items 4000] [--days 730] [--keep DIR] [--workers 2]

Generates a home of CSV accounts (tributary.demo.group: daily sales over `--days`, 60 % of
item codes shared between accounts, an items file with stock and lead times), then runs
`tributary run` on it in a subprocess with default settings and prints: wall seconds per
stage (loads, warehouse, scopes, output marts), the whole run, the peak resident memory of the
whole process tree, and the share of the run during which both cores were busy. Generation is
not counted. Nothing is asserted. bench/scale.py adds the steps inside each stage and a rerun.
"""

from __future__ import annotations

import argparse
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from group_home import add_group_options, generate_group, work_folder
from tributary_cli import start_tributary

STAGES = {
    "load": "loads",
    "build] warehouse": "warehouse",
    "scope": "scopes",
    "marts": "marts",
    "report": "report",
}


def _tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def _cpu_times() -> list[tuple[int, int]]:
    """(busy, total) jiffies per core."""
    result = []
    with open("/proc/stat") as handle:
        for line in handle:
            if re.match(r"cpu\d+ ", line):
                values = [int(v) for v in line.split()[1:]]
                idle = values[3] + values[4]
                result.append((sum(values) - idle, sum(values)))
    return result


class Sampler(threading.Thread):
    """Samples the process tree's memory and how many cores are busy, every 0.5 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.timeline: list[tuple[float, int]] = []  # (seconds since start, tree RSS bytes)
        self.started = time.perf_counter()
        self.both_busy = 0
        self.samples = 0
        self.busy_cores = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        before = _cpu_times()
        while not self.stop.wait(0.5):
            rss = _tree_rss_bytes(self.pid)
            self.peak_rss = max(self.peak_rss, rss)
            self.timeline.append((time.perf_counter() - self.started, rss))
            after = _cpu_times()
            shares = [
                (b1 - b0) / max(t1 - t0, 1)
                for (b0, t0), (b1, t1) in zip(before, after, strict=True)
            ]
            before = after
            self.samples += 1
            self.busy_cores += sum(shares)
            self.both_busy += all(share > 0.8 for share in shares)


def run(
    home: Path, workers: int, on_start: Callable[[int], None] | None = None
) -> tuple[float, dict[str, float], Sampler, int]:
    """(wall seconds, first and last second of each stage, the sampler, exit code) of one run;
    ``on_start`` is given the process id of `tributary run` once it has started."""
    started = time.perf_counter()
    process = start_tributary("run", "--home", home, "--workers", workers)
    if on_start is not None:
        on_start(process.pid)
    sampler = Sampler(process.pid)
    sampler.start()
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    assert process.stdout is not None
    for line in process.stdout:
        now = time.perf_counter() - started
        print(f"  {now:7.1f}s  {line.rstrip()}")
        for marker, stage in STAGES.items():
            if line.startswith(f"[{marker}") or (marker == "marts" and "KPI marts" in line):
                first.setdefault(stage, now)
                last[stage] = now
    code = process.wait()
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    stages = {stage: (first[stage], last[stage]) for stage in first}
    return wall, stages, sampler, code


def stage_peak(sampler: Sampler, start: float, end: float) -> int:
    """Peak tree RSS sampled while a stage ran (stages that overlap share their peaks)."""
    return max((rss for at, rss in sampler.timeline if start <= at <= end), default=0)


def print_stages(wall: float, stages: dict[str, tuple[float, float]], sampler: Sampler) -> None:
    """Seconds and peak memory per stage, the rest, and how busy the cores were."""
    for stage, (start, end) in stages.items():
        peak = stage_peak(sampler, start, end) / 2**30
        print(f"  {stage:<10} {end - start:7.1f} s   peak {peak:5.2f} GiB")
    staged = sum(end - start for start, end in stages.values())
    print(f"  {'other':<10} {wall - staged:7.1f} s  (start-up, automation ticks)")
    samples = max(sampler.samples, 1)
    print(f"peak memory (whole process tree): {sampler.peak_rss / 2**30:.2f} GiB")
    print(f"both cores busy: {sampler.both_busy / samples:.0%} of the run")
    print(f"cores in use on average: {sampler.busy_cores / samples:.2f} of {os.cpu_count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_group_options(parser, accounts=5, items=4000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with work_folder(args.keep, "tributary-pipeline-") as root:
        generate_group(root, args)
        wall, stages, sampler, code = run(root, args.workers)
        print(f"\ntributary run: exit {code}, {wall:.0f} s wall")
        print_stages(wall, stages, sampler)


if __name__ == "__main__":
    main()
