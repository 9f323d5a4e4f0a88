"""One run per home: a lock in the home folder that every run writing the home holds.

Two kinds of holder:

- a **driver** (`tributary run`, `tributary demo`) holds it *exclusively* for the whole run,
  and hands a token to the Dagster runs it launches (a run tag), which then need no lock of
  their own;
- a **Dagster run** started by someone else (the nightly schedule, the UI, a sensor, the
  automation daemon) holds it *shared*: such runs may go side by side (two account loads), but
  never beside a driver.

The lock is a `flock` on ``<home>/.run/lock``: the kernel drops it when its holder dies, however
it dies, so a lock left by a killed run is taken over by the next one without a stale-lock
check. Who holds it is written beside it (``<home>/.run/<pid>.json``) for the messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK_DIR = ".run"
LOCK_NAME = "lock"
# The run tag that carries a driver's token into the runs it launches.
TOKEN_TAG = "tributary/run_lock"


@dataclass(frozen=True)
class Holder:
    """A process that holds (or held) the lock of a home."""

    pid: int
    started: str  # ISO time, UTC
    kind: str  # "driver" or "run"
    what: str  # the command or the Dagster run id
    token: str

    def describe(self) -> str:
        return f"{self.what} (pid {self.pid}, started {self.started})"


class RunInProgress(RuntimeError):
    """Another run holds the home's lock."""

    def __init__(self, root: Path, holders: list[Holder]):
        self.root = root
        self.holders = holders
        running = "; ".join(holder.describe() for holder in holders) or "a run (no details)"
        super().__init__(f"another run is in progress on {root}: {running}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


class HomeLock:
    """The run lock of one home folder (see the module docstring)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.folder = self.root / LOCK_DIR
        self._handle = None
        self._record: Path | None = None

    # -- who holds it -------------------------------------------------------------------------

    def holders(self) -> list[Holder]:
        """The live processes that say they hold the lock (records of dead ones are removed)."""
        found = []
        if not self.folder.exists():
            return found
        for path in sorted(self.folder.glob("*.json")):
            try:
                holder = Holder(**json.loads(path.read_text()))
            except (OSError, ValueError, TypeError):
                continue
            if _alive(holder.pid):
                found.append(holder)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()
        return found

    def driver_token(self) -> str | None:
        """The token of the driver holding the lock now, if one does."""
        for holder in self.holders():
            if holder.kind == "driver":
                return holder.token
        return None

    # -- taking it ----------------------------------------------------------------------------

    def acquire(
        self,
        kind: str,
        what: str,
        wait_seconds: float = 0.0,
        on_wait: Callable[[RunInProgress], None] | None = None,
    ) -> str:
        """Take the lock (exclusive for a driver, shared for a run); returns the token.

        Waits up to ``wait_seconds`` (``on_wait`` hears once that it waits), then raises
        RunInProgress naming the holders.
        """
        if self._handle is not None:
            raise RuntimeError("this lock is already held by this object")
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.folder / LOCK_NAME, "a+")  # noqa: SIM115 - held until release()
        mode = fcntl.LOCK_EX if kind == "driver" else fcntl.LOCK_SH
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                busy = RunInProgress(self.root, self.holders())
                if time.monotonic() >= deadline:
                    handle.close()
                    raise busy from None
                if on_wait is not None and not told:
                    on_wait(busy)
                    told = True
                time.sleep(0.5)
        self._handle = handle
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        holder = Holder(
            pid=os.getpid(),
            started=now.isoformat().replace("+00:00", "Z"),
            kind=kind,
            what=what,
            token=f"{os.getpid()}-{now.timestamp():.0f}",
        )
        self._record = self.folder / f"{holder.pid}.json"
        tmp = self._record.with_suffix(".tmp")
        tmp.write_text(json.dumps(holder.__dict__))
        os.replace(tmp, self._record)
        return holder.token

    def release(self) -> None:
        if self._record is not None:
            with contextlib.suppress(OSError):
                self._record.unlink()
            self._record = None
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    @contextlib.contextmanager
    def held(
        self,
        kind: str,
        what: str,
        wait_seconds: float = 0.0,
        on_wait: Callable[[RunInProgress], None] | None = None,
    ) -> Iterator[str]:
        token = self.acquire(kind, what, wait_seconds, on_wait)
        try:
            yield token
        finally:
            self.release()
