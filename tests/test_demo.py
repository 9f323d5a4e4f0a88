"""The seeded demo home: deterministic, valid config, contract headers, the deliberate bad rows."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tributary import demo
from tributary.config import parse_config
from tributary.contract import PIECES, normalize_header


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    demo.write_demo_home(root)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _column(header: str, piece: str, column_map: dict[str, str] | None = None) -> str:
    if column_map and header in column_map:
        return column_map[header]
    name = normalize_header(header)
    return PIECES[piece].aliases.get(name, name)


def _is_contract_column(name: str, piece: str) -> bool:
    spec = PIECES[piece]
    if name in spec.column_names:
        return True
    if any(re.fullmatch(rf"{group}_\d+", name) for group in spec.category_groups):
        return True
    return spec.keeps_info and name.startswith("info_")


def _read(path: Path) -> pd.DataFrame:
    """A piece file as strings, the way a loader sees it before typing."""
    if path.suffix == ".parquet":
        frame = pq.read_table(path).to_pandas()
        return frame.astype(object).where(frame.notna(), "").astype(str)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _piece_files(folder: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.iterdir()) if p.stem in PIECES}


def test_same_seed_writes_identical_bytes(tmp_path: Path, home: Path) -> None:
    demo.write_demo_home(tmp_path / "again")
    first, second = _files(home), _files(tmp_path / "again")
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_other_seed_changes_the_history(tmp_path: Path, home: Path) -> None:
    demo.write_demo_home(tmp_path / "other", seed=8)
    path = Path("data/webshop/transactions.csv")
    assert (home / path).read_bytes() != (tmp_path / "other" / path).read_bytes()


def test_accounts_yaml(home: Path) -> None:
    config = parse_config((home / "accounts.yaml").read_text())
    assert config.master is not None
    assert config.master.name == "Demo Group"
    assert config.master.period == "week"
    assert config.master.currency == "EUR"
    assert config.master.as_of == demo.AS_OF
    assert [a.id for a in config.accounts] == ["warehouse", "webshop", "wholesale"]
    by_id = {a.id: a for a in config.accounts}
    assert by_id["warehouse"].connection.date_format is None
    assert by_id["webshop"].connection.date_format == "%m/%d/%Y"
    assert by_id["wholesale"].connection.date_format == "%d.%m.%Y"
    assert by_id["wholesale"].connection.columns["SKU"] == "item_code"
    assert by_id["wholesale"].connection.columns["Posting date"] == "date"
    assert all(a.currency == "EUR" and a.connection.type == "csv" for a in config.accounts)
    assert config.to_dict() == demo.demo_config().to_dict()


def test_every_child_has_transactions(home: Path) -> None:
    config = parse_config((home / "accounts.yaml").read_text())
    expected = {"warehouse": ".csv", "webshop": ".csv", "wholesale": ".parquet"}
    for account in config.accounts:
        files = _piece_files(home / account.connection.path)
        assert "transactions" in files, account.id
        assert files["transactions"].suffix == expected[account.id]


def test_headers_map_to_contract_columns(home: Path) -> None:
    config = parse_config((home / "accounts.yaml").read_text())
    for account in config.accounts:
        for piece, path in _piece_files(home / account.connection.path).items():
            headers = list(_read(path).columns)
            names = [_column(h, piece, account.connection.columns) for h in headers]
            unknown = [
                h for h, n in zip(headers, names, strict=True) if not _is_contract_column(n, piece)
            ]
            assert not unknown, f"{account.id}/{path.name}: {unknown}"
            assert len(set(names)) == len(names), f"{account.id}/{path.name}: {names}"
            required = {c.name for c in PIECES[piece].columns if c.required}
            assert required <= set(names), f"{account.id}/{path.name}"


def test_webshop_uses_the_document_headers(home: Path) -> None:
    headers = list(_read(home / "data/webshop/transactions.csv").columns)
    assert headers == [
        "Date",
        "Item code",
        "Qty sold",
        "Sales price/unit",
        "Channel",
        "Location",
        "Outlier",
    ]
    assert [_column(h, "transactions") for h in headers] == [
        "date",
        "item_code",
        "qty_sold",
        "sales_price",
        "channel",
        "location",
        "outlier",
    ]
    items = list(_read(home / "data/webshop/items.csv").columns)
    assert {
        "Item code",
        "Item description",
        "Lead time",
        "On hand",
        "Sales price/unit",
        "Supplier code",
    } <= set(items)


def _frame(home: Path, account: str, file: str) -> pd.DataFrame:
    config = parse_config((home / "accounts.yaml").read_text())
    acc = config.account(account)
    frame = _read(home / acc.connection.path / file)
    piece = Path(file).stem
    return frame.rename(columns=lambda h: _column(h, piece, acc.connection.columns))


@pytest.mark.parametrize("bad", demo.BAD_ROWS, ids=lambda b: f"{b.account}-{b.piece}-{b.row}")
def test_bad_row_is_where_the_list_says(home: Path, bad: demo.BadRow) -> None:
    frame = _frame(home, bad.account, bad.file)
    assert frame.iloc[bad.row - 1][bad.column] == bad.value


def test_bad_rows_are_few_and_distinct_per_account() -> None:
    for account in ("warehouse", "webshop", "wholesale"):
        reasons = [b.reason for b in demo.BAD_ROWS if b.account == account]
        assert 0 < len(reasons) < 10
        assert len(set(reasons)) == len(reasons)


@pytest.mark.parametrize(
    ("account", "file", "fmt"),
    [
        ("warehouse", "transactions.csv", "%Y-%m-%d"),
        ("webshop", "transactions.csv", "%m/%d/%Y"),
        ("wholesale", "transactions.parquet", "%d.%m.%Y"),
    ],
)
def test_exactly_the_listed_dates_do_not_parse(home: Path, account: str, file: str, fmt: str):
    frame = _frame(home, account, file)
    parsed = pd.to_datetime(frame["date"], format=fmt, errors="coerce")
    bad = [b.row for b in demo.BAD_ROWS if b.account == account and b.reason == "unparseable date"]
    assert sorted((parsed[parsed.isna()].index + 1).tolist()) == bad


def test_only_the_listed_rows_break_basic_rules(home: Path) -> None:
    listed = {(b.account, b.file, b.row) for b in demo.BAD_ROWS}
    for account, file in (
        ("warehouse", "transactions.csv"),
        ("webshop", "transactions.csv"),
        ("wholesale", "transactions.parquet"),
    ):
        frame = _frame(home, account, file)
        qty = pd.to_numeric(frame["qty_sold"], errors="coerce")
        broken = frame.index[qty.isna() | (frame["item_code"] == "")] + 1
        assert {(account, file, int(r)) for r in broken} <= listed
        if "on_hand_change" not in frame:  # only movements may have qty_sold 0
            assert not (qty == 0).any()


def test_volume_and_catalogue(home: Path) -> None:
    total, codes = 0, set()
    for account in ("warehouse", "webshop", "wholesale"):
        name = "transactions.parquet" if account == "wholesale" else "transactions.csv"
        frame = _frame(home, account, name)
        total += len(frame)
        codes |= set(_frame(home, account, "items.csv")["item_code"])
        codes |= set(frame["item_code"])
    assert 40_000 <= total <= 80_000
    codes.discard("")
    assert 55 <= len(codes) <= 65


def test_warehouse_on_hand_history_adds_up(home: Path) -> None:
    tx = _frame(home, "warehouse", "transactions.csv")
    bad = {
        b.row - 1 for b in demo.BAD_ROWS if b.account == "warehouse" and b.piece == "transactions"
    }
    tx = tx.drop(index=list(bad))
    change = tx["on_hand_change"].astype(float)
    end = change.groupby([tx["item_code"], tx["location"]]).sum()
    items = _frame(home, "warehouse", "items.csv").drop_duplicates(["item_code", "location"])
    on_hand = items.set_index(["item_code", "location"])["on_hand"].astype(float)
    joined = pd.concat([end.rename("history"), on_hand], axis=1, join="inner")
    assert len(joined) > 50
    assert (joined["history"] - joined["on_hand"]).abs().max() < 1e-6
    # the cumulative on hand never goes negative and the stores do run out sometimes
    tx = tx.assign(change=change).sort_values("date", kind="stable")
    level = tx.groupby(["item_code", "location"])["change"].cumsum()
    assert level.min() >= 0
    assert (level[tx["location"] != "DC-1"] == 0).sum() > 10
    assert ((tx["qty_sold"].astype(float) == 0) & (change > 0)).any()  # receipts


def test_two_echelon_rows(home: Path) -> None:
    items = _frame(home, "warehouse", "items.csv")
    keys = set(zip(items["item_code"], items["location"], strict=True))
    supplied = items[items["dc_name"] != ""]
    assert set(supplied["dc_name"]) == {"DC-1"}
    assert set(supplied["location"]) == {"STORE-N", "STORE-S"}
    for code in supplied["item_code"]:
        assert (code, "DC-1") in keys
    assert (items[items["location"] == "DC-1"]["dc_name"] == "").all()
    direct = items[(items["location"] == "STORE-S") & (items["dc_name"] == "")]
    assert len(direct) >= 1


def test_orders_to_receive_cover_every_type(home: Path) -> None:
    orders = _frame(home, "warehouse", "orders_to_receive.csv")
    kinds = set()
    for _, row in orders.iterrows():
        if row["order_type"] == "purchase":
            kinds.add(("purchase", row["delivery_date"] != ""))
        elif row["order_type"] == "transfer":
            kinds.add(("transfer", row["source_from"]))
        else:
            kinds.add((row["order_type"], None))
    assert {
        ("purchase", True),
        ("purchase", False),
        ("transfer", "DC-1"),
        ("transfer", "STORE-N"),
        ("manufacturing", None),
    } <= kinds
    ship = _frame(home, "warehouse", "orders_to_ship.csv")
    assert (ship["shipment_date"] == "").any() and (ship["shipment_date"] != "").any()


def test_webshop_promotions_returns_kits(home: Path) -> None:
    tx = _frame(home, "webshop", "transactions.csv")
    assert (pd.to_numeric(tx["qty_sold"], errors="coerce") < 0).sum() > 50
    assert (tx["outlier"] == "yes").sum() == 2
    assert {"web", "marketplace"} <= set(tx["channel"])
    assert tx["item_code"].str.startswith("KIT-").any()
    promos = _frame(home, "webshop", "promotions.csv")
    starts = pd.to_datetime(promos["start_date"], format="%m/%d/%Y")
    assert (starts.dt.date < demo.AS_OF).any() and (starts.dt.date > demo.AS_OF).any()
    subs = _frame(home, "webshop", "substitutions.csv")
    assert subs.groupby("item_code").size().eq(2).all()
    # the Black Friday uplift shows in the sales
    web = tx[(tx["item_code"] == "COF-101") & (tx["channel"] == "web")]
    dates = pd.to_datetime(web["date"], format="%m/%d/%Y", errors="coerce")
    qty = web["qty_sold"].astype(float)
    promo = qty[(dates >= datetime(2025, 11, 28)) & (dates <= datetime(2025, 12, 1))].mean()
    normal = qty[(dates >= datetime(2025, 10, 1)) & (dates <= datetime(2025, 11, 20))].mean()
    assert promo > 1.5 * normal
