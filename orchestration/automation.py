"""When each asset runs after its upstream changed: the one statement of the pipeline's order.

The nightly schedule (and a person in the UI, and `tributary run`) only loads accounts. Everything
downstream follows from these conditions, evaluated by the daemon's `automation` sensor or by
`automation_tick` below (what `tributary run` and the tests drive):

    loads (one run per account) -> registry + warehouse (one dbt run, once every load finished)
      -> forecasts, plans, KPIs (one run per scope: master and each child, side by side)
      -> output marts (one dbt run, once every scope finished) -> PostgreSQL publish (if set up)
"""

from __future__ import annotations

import datetime
import logging
import warnings

import dagster as dg
from dagster._core.definitions.asset_daemon_cursor import AssetDaemonCursor
from dagster._core.definitions.automation_tick_evaluation_context import build_run_requests
from dagster._core.definitions.declarative_automation.automation_condition_evaluator import (
    AutomationConditionEvaluator,
)
from dagster._core.definitions.partitions.context import partition_loading_context
from dagster._core.instance.types import CachingDynamicPartitionsLoader

AC = dg.AutomationCondition

# Every asset says which stage it belongs to with this tag; the conditions select by it.
STAGE_TAG = "tributary/stage"
SCOPE_STAGE = "scope"  # forecasts, plans, KPIs: Python, one partition per scope
OUTPUT_STAGE = "outputs"  # the dbt models that read the scope files
SCOPE_TAGS = {STAGE_TAG: SCOPE_STAGE}
SCOPE_ASSETS = dg.AssetSelection.tag(STAGE_TAG, SCOPE_STAGE)
OUTPUT_ASSETS = dg.AssetSelection.tag(STAGE_TAG, OUTPUT_STAGE)


def after_loads() -> dg.AutomationCondition:
    """The registry and the warehouse: rebuild once no load is running and one has landed.

    Unlike `eager()` this does not wait for missing upstream partitions (an account whose first
    load failed must not keep the other accounts' data out of the warehouse), and it starts only
    when a load lands, never on an empty home.
    """
    return (
        AC.any_deps_updated().since_last_handled() & ~AC.any_deps_in_progress() & ~AC.in_progress()
    ).with_label("after_loads")


def per_scope() -> dg.AutomationCondition:
    """Forecasts, plans and KPIs of a scope: after the warehouse, in the same run for a scope."""
    return (
        (AC.newly_missing() | AC.any_deps_updated()).since_last_handled()
        & ~AC.any_deps_missing()
        & ~AC.any_deps_in_progress()
        & ~AC.any_deps_match(AC.execution_failed())
        & AC.all_deps_blocking_checks_passed()
        & ~AC.in_progress()
    ).with_label("per_scope")


def after_every_scope() -> dg.AutomationCondition:
    """The forecast, plan and KPI marts: once, after every scope's run has finished.

    A scope file that changed starts the chain; the marts built from other marts join it in the
    same run. Changes to the warehouse alone do not start it: they always lead to new scope runs
    first, and the marts wait for every one of those (a scope run still going is a dependency in
    progress), so no mart mixes old and new scope files. A scope that never produced its files
    (missing) or whose last run failed holds the marts back: they stay all-old.
    """
    scope_changed = AC.any_deps_match(AC.newly_updated()).allow(SCOPE_ASSETS)
    chained = AC.any_deps_match(AC.will_be_requested()).allow(OUTPUT_ASSETS)
    return (
        (scope_changed | chained).since_last_handled()
        & ~AC.any_deps_in_progress()
        & ~AC.any_deps_match(AC.missing()).allow(SCOPE_ASSETS)
        & ~AC.any_deps_match(AC.execution_failed()).allow(SCOPE_ASSETS)
        & ~AC.in_progress()
    ).with_label("after_every_scope")


def after_output_marts() -> dg.AutomationCondition:
    """Publishing: in the same run as the output marts, once every mart's blocking checks
    (Great Expectations suites, dbt tests) have passed."""
    built = AC.any_deps_match(AC.newly_updated() | AC.will_be_requested()).allow(OUTPUT_ASSETS)
    return (
        built.since_last_handled()
        & ~AC.any_deps_in_progress()
        & AC.all_deps_blocking_checks_passed()
        & ~AC.in_progress()
    ).with_label("after_output_marts")


def automation_tick(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    cursor: AssetDaemonCursor | None,
    run_tags: dict[str, str] | None = None,
) -> tuple[list[dg.RunRequest], AssetDaemonCursor]:
    """One evaluation of every automation condition, as the daemon's sensor makes it.

    Returns the runs the daemon would launch (grouped by partition as it groups them) and the
    cursor for the next tick. It is `dg.evaluate_automation_conditions` (Dagster 1.13, pinned)
    with one change: dynamic partitions are read once per tick instead of once per asset and
    condition (which cost ~10 s a tick on the SQLite instance of a home).
    """
    graph = defs.resolve_asset_graph()
    cursor = cursor or AssetDaemonCursor.empty()
    now = datetime.datetime.now()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        evaluator = AutomationConditionEvaluator(
            asset_graph=graph,
            instance=instance,
            entity_keys={
                key for key in graph.get_all_asset_keys() if graph.get(key).automation_condition
            }
            | {
                key
                for key in graph.asset_check_keys
                if graph.get(key).automation_condition is not None
            },
            evaluation_time=now,
            emit_backfills=False,
            logger=logging.getLogger("tributary.automation"),
            cursor=cursor,
            evaluation_id=cursor.evaluation_id,
        )
        results, requested = evaluator.evaluate()
        with partition_loading_context(
            effective_dt=now, dynamic_partitions_store=CachingDynamicPartitionsLoader(instance)
        ):
            new_cursor = cursor.with_updates(
                evaluation_timestamp=now.timestamp(),
                newly_observe_requested_asset_keys=[],
                evaluation_id=cursor.evaluation_id + 1,
                condition_cursors=[result.get_new_cursor() for result in results],
                asset_graph=graph,
            )
    requests = build_run_requests(requested, graph, run_tags, emit_backfills=False)
    return list(requests), new_cursor
