"""The rows written wrong on purpose (:data:`BAD_ROWS`) and their insertion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BadRow:
    """A row written wrong on purpose: where it is and why the loader must reject it."""

    account: str
    piece: str
    file: str
    row: int  # 1-based data row, header excluded (CSV line number = row + 1)
    column: str  # contract column
    value: str  # as written ("" for empty / null)
    reason: str


BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(
        "warehouse",
        "transactions",
        "transactions.csv",
        1500,
        "date",
        "2026-02-30",
        "unparseable date",
    ),
    BadRow(
        "warehouse",
        "transactions",
        "transactions.csv",
        2500,
        "qty_sold",
        "#VALUE!",
        "non-numeric qty_sold",
    ),
    BadRow(
        "warehouse",
        "items",
        "items.csv",
        60,
        "item_code",
        "COF-101",
        "duplicate key (COF-101, DC-1): first row wins",
    ),
    BadRow(
        "warehouse", "orders_to_receive", "orders_to_receive.csv", 3, "qty", "0", "qty must be > 0"
    ),
    BadRow(
        "webshop", "transactions", "transactions.csv", 800, "item_code", "", "missing item_code"
    ),
    BadRow(
        "webshop", "transactions", "transactions.csv", 1600, "outlier", "maybe", "not a boolean"
    ),
    BadRow(
        "webshop",
        "transactions",
        "transactions.csv",
        2400,
        "date",
        "31/12/2025",
        "unparseable date",
    ),
    BadRow(
        "webshop",
        "promotions",
        "promotions.csv",
        4,
        "discount",
        "1.5",
        "discount must be in [0, 1]",
    ),
    BadRow(
        "wholesale",
        "transactions",
        "transactions.parquet",
        300,
        "date",
        "31.02.2026",
        "unparseable date",
    ),
    BadRow(
        "wholesale",
        "transactions",
        "transactions.parquet",
        900,
        "item_code",
        "",
        "missing item_code",
    ),
    BadRow("wholesale", "items", "items.csv", 8, "inactive", "maybe", "not a boolean"),
    BadRow(
        "wholesale",
        "items",
        "items.csv",
        20,
        "item_code",
        "CUP-301",
        "duplicate key (CUP-301, WH-EAST): first row wins",
    ),
)


def _insert(rows: list[dict], account: str, piece: str, bad: dict[tuple[int, str], dict]) -> None:
    """Insert the bad rows of (account, piece) at their fixed positions, in ascending order."""
    for bad_row in sorted(
        (b for b in BAD_ROWS if b.account == account and b.piece == piece), key=lambda b: b.row
    ):
        if bad_row.row - 1 > len(rows):
            raise RuntimeError(f"demo: {account}/{piece} too short for bad row {bad_row.row}")
        rows.insert(bad_row.row - 1, bad[(bad_row.row, bad_row.column)])
