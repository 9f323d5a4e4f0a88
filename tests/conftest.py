"""How the suite splits over both cores (``pytest -n 2 --dist loadgroup``, see tasks.py).

Each test module runs whole on one worker (its module fixtures, often a full pipeline run, are
built once), and the modules that talk to the shared servers (PostgreSQL, MariaDB, RabbitMQ)
run on one worker together, one after another, so that they never race on roles or queues.
"""

from __future__ import annotations

import pytest

SERVER_MODULES = {
    "test_celery",
    "test_dagster_postgres",
    "test_database_connector",
    "test_publish",
    "test_publish_pipeline",
    "test_source_failures",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else "other"
        group = "servers" if module in SERVER_MODULES else module
        item.add_marker(pytest.mark.xdist_group(group))
