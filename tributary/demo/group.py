"""A generated group of CSV accounts of any size, for benchmarks and scale tests.

``write_generated_group(root, accounts, items, days)`` writes ``<root>/accounts.yaml`` and per
account ``data/acct<N>/transactions.csv`` (daily lines: ``Date, Item code, Qty sold, Sales
price``, the source document's headers) and ``items.csv`` (``Item code, On hand, Lead time,
Purchase price, Supplier code``). 60 % of the item codes (``SKU-…``) are shared by every
account, the rest are the account's own (``A<N>-…``). Items are smooth, intermittent or lumpy
(a daily sale probability of 0.9, 0.35 or 0.08 times ``density``, for half, 30 % and 20 % of
them). The history ends 2026-10-31; the master's ``as_of`` is 2026-11-01, ``period: week``.
Everything is drawn from ``numpy.random.default_rng(seed)``: the same arguments write the same
files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SHARED_SHARE = 0.6
SALE_PROBABILITIES = (0.9, 0.35, 0.08)  # smooth, intermittent, lumpy
CLASS_SHARES = (0.5, 0.3, 0.2)
LAST_DAY = "2026-10-31"
AS_OF = "2026-11-01"


def _account_lines(
    rng: np.random.Generator, codes: np.ndarray, dates: pd.DatetimeIndex, density: float
) -> pd.DataFrame:
    items = len(codes)
    probability = rng.choice(SALE_PROBABILITIES, size=items, p=CLASS_SHARES) * density
    size = rng.gamma(2.0, 2.0, size=items) + 0.5
    # Day by day in blocks, so that a 20,000-item account never holds a whole days x items grid.
    frames = []
    for start in range(0, len(dates), 64):
        block = dates[start : start + 64]
        sold = rng.random((len(block), items)) < probability
        day_index, item_index = np.nonzero(sold)
        frames.append(
            pd.DataFrame(
                {
                    "Date": block[day_index].strftime("%Y-%m-%d"),
                    "Item code": codes[item_index],
                    "Qty sold": rng.poisson(size[item_index]) + 1,
                    "Sales price": np.round(5 + item_index % 97, 2),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def write_generated_group(
    root: Path, accounts: int, items: int, days: int, density: float = 1.0, seed: int = 7
) -> int:
    """Write the group under ``root``; return the number of transaction lines written."""
    rng = np.random.default_rng(seed)
    shared = int(items * SHARED_SHARE)
    dates = pd.date_range(end=LAST_DAY, periods=days, freq="D")
    lines = 0
    names = [f"acct{number + 1}" for number in range(accounts)]
    for number, account in enumerate(names, start=1):
        codes = np.array(
            [f"SKU-{i:06d}" for i in range(shared)]
            + [f"A{number}-{i:06d}" for i in range(items - shared)]
        )
        folder = root / "data" / account
        folder.mkdir(parents=True, exist_ok=True)
        frame = _account_lines(rng, codes, dates, density)
        frame.to_csv(folder / "transactions.csv", index=False)
        lines += len(frame)
        pd.DataFrame(
            {
                "Item code": codes,
                "On hand": rng.integers(0, 200, size=items),
                "Lead time": rng.choice([7, 14, 30, 45], size=items),
                "Purchase price": np.round(3 + np.arange(items) % 60, 2),
                "Supplier code": [f"SUP-{i % 25:02d}" for i in range(items)],
            }
        ).to_csv(folder / "items.csv", index=False)
    config = ["master:", "  name: Generated group", "  period: week", "  currency: USD"]
    config += [f"  as_of: {AS_OF}", "accounts:"]
    for account in names:
        config += [
            f"  - id: {account}",
            f"    name: {account}",
            "    currency: USD",
            "    connection:",
            "      type: csv",
            f"      path: data/{account}",
        ]
    (root / "accounts.yaml").write_text("\n".join(config) + "\n")
    return lines


def change_one_account(root: Path, account: str = "acct1", days: int = 7) -> int:
    """A nightly's new data for one account: one more sale on each line of its last ``days``
    days. Returns the number of lines changed."""
    path = root / "data" / account / "transactions.csv"
    frame = pd.read_csv(path, dtype=str)
    dates = pd.to_datetime(frame["Date"])
    recent = dates > dates.max() - pd.Timedelta(days=days)
    frame.loc[recent, "Qty sold"] = (frame.loc[recent, "Qty sold"].astype(int) + 1).astype(str)
    frame.to_csv(path, index=False)
    return int(recent.sum())
