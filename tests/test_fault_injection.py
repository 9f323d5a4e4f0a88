"""A load killed while it writes leaves the previous data whole (a real SIGKILL, no mocks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from tributary.config import Account, Config, Connection, Home, Master
from tributary.lake import Lake
from tributary.loading import load_account

ROOT = Path(__file__).resolve().parents[1]

LOAD_SCRIPT = """
import sys
from tributary.config import Home
from tributary.loading import load_account
home = Home.resolve(sys.argv[1])
load_account(home, home.load(), "big", force=True)
"""


def test_a_load_killed_mid_write_keeps_the_previous_data(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from load import generate  # the benchmark's generator: a real 300k-line account

    folder = tmp_path / "data" / "big"
    folder.mkdir(parents=True)
    home = Home(tmp_path)
    config = Config(
        master=Master(),
        accounts=[
            Account("big", "Big", "USD", Connection(path="data/big", date_format="%m/%d/%Y"))
        ],
    )
    home.save(config)
    (folder / "transactions.csv").write_text("date,item_code,qty_sold\n01/01/2024,OLD,1\n")
    load_account(home, config, "big")
    lake = Lake(home.lake)
    before = lake.read("transactions", "big")
    assert before["item_code"].tolist() == ["OLD"]

    generate(folder, 300_000)
    process = subprocess.Popen(
        [sys.executable, "-c", LOAD_SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    staging = home.lake / ".staging"
    deadline = time.monotonic() + 120
    killed_while_writing = False
    while time.monotonic() < deadline and process.poll() is None:
        if staging.exists() and any(staging.iterdir()):
            process.send_signal(signal.SIGKILL)
            killed_while_writing = True
            break
        time.sleep(0.002)
    process.wait(timeout=30)
    assert killed_while_writing, "the load finished before it could be killed mid-write"

    # The half-written load is invisible: every table still holds the previous load.
    pd.testing.assert_frame_equal(before, lake.read("transactions", "big"))
    assert lake.status("big").rows_loaded == 1
    assert lake.has_data("big")

    # The next load cleans up after the dead one and lands whole.
    report = load_account(home, config, "big")
    assert report.rows_loaded + report.rows_rejected == 300_000
    assert not staging.exists() or not any(staging.iterdir())
