"""Load throughput: validate and write one generated account of >= 1M transaction lines.

    python bench/load.py [--lines 1000000] [--keep DIR]

Prints the time to generate the CSV (not counted), then for the load itself: seconds, rows per
second, and the split between reading, validating and writing. Nothing here is asserted; the
figures are for the closing notes and for spotting regressions by eye.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from group_home import add_keep_option, work_folder

from tributary.config import Account, Config, Connection, Home, Master
from tributary.connectors.folder import read_piece_file
from tributary.contract import PIECES
from tributary.loading import load_account
from tributary.validation import validate_piece


def generate(folder: Path, lines: int, seed: int = 1) -> Path:
    """A web-store-like export: document headers, US dates, a few bad rows per 100k."""
    rng = np.random.default_rng(seed)
    items = np.array([f"SKU-{i:05d}" for i in range(5000)])
    locations = np.array(["", "STORE-1", "STORE-2", "DC"])
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D").strftime("%m/%d/%Y").to_numpy()
    frame = pd.DataFrame(
        {
            "Date": days[rng.integers(0, len(days), lines)],
            "Item code": items[rng.zipf(1.3, lines) % len(items)],
            "Location": locations[rng.integers(0, len(locations), lines)],
            "Channel": np.where(rng.random(lines) < 0.7, "web", "marketplace"),
            "Qty sold": rng.poisson(3, lines) - (rng.random(lines) < 0.02) * 4,
            "Sales price/unit": np.round(rng.uniform(1, 200, lines), 2),
            "Outlier": np.where(rng.random(lines) < 0.001, "yes", ""),
        }
    )
    bad = rng.choice(lines, size=max(1, lines // 50_000), replace=False)
    frame.loc[bad[: len(bad) // 2], "Date"] = "13/45/2025"
    frame["Qty sold"] = frame["Qty sold"].astype(str)
    frame.loc[bad[len(bad) // 2 :], "Qty sold"] = "n/a"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "transactions.csv"
    frame.to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    add_keep_option(parser)
    args = parser.parse_args()

    with work_folder(args.keep, "tributary-bench-") as root:
        t0 = time.perf_counter()
        path = generate(root / "data" / "big", args.lines)
        print(
            f"generated {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - t0:.1f}s (not counted)"
        )

        # The parts, for where the time goes.
        t0 = time.perf_counter()
        raw = read_piece_file(path)
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = validate_piece(PIECES["transactions"], raw, date_format="%m/%d/%Y")
        t_validate = time.perf_counter() - t0
        del raw, result

        home = Home(root)
        config = Config(
            master=Master(name="Bench"),
            accounts=[
                Account(
                    "big", "Big store", "USD", Connection(path="data/big", date_format="%m/%d/%Y")
                )
            ],
        )
        home.save(config)
        t0 = time.perf_counter()
        report = load_account(home, config, "big")
        total = time.perf_counter() - t0
        print(
            f"load of one account, {report.rows_loaded + report.rows_rejected:,} lines "
            f"({report.rows_rejected:,} rejected):"
        )
        print(f"  total          {total:6.2f} s   {args.lines / total:>12,.0f} rows/s")
        print("measured apart, on the same file:")
        print(f"  read CSV       {t_read:6.2f} s")
        print(f"  validate       {t_validate:6.2f} s   (parse, pandera, keys)")
        t0 = time.perf_counter()
        again = load_account(home, config, "big")
        print(
            f"reload, unchanged input: {time.perf_counter() - t0:.2f} s "
            f"(unchanged={again.unchanged})"
        )


if __name__ == "__main__":
    main()
