"""The folder connection: one ``<piece>.csv`` or ``<piece>.parquet`` per piece in a folder.

Files are read as text, every cell a string, so that parsing and rejection happen in one place
(tributary.validation) whatever the file format.
"""

from __future__ import annotations

import csv
import hashlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tributary.contract import PIECES, REQUIRED_PIECES

SUFFIXES = (".csv", ".parquet")


class UnreadableFile(Exception):
    """A file that cannot be read at all; the account's load fails and keeps its old data."""

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


@dataclass(frozen=True)
class BadLine:
    """A line that could not be split into the header's columns: it becomes a rejected row."""

    row_number: int
    text: str  # the line as written ("" if it could not be recovered)
    reason: str


@dataclass(frozen=True)
class RawTable:
    """One file as strings: the header as written and the data rows."""

    file: str  # name inside the connection folder, e.g. "transactions.csv"
    frame: pd.DataFrame
    # Row number a person sees for the first data row: line 2 of a CSV, row 1 of Parquet.
    first_row_number: int
    # Row number of each row of ``frame`` where rows were skipped (blank or bad lines);
    # None means consecutive from ``first_row_number``.
    row_numbers: np.ndarray | None = None
    # Lines that could not be read as rows; each becomes a rejected row.
    bad_lines: tuple[BadLine, ...] = ()

    def numbers(self) -> np.ndarray:
        """The row number of each row of ``frame``."""
        if self.row_numbers is not None:
            return np.asarray(self.row_numbers, dtype="int64")
        return np.arange(len(self.frame), dtype="int64") + self.first_row_number


def find_piece_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Map each piece present in ``folder`` to its file; also return names we do not know."""
    if not folder.is_dir():
        raise UnreadableFile(str(folder), "connection folder does not exist")
    found: dict[str, Path] = {}
    unknown: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if suffix not in SUFFIXES:
            unknown.append(path.name)
            continue
        if stem not in PIECES:
            unknown.append(path.name)
            continue
        if stem in found:
            raise UnreadableFile(
                path.name, f"both {found[stem].name} and {path.name} are present; keep one"
            )
        found[stem] = path
    for piece in REQUIRED_PIECES:
        if piece not in found:
            raise UnreadableFile(
                f"{piece}.csv",
                f"required file missing from {folder} (expected {piece}.csv or {piece}.parquet)",
            )
    return found, unknown


def fingerprint(paths: list[Path]) -> str:
    """A content hash of the given files, used as the load id: same input, same id."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_HEADER_LENGTH = "Length of header or names does not match"
_LEADING_BLANK_LIMIT = 1000


def _sniff(path: Path) -> tuple[int, str]:
    """Count the blank lines before the header and guess the separator from the header."""
    skip = 0
    first = ""
    with path.open("rb") as handle:
        for raw in handle:
            first = raw.decode("utf-8-sig" if skip == 0 else "utf-8", errors="replace")
            if first.strip() or skip >= _LEADING_BLANK_LIMIT:
                break
            skip += 1
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return skip, (best if counts[best] > 0 else ",")


def _records(path: Path, sep: str, skip: int) -> Iterator[tuple[int, list[str], str]]:
    """Every record after the header as (row number, fields, text as written); slow, exact."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for _ in range(skip):
            handle.readline()
        pending: list[str] = []

        def lines() -> Iterator[str]:
            for line in handle:
                pending.append(line)
                yield line

        reader = csv.reader(lines(), delimiter=sep)
        next(reader, None)  # the header
        pending.clear()
        for number, fields in enumerate(reader, start=skip + 2):
            yield number, fields, "".join(pending).rstrip("\r\n")
            pending.clear()


def _wrong_fields(expected: int, saw: int) -> str:
    return f"wrong number of fields: expected {expected}, saw {saw}"


def _read_exactly(path: Path, sep: str, skip: int, headers: list[str]) -> RawTable:
    """Read every record with Python's csv module: for files pandas cannot number exactly."""
    width = len(headers)
    rows: list[list[str]] = []
    numbers: list[int] = []
    bad: list[BadLine] = []
    for number, fields, text in _records(path, sep, skip):
        if len(fields) > width:
            bad.append(BadLine(number, text, _wrong_fields(width, len(fields))))
            continue
        rows.append(fields + [""] * (width - len(fields)))
        numbers.append(number)
    frame = pd.DataFrame(rows, columns=range(width), dtype="string[pyarrow]")
    if not rows:
        frame = frame.astype("string[pyarrow]")
    frame.columns = headers
    return RawTable(
        path.name,
        frame,
        first_row_number=skip + 2,
        row_numbers=np.array(numbers, dtype="int64"),
        bad_lines=tuple(bad),
    )


def _drop_blank_rows(table: RawTable) -> RawTable:
    """Drop rows whose cells are all empty (blank lines), keeping every other row's number."""
    frame = table.frame
    if frame.empty or not len(frame.columns):
        return table
    blank = (frame.iloc[:, 0].str.strip().str.len() == 0).to_numpy(dtype=bool)
    if not blank.any():
        return table
    candidates = np.flatnonzero(blank)
    rest = frame.iloc[candidates, 1:]
    for column in range(rest.shape[1]):
        empty = (rest.iloc[:, column].str.strip().str.len() == 0).to_numpy(dtype=bool)
        blank[candidates[~empty]] = False
    keep = ~blank
    return RawTable(
        table.file,
        frame[keep].reset_index(drop=True),
        table.first_row_number,
        row_numbers=table.numbers()[keep],
        bad_lines=table.bad_lines,
    )


def read_csv(path: Path) -> RawTable:
    """Read a CSV file as strings. UTF-8 (with or without BOM); separator , ; tab or |.

    Row numbers are the file's: blank lines are skipped but counted, and a line with more
    fields than the header becomes a bad line (a rejected row) instead of failing the file.
    """
    try:
        skip, sep = _sniff(path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                # Arrow-backed strings: trimming and measuring a million cells is ~10x faster.
                dtype="string[pyarrow]",
                keep_default_na=False,
                na_filter=False,
                encoding="utf-8-sig",
                sep=sep,
                skiprows=skip,
                # Blank lines are kept so that rows keep their line numbers; dropped below.
                skip_blank_lines=False,
                # Never take the first column as an index when lines have a field too many.
                index_col=False,
                on_bad_lines="warn",
            )
        headers = [str(c) for c in frame.columns]
        if not headers or all(not h.strip() or h.startswith("Unnamed:") for h in headers):
            raise UnreadableFile(path.name, "empty header row")
        messages = [str(w.message) for w in caught]
        if any(_HEADER_LENGTH in m for m in messages):
            # The first row has more fields than the header: pandas would then take that
            # row's width as the norm, so read this (rare) file the slow, exact way.
            table = _read_exactly(path, sep, skip, headers)
        else:
            table = _with_bad_lines(path, sep, skip, frame, messages)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            path.name, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFile(path.name, "empty file: no header row") from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise UnreadableFile(path.name, f"malformed CSV: {exc}") from exc
    return _drop_blank_rows(table)


def _with_bad_lines(
    path: Path, sep: str, skip: int, frame: pd.DataFrame, messages: list[str]
) -> RawTable:
    """The rows pandas read plus the lines it skipped, each with its row number."""
    first = skip + 2
    skipped = {
        int(m.group(1)): (int(m.group(2)), int(m.group(3)))
        for message in messages
        for m in _BAD_LINE.finditer(message)
    }
    if not skipped:
        return RawTable(path.name, frame, first_row_number=first)
    numbers = np.arange(first, first + len(frame) + len(skipped), dtype="int64")
    numbers = numbers[~np.isin(numbers, np.fromiter(skipped, dtype="int64"))]
    texts: dict[int, str] = {}
    last = max(skipped)
    for number, _, text in _records(path, sep, skip):
        if number in skipped:
            texts[number] = text
        if number >= last:
            break
    bad = tuple(
        BadLine(number, texts.get(number, ""), _wrong_fields(expected, saw))
        for number, (expected, saw) in sorted(skipped.items())
    )
    return RawTable(path.name, frame, first, row_numbers=numbers, bad_lines=bad)


def read_parquet(path: Path) -> RawTable:
    """Read a Parquet file and turn every column into text, as if it had been a CSV."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise UnreadableFile(path.name, f"not a readable Parquet file: {exc}") from exc
    return table_as_text(table, path.name)


def table_as_text(table: pa.Table, name: str) -> RawTable:
    """Every column of an Arrow table as text (dates ISO, nulls empty), row numbers from 1."""
    columns = {}
    for column_name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_timestamp(column.type):
            column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
        elif pa.types.is_date(column.type):
            column = pc.strftime(column, format="%Y-%m-%d")
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise UnreadableFile(
                name,
                f"column '{column_name}' has type {column.type}, which cannot be read as text",
            ) from exc
        columns[column_name] = pd.Series(
            pd.arrays.ArrowStringArray(pc.fill_null(text, "").combine_chunks())
        )
    if not columns:
        raise UnreadableFile(name, "no columns")
    return RawTable(name, pd.DataFrame(columns), first_row_number=1)


def read_piece_file(path: Path) -> RawTable:
    if path.suffix.lower() == ".parquet":
        return read_parquet(path)
    return read_csv(path)


def folder_signature(folder: Path) -> str | None:
    """A cheap fingerprint of a connection folder (names, sizes, modification times).

    Changes whenever a piece file is added, removed or rewritten; None when the folder is gone.
    """
    if not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]
