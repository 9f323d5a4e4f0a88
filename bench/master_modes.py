"""Forecast accuracy of the three master forecast modes, side by side, as a user gets them.

    python bench/master_modes.py [--items 40] [--weeks 104] [--holdout 13] [--keep DIR]

Generates a three-child group whose children sell the same items: each item has a level, a
yearly season and a trend common to the group, and each child its own share of it, its own
noise and its own season phase shift (so the children are not just scaled copies of the total).
`as_of` is the end of the training weeks; the last `--holdout` weeks are kept back as actuals.
For each mode (`combined`, `sum_of_children`, `reconciled`) it writes
`master.forecast.master_mode` into accounts.yaml, runs `tributary run` with every other setting
at its default, and compares `marts.demand_forecast` with the held-out weeks.

Printed per mode: WAPE (sum |forecast - actual| / sum actual) of the master and of the three
children pooled, the bias of each (sum (forecast - actual) / sum actual), the largest gap
between the master's forecast and the sum of its children's (as a share of the master's), and
the run's wall seconds. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

MODES = ("combined", "sum_of_children", "reconciled")
CHILDREN = ("north", "south", "web")
FIRST_MONDAY = date(2024, 1, 1)


def generate(items: int, weeks: int, holdout: int, seed: int = 11) -> pd.DataFrame:
    """Daily lines (account, date, item_code, qty_sold) over weeks + holdout weeks."""
    rng = np.random.default_rng(seed)
    total_weeks = weeks + holdout
    week = np.arange(total_weeks)
    rows = []
    for item in range(items):
        level = rng.gamma(2.0, 6.0) + 1.0
        season = rng.uniform(0.0, 0.6)
        trend = rng.normal(0.0, 0.004)
        shares = rng.dirichlet([3.0, 2.0, 1.5])
        for child, share in zip(CHILDREN, shares, strict=True):
            phase = rng.normal(0.0, 0.4)
            weekly = (
                level
                * share
                * (1 + season * np.sin(2 * np.pi * week / 52 + phase))
                * np.exp(trend * week)
            )
            weekly = np.clip(weekly * rng.lognormal(0.0, 0.25, total_weeks), 0.0, None)
            daily = rng.poisson(np.repeat(weekly / 7.0, 7))
            for day in np.nonzero(daily)[0]:
                rows.append(
                    (
                        child,
                        FIRST_MONDAY + timedelta(days=int(day)),
                        f"SKU-{item:03d}",
                        int(daily[day]),
                    )
                )
    return pd.DataFrame(rows, columns=["account", "date", "item_code", "qty_sold"])


def write_home(root: Path, lines: pd.DataFrame, as_of: date, mode: str) -> None:
    for child in CHILDREN:
        folder = root / "data" / child
        folder.mkdir(parents=True, exist_ok=True)
        own = lines[(lines["account"] == child) & (lines["date"] < as_of)]
        own.drop(columns="account").to_csv(folder / "transactions.csv", index=False)
    accounts = [
        f"  - {{id: {c}, name: {c}, currency: USD, connection: {{type: folder, path: data/{c}}}}}"
        for c in CHILDREN
    ]
    (root / "accounts.yaml").write_text(
        "master:\n  name: Bench group\n  period: week\n  currency: USD\n"
        f"  as_of: {as_of.isoformat()}\n  forecast: {{master_mode: {mode}}}\naccounts:\n"
        + "\n".join(accounts)
        + "\n"
    )


def actuals(lines: pd.DataFrame, as_of: date, holdout: int) -> pd.DataFrame:
    """Held-out weekly actuals per scope (each child and the master), item and week."""
    held = lines[(lines["date"] >= as_of) & (lines["date"] < as_of + timedelta(weeks=holdout))]
    held = held.assign(period_start=[d - timedelta(days=d.weekday()) for d in held["date"]])
    children = held.groupby(["account", "item_code", "period_start"], as_index=False)[
        "qty_sold"
    ].sum()
    master = children.groupby(["item_code", "period_start"], as_index=False)["qty_sold"].sum()
    master["account"] = "master"
    return pd.concat([children, master], ignore_index=True).rename(
        columns={"account": "account_id"}
    )


def score(home: Path, truth: pd.DataFrame) -> dict[str, float]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        forecast = con.execute(
            "select account_id, item_code, period_start, sum(forecast_qty) as forecast_qty"
            " from marts.demand_forecast group by all"
        ).df()
    forecast["period_start"] = pd.to_datetime(forecast["period_start"]).dt.date
    joined = truth.merge(forecast, on=["account_id", "item_code", "period_start"], how="left")
    joined["forecast_qty"] = joined["forecast_qty"].fillna(0.0)
    out = {}
    for name, part in (
        ("master", joined[joined["account_id"] == "master"]),
        ("children", joined[joined["account_id"] != "master"]),
    ):
        actual = part["qty_sold"].sum()
        out[f"{name}_wape"] = (part["forecast_qty"] - part["qty_sold"]).abs().sum() / actual
        out[f"{name}_bias"] = (part["forecast_qty"] - part["qty_sold"]).sum() / actual
    by_key = (
        forecast.assign(is_master=forecast["account_id"] == "master")
        .groupby(["item_code", "period_start", "is_master"])["forecast_qty"]
        .sum()
        .unstack()
    )
    gap = (by_key[True] - by_key[False]).abs() / by_key[True].where(by_key[True] > 0)
    out["coherence_gap"] = float(gap.max())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--holdout", type=int, default=13)
    parser.add_argument("--keep", type=Path, help="keep the generated homes here")
    args = parser.parse_args()
    lines = generate(args.items, args.weeks, args.holdout)
    as_of = FIRST_MONDAY + timedelta(weeks=args.weeks)
    truth = actuals(lines, as_of, args.holdout)
    base = args.keep or Path(tempfile.mkdtemp(prefix="tributary-master-modes-"))
    tributary = Path(sys.executable).parent / "tributary"
    print(
        f"group: 3 children x {args.items} items, {args.weeks} weeks of history, "
        f"{args.holdout} held out, {len(lines):,} lines"
    )
    results = {}
    for mode in MODES:
        home = base / mode
        shutil.rmtree(home, ignore_errors=True)
        write_home(home, lines, as_of, mode)
        started = time.perf_counter()
        done = subprocess.run(
            [str(tributary), "run", "--home", str(home)],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:])
            raise SystemExit(f"tributary run failed for master_mode {mode}")
        results[mode] = {**score(home, truth), "seconds": seconds}
        print(f"  {mode}: done in {seconds:.0f}s")
    print()
    print(
        "| master_mode | master WAPE | master bias | children WAPE | children bias "
        "| max gap master vs sum of children | run s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for mode, r in results.items():
        print(
            f"| {mode} | {r['master_wape']:.3f} | {r['master_bias']:+.3f} "
            f"| {r['children_wape']:.3f} | {r['children_bias']:+.3f} "
            f"| {r['coherence_gap']:.1%} | {r['seconds']:.0f} |"
        )
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
