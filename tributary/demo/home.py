"""The demo home: accounts.yaml (:func:`demo_config`) and :func:`write_demo_home`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tributary.config import Account, Config, Connection, ForecastOptions, Home, Master
from tributary.demo.catalogue import (
    AS_OF,
    PIECE_NAMES,
    WEBSHOP_DATE,
    WHOLESALE_COLUMNS,
    WHOLESALE_DATE,
)
from tributary.demo.warehouse import _warehouse
from tributary.demo.webshop import _webshop
from tributary.demo.wholesale import _wholesale


def demo_config() -> Config:
    master = Master(
        name="Demo Group",
        period="week",
        currency="EUR",
        service_level=0.95,
        as_of=AS_OF,
        # A small prophet budget keeps the whole demo well under two minutes on two cores.
        forecast=ForecastOptions(prophet_budget_seconds=4.0),
    )
    accounts = [
        Account("warehouse", "Central warehouse IMS", "EUR", Connection("csv", "data/warehouse")),
        Account(
            "webshop",
            "Web store",
            "EUR",
            Connection("csv", "data/webshop", date_format=WEBSHOP_DATE),
        ),
        Account(
            "wholesale",
            "Wholesale ERP",
            "EUR",
            Connection(
                "csv", "data/wholesale", date_format=WHOLESALE_DATE, columns=dict(WHOLESALE_COLUMNS)
            ),
        ),
    ]
    return Config(master=master, accounts=accounts)


def write_demo_home(home: Path | str, seed: int = 7) -> Config:
    """Write accounts.yaml and the three children's data under ``home``; return the Config."""
    root = Path(home)
    config = demo_config()
    Home(root).save(config)
    rng = np.random.default_rng(seed)
    writers = {"warehouse": _warehouse, "webshop": _webshop, "wholesale": _wholesale}
    for account in config.accounts:
        out = root / account.connection.path
        out.mkdir(parents=True, exist_ok=True)
        for piece in PIECE_NAMES:  # a stale file of an earlier run must not linger
            for suffix in (".csv", ".parquet"):
                (out / f"{piece}{suffix}").unlink(missing_ok=True)
        writers[account.id](rng, out)
    return config


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - convenience
    import sys

    args = sys.argv[1:] if argv is None else argv
    home = Path(args[0]) if args else Path("tributary-home")
    seed = int(args[1]) if len(args) > 1 else 7
    write_demo_home(home, seed)
    print(f"demo home written to {home}")
