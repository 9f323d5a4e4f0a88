"""The code stays ruff clean (the house style); CI runs this with every test run."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_package_does_not_import_dagster():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tributary").rglob("*.py")
        if "import dagster" in path.read_text() or "from dagster" in path.read_text()
    ]
    assert offenders == []
