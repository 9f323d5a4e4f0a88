"""Sensors: partitions in step with accounts.yaml, and a load when an account's files change."""

import json

import dagster as dg

from orchestration.partitions import sync_account_partitions, sync_scope_partitions
from orchestration.resources.home import TributaryHome
from tributary.config import FOLDER_TYPES
from tributary.connectors.folder import folder_signature


@dg.sensor(
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds a partition for each account in accounts.yaml and drops removed ones.",
)
def account_partitions_sensor(context: dg.SensorEvaluationContext, tributary_home: TributaryHome):
    config = tributary_home.config()
    added, removed = sync_account_partitions(context.instance, config)
    sync_scope_partitions(context.instance, config)
    if added or removed:
        return dg.SkipReason(f"accounts added: {added or 'none'}; removed: {removed or 'none'}")
    return dg.SkipReason("accounts unchanged")


@dg.sensor(
    job_name="refresh_account",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads an account when the files in its folder change (csv connections).",
)
def account_files_sensor(context: dg.SensorEvaluationContext, tributary_home: TributaryHome):
    """Compares each folder's signature with the one seen last time (kept in the cursor)."""
    home = tributary_home.home
    config = home.load()
    seen = json.loads(context.cursor) if context.cursor else {}
    current = {}
    requests = []
    for account in config.accounts:
        if account.connection.type not in FOLDER_TYPES:
            continue
        signature = folder_signature(home.connection_path(account))
        if signature is None:
            continue
        current[account.id] = signature
        # The first look at a folder only records it; the nightly run covers initial loads.
        if account.id in seen and seen[account.id] != signature:
            requests.append(
                dg.RunRequest(
                    partition_key=account.id,
                    run_key=f"{account.id}:{signature}",
                    tags={"tributary/trigger": "files-changed"},
                )
            )
    context.update_cursor(json.dumps(current, sort_keys=True))
    if not requests:
        return dg.SkipReason("no account's files changed")
    return requests
