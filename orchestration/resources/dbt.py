"""The dbt project and its manifest, prepared once so Dagster can read the model graph."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

# dbt's anonymous usage tracking stays off everywhere we start dbt.
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# dbt_project.target_path is relative ("target"), meant from the project folder: anchored here,
# so the lock never lands in whatever folder the process was started from.
TARGET_DIR = dbt_project.project_dir / dbt_project.target_path
PARSE_LOCK = TARGET_DIR / ".parse.lock"


def _newest_source_mtime(project_dir: Path) -> float:
    newest = 0.0
    for folder in ("models", "macros", "tests"):
        for path in (project_dir / folder).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (project_dir / name).stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """Parse the dbt project when the manifest is missing or older than any model file.

    `dagster dev` would do this on its own (prepare_if_dev); the CLI and the tests load the
    definitions without it, so the check lives here for every entry point.
    """
    manifest = dbt_project.manifest_path

    def stale() -> bool:
        newest = _newest_source_mtime(dbt_project.project_dir)
        return not manifest.exists() or manifest.stat().st_mtime < newest

    if stale():
        # Several processes may load the definitions at once (test workers, Celery workers):
        # one parses, the others wait for its manifest.
        TARGET_DIR.mkdir(parents=True, exist_ok=True)
        with open(PARSE_LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if stale():
                # The stock preparer looks for `dbt` on PATH; use the one beside this Python.
                dbt_resource().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
    return manifest


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv's), even when the venv is not activated:
    through `tributary-dbt`, so that a killed run leaves no dbt behind holding DuckDB's lock."""
    bound = Path(sys.executable).parent / "tributary-dbt"
    if bound.exists() and (bound.parent / "dbt").exists():
        return str(bound)
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
    )
