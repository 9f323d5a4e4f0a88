"""One Dagster partition per child account, kept in step with accounts.yaml."""

from __future__ import annotations

import dagster as dg

from tributary.config import Config

accounts_partitions = dg.DynamicPartitionsDefinition(name="accounts")


def sync_account_partitions(instance: dg.DagsterInstance, config: Config) -> tuple[list, list]:
    """Add partitions for new accounts and drop those of removed ones; return (added, removed)."""
    wanted = [a.id for a in config.accounts]
    existing = set(instance.get_dynamic_partitions(accounts_partitions.name))
    added = [a for a in wanted if a not in existing]
    removed = sorted(existing - set(wanted))
    if added:
        instance.add_dynamic_partitions(accounts_partitions.name, added)
    for key in removed:
        instance.delete_dynamic_partition(accounts_partitions.name, key)
    return added, removed
