#!/usr/bin/env python3
"""The README's commands, with nothing but Python 3.11+: `python3 tasks.py demo|test|lint|bench`.

Creates `.venv` from the lock file the first time (and again when the lock changes), then runs.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".tributary-installed"
LOCK_FILES = ("requirements.lock", "pyproject.toml")


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for name in LOCK_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def _run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def install() -> None:
    """Install the locked dependencies and this project into .venv (skipped when up to date)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file may run on an old python3
        sys.exit(f"Tributary needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = _lock_digest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print(
        "installing locked dependencies into .venv (first run takes a minute or two) ...",
        flush=True,
    )
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if _run(*pip, "-r", "requirements.lock") or _run(*pip, "--no-deps", "-e", "."):
        sys.exit("installing dependencies failed (see pip's message above)")
    STAMP.write_text(wanted)


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> None:
    """Debian's chromium for the report's browser test (tests/test_report.py), installed with
    apt-get when this runs as root; elsewhere the test says why it is skipped."""
    if CHROMIUM.exists() or os.name == "nt" or not Path("/usr/bin/apt-get").exists():
        return
    if os.geteuid() != 0:
        print("chromium is not installed and this is not root: the browser test will skip")
        return
    print("installing Debian's chromium for the browser test (apt-get) ...", flush=True)
    quiet = {"DEBIAN_FRONTEND": "noninteractive"}
    env = dict(os.environ, **quiet)
    install = ["apt-get", "install", "-y", "-q", "chromium"]
    if subprocess.call(install, env=env, stdout=subprocess.DEVNULL) != 0:
        # The package lists may be missing or old on a fresh machine.
        subprocess.call(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        subprocess.call(install, env=env, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    commands = {
        "install": [],
        "demo": [BIN / "tributary", "demo", "--home", "tributary-demo", "--force"],
        # Both cores: each test module whole on one worker (tests/conftest.py).
        "test": [BIN / "python", "-m", "pytest", "-n", "2", "--dist", "loadgroup"],
        # ruff (extra args go to it), then sqlfluff over the dbt project's SQL (lint-sql).
        "lint": [BIN / "ruff", "check", "."],
        "lint-sql": [BIN / "sqlfluff", "lint", "dbt_project/models", "dbt_project/tests"],
        "bench": [BIN / "python", "bench/load.py"],
    }
    if not argv or argv[0] not in commands:
        print(f"usage: python3 tasks.py {{{'|'.join(commands)}}} [extra args]")
        return 2
    install()
    if argv[0] == "test":
        ensure_chromium()
    command = commands[argv[0]]
    if not command:
        return 0
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    if argv[0] == "lint":
        return _run(*command, *argv[1:], env=env) or lint_sql(commands["lint-sql"], env)
    if argv[0] == "lint-sql":
        return lint_sql([*command, *argv[1:]], env)
    return _run(*command, *argv[1:], env=env)


def lint_sql(command: list[str | Path], env: dict[str, str]) -> int:
    """sqlfluff over the dbt project: the dbt templater compiles every model, so it gets a
    warehouse file, target and log folders of its own (never the ones the CLI and Dagster use)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tributary-sqlfluff-") as scratch:
        env = dict(
            env,
            TRIBUTARY_WAREHOUSE=str(Path(scratch) / "lint.duckdb"),
            DBT_TARGET_PATH=str(Path(scratch) / "target"),
            DBT_LOG_PATH=str(Path(scratch) / "logs"),
        )
        return _run(*command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
