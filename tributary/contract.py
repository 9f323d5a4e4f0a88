"""The input data contract (``shared/spec/data-contract.md``) as data.

Every piece a connection can deliver is described once here: its columns, their types, which are
required, the key, and the header spellings of the source document. The loader, the pandera
schemas, the lake's Parquet schemas and the dbt sources all follow this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

ColumnType = Literal["str", "float", "int", "bool", "date", "code"]
"""``code`` is a string whose "not given" value is the empty string (location, channel)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False
    # Domain rule checked by the pandera schema, as (kind, argument): see tributary.schemas.
    checks: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Piece:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    # Numbered category columns (``item_category_1..N``) collected into list columns.
    category_groups: tuple[str, ...] = ()
    # Whether ``info_*`` columns are kept as item attributes.
    keeps_info: bool = False
    # Header spellings of the source document, normalised, mapped to our column names.
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, type_: ColumnType = "float", required: bool = False, *checks) -> Column:
    return Column(name, type_, required, tuple(checks))


# Range rule: a number beyond this (either sign) is no real quantity, price or stock; its row is
# rejected (accounts.yaml master.load_checks.max_abs_value changes it).
MAX_ABS_VALUE = 1e9
NON_NEGATIVE = ("ge", 0)
POSITIVE = ("gt", 0)
# An item without lead_time_days is planned (and its horizon sized) with this lead time; dbt
# applies the same default in its item_defaults() macro.
DEFAULT_LEAD_TIME_DAYS = 30.0

TRANSACTIONS = Piece(
    "transactions",
    (
        _c("date", "date", True),
        _c("item_code", "str", True),
        _c("qty_sold", "float", True),
        _c("location", "code"),
        _c("channel", "code"),
        _c("outlier", "bool"),
        _c("sales_price", "float"),
        _c("revenue", "float"),
        _c("on_hand", "float"),
        _c("on_hand_change", "float"),
        _c("profit", "float"),
    ),
    category_groups=("channel_category",),
    aliases={
        "quantity_sold": "qty_sold",
        "qty": "qty_sold",
        "item": "item_code",
        "transaction_date": "date",
        "sales_price_unit": "sales_price",
        "transaction_revenue": "revenue",
        "transaction_profit": "profit",
        "channel_category": "channel_category_1",
        "channel_sub_category": "channel_category_2",
    },
)

ITEMS = Piece(
    "items",
    (
        _c("item_code", "str", True),
        _c("location", "code"),
        _c("description", "str"),
        _c("location_description", "str"),
        _c("on_hand", "float"),
        _c("lead_time_days", "float", False, NON_NEGATIVE),
        _c("lead_time_variance", "float", False, NON_NEGATIVE),
        _c("order_cycle", "float", False, POSITIVE),
        _c("order_cycle_unit", "str", False, ("isin", ("periods", "days", "lead_times"))),
        _c("service_level", "float", False, ("ge", 0), ("lt", 1)),
        _c("safety_stock_periods", "float", False, NON_NEGATIVE),
        _c("inactive", "bool"),
        _c("termination", "bool"),
        _c("purchase_for_bom", "bool"),
        _c("inventory_value_per_unit", "float", False, NON_NEGATIVE),
        _c("purchase_price", "float", False, NON_NEGATIVE),
        _c("sales_price", "float", False, NON_NEGATIVE),
        _c("supplier_code", "str"),
        _c("supplier_currency", "str"),
        _c("supplier_item_code", "str"),
        _c("display_qty", "float", False, NON_NEGATIVE),
        _c("min_lot", "float", False, NON_NEGATIVE),
        _c("max_lot", "float", False, NON_NEGATIVE),
        _c("rounding", "float", False, NON_NEGATIVE),
        _c("group_id", "str"),
        _c("group_min_qty", "float", False, NON_NEGATIVE),
        _c("group_min_weight", "float", False, NON_NEGATIVE),
        _c("group_min_volume", "float", False, NON_NEGATIVE),
        _c("group_min_cost", "float", False, NON_NEGATIVE),
        _c("weight_per_unit", "float", False, NON_NEGATIVE),
        _c("volume_per_unit", "float", False, NON_NEGATIVE),
        _c("container_id", "str"),
        _c("container_load_weight", "float", False, NON_NEGATIVE),
        _c("container_load_volume", "float", False, NON_NEGATIVE),
        _c("container_load_qty", "float", False, NON_NEGATIVE),
        _c("max_containers", "int", False, POSITIVE),
        _c("dc_name", "str"),
        _c("transfer_region", "str"),
        _c("shelf_life_days", "float", False, POSITIVE),
        _c("shelf_life_periods", "float", False, POSITIVE),
    ),
    key=("item_code", "location"),
    category_groups=("item_category", "location_category"),
    keeps_info=True,
    aliases={
        "item": "item_code",
        "item_description": "description",
        "lead_time": "lead_time_days",
        "of_periods_for_safety_stock": "safety_stock_periods",
        "periods_for_safety_stock": "safety_stock_periods",
        "inventory_value_unit": "inventory_value_per_unit",
        "purchase_price_unit": "purchase_price",
        "sales_price_unit": "sales_price",
        "suppliers_currency": "supplier_currency",
        "suppliers_item_code": "supplier_item_code",
        "group_min_qty": "group_min_qty",
        "weight_unit": "weight_per_unit",
        "volume_unit": "volume_per_unit",
        "shelf_life_days": "shelf_life_days",
        "shelf_life_periods": "shelf_life_periods",
        "item_category": "item_category_1",
        "item_sub_category": "item_category_2",
        "location_category": "location_category_1",
        "location_sub_category": "location_category_2",
    },
)

CHANNELS = Piece(
    "channels",
    (
        _c("item_code", "str", True),
        _c("location", "code"),
        _c("channel", "code", True),
    ),
    key=("item_code", "location", "channel"),
    category_groups=("channel_category",),
    aliases={
        "item": "item_code",
        "channel_category": "channel_category_1",
        "channel_sub_category": "channel_category_2",
    },
)

ORDERS_TO_RECEIVE = Piece(
    "orders_to_receive",
    (
        _c("item_code", "str", True),
        _c("qty", "float", True, POSITIVE),
        _c("delivery_date", "date"),
        _c("sendout_date", "date"),
        _c("location", "code"),
        _c("lot_cost", "float", False, NON_NEGATIVE),
        _c("order_number", "str"),
        _c("order_type", "str", False, ("isin", ("purchase", "transfer", "manufacturing"))),
        _c("source_from", "str"),
    ),
    aliases={"item": "item_code", "qty_to_receive": "qty", "quantity": "qty"},
)

ORDERS_TO_SHIP = Piece(
    "orders_to_ship",
    (
        _c("item_code", "str", True),
        _c("qty", "float", True, POSITIVE),
        _c("shipment_date", "date"),
        _c("location", "code"),
    ),
    aliases={"item": "item_code", "qty_to_ship": "qty", "quantity": "qty"},
)

BOM = Piece(
    "bom",
    (
        _c("finished_code", "str", True),
        _c("material_code", "str", True),
        _c("qty_per_batch", "float", False, POSITIVE),
        _c("batch_rounding", "int", False, ("ge", 1)),
        _c("manufacturing_lead_time_days", "float", False, NON_NEGATIVE),
        _c("min_batch", "float", False, NON_NEGATIVE),
    ),
    key=("finished_code", "material_code"),
    aliases={
        "finished_goods_code": "finished_code",
        "finished_good_code": "finished_code",
        "materials_code": "material_code",
        "material_qty_batch": "qty_per_batch",
        "manufacturing_lead_time": "manufacturing_lead_time_days",
    },
)

PROMOTIONS = Piece(
    "promotions",
    (
        _c("item_code", "str", True),
        _c("location", "code"),
        _c("channel", "code"),
        _c("start_date", "date", True),
        _c("end_date", "date", True),
        _c("discount", "float", True, ("ge", 0), ("le", 1)),
    ),
    key=("item_code", "location", "channel", "start_date"),
    aliases={"item": "item_code"},
)

SUBSTITUTIONS = Piece(
    "substitutions",
    (
        _c("target_code", "str", True),
        _c("item_description", "str"),
        _c("multiplier", "float", False, POSITIVE),
        _c("item_code", "str", True),
        _c("substitution_date", "date"),
    ),
    key=("item_code", "target_code"),
    aliases={"component_code": "target_code", "kit_code": "item_code"},
)

BATCHES = Piece(
    "batches",
    (
        _c("item_code", "str", True),
        _c("location", "code"),
        _c("batch_code", "str", True),
        _c("expiration_date", "date", True),
        _c("on_hand", "float", True),
    ),
    key=("item_code", "location", "batch_code"),
    aliases={"item": "item_code"},
)

ITEM_MAP = Piece(
    "item_map",
    (
        _c("item_code", "str", True),
        _c("master_item_code", "str", True),
        # One unit of the child's item_code = multiplier units of master_item_code (packs).
        _c("multiplier", "float", False, POSITIVE),
    ),
    # A code mapped twice is ambiguous: the first row wins, the later ones are rejected by name.
    key=("item_code",),
    aliases={"item": "item_code", "master_code": "master_item_code", "pack_size": "multiplier"},
)

# Not a child's piece: the master's exchange-rate table (accounts.yaml master.exchange_rates).
# One unit of `currency` = `rate_to_base` units of the master's currency, from `valid_from` on.
EXCHANGE_RATES = Piece(
    "exchange_rates",
    (
        _c("currency", "str", True),
        _c("rate_to_base", "float", True, POSITIVE),
        _c("valid_from", "date"),
    ),
    key=("currency", "valid_from"),
    aliases={"rate": "rate_to_base", "from": "valid_from", "date": "valid_from"},
)

PIECES: dict[str, Piece] = {
    p.name: p
    for p in (
        TRANSACTIONS,
        ITEMS,
        CHANNELS,
        ORDERS_TO_RECEIVE,
        ORDERS_TO_SHIP,
        BOM,
        PROMOTIONS,
        SUBSTITUTIONS,
        BATCHES,
        ITEM_MAP,
    )
}
REQUIRED_PIECES = ("transactions",)
# Pieces of the master's own configuration, validated the same way but not part of an account.
MASTER_PIECES: dict[str, Piece] = {EXCHANGE_RATES.name: EXCHANGE_RATES}


def piece_named(name: str) -> Piece:
    """A child's piece or a master piece by name."""
    return PIECES[name] if name in PIECES else MASTER_PIECES[name]


# Columns every lake file carries besides the contract's: where the row came from.
LINEAGE_COLUMNS = ("source_file", "source_row")


def normalize_header(header: str) -> str:
    """``"Supplier's item code"`` -> ``supplier_item_code``; ``"Qty sold"`` -> ``qty_sold``."""
    text = header.strip().lower().replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^0-9a-z]+", "_", text)
    return text.strip("_")


def category_list_column(group: str) -> str:
    """``item_category`` -> ``item_categories``: the list column holding levels 1..N."""
    return group.removesuffix("y") + "ies"


# The Arrow types of the lake's files, short for the schemas declared column by column.
S, F, D, INT, BOOL = pa.string(), pa.float64(), pa.date32(), pa.int64(), pa.bool_()

_ARROW_TYPES: dict[str, pa.DataType] = {
    "str": S,
    "code": S,
    "float": F,
    "int": INT,
    "bool": BOOL,
    "date": D,
}


def schema_of(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    """A Parquet schema from its (name, type) pairs, in order."""
    return pa.schema([pa.field(name, type_) for name, type_ in fields])


def arrow_schema(piece: Piece) -> pa.Schema:
    """The fixed Parquet schema of a piece in the lake, the same for every account."""
    fields = [pa.field(c.name, _ARROW_TYPES[c.type]) for c in piece.columns]
    for group in piece.category_groups:
        fields.append(pa.field(category_list_column(group), pa.list_(pa.string())))
    if piece.keeps_info:
        fields.append(pa.field("attributes", pa.string()))  # JSON object of info_* columns
    fields.append(pa.field("source_file", pa.string()))
    fields.append(pa.field("source_row", pa.int64()))
    return pa.schema(fields)


def arrow_table(frame: pd.DataFrame | pa.Table | None, schema: pa.Schema) -> pa.Table:
    """Rows in exactly ``schema``: NaN/NaT/NA become nulls ("not given"), a column the rows lack
    is all null, an Arrow table is cast; None or no rows give the schema's empty table."""
    if frame is None or not len(frame):
        return schema.empty_table()
    if isinstance(frame, pa.Table):
        return frame.select(schema.names).cast(schema)
    columns = {}
    for column in schema:
        if column.name in frame.columns:
            columns[column.name] = pa.Array.from_pandas(frame[column.name], type=column.type)
        else:
            columns[column.name] = pa.nulls(len(frame), type=column.type)
    return pa.table(columns, schema=schema)


REJECTED_ROWS_SCHEMA = schema_of(
    ("piece", S),
    ("source_file", S),
    ("row_number", INT),
    ("column_name", S),
    ("value", S),
    ("reason", S),
    ("load_id", S),
)
