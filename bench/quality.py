"""Output checks benchmark: every Great Expectations suite on a warehouse file, before and after.

"sql" is today's check (tributary.quality.validate_warehouse: GX's SQL engine, each expectation
an aggregate query in DuckDB); "pandas" is the check as it was up to commit BEFORE (the table
read into pandas in batches of a million rows, GX's pandas engine on each), loaded from git.
Both open the file read-only with the check's reader settings (1 thread, 1 GB). Each table and
engine runs in a process of its own; prints the seconds of the validation alone (after GX's
imports and first context, a few seconds either way), of the whole process, its peak RSS, the
rows and the failed expectations.

    .venv/bin/python bench/quality.py --warehouse /tmp/copy/warehouse.duckdb
    .venv/bin/python bench/quality.py --warehouse W --engine sql --tables sales_history

Work on a copy of a warehouse, never on a home a run may be writing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The last commit whose tributary/quality.py ran the suites in pandas batches.
BEFORE = "04d0c8c"


def _before_module():
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BEFORE}:tributary/quality.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="quality-before-")) / "quality_before.py"
    # Its suites are today's (the same JSON files).
    here = 'Path(__file__).resolve().parents[1] / "expectations"'
    path.write_text(source.replace(here, f'Path({str(ROOT)!r}) / "expectations"'))
    spec = importlib.util.spec_from_file_location("quality_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run_one(engine: str, table: str, warehouse: str) -> dict:
    import duckdb
    import great_expectations as gx

    from orchestration.resources.warehouse import READER_CONFIG

    # GX's first context costs seconds (imports, config) whatever the engine: not timed here.
    gx.get_context(mode="ephemeral")

    if engine == "sql":
        from tributary.quality import validate_warehouse

        start = time.perf_counter()
        report = validate_warehouse(table, warehouse, config=READER_CONFIG)
    else:
        before = _before_module()
        start = time.perf_counter()
        with duckdb.connect(warehouse, read_only=True, config=READER_CONFIG) as con:
            batches = before.read_in_batches(
                con, f'marts."{table}"', before.partition_columns(table)
            )
            report = before.validate_batches(table, batches)
    return {
        "seconds": time.perf_counter() - start,
        "rows": report.rows,
        "expectations": report.evaluated,
        "failed": [str(f) for f in report.failures],
    }


def measure(engine: str, table: str, warehouse: str) -> dict:
    """Run one validation in a child process: its own peak RSS (wait4), wall time."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, __file__, "--warehouse", warehouse, "--one", engine, table, out.name],
            cwd=ROOT,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{engine} {table}: the child failed")
        result = json.loads(Path(out.name).read_text())
    return result | {"process_seconds": wall, "peak_rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    from tributary.quality import tables_with_suites

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", required=True, help="a DuckDB warehouse file (a copy)")
    parser.add_argument("--engine", choices=["sql", "pandas", "both"], default="both")
    parser.add_argument("--tables", nargs="*", default=None, help="default: every suite")
    parser.add_argument(
        "--one", nargs=3, metavar=("ENGINE", "TABLE", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        engine, table, out = args.one
        Path(out).write_text(json.dumps(run_one(engine, table, args.warehouse)))
        return
    engines = ["pandas", "sql"] if args.engine == "both" else [args.engine]
    tables = args.tables or tables_with_suites()
    header = f"{'table':24} {'engine':6} {'rows':>11} {'check s':>8} {'process s':>9}"
    print(f"{header} {'peak MB':>8}  failed")
    totals = {engine: [0.0, 0.0] for engine in engines}
    for table in tables:
        for engine in engines:
            r = measure(engine, table, args.warehouse)
            totals[engine][0] += r["seconds"]
            totals[engine][1] = max(totals[engine][1], r["peak_rss_mb"])
            failed = "; ".join(r["failed"]) or "-"
            print(
                f"{table:24} {engine:6} {r['rows']:>11,} {r['seconds']:>8.1f} "
                f"{r['process_seconds']:>9.1f} {r['peak_rss_mb']:>8.0f}  {failed[:120]}",
                flush=True,
            )
    for engine, (seconds, peak) in totals.items():
        print(f"{'all tables':24} {engine:6} {'':>11} {seconds:>8.1f} {'':>9} {peak:>8.0f}  (max)")


if __name__ == "__main__":
    main()
