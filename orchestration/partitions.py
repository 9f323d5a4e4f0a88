"""Dynamic partitions kept in step with accounts.yaml.

``accounts``: one partition per child account (loads). ``scopes``: every child plus the master
(forecasts and plans are made for each view a user can toggle to).
"""

from __future__ import annotations

import dagster as dg

from tributary.config import Config
from tributary.scopes import scope_ids

accounts_partitions = dg.DynamicPartitionsDefinition(name="accounts")
scopes_partitions = dg.DynamicPartitionsDefinition(name="scopes")


def _sync(instance: dg.DagsterInstance, name: str, wanted: list[str]) -> tuple[list, list]:
    existing = set(instance.get_dynamic_partitions(name))
    added = [key for key in wanted if key not in existing]
    removed = sorted(existing - set(wanted))
    if added:
        instance.add_dynamic_partitions(name, added)
    for key in removed:
        instance.delete_dynamic_partition(name, key)
    return added, removed


def sync_account_partitions(instance: dg.DagsterInstance, config: Config) -> tuple[list, list]:
    """Add partitions for new accounts and drop those of removed ones; return (added, removed)."""
    return _sync(instance, accounts_partitions.name, [a.id for a in config.accounts])


def sync_scope_partitions(instance: dg.DagsterInstance, config: Config) -> tuple[list, list]:
    """The master plus every account, in accounts.yaml order."""
    return _sync(instance, scopes_partitions.name, scope_ids(config))
