"""Compare the output marts of two warehouse files: same tables, same rows, values equal to
rounding. Used to show that a faster path (incremental rerun, more cores) gives what a full
one-core run gives (tests/test_scale_equivalence.py, bench/compare_marts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class MartDifference:
    table: str
    problem: str

    def __str__(self) -> str:
        return f"marts.{self.table}: {self.problem}"


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [catalog, MARTS_SCHEMA],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def _rounded(catalog: str, table: str, columns: list[tuple[str, str]], decimals: int) -> str:
    """The table's rows with floating values rounded (and -0.0 made 0.0)."""
    parts = []
    for column, data_type in columns:
        quoted = f'"{column}"'
        if data_type in ("DOUBLE", "FLOAT", "REAL") or data_type.startswith("DECIMAL"):
            parts.append(f"round({quoted}, {decimals}) + 0.0 as {quoted}")
        else:
            parts.append(quoted)
    return f'select {", ".join(parts)} from {catalog}.{MARTS_SCHEMA}."{table}"'


def mart_differences(
    first: Path, second: Path, decimals: int = 6, ignore: tuple[str, ...] = ()
) -> list[MartDifference]:
    """Every way the marts of ``second`` differ from those of ``first`` (empty: the same).

    Rows are compared as multisets (order does not matter), after rounding floating columns
    to ``decimals``; ``ignore`` names tables left out (e.g. a run-time stamp table)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{first}' as first_db (read_only)")
        con.execute(f"attach '{second}' as second_db (read_only)")
        before, after = _tables(con, "first_db"), _tables(con, "second_db")
        problems = [
            MartDifference(t, "missing in the second") for t in sorted(set(before) - set(after))
        ]
        problems += [
            MartDifference(t, "only in the second") for t in sorted(set(after) - set(before))
        ]
        for table in sorted(set(before) & set(after) - set(ignore)):
            if before[table] != after[table]:
                problems.append(MartDifference(table, "columns or types differ"))
                continue
            one = _rounded("first_db", table, before[table], decimals)
            two = _rounded("second_db", table, after[table], decimals)
            only_first, only_second = (
                con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0]
                for a, b in ((one, two), (two, one))
            )
            if only_first or only_second:
                problems.append(
                    MartDifference(
                        table,
                        f"{only_first} rows only in the first, {only_second} only in the second",
                    )
                )
        return problems
    finally:
        con.close()
