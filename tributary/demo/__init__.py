"""Seeded demo data: a master "Demo Group" with three child accounts that look like real systems.

``write_demo_home(home)`` writes ``<home>/accounts.yaml`` and one folder per child under
``<home>/data/<account_id>/``:

``warehouse``  Central warehouse IMS. CSV, snake_case headers, ISO dates. A DC ``DC-1`` supplies the
               stores ``STORE-N`` and ``STORE-S`` (a few items reach ``STORE-S`` straight from the
               supplier). Every transaction line carries ``on_hand_change``, the *full* net effect
               of that item/location/day on on hand (sales included: a day with 5 sold and a
               receipt of 24 has ``qty_sold`` 5 and ``on_hand_change`` 19). Lines with
               ``qty_sold`` 0 are movements only (opening balance, receipts, transfers out of the
               DC, stock-take adjustments). The cumulative sum of ``on_hand_change`` per
               item/location equals ``items.on_hand``. Items carry every planning parameter;
               batches, a two-level BOM, orders to receive of every type and orders to ship.
``webshop``    Web store. CSV with the source document's headers ("Item code", "Qty sold", ...),
               dates ``%m/%d/%Y``. Channels ``web`` and ``marketplace``, returns, promotions with
               visible uplift, two outlier lines, kits (substitutions) sold as ``KIT-...``.
``wholesale``  Wholesale ERP. Transactions as Parquet with ERP headers mapped by the connection's
               column map, dates ``%d.%m.%Y`` (kept as strings, as the ERP exports them); items,
               BOM and orders as CSV.

History is two years of daily lines, 2024-11-01 .. 2026-10-31; the master's ``as_of`` is
2026-11-01. Everything is drawn from ``numpy.random.default_rng(seed)`` in a fixed order, so the
same seed writes byte-identical files.

A few rows are wrong on purpose; :data:`BAD_ROWS` lists them (row = 1-based data row, header
excluded; the CSV line number is row + 1). Their positions do not depend on the seed.
"""

from tributary.demo.bad_rows import BAD_ROWS, BadRow
from tributary.demo.catalogue import (
    AS_OF,
    CATALOGUE,
    HISTORY_END,
    HISTORY_START,
    N_DAYS,
    PIECE_NAMES,
    WAREHOUSE_DATE,
    WEBSHOP_DATE,
    WHOLESALE_COLUMNS,
    WHOLESALE_DATE,
    Item,
)
from tributary.demo.home import demo_config, main, write_demo_home

__all__ = [
    "AS_OF",
    "BAD_ROWS",
    "CATALOGUE",
    "HISTORY_END",
    "HISTORY_START",
    "N_DAYS",
    "PIECE_NAMES",
    "WAREHOUSE_DATE",
    "WEBSHOP_DATE",
    "WHOLESALE_COLUMNS",
    "WHOLESALE_DATE",
    "BadRow",
    "Item",
    "demo_config",
    "main",
    "write_demo_home",
]
