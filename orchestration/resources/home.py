"""The home folder as a Dagster resource: where accounts.yaml, the lake and the warehouse live."""

from __future__ import annotations

import dagster as dg

from tributary.config import Config, Home


class TributaryHome(dg.ConfigurableResource):
    """One deployment's home folder (``TRIBUTARY_HOME``, else ``./tributary-home``)."""

    path: str

    @property
    def home(self) -> Home:
        return Home.resolve(self.path)

    def config(self) -> Config:
        return self.home.load()

    def dbt_env(self) -> dict[str, str]:
        """Environment the dbt profile and sources read their paths from."""
        return {
            "TRIBUTARY_HOME": str(self.home.root),
            "TRIBUTARY_LAKE": str(self.home.lake),
            "TRIBUTARY_WAREHOUSE": str(self.home.warehouse),
        }
