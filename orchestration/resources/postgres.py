"""Where marts are published for BI: a PostgreSQL database chosen by environment variables."""

from __future__ import annotations

import dagster as dg


class PostgresPublisher(dg.ConfigurableResource):
    """Publishing target. ``url`` comes from ``TRIBUTARY_PUBLISH_URL`` (never from a file)."""

    url: str
    schema_name: str = "marts"
    bi_role: str | None = "tributary_bi"
    row_level_security: bool = False
