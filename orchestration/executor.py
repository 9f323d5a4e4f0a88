"""The one place that chooses how a run's steps execute.

By default every step of a run executes in the run's own process: runs are small (one account's
load, one scope, one dbt build) and both cores are used by running two of them side by side (the
run queue's limit, and `tributary run`'s two workers). With ``TRIBUTARY_EXECUTOR=celery`` each step
becomes a Celery task on the broker ``TRIBUTARY_CELERY_BROKER`` (RabbitMQ, e.g.
``pyamqp://guest:guest@127.0.0.1:5672//``), picked up by `dagster-celery` workers on any machine
that sees the same home (see docs/scale-out.md).
"""

from __future__ import annotations

import os

import dagster as dg

EXECUTORS = ("in_process", "celery")
BROKER_ENV = "TRIBUTARY_CELERY_BROKER"


def chosen_executor() -> dg.ExecutorDefinition:
    """The executor named by ``TRIBUTARY_EXECUTOR`` (default ``in_process``)."""
    name = os.environ.get("TRIBUTARY_EXECUTOR", "in_process") or "in_process"
    if name == "in_process":
        return dg.in_process_executor
    if name == "celery":
        from dagster_celery import celery_executor

        if not os.environ.get(BROKER_ENV):
            raise ValueError(
                f"TRIBUTARY_EXECUTOR=celery needs {BROKER_ENV}, the broker URL "
                "(e.g. pyamqp://guest:guest@127.0.0.1:5672//)"
            )
        return celery_executor.configured(
            {"broker": {"env": BROKER_ENV}, "backend": "rpc://"}, name="celery"
        )
    raise ValueError(f"TRIBUTARY_EXECUTOR={name!r} is not one of {', '.join(EXECUTORS)}")
