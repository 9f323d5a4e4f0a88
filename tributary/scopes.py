"""Scopes: the views forecasts and plans are made for, each child account and the master.

MASTER_ID is the master's account id, the value of `account_id` (and of a scope partition key)
for the whole group. It is not the `master:` block of accounts.yaml: that is a config key which
happens to be spelled the same, and config.py parses it as such. MASTER_ROLE and CHILD_ROLE are
the values of `role` in marts.accounts. dbt spells the id in its own SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tributary.config import Config

MASTER_ID = "master"
MASTER_ROLE = "master"
CHILD_ROLE = "child"
# One series (an item at a location of one scope): the key of forecasts, plans and KPIs.
SERIES_KEYS = ["account_id", "item_code", "location"]


def scope_ids(config: Config) -> list[str]:
    """Every scope of a home: the master first, then the children in accounts.yaml order."""
    return [MASTER_ID, *(account.id for account in config.accounts)]
