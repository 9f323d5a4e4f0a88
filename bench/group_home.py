"""What the benchmarks share: the generated group's options and lines, and their working folder.

bench/pipeline.py, bench/scale.py and bench/report.py time runs on a group written by
tributary.demo.group; bench/load.py works in the same kind of folder.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tributary.demo.group import write_generated_group


def add_group_options(parser: argparse.ArgumentParser, accounts: int, items: int) -> None:
    """--accounts, --items and --days of the generated group, and --keep DIR for its home."""
    parser.add_argument("--accounts", type=int, default=accounts)
    parser.add_argument("--items", type=int, default=items)
    parser.add_argument("--days", type=int, default=730)
    add_keep_option(parser)


def add_keep_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep", type=Path, help="keep the generated home here")


def generate_group(root: Path, args: argparse.Namespace, density: float = 1.0) -> int:
    """Write the group ``args`` name under ``root``, saying its size and the seconds it took
    (not counted); return its transaction lines."""
    t0 = time.perf_counter()
    lines = write_generated_group(root, args.accounts, args.items, args.days, density)
    print(
        f"generated {args.accounts} accounts x {args.items:,} items x {args.days} days: "
        f"{lines:,} transaction lines in {time.perf_counter() - t0:.0f}s (not counted)"
    )
    return lines


@contextlib.contextmanager
def work_folder(keep: Path | None, prefix: str) -> Iterator[Path]:
    """``keep`` when given (left in place), else a new temporary folder, removed at the end
    however the benchmark ends."""
    root = keep or Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield root
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
