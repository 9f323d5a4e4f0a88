"""`tributary docs`: dbt's documentation site (model lineage, column docs) for one home.

dbt reads the catalog (columns and types) from a copy of the warehouse, so the site can be
generated while a run holds the live file, and never writes to what BI tools read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from orchestration.resources.dbt import DBT_PROJECT_DIR, dbt_executable
from orchestration.resources.home import TributaryHome
from tributary.config import Config, Home


class DocsError(Exception):
    """The documentation site cannot be generated (no warehouse yet, dbt failed)."""


def generate_docs(home: Home, config: Config, progress: Callable[[str], None] = print) -> Path:
    """Write dbt's docs site to ``<home>/docs/site`` and return that folder."""
    from orchestration.assets.dbt import dbt_vars

    if not home.warehouse.exists():
        raise DocsError(f"no warehouse at {home.warehouse} yet: run `tributary run` first")
    folder = home.root / "docs"
    site = folder / "site"
    # Named like the warehouse: dbt names the catalog's database after the file.
    copy = folder / "catalog" / home.warehouse.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    progress(f"[docs] reading the catalog from a copy of {home.warehouse} ...")
    shutil.copyfile(home.warehouse, copy)
    resource = TributaryHome(path=str(home.root))
    env = {
        **os.environ,
        **resource.dbt_env(copy),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        dbt_executable(),
        "docs",
        "generate",
        "--static",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(site),
        "--vars",
        json.dumps(dbt_vars(resource)),
    ]
    progress("[docs] dbt docs generate ...")
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise DocsError(f"dbt docs generate failed (exit {done.returncode}):\n{tail}")
    if not (site / "static_index.html").exists():
        raise DocsError(f"dbt docs generate wrote no {site / 'static_index.html'}")
    return site
