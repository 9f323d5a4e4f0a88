"""A scope step's results kept on disk under a digest of everything they are computed from.

A nightly run in which a child's input did not change reuses that child's forecast and KPIs
instead of computing them again; any change to the input rows, the settings or the code gives
another digest, so a stale result is never read. The digest of warehouse rows is taken in
DuckDB (a sum of row hashes: order-independent and counting duplicates), so a scope of millions
of lines is never held in pandas to be hashed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd


class InputDigest:
    """A running SHA-256 over the inputs of one scope's step."""

    def __init__(self, name: str) -> None:
        self._hash = hashlib.sha256(name.encode())

    def add_text(self, text: str) -> InputDigest:
        self._hash.update(len(text).to_bytes(8, "little"))
        self._hash.update(text.encode())
        return self

    def add_frame(self, frame: pd.DataFrame) -> InputDigest:
        """The frame's columns and rows, in their order."""
        self.add_text(",".join(map(str, frame.columns)))
        self._hash.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        return self

    def add_query(
        self, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
    ) -> InputDigest:
        """The multiset of rows a query returns (the query's text included), hashed in DuckDB."""
        rows, total = con.execute(
            f"select count(*), coalesce(sum(hash(q)), 0) from ({sql}) as q", list(params)
        ).fetchone()
        return self.add_text(f"{sql}|{list(params)}|{rows}|{total}")

    def add_files(self, paths: Iterable[Path]) -> InputDigest:
        for path in paths:
            self.add_text(path.name)
            self._hash.update(path.read_bytes())
        return self

    def hexdigest(self) -> str:
        return self._hash.hexdigest()[:16]


class ScopeCache:
    """Frames per scope and digest under ``root/account=<scope>/<digest>/<name>.parquet``; only
    the newest digest of a scope is kept."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, scope: str, digest: str) -> Path:
        return self.root / f"account={scope}" / digest

    def get(self, scope: str, digest: str, names: Sequence[str]) -> dict[str, pd.DataFrame] | None:
        """The frames stored under this digest, or None when there are none."""
        folder = self._folder(scope, digest)
        paths = {name: folder / f"{name}.parquet" for name in names}
        if not all(path.exists() for path in paths.values()):
            return None
        return {name: pd.read_parquet(path) for name, path in paths.items()}

    def put(self, scope: str, digest: str, frames: Mapping[str, pd.DataFrame]) -> None:
        """Store the frames under this digest (whole or not at all) and drop older digests."""
        folder = self._folder(scope, digest)
        staging = folder.with_name(f"{digest}.tmp-{os.getpid()}")
        staging.mkdir(parents=True, exist_ok=True)
        for name, frame in frames.items():
            frame.to_parquet(staging / f"{name}.parquet")
        shutil.rmtree(folder, ignore_errors=True)
        for old in folder.parent.iterdir():  # earlier inputs' results are of no more use
            if old != staging:
                shutil.rmtree(old, ignore_errors=True)
        staging.rename(folder)
