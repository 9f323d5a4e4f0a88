"""The lake's swap is all-or-nothing, even when the process dies in the middle of it.

The crashes are real: the swap runs in a child process that ``lake.py``'s fault-injection hook
(``TRIBUTARY_LAKE_CRASH_AFTER_RENAMES``) kills with ``os._exit(9)`` right after a chosen rename.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from tributary.lake import CRASH_AFTER_RENAMES_ENV, MANIFEST, Lake

ROOT = Path(__file__).resolve().parent.parent
TABLES = len(Lake(ROOT).tables())  # the nine pieces and rejected_rows
SCOPE_TABLES = ("demand_forecast", "forecast_accuracy", "plan")
SCOPE_SCHEMA = pa.schema([pa.field("source_file", pa.string())])

# Every table of one generation carries the generation's name in its only row.
SWAP_SCRIPT = """
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa

from tributary.lake import Lake

root, kind, generation = sys.argv[1:4]
lake = Lake(Path(root))
frame = pd.DataFrame({"source_file": [generation]})
if kind == "account":
    lake.replace_account("shop", generation, {t: frame for t in lake.tables()})
else:
    schema = pa.schema([pa.field("source_file", pa.string())])
    tables = {t: (frame, schema) for t in sys.argv[4:]}
    lake.replace_scope("shop", tables, token=generation)
"""


def swap_here(root: Path, kind: str, generation: str) -> None:
    """A swap in this process (no crash)."""
    lake = Lake(root)
    frame = pd.DataFrame({"source_file": [generation]})
    if kind == "account":
        lake.replace_account("shop", generation, {t: frame for t in lake.tables()})
    else:
        tables = {t: (frame, SCOPE_SCHEMA) for t in SCOPE_TABLES}
        lake.replace_scope("shop", tables, token=generation)


def swap(root: Path, kind: str, generation: str, crash_after: int | None = None) -> int:
    """A swap in a child process, killed after ``crash_after`` renames; its exit code."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop(CRASH_AFTER_RENAMES_ENV, None)
    if crash_after is not None:
        env[CRASH_AFTER_RENAMES_ENV] = str(crash_after)
    args = [sys.executable, "-c", SWAP_SCRIPT, str(root), kind, generation, *SCOPE_TABLES]
    return subprocess.run(args, cwd=ROOT, env=env, timeout=120).returncode


def generations(lake: Lake, kind: str) -> dict[str, str | None]:
    """Which generation each table holds (None: the table is missing)."""
    if kind == "account":
        paths = {t: lake.partition(t, "shop") for t in lake.tables()}
    else:
        paths = {t: lake.scope_partition(t, "shop") for t in SCOPE_TABLES}
    found = {}
    for table, folder in paths.items():
        part = folder / "part-0.parquet"
        found[table] = pd.read_parquet(part)["source_file"].iloc[0] if part.exists() else None
    return found


def assert_no_leftovers(root: Path) -> None:
    assert not (root / ".staging").exists()
    assert not (root / ".previous").exists()


def old_then_crash(root: Path, kind: str, crash_after: int) -> Lake:
    lake = Lake(root)
    swap_here(root, kind, "OLD")
    assert set(generations(lake, kind).values()) == {"OLD"}
    assert_no_leftovers(root)
    assert swap(root, kind, "NEW", crash_after) == 9, "the hook should have killed the swap"
    return lake


# An account swap of 10 folders makes 20 renames, then the commit mark (rename 21).
@pytest.mark.parametrize("crash_after", range(1, 2 * TABLES + 2))
def test_account_swap_killed_at_any_rename_recovers_to_one_generation(tmp_path, crash_after):
    root = tmp_path / "lake"
    lake = old_then_crash(root, "account", crash_after)
    before = generations(lake, "account")
    if 2 <= crash_after < 2 * TABLES:
        # The crash really left a torn state behind (some NEW, some OLD or stashed away).
        assert "NEW" in before.values() and set(before.values()) != {"NEW"}

    lake.recover("shop")

    after = generations(lake, "account")
    committed = crash_after > 2 * TABLES
    assert set(after.values()) == {"NEW" if committed else "OLD"}, after
    assert lake.has_data("shop")
    assert_no_leftovers(root)

    # The next swap lands whole and leaves nothing behind.
    swap_here(root, "account", "NEXT")
    assert set(generations(lake, "account").values()) == {"NEXT"}
    assert_no_leftovers(root)


@pytest.mark.parametrize("crash_after", range(1, 2 * len(SCOPE_TABLES) + 2))
def test_scope_swap_killed_at_any_rename_recovers_to_one_generation(tmp_path, crash_after):
    root = tmp_path / "lake"
    lake = old_then_crash(root, "scope", crash_after)
    committed = crash_after > 2 * len(SCOPE_TABLES)
    lake.recover("shop")
    assert set(generations(lake, "scope").values()) == {"NEW" if committed else "OLD"}
    assert_no_leftovers(root)
    swap_here(root, "scope", "NEXT")
    assert set(generations(lake, "scope").values()) == {"NEXT"}
    assert_no_leftovers(root)


@pytest.mark.parametrize("crash_after", range(1, len(SCOPE_TABLES) + 2))
def test_first_swap_killed_midway_leaves_no_table_rather_than_some(tmp_path, crash_after):
    root = tmp_path / "lake"
    lake = Lake(root)
    assert swap(root, "scope", "NEW", crash_after) == 9
    lake.recover("shop")
    committed = crash_after > len(SCOPE_TABLES)
    assert set(generations(lake, "scope").values()) == {"NEW" if committed else None}
    assert_no_leftovers(root)


def test_next_swap_repairs_a_crash_without_an_explicit_recover(tmp_path):
    root = tmp_path / "lake"
    lake = old_then_crash(root, "account", 7)
    assert swap(root, "account", "NEXT") == 0
    assert set(generations(lake, "account").values()) == {"NEXT"}
    assert_no_leftovers(root)


def test_a_failing_rename_rolls_the_swap_back_at_once(tmp_path, monkeypatch):
    """An error (not a crash) in the middle of the swap: the old data is back before it raises."""
    root = tmp_path / "lake"
    lake = Lake(root)
    old = pd.DataFrame({"source_file": ["OLD"]})
    lake.replace_account("shop", "OLD", {t: old for t in lake.tables()})
    real_rename = os.rename
    calls = 0

    def failing_rename(src, dst):
        nonlocal calls
        calls += 1
        if calls == 4:
            raise OSError("disk on fire")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    new = pd.DataFrame({"source_file": ["NEW"]})
    with pytest.raises(OSError, match="disk on fire"):
        lake.replace_account("shop", "NEW", {t: new for t in lake.tables()})
    monkeypatch.setattr(os, "rename", real_rename)
    assert set(generations(lake, "account").values()) == {"OLD"}
    assert_no_leftovers(root)
    lake.recover("shop")
    assert set(generations(lake, "account").values()) == {"OLD"}


def test_a_live_process_swap_is_left_alone(tmp_path):
    """recover() must not roll back a swap whose process is still running."""
    root = tmp_path / "lake"
    lake = old_then_crash(root, "account", 5)
    (manifest_path,) = (root / ".previous").glob(f"*/{MANIFEST}")
    manifest = json.loads(manifest_path.read_text())
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        manifest.update(pid=sleeper.pid, started=None)
        manifest_path.write_text(json.dumps(manifest))
        torn = generations(lake, "account")
        lake.recover("shop")
        assert generations(lake, "account") == torn
        assert manifest_path.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    lake.recover("shop")  # its owner is gone now
    assert set(generations(lake, "account").values()) == {"OLD"}
    assert_no_leftovers(root)


# Swaps of four scopes, each over and over in its own process at once, as scope runs do.
CONCURRENT_SCRIPT = """
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa

from tributary.lake import Lake

root, scope, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
lake = Lake(Path(root))
schema = pa.schema([pa.field("source_file", pa.string())])
for round_number in range(rounds):
    frame = pd.DataFrame({"source_file": [f"{scope}-{round_number}"]})
    lake.replace_scope(scope, {"demand_forecast": (frame, schema), "plan": (frame, schema)})
"""


def test_swaps_of_different_scopes_in_parallel_processes_do_not_trip_over_each_other(tmp_path):
    """Each swap scans and cleans the shared `.staging`/`.previous` folders while the others
    create and remove their own folders there (this failed a scope run now and then)."""
    root, rounds, scopes = tmp_path / "lake", 150, ("master", "shop", "web", "erp")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_SCRIPT, str(root), scope, str(rounds)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for scope in scopes
    ]
    errors = [worker.communicate(timeout=300)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * len(scopes), errors
    lake = Lake(root)
    for scope in scopes:
        for table in ("demand_forecast", "plan"):
            assert lake.read_scope(table, scope)["source_file"].tolist() == [
                f"{scope}-{rounds - 1}"
            ]
    assert_no_leftovers(root)
