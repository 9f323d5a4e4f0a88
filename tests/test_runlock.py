"""One run per home: the lock, its messages, waiting, and a dead holder's lock taken over."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tributary.runlock import HomeLock, RunInProgress

ROOT = Path(__file__).resolve().parents[1]

HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from tributary.runlock import HomeLock
lock = HomeLock(Path(sys.argv[1]))
lock.acquire(sys.argv[2], "tributary run")
print("held", flush=True)
time.sleep(float(sys.argv[3]))
lock.release()
"""


@contextlib.contextmanager
def hold(home: Path, kind: str, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process that takes the lock and keeps it for ``seconds``; killed at the end."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(home), kind, str(seconds)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        process.kill()
        process.wait()


def test_a_second_driver_is_refused_naming_the_first(tmp_path):
    with hold(tmp_path, "driver", 30) as holder:
        with pytest.raises(RunInProgress) as error:
            HomeLock(tmp_path).acquire("driver", "tributary run")
        message = str(error.value)
        assert f"pid {holder.pid}" in message and "started 20" in message
        assert "another run is in progress" in message
        with pytest.raises(RunInProgress):  # a Dagster run waits for a driver too
            HomeLock(tmp_path).acquire("run", "Dagster run x")


def test_dagster_runs_share_the_home_but_keep_a_driver_out(tmp_path):
    with hold(tmp_path, "run", 30):
        with HomeLock(tmp_path).held("run", "Dagster run y"):
            pass  # two runs side by side (two account loads)
        with pytest.raises(RunInProgress):
            HomeLock(tmp_path).acquire("driver", "tributary run")


def test_the_lock_of_a_killed_holder_is_taken_over_at_once(tmp_path):
    with hold(tmp_path, "driver", 60) as holder:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    lock = HomeLock(tmp_path)
    assert lock.holders() == []  # its record named a dead process: removed
    with lock.held("driver", "tributary run") as token:
        assert lock.driver_token() == token
    assert lock.holders() == []


def test_waiting_gets_the_lock_once_the_holder_is_done(tmp_path):
    told = []
    with hold(tmp_path, "driver", 1.5) as holder:
        started = time.monotonic()
        with HomeLock(tmp_path).held("driver", "tributary run", 60, on_wait=told.append):
            waited = time.monotonic() - started
        holder.wait()
    assert len(told) == 1 and f"pid {holder.pid}" in str(told[0])
    assert 0.5 < waited < 30
