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


# First, so that xdist (which turns the mark into a node-id suffix in its own hook) sees it.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else "other"
        group = "servers" if module in SERVER_MODULES else module
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    # xdist marks a grouped test by a suffix on its node id; a pytest that ignores the suffix
    # (9.2 with xdist 3.8) spreads every module over both workers and builds each fixture twice.
    if session.config.getoption("loadgroup", False) and session.items:
        if not any("@" in item.nodeid for item in session.items):
            raise pytest.UsageError(
                "--dist loadgroup: xdist could not group the tests by module with this pytest "
                f"({pytest.__version__}); install the versions in requirements.lock"
            )
