"""Child processes that never outlive the process that started them."""

from __future__ import annotations

import os
import signal
import sys


def die_with_parent(signum: int = signal.SIGKILL, parent: int | None = None) -> None:
    """Ask Linux to send `signum` to this process when its parent dies, even by SIGKILL.

    Call it in a worker's initializer (or a child's preexec function): a killed pipeline then
    leaves no worker behind holding memory, CPU or a DuckDB lock. A no-op elsewhere.

    ``parent``: the pid that started this process. A spawned worker spends seconds importing
    before its initializer runs; if the parent died meanwhile, no signal will ever come, so
    the worker exits at once instead of running on as an orphan.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, int(signum))
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def dbt_with_parent() -> None:
    """Console script ``tributary-dbt``: dbt, bound to the process that started it.

    dagster-dbt starts dbt as a plain subprocess; if the run's process is killed, that dbt
    would go on as an orphan holding DuckDB's write lock. This sets the parent-death signal
    (kept across exec) and becomes the dbt beside this Python.
    """
    from pathlib import Path

    die_with_parent(parent=os.getppid())
    dbt = Path(sys.executable).parent / "dbt"
    os.execv(dbt, [str(dbt), *sys.argv[1:]])
