"""Turn one raw piece (text) into typed contract rows plus the rows it rejects.

Order of work, each step only on the rows that survived the previous one:

1. headers matched to contract columns (explicit column map, then the document's spellings);
2. text parsed into numbers, dates and booleans; a cell that does not parse, or a number beyond
   the plausible range (``max_abs_value``), rejects its row;
3. the pandera schema of the piece: required values, ranges, allowed words, two-column rules;
4. duplicate keys: the first row wins, the rest are rejected (``duplicate key``);
5. loops in BOM and substitutions reject the rows of the loop, naming it.

Every rejection is kept with file, row number, column, value and reason. A piece without a key
(transactions, open orders) has no rule that compares rows, so a large file of one is validated
in slices (``validate_in_slices``): the step holds one slice's working columns at a time and the
accepted rows as Arrow, a fraction of their pandas size.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from tributary.config import check_date_format
from tributary.connectors.folder import RawTable, UnreadableFile, read_piece_file
from tributary.contract import (
    MAX_ABS_VALUE,
    Piece,
    arrow_schema,
    arrow_table,
    category_list_column,
    normalize_header,
)
from tributary.graph import loop_edges
from tributary.schemas import failing_rows

TRUE_WORDS = {"1", "true", "yes"}
FALSE_WORDS = {"0", "false", "no"}
ISO_FORMAT = "ISO8601"
# Dates are held to the second, not the nanosecond, so that 9999-12-31 ("never expires") and
# other dates after 2262 fit.
DATE_DTYPE = "datetime64[s]"

# Pieces whose rows may form loops (step 5).
LOOP_PIECES = ("bom", "substitutions")

REJECTED_COLUMNS = ["piece", "source_file", "row_number", "column_name", "value", "reason"]


@dataclass
class HeaderMap:
    columns: dict[str, str] = field(default_factory=dict)  # raw header -> contract column
    categories: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)  # raw header -> attribute name
    unknown: list[str] = field(default_factory=list)


@dataclass
class PieceResult:
    piece: str
    source_file: str
    # Accepted rows in the lake's shape; an Arrow table in the lake's schema when validated in
    # slices (validate_in_slices).
    frame: pd.DataFrame | pa.Table
    rejected: pd.DataFrame  # REJECTED_COLUMNS
    rows_read: int
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return int(self.rejected["row_number"].nunique()) if len(self.rejected) else 0


def _compact(name: str) -> str:
    return name.replace("_", "")


def map_headers(
    piece: Piece, headers: list[str], column_map: dict[str, str], file: str
) -> HeaderMap:
    """Match each header to a contract column; fail the file on clashes or missing columns.

    Lookup order: the connection's column map, the header normalised (``"Qty sold"`` ->
    ``qty_sold``) or one of the document's spellings, then the same without separators
    (``"QtySold"`` -> ``qtysold`` -> ``qty_sold``).
    """
    explicit = {normalize_header(k): v for k, v in column_map.items()}
    category_pattern = {group: re.compile(rf"^{group}_(\d+)$") for group in piece.category_groups}
    compact_category = {
        group: re.compile(rf"^{_compact(group)}(\d+)$") for group in piece.category_groups
    }
    compact = {_compact(alias): target for alias, target in piece.aliases.items()}
    compact.update({_compact(name): name for name in piece.column_names})
    result = HeaderMap()
    owner: dict[str, str] = {}

    def claim(target: str, header: str) -> None:
        if target in owner:
            raise UnreadableFile(
                file,
                f"headers '{owner[target]}' and '{header}' both map to column "
                f"'{target}'; keep one or map one elsewhere in the connection's columns",
            )
        owner[target] = header
        result.columns[header] = target

    def category(name: str, patterns: dict[str, re.Pattern[str]], header: str) -> bool:
        for group, pattern in patterns.items():
            found = pattern.match(name)
            if found:
                result.categories.setdefault(group, []).append((int(found.group(1)), header))
                return True
        return False

    for header in headers:
        target = column_map.get(header) or explicit.get(normalize_header(header))
        if target is None:
            target = normalize_header(header)
            target = piece.aliases.get(target, target)
        if target in piece.column_names:
            claim(target, header)
            continue
        if category(target, category_pattern, header):
            continue
        if piece.keeps_info and target.startswith("info_"):
            result.info[header] = target[len("info_") :]
            continue
        squeezed = _compact(target)
        if squeezed in compact:
            target = compact[squeezed]
            if target in piece.column_names:
                claim(target, header)
                continue
            if category(target, category_pattern, header):
                continue
        if category(squeezed, compact_category, header):
            continue
        result.unknown.append(header)
    missing = [c.name for c in piece.columns if c.required and c.name not in owner]
    if missing:
        raise UnreadableFile(
            file,
            f"required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing "
            f"(headers found: {', '.join(headers)})",
        )
    return result


def _blank(text: pd.Series) -> pd.Series:
    return text.str.len() == 0


def parse_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (values, bad) where bad marks non-empty cells that are not finite numbers."""
    blank = _blank(text)
    parsed = pd.to_numeric(text.where(~blank), errors="coerce")
    values = pd.Series(
        pd.array(parsed, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan),
        index=text.index,
    )
    bad = ~blank & ~np.isfinite(values)
    return values.where(~bad), bad


def parse_booleans(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    lowered = text.str.lower()
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[lowered.isin(TRUE_WORDS)] = True
    values[lowered.isin(FALSE_WORDS)] = False
    bad = ~_blank(text) & values.isna()
    return values, bad


def check_date_format_usable(date_format: str | None) -> None:
    """Raise ValueError naming ``date_format`` unless it is a strptime format that works."""
    if not date_format or date_format == ISO_FORMAT:
        return
    try:
        check_date_format(date_format)
    except ValueError as exc:
        raise ValueError(
            f"date_format '{date_format}' is not a usable strptime format ({exc}); "
            "use codes such as %d.%m.%Y or %m/%d/%Y"
        ) from exc


def _python_date(value: str, date_format: str | None) -> np.datetime64:
    """One text as a day with Python's parser (ISO 8601 with offsets, years up to 9999)."""
    try:
        if date_format and date_format != ISO_FORMAT:
            parsed = datetime.strptime(value, date_format)
        else:
            parsed = datetime.fromisoformat(value)
    except (ValueError, TypeError, OverflowError):
        return np.datetime64("NaT", "s")
    # The date as written: an offset is dropped, never converted (a day is the shortest period).
    return np.datetime64(parsed.date(), "D").astype(DATE_DTYPE)


def _parse_distinct(values: np.ndarray, date_format: str | None) -> np.ndarray:
    """Distinct non-empty texts as days (``DATE_DTYPE``; NaT where a text is not a date).

    pandas parses them all at once; texts it cannot handle (mixed UTC offsets, years after
    2262) are tried one at a time with Python.
    """
    days = np.full(len(values), np.datetime64("NaT"), dtype=DATE_DTYPE)
    if not len(values):
        return days
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(
                pd.Series(values, dtype=object), format=date_format or ISO_FORMAT, errors="coerce"
            )
    except (ValueError, TypeError, OverflowError):  # e.g. mixed UTC offsets in newer pandas
        parsed = None
    if parsed is not None and isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)  # keep the local time as written
    if parsed is not None and np.issubdtype(parsed.dtype, np.datetime64):
        as_days = parsed.to_numpy().astype("datetime64[D]")  # floors: the time is dropped
        days = as_days.astype(DATE_DTYPE)
    todo = np.flatnonzero(np.isnat(days))
    for position in todo:
        days[position] = _python_date(str(values[position]), date_format)
    return days


def parse_dates(text: pd.Series, date_format: str | None) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct text once (dates repeat a lot); the time of day is dropped.

    Returns (values as ``DATE_DTYPE``, bad) where bad marks non-empty cells that are not dates.
    Raises ValueError if ``date_format`` itself is not a usable format.
    """
    check_date_format_usable(date_format)
    blank = _blank(text).to_numpy(dtype=bool, na_value=True)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    filled = np.array([u if isinstance(u, str) and u else "" for u in uniques], dtype=object)
    wanted = np.flatnonzero(filled != "")
    lookup = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype=DATE_DTYPE)  # last: NA
    lookup[wanted] = _parse_distinct(filled[wanted], date_format)
    values = pd.Series(lookup[codes], index=text.index)
    bad = pd.Series(~blank & np.isnat(values.to_numpy()), index=text.index)
    return values, bad


def _type_reason(type_: str, date_format: str | None) -> str:
    if type_ == "date":
        return f"not a date (expected {date_format or 'ISO 8601, e.g. 2024-03-31'})"
    if type_ == "bool":
        return "not a boolean (use 1/true/yes or 0/false/no)"
    if type_ == "int":
        return "not a whole number"
    return "not a number"


def validate_piece(
    piece: Piece,
    raw: RawTable,
    column_map: dict[str, str] | None = None,
    date_format: str | None = None,
    max_abs_value: float = MAX_ABS_VALUE,
) -> PieceResult:
    """Parse and validate one raw file of ``piece``; see the module docstring for the rules.

    A number beyond ``max_abs_value`` (either sign) rejects its row: no real quantity, price or
    stock is that large, and one such value would swamp every sum and forecast downstream.
    """
    header_map, text, notes = _mapped_text(piece, raw, column_map, date_format)  # step 1
    row_numbers = pd.Series(raw.numbers(), index=text.index)
    problems: list[pd.DataFrame] = []
    typed = _typed_columns(piece, text, date_format, max_abs_value, problems)  # step 2
    rejected_index = pd.Index(pd.concat(problems)["index"].unique()) if problems else pd.Index([])
    survivors = typed.drop(index=rejected_index)
    survivors = _check_schema(piece, survivors, text, problems)  # step 3
    survivors = _drop_duplicate_keys(piece, survivors, problems)  # step 4
    survivors = _drop_loops(piece, survivors, problems)  # step 5
    frame = _lake_shape(piece, survivors, text, header_map, raw.file, row_numbers)
    rejected = _rejected_rows(piece, raw, problems, row_numbers)
    rows_read = len(text) + len(raw.bad_lines)
    return PieceResult(piece.name, raw.file, frame, rejected, rows_read, notes)


# Rows per slice of validate_in_slices: about 0.1 GB of working columns for transactions.
SLICE_ROWS = 250_000


def validate_in_slices(
    piece: Piece,
    raw: RawTable,
    column_map: dict[str, str] | None = None,
    date_format: str | None = None,
    max_abs_value: float = MAX_ABS_VALUE,
    rows: int = SLICE_ROWS,
) -> PieceResult:
    """validate_piece on ``rows`` rows at a time, for a piece whose rules never compare rows.

    The result is the one validate_piece gives on the whole file, except that the accepted rows
    are an Arrow table in the lake's schema: parsed columns of millions of rows, several times
    the size of the text, are never all held in pandas at once.
    """
    if piece.key or piece.name in LOOP_PIECES:
        raise ValueError(f"{piece.name} has rules across rows: validate it whole")
    schema = arrow_schema(piece)
    numbers = raw.numbers()
    accepted: list[pa.Table] = []
    rejected: list[pd.DataFrame] = []
    notes: list[str] = []
    rows_read = 0
    for start in range(0, max(len(raw.frame), 1), rows):
        part = RawTable(
            raw.file,
            raw.frame.iloc[start : start + rows].reset_index(drop=True),
            raw.first_row_number,
            row_numbers=numbers[start : start + rows],
            bad_lines=raw.bad_lines if start == 0 else (),  # rejected once, sorted in below
        )
        result = validate_piece(piece, part, column_map, date_format, max_abs_value)
        notes = notes or result.warnings  # about the headers: the same for every slice
        accepted.append(arrow_table(result.frame, schema))
        rejected.append(result.rejected)
        rows_read += result.rows_read
        del part, result  # one slice's frames at a time
    found = [r for r in rejected if len(r)]
    all_rejected = _in_row_order(pd.concat(found, ignore_index=True)) if found else rejected[0]
    return PieceResult(
        piece.name, raw.file, pa.concat_tables(accepted), all_rejected, rows_read, notes
    )


def validate_whole_file(
    piece: Piece, path: Path, error: type[Exception], unreadable: str, rejected: str
) -> PieceResult:
    """Read and validate a master's file in which one bad row fails the whole file.

    Raises ``error``: "<unreadable>: <why>" when the file cannot be read, "<rejected>: N row(s)
    rejected: <the first ten, with their reasons>" when any row is rejected.
    """
    try:
        result = validate_piece(piece, read_piece_file(path))
    except UnreadableFile as exc:
        raise error(f"{unreadable}: {exc}") from exc
    if len(result.rejected):
        problems = "; ".join(
            f"row {r.row_number} {r.column_name} '{r.value}': {r.reason}"
            for r in result.rejected.head(10).itertuples()
        )
        raise error(f"{rejected}: {result.rows_rejected} row(s) rejected: {problems}")
    return result


def _mapped_text(
    piece: Piece, raw: RawTable, column_map: dict[str, str] | None, date_format: str | None
) -> tuple[HeaderMap, pd.DataFrame, list[str]]:
    """Step 1: the raw text under contract column names (stripped), and the warnings."""
    headers = [str(h) for h in raw.frame.columns]
    header_map = map_headers(piece, headers, column_map or {}, raw.file)
    if any(c.type == "date" for c in piece.columns):
        try:
            check_date_format_usable(date_format)
        except ValueError as exc:
            raise UnreadableFile(raw.file, f"the connection's {exc}") from exc
    text = raw.frame.rename(columns=header_map.columns)
    for header in list(header_map.columns.values()):
        text[header] = text[header].astype("string[pyarrow]").str.strip()
    notes = []
    if header_map.unknown:
        notes.append(
            f"{raw.file}: unknown column{'s' if len(header_map.unknown) > 1 else ''} ignored: "
            f"{', '.join(header_map.unknown)} (map them in the connection's columns if needed)"
        )
    return header_map, text, notes


def _problems(
    index: pd.Index, column: str, values: Sequence | pd.Series, reason: str | Sequence
) -> pd.DataFrame:
    """Rejections in the working shape: the text row index, column, value and reason."""
    return pd.DataFrame({"index": index, "column_name": column, "value": values, "reason": reason})


def _typed_columns(
    piece: Piece,
    text: pd.DataFrame,
    date_format: str | None,
    max_abs_value: float,
    problems: list[pd.DataFrame],
) -> pd.DataFrame:
    """Step 2: every contract column parsed from text; cells that do not parse (or are beyond
    ``max_abs_value``) are appended to ``problems``."""
    typed = pd.DataFrame(index=text.index)

    def reject(mask: pd.Series, column: str, reason: str | pd.Series, values: pd.Series) -> None:
        if mask.any():
            reasons = reason[mask].to_numpy() if isinstance(reason, pd.Series) else reason
            index = text.index[mask.to_numpy()]
            problems.append(_problems(index, column, values[mask].to_numpy(), reasons))

    for column in piece.columns:
        if column.name not in text.columns:
            cells = pd.Series("", index=text.index, dtype="string[pyarrow]")
        else:
            cells = text[column.name]
        if column.type == "str":
            typed[column.name] = cells.astype(object).where(~_blank(cells).to_numpy(), None)
        elif column.type == "code":
            typed[column.name] = cells.astype(object)
        elif column.type in ("float", "int"):
            values, bad = parse_numbers(cells)
            if column.type == "int":
                fractional = values.notna() & (values != np.floor(values.fillna(0)))
                bad = bad | fractional
                values = values.where(~fractional)
            implausible = values.abs() > max_abs_value
            values = values.where(~implausible)
            typed[column.name] = values
            reject(bad, column.name, _type_reason(column.type, date_format), cells)
            reject(
                implausible,
                column.name,
                f"beyond the plausible range of +/-{max_abs_value:g} "
                "(accounts.yaml master.load_checks.max_abs_value)",
                cells,
            )
        elif column.type == "bool":
            values, bad = parse_booleans(cells)
            typed[column.name] = values
            reject(bad, column.name, _type_reason("bool", date_format), cells)
        elif column.type == "date":
            values, bad = parse_dates(cells, date_format)
            typed[column.name] = values
            reject(bad, column.name, _type_reason("date", date_format), cells)
    return typed


def _check_schema(
    piece: Piece, survivors: pd.DataFrame, text: pd.DataFrame, problems: list[pd.DataFrame]
) -> pd.DataFrame:
    """Step 3: the pandera schema of the piece; failing rows go to ``problems``."""
    schema_failures = failing_rows(piece.name, survivors)
    if len(schema_failures):
        schema_failures = _name_row_check_columns(piece, schema_failures)
        index = pd.Index(schema_failures["index"])
        values = _display_values(text, schema_failures)
        problems.append(schema_failures.assign(value=values))
        survivors = survivors.drop(index=index.unique())
    return survivors


def _drop_duplicate_keys(
    piece: Piece, survivors: pd.DataFrame, problems: list[pd.DataFrame]
) -> pd.DataFrame:
    """Step 4: the first row of a key wins; the others go to ``problems``."""
    if piece.key and len(survivors):
        duplicated = survivors.duplicated(subset=list(piece.key), keep="first")
        if duplicated.any():
            dupes = survivors[duplicated]
            key_values = dupes[list(piece.key)].astype(str).agg("|".join, axis=1)
            column = "+".join(piece.key)
            problems.append(_problems(dupes.index, column, key_values.to_numpy(), "duplicate key"))
            survivors = survivors[~duplicated]
    return survivors


def _drop_loops(
    piece: Piece, survivors: pd.DataFrame, problems: list[pd.DataFrame]
) -> pd.DataFrame:
    """Step 5: the rows of a BOM or substitution loop go to ``problems``, naming the loop."""
    if piece.name not in LOOP_PIECES or not len(survivors):
        return survivors
    parent, child = (
        ("finished_code", "material_code") if piece.name == "bom" else ("item_code", "target_code")
    )
    label = "BOM loop" if piece.name == "bom" else "substitution loop"
    loops = loop_edges(list(zip(survivors[parent], survivors[child], strict=True)))
    if not loops:
        return survivors
    in_loop = pd.Series(
        [loops.get((p, c)) for p, c in zip(survivors[parent], survivors[child], strict=True)],
        index=survivors.index,
    )
    mask = in_loop.notna()
    problems.append(
        _problems(
            survivors.index[mask.to_numpy()],
            f"{parent}+{child}",
            (survivors[parent] + "|" + survivors[child])[mask].to_numpy(),
            (f"{label}: " + in_loop[mask]).to_numpy(),
        )
    )
    return survivors[~mask]


def _rejected_rows(
    piece: Piece, raw: RawTable, problems: list[pd.DataFrame], row_numbers: pd.Series
) -> pd.DataFrame:
    """Every rejection (and every line that did not split) as REJECTED_COLUMNS, in row order."""
    if problems:
        rejected = pd.concat(problems, ignore_index=True).drop_duplicates(
            subset=["index", "column_name", "reason"]
        )
        rejected = rejected.assign(
            piece=piece.name,
            source_file=raw.file,
            row_number=row_numbers.loc[rejected["index"]].to_numpy(),
            value=rejected["value"].astype(str),
        )[REJECTED_COLUMNS]
    else:
        rejected = pd.DataFrame({c: [] for c in REJECTED_COLUMNS})
    if raw.bad_lines:  # lines that could not be split into the header's columns
        bad = pd.DataFrame(
            {
                "piece": piece.name,
                "source_file": raw.file,
                "row_number": [line.row_number for line in raw.bad_lines],
                "column_name": "",
                "value": [line.text for line in raw.bad_lines],
                "reason": [line.reason for line in raw.bad_lines],
            }
        )
        rejected = pd.concat([rejected, bad], ignore_index=True) if len(rejected) else bad
        rejected["row_number"] = rejected["row_number"].astype("int64")
    return _in_row_order(rejected) if len(rejected) else rejected


def _in_row_order(rejected: pd.DataFrame) -> pd.DataFrame:
    """Rejections by row number then column; a row's several reasons keep their order."""
    rejected = rejected.sort_values(["row_number", "column_name"], kind="stable")
    return rejected.reset_index(drop=True)


_ROW_CHECK_COLUMNS = {
    "delivery_date or sendout_date is required": "delivery_date",
    "end_date is before start_date": "end_date",
}


def _name_row_check_columns(piece: Piece, failures: pd.DataFrame) -> pd.DataFrame:
    named = failures["reason"].map(_ROW_CHECK_COLUMNS)
    failures = failures.copy()
    failures["column_name"] = named.fillna(failures["column_name"])
    failures.loc[~failures["column_name"].isin(piece.column_names), "column_name"] = ""
    return failures


def _display_values(text: pd.DataFrame, failures: pd.DataFrame) -> list[str]:
    values = []
    for index, column in zip(failures["index"], failures["column_name"], strict=True):
        values.append(str(text.at[index, column]) if column in text.columns else "")
    return values


def _categories(text: pd.DataFrame, headers: list[tuple[int, str]]) -> pd.Series:
    """Numbered category columns into one list per row; empty levels at the end dropped."""
    ordered = [h for _, h in sorted(headers)]
    rows = text[ordered].to_numpy().tolist()
    lists = []
    for row in rows:
        while row and row[-1] == "":
            row = row[:-1]
        lists.append(row)
    return pd.Series(lists, index=text.index, dtype=object)


def _lake_shape(
    piece: Piece,
    survivors: pd.DataFrame,
    text: pd.DataFrame,
    header_map: HeaderMap,
    file: str,
    row_numbers: pd.Series,
) -> pd.DataFrame:
    frame = survivors.copy()
    kept = text.loc[survivors.index]
    for c in piece.columns:
        if c.type == "date":
            frame[c.name] = frame[c.name].dt.date
        elif c.type == "int":
            frame[c.name] = frame[c.name].astype("Int64")
    for group in piece.category_groups:
        headers = header_map.categories.get(group, [])
        if headers:  # without category columns the list stays null
            frame[category_list_column(group)] = _categories(kept, headers)
    if piece.keeps_info:
        if header_map.info:
            info = kept[list(header_map.info)].rename(columns=header_map.info)
            frame["attributes"] = [
                json.dumps({k: v for k, v in row.items() if v != ""}, sort_keys=True)
                for row in info.to_dict("records")
            ]
        else:
            frame["attributes"] = "{}"
    frame["source_file"] = file
    frame["source_row"] = row_numbers.loc[survivors.index].to_numpy()
    return frame.reset_index(drop=True)
