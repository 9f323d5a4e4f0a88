"""One pandera schema per piece, built from the contract.

The schemas run on rows whose text already parsed into numbers, dates and booleans (that parsing
is in tributary.validation); they hold what the contract requires of the values: required columns
present, ranges, allowed words, and the rules that span two columns.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from tributary.contract import Piece, piece_named

REQUIRED_MISSING = "required value missing"

_DTYPES = {
    "str": object,
    "code": object,
    "float": "float64",
    "int": "float64",  # whole numbers are checked when parsed; NaN needs a float column
    "bool": "boolean",
    # Seconds, not nanoseconds: dates up to 9999-12-31 fit (see tributary.validation).
    "date": "datetime64[s]",
}


def _check(kind: str, argument: object) -> pa.Check:
    if kind == "ge":
        return pa.Check.ge(argument, error=f"must be at least {argument}")
    if kind == "gt":
        return pa.Check.gt(argument, error=f"must be greater than {argument}")
    if kind == "lt":
        return pa.Check.lt(argument, error=f"must be less than {argument}")
    if kind == "le":
        return pa.Check.le(argument, error=f"must be at most {argument}")
    if kind == "isin":
        allowed = list(argument)  # type: ignore[call-overload]
        return pa.Check.isin(allowed, error=f"must be one of {', '.join(allowed)}")
    raise ValueError(f"unknown check {kind}")


def _row_checks(piece: Piece) -> list[pa.Check]:
    if piece.name == "orders_to_receive":
        return [
            pa.Check(
                lambda df: df["delivery_date"].notna() | df["sendout_date"].notna(),
                error="delivery_date or sendout_date is required",
            )
        ]
    if piece.name == "promotions":
        return [
            pa.Check(
                lambda df: df["end_date"] >= df["start_date"],
                error="end_date is before start_date",
            )
        ]
    return []


@cache
def schema_for(piece_name: str) -> pa.DataFrameSchema:
    """The pandera schema of a piece (columns as parsed by tributary.validation)."""
    piece = piece_named(piece_name)
    columns = {
        c.name: pa.Column(
            _DTYPES[c.type],
            nullable=not c.required,
            checks=[_check(kind, arg) for kind, arg in c.checks],
            required=True,
        )
        for c in piece.columns
    }
    return pa.DataFrameSchema(
        columns,
        checks=_row_checks(piece),
        strict=False,
        coerce=False,
        name=piece_name,
    )


def failing_rows(piece_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows the schema rejects: columns ``index``, ``column_name``, ``reason``.

    An empty frame means every row passes.
    """
    schema = schema_for(piece_name)
    empty = pd.DataFrame({"index": [], "column_name": [], "reason": []})
    if frame.empty:
        return empty
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        reasons = cases["check"].astype(str).replace({"not_nullable": REQUIRED_MISSING})
        return pd.DataFrame(
            {
                "index": cases["index"].astype("int64").to_numpy(),
                "column_name": cases["column"].fillna("").astype(str).to_numpy(),
                "reason": reasons.to_numpy(),
            }
        )
    return empty
