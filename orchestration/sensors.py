"""Keep the account partitions in step with accounts.yaml while the UI runs."""

import dagster as dg

from orchestration.partitions import sync_account_partitions
from orchestration.resources.home import TributaryHome


@dg.sensor(
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds a partition for each account in accounts.yaml and drops removed ones.",
)
def account_partitions_sensor(context: dg.SensorEvaluationContext, tributary_home: TributaryHome):
    added, removed = sync_account_partitions(context.instance, tributary_home.config())
    if added or removed:
        return dg.SkipReason(f"accounts added: {added or 'none'}; removed: {removed or 'none'}")
    return dg.SkipReason("accounts unchanged")
