"""The benchmarks' way to run this virtualenv's `tributary` command in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TRIBUTARY = Path(sys.executable).parent / "tributary"


def start_tributary(*args: str | Path | int) -> subprocess.Popen[str]:
    """Start `tributary ARGS` with stdout and stderr merged into one text pipe."""
    return subprocess.Popen(
        [str(TRIBUTARY), *(str(arg) for arg in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
