"""Child processes that never outlive the process that started them."""

from __future__ import annotations

import signal
import sys


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Ask Linux to send `signum` to this process when its parent dies, even by SIGKILL.

    Call it in a worker's initializer (or a child's preexec function): a killed pipeline then
    leaves no worker behind holding memory, CPU or a DuckDB lock. A no-op elsewhere.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, int(signum))
