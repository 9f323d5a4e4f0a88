"""The home folder as a Dagster resource: where accounts.yaml, the lake and the warehouse live."""

from __future__ import annotations

from datetime import date

import dagster as dg

from tributary.config import Config, Home
from tributary.lake import Lake


class TributaryHome(dg.ConfigurableResource):
    """One deployment's home folder (``TRIBUTARY_HOME``, else ``./tributary-home``)."""

    path: str

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

    def dbt_env(self) -> dict[str, str]:
        """Environment the dbt profile and sources read their paths from."""
        return {
            "TRIBUTARY_HOME": str(self.home.root),
            "TRIBUTARY_LAKE": str(self.home.lake),
            "TRIBUTARY_WAREHOUSE": str(self.home.warehouse),
        }
