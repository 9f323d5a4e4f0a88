"""Build the planning report: a static HTML site, self-contained, written beside the warehouse.

The site is written into a scratch folder and swapped in at the end, so a reader never sees a
half-written report and a failed build leaves the previous one in place.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from tributary.report import data, pages

ITEMS_PER_LIST_PAGE = 100


class ReportError(Exception):
    """The report cannot be built (no warehouse, unknown account)."""


@dataclass
class ReportResult:
    """What one build wrote."""

    index: Path
    accounts: list[str]
    item_pages: int
    at_risk: dict[str, int]
    seconds: float


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _swap_in(scratch: Path, target: Path) -> None:
    """Replace `target` by `scratch` (two renames; the old folder is removed afterwards)."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    scratch.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def build_report(
    warehouse: Path,
    out: Path,
    only: Sequence[str] | None = None,
    progress: Callable[[str], None] = print,
) -> ReportResult:
    """Write the report of `warehouse` into the folder `out` (`out/index.html`).

    only: the accounts (child ids or "master") to build pages for; default all. The index and
    the navigation always list every account.
    """
    started = time.perf_counter()
    if not warehouse.exists():
        raise ReportError(f"no warehouse at {warehouse} yet: run `tributary run` first")
    out = out.resolve()
    scratch = out.with_name(f".{out.name}.new-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    now = datetime.now()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # Small reads of a few hundred items: one thread and a small buffer pool keep the
        # report's peak memory flat however big the warehouse is (bench/report.py).
        con.execute("set memory_limit = '64MB'; set threads = 1")
        accounts = data.accounts(con)
        # The planning date the marts were built for (one value, on every account row).
        as_of: date | None = next((a.get("as_of") for a in accounts if a.get("as_of")), None)
        chosen = _chosen_accounts(accounts, only, warehouse)
        overviews = {a["account_id"]: data.overview(con, a, accounts) for a in chosen}
        selections = {
            scope: data.item_selection(
                con, scope, [(r["item_code"], r["location"]) for r in view.at_risk_first]
            )
            for scope, view in overviews.items()
        }
        page_sets = {scope: set(keys) for scope, keys in selections.items()}
        summaries = {
            row["account_id"]: row for row in data.fetch(con, "select * from marts.kpi_summary")
        }
        _write(scratch / "index.html", pages.index_page(accounts, summaries, as_of, generated))
        site = _Site(scratch, accounts, page_sets, now, generated)
        item_pages = 0
        for scope, view in overviews.items():
            items = data.items(con, scope, selections[scope])
            site.write_scope(scope, view, items)
            item_pages += len(items)
            progress(
                f"[report] {scope}: overview, {len(items)} item pages, "
                f"{view.at_risk_count} item(s) at risk"
            )
    _swap_in(scratch, out)
    return ReportResult(
        index=out / "index.html",
        accounts=list(overviews),
        item_pages=item_pages,
        at_risk={scope: view.at_risk_count for scope, view in overviews.items()},
        seconds=time.perf_counter() - started,
    )


def _chosen_accounts(
    accounts: list[data.Row], only: Sequence[str] | None, warehouse: Path
) -> list[data.Row]:
    """The accounts named in `only` (all when empty); an unknown name is a ReportError."""
    known = [a["account_id"] for a in accounts]
    unknown = sorted(set(only or []) - set(known))
    if unknown:
        raise ReportError(
            f"no account {', '.join(unknown)} in {warehouse}; accounts: {', '.join(known)}"
        )
    return [a for a in accounts if not only or a["account_id"] in only]


@dataclass
class _Site:
    """The report's scratch folder and what every scope's pages share."""

    root: Path
    accounts: list[data.Row]
    page_sets: dict[str, set[data.ItemKey]]
    now: datetime
    generated: str

    def write_scope(self, scope: str, view: data.Overview, items: list[data.ItemData]) -> None:
        """One scope's overview, its pages of the item list and its item pages."""
        list_rows = _list_rows(items)
        pages_count = max(1, math.ceil(len(list_rows) / ITEMS_PER_LIST_PAGE))
        folder = self.root / scope
        _write(
            folder / "index.html",
            pages.overview_page(
                view, self.accounts, self.page_sets[scope], pages_count, self.now, self.generated
            ),
        )
        for number in range(1, pages_count + 1):
            chunk = list_rows[(number - 1) * ITEMS_PER_LIST_PAGE : number * ITEMS_PER_LIST_PAGE]
            _write(
                folder / f"items-{number}.html",
                pages.list_page(scope, self.accounts, chunk, number, pages_count, self.generated),
            )
        for item in items:
            _write(
                folder / "item" / f"{pages.slug(item.key)}.html",
                pages.item_page(
                    scope, item, self.accounts, self._others(scope, item.key), self.generated
                ),
            )

    def _others(self, scope: str, key: data.ItemKey) -> dict[str, bool]:
        """For every other account, whether it has a page for this item."""
        return {
            other["account_id"]: key in self.page_sets.get(other["account_id"], set())
            for other in self.accounts
            if other["account_id"] != scope
        }


def _list_rows(items: list[data.ItemData]) -> list[data.Row]:
    rows = []
    for item in items:
        plan, kpis = item.plan or {}, item.kpis or {}
        code, location = item.key
        rows.append(
            {
                "item_code": code,
                "location": location,
                "abc_class": kpis.get("abc_class"),
                "annual_revenue": kpis.get("annual_revenue"),
                "order_qty": plan.get("order_qty"),
                "projected_stockout_date": plan.get("projected_stockout_date"),
                "expected_delivery_date": plan.get("expected_delivery_date"),
            }
        )
    return rows


__all__ = ["ReportError", "ReportResult", "build_report"]
