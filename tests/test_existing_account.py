"""Another Tributary deployment added as one child (`type: tributary`): its data, combined."""

from __future__ import annotations

import pytest

from tributary.config import Account, Config, Connection, Home, Master
from tributary.lake import Lake
from tributary.loading import AccountLoadError, load_account


def write_home(root, accounts: dict[str, dict[str, str]]) -> Home:
    home = Home(root)
    for account, files in accounts.items():
        folder = root / "data" / account
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text)
    home.save(
        Config(
            master=Master(name=root.name, currency="EUR"),
            accounts=[Account(a, a, "EUR", Connection(path=f"data/{a}")) for a in accounts],
        )
    )
    return home


@pytest.fixture
def other(tmp_path) -> Home:
    """A deployment of its own with two loaded children sharing item A at location L."""
    home = write_home(
        tmp_path / "other",
        {
            "east": {
                "transactions.csv": "date,item_code,location,qty_sold\n"
                "2025-06-02,A,L,5\n2025-06-03,B,L,1\n",
                "items.csv": "item_code,location,on_hand,lead_time_days,item_category_1,"
                "item_category_2,info_color\nA,L,10,,Tools,Hammers,red\n",
            },
            "west": {
                "transactions.csv": "date,item_code,location,qty_sold\n2025-06-04,A,L,2\n",
                "items.csv": "item_code,location,on_hand,lead_time_days,supplier_code\n"
                "A,L,4,12,SUP-1\n",
            },
        },
    )
    config = home.load()
    for account in config.accounts:
        load_account(home, config, account.id)
    return home


@pytest.fixture
def ours(tmp_path, other) -> Home:
    home = Home(tmp_path / "ours")
    home.save(
        Config(
            master=Master(name="Group", currency="EUR"),
            accounts=[
                Account(
                    "legacy",
                    "Legacy planner",
                    "EUR",
                    Connection(type="tributary", path=str(other.root)),
                ),
            ],
        )
    )
    return home


def test_the_other_deployments_lines_arrive_whole(ours):
    report = load_account(ours, ours.load(), "legacy")
    assert report.rows_rejected == 0
    lines = Lake(ours.lake).read("transactions", "legacy")
    assert sorted(zip(lines["item_code"], lines["qty_sold"], strict=True)) == [
        ("A", 2.0),
        ("A", 5.0),
        ("B", 1.0),
    ]


def test_items_are_combined_like_its_master(ours):
    load_account(ours, ours.load(), "legacy")
    items = Lake(ours.lake).read("items", "legacy")
    assert len(items) == 1
    item = items.iloc[0]
    assert item["on_hand"] == 14.0  # 10 + 4
    assert item["lead_time_days"] == 12.0  # east gives none, west does
    assert item["supplier_code"] == "SUP-1"
    assert list(item["item_categories"]) == ["Tools", "Hammers"]  # from east, the first child
    assert item["attributes"] == '{"color": "red"}'


def test_unchanged_deployment_loads_nothing_new_and_a_change_reloads(ours, other):
    first = load_account(ours, ours.load(), "legacy")
    assert load_account(ours, ours.load(), "legacy").unchanged
    (other.root / "data" / "west" / "transactions.csv").write_text(
        "date,item_code,location,qty_sold\n2025-06-04,A,L,2\n2025-06-05,C,L,9\n"
    )
    load_account(other, other.load(), "west")
    second = load_account(ours, ours.load(), "legacy")
    assert not second.unchanged and second.load_id != first.load_id
    assert "C" in set(Lake(ours.lake).read("transactions", "legacy")["item_code"])


def test_a_folder_that_is_not_a_home_fails_clearly(tmp_path):
    home = Home(tmp_path / "ours")
    home.save(
        Config(
            master=Master(currency="EUR"),
            accounts=[
                Account(
                    "x", "x", "EUR", Connection(type="tributary", path=str(tmp_path / "nowhere"))
                )
            ],
        )
    )
    with pytest.raises(AccountLoadError, match="not a Tributary home"):
        load_account(home, home.load(), "x")
