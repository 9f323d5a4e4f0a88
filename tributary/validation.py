"""Turn one raw piece (text) into typed contract rows plus the rows it rejects.

Order of work, each step only on the rows that survived the previous one:

1. headers matched to contract columns (explicit column map, then the document's spellings);
2. text parsed into numbers, dates and booleans; a cell that does not parse rejects its row;
3. the pandera schema of the piece: required values, ranges, allowed words, two-column rules;
4. duplicate keys: the first row wins, the rest are rejected (``duplicate key``);
5. loops in BOM and substitutions reject the rows of the loop, naming it.

Every rejection is kept with file, row number, column, value and reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tributary.connectors.folder import RawTable, UnreadableFile
from tributary.contract import Piece, category_list_column, normalize_header
from tributary.graph import loop_edges
from tributary.schemas import failing_rows

TRUE_WORDS = {"1", "true", "yes"}
FALSE_WORDS = {"0", "false", "no"}
ISO_FORMAT = "ISO8601"

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
    frame: pd.DataFrame  # accepted rows in the lake's shape
    rejected: pd.DataFrame  # REJECTED_COLUMNS
    rows_read: int
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return int(self.rejected["row_number"].nunique()) if len(self.rejected) else 0


def map_headers(
    piece: Piece, headers: list[str], column_map: dict[str, str], file: str
) -> HeaderMap:
    """Match each header to a contract column; fail the file on clashes or missing columns."""
    explicit = {normalize_header(k): v for k, v in column_map.items()}
    category_pattern = {group: re.compile(rf"^{group}_(\d+)$") for group in piece.category_groups}
    result = HeaderMap()
    owner: dict[str, str] = {}
    for header in headers:
        target = column_map.get(header) or explicit.get(normalize_header(header))
        if target is None:
            target = normalize_header(header)
            target = piece.aliases.get(target, target)
        if target in piece.column_names:
            if target in owner:
                raise UnreadableFile(
                    file,
                    f"headers '{owner[target]}' and '{header}' both map to column "
                    f"'{target}'; keep one or map one elsewhere in the connection's columns",
                )
            owner[target] = header
            result.columns[header] = target
            continue
        matched = False
        for group, pattern in category_pattern.items():
            found = pattern.match(target)
            if found:
                result.categories.setdefault(group, []).append((int(found.group(1)), header))
                matched = True
                break
        if matched:
            continue
        if piece.keeps_info and target.startswith("info_"):
            result.info[header] = target[len("info_") :]
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


def parse_dates(text: pd.Series, date_format: str | None) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct text once (dates repeat a lot); the time of day is dropped."""
    distinct = pd.Series(text[~_blank(text)].unique())
    fmt = date_format or ISO_FORMAT
    try:
        parsed = pd.to_datetime(distinct, format=fmt, errors="coerce")
    except (ValueError, TypeError):  # mixed time zones and the like: one at a time
        parsed = pd.Series(
            [pd.to_datetime(v, format=fmt, errors="coerce") for v in distinct], dtype=object
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    lookup = pd.Series(pd.to_datetime(parsed).dt.normalize().to_numpy(), index=distinct.to_numpy())
    values = text.map(lookup)
    values = pd.to_datetime(values).astype("datetime64[ns]")
    bad = ~_blank(text) & values.isna()
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
) -> PieceResult:
    """Parse and validate one raw file of ``piece``; see the module docstring for the rules."""
    headers = [str(h) for h in raw.frame.columns]
    header_map = map_headers(piece, headers, column_map or {}, raw.file)
    text = raw.frame.rename(columns=header_map.columns)
    for header in list(header_map.columns.values()):
        text[header] = text[header].astype("string[pyarrow]").str.strip()
    row_numbers = pd.Series(
        np.arange(len(text), dtype="int64") + raw.first_row_number, index=text.index
    )
    warnings = []
    if header_map.unknown:
        warnings.append(
            f"{raw.file}: unknown column{'s' if len(header_map.unknown) > 1 else ''} ignored: "
            f"{', '.join(header_map.unknown)} (map them in the connection's columns if needed)"
        )

    typed = pd.DataFrame(index=text.index)
    problems: list[pd.DataFrame] = []

    def reject(mask: pd.Series, column: str, reason: str | pd.Series, values: pd.Series) -> None:
        if mask.any():
            problems.append(
                pd.DataFrame(
                    {
                        "index": text.index[mask.to_numpy()],
                        "column_name": column,
                        "value": values[mask].to_numpy(),
                        "reason": reason[mask].to_numpy()
                        if isinstance(reason, pd.Series)
                        else reason,
                    }
                )
            )

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
            typed[column.name] = values
            reject(bad, column.name, _type_reason(column.type, date_format), cells)
        elif column.type == "bool":
            values, bad = parse_booleans(cells)
            typed[column.name] = values
            reject(bad, column.name, _type_reason("bool", date_format), cells)
        elif column.type == "date":
            values, bad = parse_dates(cells, date_format)
            typed[column.name] = values
            reject(bad, column.name, _type_reason("date", date_format), cells)

    rejected_index = pd.Index(pd.concat(problems)["index"].unique()) if problems else pd.Index([])
    survivors = typed.drop(index=rejected_index)

    schema_failures = failing_rows(piece.name, survivors)
    if len(schema_failures):
        schema_failures = _name_row_check_columns(piece, schema_failures)
        index = pd.Index(schema_failures["index"])
        values = _display_values(text, schema_failures)
        problems.append(schema_failures.assign(value=values))
        survivors = survivors.drop(index=index.unique())

    if piece.key and len(survivors):
        duplicated = survivors.duplicated(subset=list(piece.key), keep="first")
        if duplicated.any():
            dupes = survivors[duplicated]
            key_values = dupes[list(piece.key)].astype(str).agg("|".join, axis=1)
            problems.append(
                pd.DataFrame(
                    {
                        "index": dupes.index,
                        "column_name": "+".join(piece.key),
                        "value": key_values.to_numpy(),
                        "reason": "duplicate key",
                    }
                )
            )
            survivors = survivors[~duplicated]

    if piece.name in ("bom", "substitutions") and len(survivors):
        parent, child = (
            ("finished_code", "material_code")
            if piece.name == "bom"
            else ("item_code", "target_code")
        )
        label = "BOM loop" if piece.name == "bom" else "substitution loop"
        loops = loop_edges(list(zip(survivors[parent], survivors[child], strict=True)))
        if loops:
            in_loop = pd.Series(
                [
                    loops.get((p, c))
                    for p, c in zip(survivors[parent], survivors[child], strict=True)
                ],
                index=survivors.index,
            )
            mask = in_loop.notna()
            problems.append(
                pd.DataFrame(
                    {
                        "index": survivors.index[mask.to_numpy()],
                        "column_name": f"{parent}+{child}",
                        "value": (survivors[parent] + "|" + survivors[child])[mask].to_numpy(),
                        "reason": (f"{label}: " + in_loop[mask]).to_numpy(),
                    }
                )
            )
            survivors = survivors[~mask]

    frame = _lake_shape(piece, survivors, text, header_map, raw.file, row_numbers)
    if problems:
        rejected = pd.concat(problems, ignore_index=True).drop_duplicates(
            subset=["index", "column_name", "reason"]
        )
        rejected = rejected.assign(
            piece=piece.name,
            source_file=raw.file,
            row_number=row_numbers.loc[rejected["index"]].to_numpy(),
            value=rejected["value"].astype(str),
        ).sort_values(["row_number", "column_name"], kind="stable")[REJECTED_COLUMNS]
        rejected = rejected.reset_index(drop=True)
    else:
        rejected = pd.DataFrame({c: [] for c in REJECTED_COLUMNS})
    return PieceResult(piece.name, raw.file, frame, rejected, len(text), warnings)


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
