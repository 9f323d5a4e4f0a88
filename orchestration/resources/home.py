"""The home folder as a Dagster resource: where accounts.yaml, the lake and the warehouse live."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from tributary.config import Config, Home
from tributary.lake import Lake
from tributary.runlock import TOKEN_TAG, HomeLock, RunInProgress

# How long a run started by the schedule, a sensor or the UI waits for another run on the same
# home (a person's `tributary run`) before it fails saying which run holds the home.
LOCK_WAIT_ENV = "TRIBUTARY_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT_SECONDS = 3600.0


class TributaryHome(dg.ConfigurableResource):
    """One deployment's home folder (``TRIBUTARY_HOME``, else ``./tributary-home``).

    A run that uses it holds the home's run lock (tributary.runlock) from its first step to its
    end: shared with other Dagster runs, never beside a `tributary run`, except for the runs
    that `tributary run` itself launched (they carry its token).
    """

    path: str
    _lock: HomeLock | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.run
        token = run.tags.get(TOKEN_TAG) if run is not None else None
        lock = HomeLock(self.home.root)
        if token is not None and token == lock.driver_token():
            return  # launched by the `tributary run` that holds the home
        wait = float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT_SECONDS))

        def waiting(busy: RunInProgress) -> None:
            context.log.warning(f"{busy}; waiting up to {wait:.0f}s ({LOCK_WAIT_ENV})")

        try:
            lock.acquire("run", f"Dagster run {run.run_id if run else '?'}", wait, waiting)
        except RunInProgress as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        self._lock = lock

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def home(self) -> Home:
        return Home.resolve(self.path)

    def config(self) -> Config:
        return self.home.load()

    def as_of(self) -> date:
        """The run's planning date, resolved once when the registry is written (before the
        warehouse) and read by every later step, so a run across midnight stays on one day."""
        written = Lake(self.home.lake).registry_as_of()
        if written is not None:
            return written
        master = self.config().master
        if master is None:
            raise dg.Failure("accounts.yaml has no master block: add an account first")
        return master.today()

    def dbt_env(self, warehouse: Path | None = None) -> dict[str, str]:
        """Environment the dbt profile and sources read their paths from (dbt writes
        ``warehouse``: a run's build file, see tributary.warehouse_files)."""
        return {
            "TRIBUTARY_HOME": str(self.home.root),
            "TRIBUTARY_LAKE": str(self.home.lake),
            "TRIBUTARY_WAREHOUSE": str(warehouse or self.home.warehouse),
        }
