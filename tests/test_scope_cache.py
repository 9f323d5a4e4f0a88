"""tributary.scope_cache: digests that see every change and no reordering, and a cache that
keeps one result per scope."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tributary.scope_cache import InputDigest, ScopeCache

ROWS = "select * from lines where account_id = ?"


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        connection.execute(
            "create table lines as select * from (values ('a', 'x', 1.5::double), ('a', 'y', 2.0), "
            "('b', 'x', 7.0)) as t(account_id, item_code, qty)"
        )
        yield connection


def _digest(con, sql: str = ROWS, scope: str = "a") -> str:
    return InputDigest("test").add_query(con, sql, [scope]).hexdigest()


def test_a_query_digest_ignores_row_order_and_other_scopes(con):
    first = _digest(con)
    assert _digest(con, ROWS + " order by item_code desc") != first  # other text, other key
    con.execute("create table reordered as select * from lines order by qty desc")
    assert _digest(con, ROWS.replace("lines", "reordered")) != first  # the text is in the key
    con.execute("alter table lines rename to old_lines")
    con.execute("create table lines as select * from old_lines order by qty desc")
    assert _digest(con) == first
    con.execute("update lines set qty = 8.0 where account_id = 'b'")
    assert _digest(con) == first


@pytest.mark.parametrize(
    "change",
    [
        "update lines set qty = 1.5000001 where item_code = 'x' and account_id = 'a'",
        "insert into lines values ('a', 'x', 1.5)",  # a duplicate row counts
        "delete from lines where item_code = 'y'",
        "update lines set item_code = 'z' where item_code = 'y'",
    ],
)
def test_a_query_digest_changes_with_any_row_of_its_scope(con, change):
    first = _digest(con)
    con.execute(change)
    assert _digest(con) != first


def test_frame_text_and_file_parts_are_kept_apart(tmp_path):
    frame = pd.DataFrame({"a": [1, 2]})
    assert InputDigest("x").add_frame(frame).hexdigest() != (
        InputDigest("x").add_frame(frame.iloc[::-1]).hexdigest()
    )
    assert InputDigest("x").add_text("ab").add_text("c").hexdigest() != (
        InputDigest("x").add_text("a").add_text("bc").hexdigest()
    )
    path = tmp_path / "settings.yaml"
    path.write_text("one")
    before = InputDigest("x").add_files([path]).hexdigest()
    path.write_text("two")
    assert InputDigest("x").add_files([path]).hexdigest() != before


def test_the_cache_returns_what_was_put_and_keeps_only_the_newest_digest(tmp_path):
    cache = ScopeCache(tmp_path / "cache")
    frame = pd.DataFrame({"item_code": ["x"], "qty": [1.0]})
    assert cache.get("a", "k1", ("kpis",)) is None
    cache.put("a", "k1", {"kpis": frame})
    cache.put("b", "k1", {"kpis": frame})
    pd.testing.assert_frame_equal(cache.get("a", "k1", ("kpis",))["kpis"], frame)
    assert cache.get("a", "k1", ("kpis", "other")) is None  # all named frames, or none
    cache.put("a", "k2", {"kpis": frame.assign(qty=2.0)})
    assert cache.get("a", "k1", ("kpis",)) is None
    assert cache.get("a", "k2", ("kpis",))["kpis"]["qty"].tolist() == [2.0]
    assert cache.get("b", "k1", ("kpis",)) is not None  # other scopes untouched
    assert [p.name for p in (tmp_path / "cache" / "account=a").iterdir()] == ["k2"]
