"""Seeded demo data: a master "Demo Group" with three child accounts that look like real systems.

``write_demo_home(home)`` writes ``<home>/accounts.yaml`` and one folder per child under
``<home>/data/<account_id>/``:

``warehouse``  Central warehouse IMS. CSV, snake_case headers, ISO dates. A DC ``DC-1`` supplies the
               stores ``STORE-N`` and ``STORE-S`` (a few items reach ``STORE-S`` straight from the
               supplier). Every transaction line carries ``on_hand_change``, the *full* net effect
               of that item/location/day on on hand (sales included: a day with 5 sold and a
               receipt of 24 has ``qty_sold`` 5 and ``on_hand_change`` 19). Lines with
               ``qty_sold`` 0 are movements only (opening balance, receipts, transfers out of the
               DC, stock-take adjustments). The cumulative sum of ``on_hand_change`` per
               item/location equals ``items.on_hand``. Items carry every planning parameter;
               batches, a two-level BOM, orders to receive of every type and orders to ship.
``webshop``    Web store. CSV with the source document's headers ("Item code", "Qty sold", ...),
               dates ``%m/%d/%Y``. Channels ``web`` and ``marketplace``, returns, promotions with
               visible uplift, two outlier lines, kits (substitutions) sold as ``KIT-...``.
``wholesale``  Wholesale ERP. Transactions as Parquet with ERP headers mapped by the connection's
               column map, dates ``%d.%m.%Y`` (kept as strings, as the ERP exports them); items,
               BOM and orders as CSV.

History is two years of daily lines, 2024-11-01 .. 2026-10-31; the master's ``as_of`` is
2026-11-01. Everything is drawn from ``numpy.random.default_rng(seed)`` in a fixed order, so the
same seed writes byte-identical files.

A few rows are wrong on purpose; :data:`BAD_ROWS` lists them (row = 1-based data row, header
excluded; the CSV line number is row + 1). Their positions do not depend on the seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tributary.config import Account, Config, Connection, ForecastOptions, Home, Master

AS_OF = date(2026, 11, 1)
HISTORY_START = date(2024, 11, 1)
HISTORY_END = date(2026, 10, 31)
N_DAYS = (HISTORY_END - HISTORY_START).days + 1  # 730

WAREHOUSE_DATE = "%Y-%m-%d"
WEBSHOP_DATE = "%m/%d/%Y"
WHOLESALE_DATE = "%d.%m.%Y"
WHOLESALE_COLUMNS = {
    "SKU": "item_code",
    "Whse": "location",
    "Cust. group": "channel",
    "Qty": "qty_sold",
    "Posting date": "date",
    "Net amount": "revenue",
}

PIECE_NAMES = (
    "transactions",
    "items",
    "channels",
    "orders_to_receive",
    "orders_to_ship",
    "bom",
    "promotions",
    "substitutions",
    "batches",
)


@dataclass(frozen=True)
class BadRow:
    """A row written wrong on purpose: where it is and why the loader must reject it."""

    account: str
    piece: str
    file: str
    row: int  # 1-based data row, header excluded (CSV line number = row + 1)
    column: str  # contract column
    value: str  # as written ("" for empty / null)
    reason: str


BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(
        "warehouse",
        "transactions",
        "transactions.csv",
        1500,
        "date",
        "2026-02-30",
        "unparseable date",
    ),
    BadRow(
        "warehouse",
        "transactions",
        "transactions.csv",
        2500,
        "qty_sold",
        "#VALUE!",
        "non-numeric qty_sold",
    ),
    BadRow(
        "warehouse",
        "items",
        "items.csv",
        60,
        "item_code",
        "COF-101",
        "duplicate key (COF-101, DC-1): first row wins",
    ),
    BadRow(
        "warehouse", "orders_to_receive", "orders_to_receive.csv", 3, "qty", "0", "qty must be > 0"
    ),
    BadRow(
        "webshop", "transactions", "transactions.csv", 800, "item_code", "", "missing item_code"
    ),
    BadRow(
        "webshop", "transactions", "transactions.csv", 1600, "outlier", "maybe", "not a boolean"
    ),
    BadRow(
        "webshop",
        "transactions",
        "transactions.csv",
        2400,
        "date",
        "31/12/2025",
        "unparseable date",
    ),
    BadRow(
        "webshop",
        "promotions",
        "promotions.csv",
        4,
        "discount",
        "1.5",
        "discount must be in [0, 1]",
    ),
    BadRow(
        "wholesale",
        "transactions",
        "transactions.parquet",
        300,
        "date",
        "31.02.2026",
        "unparseable date",
    ),
    BadRow(
        "wholesale",
        "transactions",
        "transactions.parquet",
        900,
        "item_code",
        "",
        "missing item_code",
    ),
    BadRow("wholesale", "items", "items.csv", 8, "inactive", "maybe", "not a boolean"),
    BadRow(
        "wholesale",
        "items",
        "items.csv",
        20,
        "item_code",
        "CUP-301",
        "duplicate key (CUP-301, WH-EAST): first row wins",
    ),
)

# --------------------------------------------------------------------------------------------
# Catalogue: 60 item codes. rate = mean units/day at one store of the warehouse account.

_CATALOGUE = """
COF-101|Espresso beans 1 kg|Food & drink|Coffee|smooth|6|18.90|9.20|SUP-ROAST|270|brown|1 kg
COF-102|Filter coffee 500 g|Food & drink|Coffee|smooth|4|8.50|3.90|SUP-ROAST|270|brown|500 g
COF-103|Decaf beans 500 g|Food & drink|Coffee|intermittent|0.25|9.90|4.60|SUP-ROAST|270|brown|500 g
COF-104|Cold brew bottle 330 ml|Food & drink|Coffee|summer|3|3.20|1.10|SUP-ROAST|60|black|330 ml
COF-105|Single origin Ethiopia 250 g|Food & drink|Coffee|new|2|12.50|5.80|SUP-ROAST|270|brown|250 g
TEA-111|Green tea 100 g|Food & drink|Tea|smooth|2.5|5.90|2.10|SUP-LEAF|540|green|100 g
TEA-112|Earl grey 100 g|Food & drink|Tea|smooth|3|5.50|1.90|SUP-LEAF|540|black|100 g
TEA-113|Chai spice 200 g|Food & drink|Tea|winter|2|7.90|3.10|SUP-LEAF|540|red|200 g
TEA-114|Fresh mint tea 80 g|Food & drink|Tea|summer|1.5|4.90|1.70|SUP-LEAF|540|green|80 g
CUP-301|Espresso cup|Home|Tableware|smooth|5|4.50|1.40|SUP-PORC||white|80 ml
CUP-302|Mug 350 ml|Home|Tableware|smooth|4|7.90|2.60|SUP-PORC||blue|350 ml
CUP-303|Latte glass|Home|Tableware|trend_up|2|6.50|2.20|SUP-PORC||clear|300 ml
CUP-304|Teapot 1 l|Home|Tableware|winter|0.8|29.90|11.50|SUP-PORC||white|1 l
CUP-305|Saucer set of 4|Home|Tableware|trend_down|1.2|12.90|4.30|SUP-PORC||white|14 cm
CUP-306|Travel mug|Home|Tableware|new|2|16.90|6.20|SUP-PORC||green|400 ml
PAN-401|Frying pan 24 cm|Home|Cookware|smooth|1.5|34.90|14.00|SUP-STEEL||black|24 cm
PAN-402|Saucepan 18 cm|Home|Cookware|smooth|1|29.90|11.80|SUP-STEEL||silver|18 cm
PAN-403|Wok 30 cm|Home|Cookware|trend_up|0.7|39.90|15.50|SUP-STEEL||black|30 cm
PAN-404|Dutch oven 5 l|Home|Cookware|intermittent|0.15|119.00|52.00|SUP-STEEL||red|5 l
PAN-405|Grill pan 28 cm|Home|Cookware|summer|0.6|44.90|18.00|SUP-STEEL||black|28 cm
PAN-406|Non-stick pan 20 cm (old model)|Home|Cookware|terminated|1|24.90|9.50|SUP-STEEL||grey|20 cm
TEX-501|Tea towel|Home|Textiles|smooth|3|4.90|1.30|SUP-WEAVE||striped|50x70 cm
TEX-502|Apron|Home|Textiles|smooth|0.8|19.90|6.40|SUP-WEAVE||navy|one size
TEX-503|Linen fabric (per metre)|Home|Textiles|fractional|2|14.50|5.20|SUP-WEAVE||natural|140 cm
TEX-504|Table runner|Home|Textiles|winter|0.6|24.90|8.10|SUP-WEAVE||red|40x150 cm
TEX-505|Oven glove|Home|Textiles|smooth|1|8.90|2.80|SUP-WEAVE||grey|one size
TEX-506|Cloth napkins 4-pack|Home|Textiles|intermittent|0.3|14.90|4.90|SUP-WEAVE||white|45x45 cm
GAR-601|Watering can 5 l|Garden|Watering|summer|1.2|17.90|6.50|SUP-GREEN||green|5 l
GAR-602|Herb planter|Garden|Planters|summer|1.5|12.90|4.70|SUP-GREEN||terracotta|30 cm
GAR-603|Garden gloves|Garden|Tools|summer|1.5|6.90|2.10|SUP-GREEN||green|M
GAR-604|Pruning shears|Garden|Tools|summer|0.6|24.90|9.80|SUP-GREEN||red|20 cm
GAR-605|Basil seed kit|Garden|Seeds|summer|1|4.50|1.20|SUP-GREEN|365|green|small
GAR-606|Patio lantern|Garden|Lighting|summer|0.4|39.90|15.00|SUP-GREEN||black|40 cm
GAR-607|Bird feeder|Garden|Wildlife|winter|0.7|15.90|5.50|SUP-GREEN||wood|25 cm
LMP-701|LED bulb E27|Lighting|Bulbs|smooth|8|3.90|1.05|SUP-LUX||warm white|E27
LMP-702|Fairy lights 10 m|Lighting|Decorative|xmas|1|14.90|4.80|SUP-LUX||warm white|10 m
LMP-703|Table lamp|Lighting|Lamps|smooth|0.5|49.90|19.50|SUP-LUX||black|45 cm
LMP-704|Candle holder|Lighting|Decorative|winter|1|9.90|3.20|SUP-LUX||brass|12 cm
LMP-705|Smart bulb E27|Lighting|Bulbs|none|0|14.90|6.20|SUP-LUX||white|E27
LMP-900|Desk lamp|Lighting|Lamps|trend_up|0.8|59.90|21.40|ASSEMBLY||black|40 cm
CLN-801|Dish soap 500 ml|Household|Cleaning|smooth|5|2.90|0.85|SUP-CLEAN||green|500 ml
CLN-802|Sponges 3-pack|Household|Cleaning|smooth|4|2.50|0.60|SUP-CLEAN||yellow|3-pack
CLN-803|Coffee machine descaler|Household|Cleaning|trend_up|1|9.90|3.10|SUP-CLEAN||white|250 ml
CLN-804|Microfiber cloth|Household|Cleaning|smooth|2|3.50|0.90|SUP-CLEAN||blue|30x30 cm
CLN-805|Bamboo dish brush|Household|Cleaning|trend_up|0.8|5.90|1.60|SUP-CLEAN||natural|25 cm
STO-851|Glass jar 1 l|Household|Storage|smooth|1.5|5.90|1.90|SUP-PORC||clear|1 l
STO-852|Lunch box|Household|Storage|summer|1|11.90|3.80|SUP-PORC||blue|1 l
STO-853|Spice rack|Household|Storage|intermittent|0.12|34.90|13.00|SUP-PORC||wood|40 cm
STO-854|Bread bin|Household|Storage|inactive|0.5|29.90|11.00|SUP-PORC||white|35 cm
STO-855|Cereal dispenser|Household|Storage|trend_down|0.4|27.90|10.00|SUP-PORC||clear|3.5 l
KIT-201|Coffee starter kit|Food & drink|Kits|smooth|0.8|29.90|13.00|||brown|kit
KIT-202|Tea gift set|Food & drink|Kits|winter|0.6|19.90|6.40|||black|kit
GAR-950|Planter set of 3|Garden|Planters|summer|0.5|34.90|12.00|SUP-GREEN||terracotta|set
SUB-910|Lamp head assembly|Components|Sub-assemblies|none|0|0|9.80|ASSEMBLY||black|
RAW-920|Aluminium shade|Components|Raw materials|none|0|0|3.10|SUP-STEEL||black|
RAW-921|LED module 5 W|Components|Raw materials|none|0|0|1.90|SUP-LUX||white|
RAW-922|Power cable (per metre)|Components|Raw materials|none|0|0|0.45|SUP-LUX||black|
RAW-923|Steel base plate|Components|Raw materials|none|0|0|2.60|SUP-STEEL||black|
RAW-930|Terracotta pot 20 cm|Components|Raw materials|none|0|0|3.20|SUP-GREEN||terracotta|
RAW-931|Terracotta saucer 20 cm|Components|Raw materials|none|0|0|1.10|SUP-GREEN||terracotta|
"""


@dataclass(frozen=True)
class Item:
    code: str
    description: str
    category_1: str
    category_2: str
    pattern: str
    rate: float
    price: float
    cost: float
    supplier: str
    shelf_life: int | None
    color: str
    size: str

    @property
    def pack(self) -> int:
        """Case pack: cheap items come in cartons."""
        if self.pattern == "fractional":
            return 1
        if self.price < 6:
            return 12
        if self.price < 20:
            return 6
        return 1


def _parse_catalogue() -> dict[str, Item]:
    items = {}
    for line in _CATALOGUE.strip().splitlines():
        f = line.split("|")
        items[f[0]] = Item(
            code=f[0],
            description=f[1],
            category_1=f[2],
            category_2=f[3],
            pattern=f[4],
            rate=float(f[5]),
            price=float(f[6]),
            cost=float(f[7]),
            supplier=f[8],
            shelf_life=int(f[9]) if f[9] else None,
            color=f[10],
            size=f[11],
        )
    return items


CATALOGUE: dict[str, Item] = _parse_catalogue()

# supplier: (lead time days, currency, lead time variance days²)
SUPPLIERS = {
    "SUP-ROAST": (10, "EUR", 4.0),
    "SUP-LEAF": (21, "EUR", 9.0),
    "SUP-PORC": (28, "EUR", 16.0),
    "SUP-STEEL": (56, "USD", 49.0),
    "SUP-WEAVE": (35, "EUR", 16.0),
    "SUP-GREEN": (14, "EUR", 9.0),
    "SUP-LUX": (30, "USD", 25.0),
    "SUP-CLEAN": (7, "EUR", 2.0),
    "ASSEMBLY": (5, "EUR", 1.0),
}
USD_PER_EUR = 1.08

# --- warehouse: items per store; STORE-N only for a few; STORE-S straight from the supplier.
WAREHOUSE_ITEMS = (
    "COF-101 COF-102 COF-103 COF-104 TEA-111 TEA-112 TEA-113 CUP-301 CUP-302 CUP-303 CUP-304 "
    "CUP-305 PAN-401 PAN-402 PAN-403 TEX-501 TEX-503 TEX-504 TEX-505 GAR-601 GAR-602 GAR-603 "
    "GAR-604 LMP-701 LMP-702 LMP-703 LMP-704 LMP-900 CLN-801 CLN-802 CLN-803 CLN-804 STO-851 "
    "STO-852 STO-853 STO-854"
).split()
NORTH_ONLY = {"COF-103", "PAN-403", "TEX-505", "STO-853"}
SOUTH_DIRECT = {"COF-104", "GAR-603", "CLN-804"}
STORE_FACTOR = {"STORE-N": 1.0, "STORE-S": 0.7}
DC_LEAD_TIME = {"STORE-N": 2, "STORE-S": 3}
LOW_SAFETY = {"COF-102", "CUP-302", "GAR-602", "LMP-702", "CLN-802", "TEA-112"}
BOM_MEMBERS = ("SUB-910", "RAW-920", "RAW-921", "RAW-922", "RAW-923")

WEBSHOP_ITEMS = (
    "COF-101 COF-102 COF-105 TEA-111 TEA-112 TEA-114 CUP-301 CUP-302 CUP-306 PAN-401 PAN-404 "
    "TEX-501 TEX-502 TEX-506 GAR-602 GAR-605 GAR-607 LMP-701 LMP-702 CLN-803 CLN-805 KIT-201 "
    "KIT-202 LMP-705"
).split()
KITS = {  # kit -> ((component, multiplier), ...), substitution date
    "KIT-201": ((("COF-101", 1.0), ("CUP-301", 2.0)), ""),
    "KIT-202": ((("TEA-112", 2.0), ("CUP-302", 1.0)), "2025-06-01"),
}

WHOLESALE_ITEMS = (
    "COF-101 CUP-301 CUP-302 PAN-401 PAN-402 PAN-405 PAN-406 LMP-701 CLN-801 CLN-802 STO-851 "
    "STO-855 GAR-601 GAR-606 GAR-950 TEX-503 TEA-113 RAW-930 RAW-931"
).split()
WHOLESALE_AT_STORE_N = ("COF-101", "CUP-301", "LMP-701", "CLN-801")

STORE_WEEK = np.array([0.8, 0.85, 0.9, 1.0, 1.2, 1.5, 0.75])  # Monday first
WEB_WEEK = np.array([1.15, 1.05, 1.0, 0.95, 0.85, 0.85, 1.15])
B2B_WEEK = np.array([1.4, 1.4, 1.4, 1.4, 1.4, 0.0, 0.0])


# --------------------------------------------------------------------------------------------
# Formatting


def _num(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = round(float(x), digits)
    if x == int(x):
        return str(int(x))
    return f"{x:.{digits}f}".rstrip("0").rstrip(".")


def _money(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.2f}"


def _day(t: int) -> date:
    return HISTORY_START + timedelta(days=int(t))


def _fmt(d: date | None, fmt: str) -> str:
    return "" if d is None else d.strftime(fmt)


def _write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    frame = pd.DataFrame(rows, columns=columns).fillna("")
    frame.to_csv(path, index=False, lineterminator="\n")


def _insert(rows: list[dict], account: str, piece: str, bad: dict[tuple[int, str], dict]) -> None:
    """Insert the bad rows of (account, piece) at their fixed positions, in ascending order."""
    for bad_row in sorted(
        (b for b in BAD_ROWS if b.account == account and b.piece == piece), key=lambda b: b.row
    ):
        if bad_row.row - 1 > len(rows):
            raise RuntimeError(f"demo: {account}/{piece} too short for bad row {bad_row.row}")
        rows.insert(bad_row.row - 1, bad[(bad_row.row, bad_row.column)])


# --------------------------------------------------------------------------------------------
# Demand


def _day_of_year() -> np.ndarray:
    days = pd.date_range(HISTORY_START, HISTORY_END, freq="D")
    return days.dayofyear.to_numpy(), days.dayofweek.to_numpy()


DOY, DOW = _day_of_year()


def _level(item: Item, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative demand level over the history for the item's pattern."""
    n = N_DAYS
    t = np.arange(n)
    p = item.pattern
    if p == "summer":
        return np.maximum(1 + 0.85 * np.cos(2 * np.pi * (DOY - 190) / 365.25), 0.1)
    if p == "winter":
        return np.maximum(1 + 0.85 * np.cos(2 * np.pi * (DOY - 350) / 365.25), 0.1)
    if p == "xmas":
        dist = np.minimum(np.abs(DOY - 350), 365 - np.abs(DOY - 350))
        return 0.15 + 5.0 * np.exp(-0.5 * (dist / 18.0) ** 2)
    if p == "trend_up":
        return np.linspace(0.45, 1.55, n)
    if p == "trend_down":
        return np.linspace(1.6, 0.4, n)
    if p == "new":
        launch = n - int(rng.integers(50, 120))
        return np.where(t >= launch, 1 - np.exp(-(t - launch) / 14.0), 0.0)
    if p == "inactive":
        return np.where(t < 360, np.linspace(1.3, 0.6, n), 0.0)
    if p == "terminated":
        return np.linspace(1.3, 0.2, n)
    if p == "none":
        return np.zeros(n)
    return np.ones(n)  # smooth, intermittent, fractional


def _draw(item: Item, lam: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Daily units: overdispersed Poisson; fabric in half metres."""
    noisy = lam * rng.gamma(4.0, 0.25, size=lam.shape)
    counts = rng.poisson(noisy).astype(float)
    if item.pattern == "fractional":
        extra = rng.binomial((4 * counts).astype(np.int64), 0.5)
        return 0.5 * (counts + extra)
    return counts


def _price_at(item: Item, t: int) -> float:
    """List price; +4 % from 2026-01-01."""
    if _day(t) >= date(2026, 1, 1):
        return round(item.price * 1.04, 2)
    return item.price


def _current_price(item: Item) -> float:
    return _price_at(item, N_DAYS - 1)


# --------------------------------------------------------------------------------------------
# warehouse


@dataclass
class _Order:
    arrival: int
    location: str
    qty: float
    sendout: int
    kind: str  # purchase | transfer | manufacturing


def _simulate_item(item: Item, rng: np.random.Generator) -> dict:
    stores = ["STORE-N"] if item.code in NORTH_ONLY else ["STORE-N", "STORE-S"]
    via_dc = {s: not (s == "STORE-S" and item.code in SOUTH_DIRECT) for s in stores}
    has_dc = any(via_dc.values())
    locations = (["DC-1"] if has_dc else []) + stores
    lt_sup = SUPPLIERS[item.supplier][0]
    level = _level(item, rng)
    pad = 240

    rate, demand = {}, {}
    for s in stores:
        r = item.rate * STORE_FACTOR[s] * level * STORE_WEEK[DOW] / STORE_WEEK.mean()
        rate[s] = np.concatenate([r, np.full(pad, r[-28:].mean())])
        demand[s] = _draw(item, r, rng)
    cum = {s: np.concatenate([[0.0], np.cumsum(rate[s])]) for s in stores}

    def expected(s: str, t: int, days: int) -> float:
        return float(cum[s][min(t + days, N_DAYS + pad)] - cum[s][t])

    safety = 0.9 if item.code in LOW_SAFETY else 1.35
    sold = {loc: np.zeros(N_DAYS) for loc in locations}
    change = {loc: np.zeros(N_DAYS) for loc in locations}
    on_hand = dict.fromkeys(locations, 0.0)
    pipeline: list[_Order] = []
    start = {}
    for s in stores:
        nonzero = np.flatnonzero(rate[s][:N_DAYS] > 0)
        start[s] = int(nonzero[0]) if len(nonzero) else N_DAYS
    if has_dc:
        start["DC-1"] = min(start[s] for s in stores if via_dc[s])
    stocktake = {t for t in range(N_DAYS) if _day(t).day == 1 and _day(t).month in (1, 4, 7, 10)}
    kind_dc = "manufacturing" if item.supplier == "ASSEMBLY" else "purchase"
    dc_pack = item.pack * 4 if item.pack > 1 else 10

    for t in range(N_DAYS):
        for order in [o for o in pipeline if o.arrival == t]:
            on_hand[order.location] += order.qty
            change[order.location][t] += order.qty
            pipeline.remove(order)
        if has_dc and t == start["DC-1"]:
            opening = sum(expected(s, t, 45) for s in stores if via_dc[s])
            opening = math.ceil(opening / dc_pack) * dc_pack
            on_hand["DC-1"] += opening
            change["DC-1"][t] += opening
        for s in stores:
            if t < start[s]:
                continue
            lead = DC_LEAD_TIME[s] if via_dc[s] else lt_sup
            if t == start[s]:
                opening = math.ceil(expected(s, t, lead + 14) * 1.2 / item.pack) * item.pack
                on_hand[s] += opening
                change[s][t] += opening
            sale = min(demand[s][t], on_hand[s])
            on_hand[s] -= sale
            sold[s][t] += sale
            change[s][t] -= sale
            if t in stocktake and on_hand[s] >= 3:
                delta = float(rng.integers(-2, 2))
                on_hand[s] += delta
                change[s][t] += delta
            position = on_hand[s] + sum(o.qty for o in pipeline if o.location == s)
            rop = expected(s, t, lead + 7) * safety
            if rop > 0 and position < rop:
                need = expected(s, t, lead + 14) * safety - position
                qty = max(math.ceil(need / item.pack), 1) * item.pack
                if via_dc[s]:
                    qty = min(qty, math.floor(on_hand["DC-1"]))
                    if qty > 0:
                        on_hand["DC-1"] -= qty
                        change["DC-1"][t] -= qty
                        pipeline.append(_Order(t + DC_LEAD_TIME[s], s, qty, t, "transfer"))
                else:
                    delay = int(rng.integers(3, 12)) if rng.random() < 0.2 else 0
                    pipeline.append(_Order(t + lt_sup + delay, s, qty, t, "purchase"))
        if has_dc and t >= start["DC-1"]:
            dc_stores = [s for s in stores if via_dc[s]]
            position = on_hand["DC-1"] + sum(o.qty for o in pipeline if o.location == "DC-1")
            rop = sum(expected(s, t, lt_sup + 10) for s in dc_stores) * safety
            if rop > 0 and position < rop:
                need = sum(expected(s, t, lt_sup + 40) for s in dc_stores) * safety - position
                qty = max(math.ceil(need / dc_pack), 1) * dc_pack
                delay = int(rng.integers(3, 15)) if rng.random() < 0.25 else 0
                pipeline.append(_Order(t + lt_sup + delay, "DC-1", qty, t, kind_dc))
    return {
        "stores": stores,
        "via_dc": via_dc,
        "locations": locations,
        "sold": sold,
        "change": change,
        "on_hand": on_hand,
        "pipeline": pipeline,
    }


def _warehouse(rng: np.random.Generator, out: Path) -> dict[str, int]:
    account = "warehouse"
    tx: list[dict[str, str]] = []
    item_rows: list[dict[str, str]] = []
    orders: list[dict[str, str]] = []
    batches: list[dict[str, str]] = []
    sims = {code: _simulate_item(CATALOGUE[code], rng) for code in WAREHOUSE_ITEMS}

    for code, sim in sims.items():
        item = CATALOGUE[code]
        for loc in sim["locations"]:
            sold, change = sim["sold"][loc], sim["change"][loc]
            for t in np.flatnonzero((sold > 0) | (np.abs(change) > 1e-9)):
                tx.append(
                    {
                        "date": _fmt(_day(t), WAREHOUSE_DATE),
                        "item_code": code,
                        "location": loc,
                        "qty_sold": _num(sold[t]),
                        "sales_price": _money(_price_at(item, t)) if sold[t] > 0 else "",
                        "on_hand_change": _num(change[t]),
                    }
                )
    tx.sort(key=lambda r: (r["date"], r["location"], r["item_code"]))
    bad = {
        (1500, "date"): {
            "date": "2026-02-30",
            "item_code": "COF-101",
            "location": "STORE-N",
            "qty_sold": "3",
            "sales_price": "18.90",
            "on_hand_change": "",
        },
        (2500, "qty_sold"): {
            "date": "2025-03-14",
            "item_code": "CUP-302",
            "location": "STORE-S",
            "qty_sold": "#VALUE!",
            "sales_price": "7.90",
            "on_hand_change": "",
        },
    }
    _insert(tx, account, "transactions", bad)
    _write_csv(
        out / "transactions.csv",
        tx,
        ["date", "item_code", "location", "qty_sold", "sales_price", "on_hand_change"],
    )

    # --- items
    for code, sim in sims.items():
        item = CATALOGUE[code]
        lt_sup, currency, variance = SUPPLIERS[item.supplier]
        for loc in sim["locations"]:
            row = _item_base(item, loc)
            row["on_hand"] = _num(sim["on_hand"][loc])
            direct = loc == "DC-1" or not sim["via_dc"][loc]
            if loc == "DC-1":
                row["location_description"] = "Distribution centre"
                row["location_category_1"] = "DC"
                row["min_lot"] = _num(item.pack * 4)
                row["max_lot"] = _num(item.pack * 400 if item.pack > 1 else 200)
                row["rounding"] = _num(item.pack * 4 if item.pack > 1 else 10)
            else:
                row["location_description"] = {"STORE-N": "North store", "STORE-S": "South store"}[
                    loc
                ]
                row["location_category_1"] = "Store"
                row["transfer_region"] = "BENELUX"
                row["display_qty"] = _num(item.pack if item.pack > 1 else 2)
                row["rounding"] = _num(item.pack)
                row["dc_name"] = "" if direct else "DC-1"
            if direct:
                row["lead_time_days"] = _num(lt_sup)
                row["lead_time_variance"] = _num(variance)
                if item.supplier != "ASSEMBLY":
                    _supplier_fields(row, item, currency)
            else:
                row["lead_time_days"] = _num(DC_LEAD_TIME[loc])
            row["service_level"] = "0.97" if item.rate >= 3 else ("0.9" if item.rate < 1 else "")
            row["inactive"] = "1" if item.pattern == "inactive" else "0"
            row["termination"] = "0"
            _planning_extras(row, item, loc)
            item_rows.append(row)
    for code in BOM_MEMBERS:
        item = CATALOGUE[code]
        lt_sup, currency, variance = SUPPLIERS[item.supplier]
        row = _item_base(item, "DC-1")
        row.update(
            location_description="Distribution centre",
            location_category_1="DC",
            on_hand=_num(
                {"SUB-910": 40, "RAW-920": 150, "RAW-921": 420, "RAW-922": 512.5, "RAW-923": 90}[
                    code
                ]
            ),
            lead_time_days=_num(lt_sup),
            lead_time_variance=_num(variance),
            inactive="0",
            termination="0",
        )
        if item.supplier != "ASSEMBLY":
            _supplier_fields(row, item, currency)
            row["min_lot"] = "100"
            row["rounding"] = "50" if code != "RAW-922" else "100"
        item_rows.append(row)
    item_rows.sort(key=lambda r: (r["item_code"], r["location"]))
    original = next(r for r in item_rows if (r["item_code"], r["location"]) == ("COF-101", "DC-1"))
    duplicate = dict(original, on_hand="999", description="Espresso beans 1kg (old record)")
    if item_rows.index(original) >= 59:
        raise RuntimeError("demo: duplicate items key must follow its first row")
    _insert(item_rows, account, "items", {(60, "item_code"): duplicate})
    _write_csv(out / "items.csv", item_rows, WAREHOUSE_ITEM_COLUMNS)

    # --- orders to receive: what is still in the pipeline, plus one of each remaining kind
    number = 4100
    for code, sim in sims.items():
        item = CATALOGUE[code]
        for order in sorted(sim["pipeline"], key=lambda o: (o.sendout, o.location)):
            number += 1
            row = {
                "item_code": code,
                "location": order.location,
                "qty": _num(order.qty),
                "order_type": order.kind,
                "sendout_date": _fmt(_day(order.sendout), WAREHOUSE_DATE),
            }
            if order.kind == "purchase":
                row["order_number"] = f"PO-{number}"
                row["source_from"] = item.supplier
                row["lot_cost"] = _money(order.qty * item.cost)
                if number % 2 == 0:  # half of the purchase lines carry the confirmed date
                    row["delivery_date"] = _fmt(_day(order.arrival), WAREHOUSE_DATE)
            elif order.kind == "transfer":
                row["order_number"] = f"TO-{number}"
                row["source_from"] = "DC-1"
            else:
                row["order_number"] = f"MO-{number}"
                row["source_from"] = "Assembly line"
                row["delivery_date"] = _fmt(_day(order.arrival), WAREHOUSE_DATE)
            orders.append(row)
    fixed = [
        # purchase with a confirmed delivery date, and one with only the sendout date
        ("PAN-401", "DC-1", 40, "purchase", "2026-10-20", "2026-12-15", "PO-4090", "SUP-STEEL"),
        ("TEX-501", "DC-1", 96, "purchase", "2026-10-27", "", "PO-4091", "SUP-WEAVE"),
        # transfer to a store supplied by DC-1 (sendout + DC lead time)
        ("CUP-301", "STORE-S", 24, "transfer", "2026-10-31", "", "TO-4092", "DC-1"),
        # transfer to a store without a DC (sendout + 1 day)
        ("GAR-603", "STORE-S", 12, "transfer", "2026-10-30", "", "TO-4093", "STORE-N"),
        # manufacturing (sendout + 0 days), and one with a planned finish date
        ("LMP-900", "DC-1", 50, "manufacturing", "2026-10-29", "", "MO-4094", "Assembly line"),
        (
            "SUB-910",
            "DC-1",
            60,
            "manufacturing",
            "2026-10-30",
            "2026-11-03",
            "MO-4095",
            "Assembly line",
        ),
    ]
    for code, loc, qty, kind, sendout, delivery, num, source in fixed:
        row = {
            "item_code": code,
            "location": loc,
            "qty": str(qty),
            "order_type": kind,
            "sendout_date": sendout,
            "delivery_date": delivery,
            "order_number": num,
            "source_from": source,
        }
        if kind == "purchase":
            row["lot_cost"] = _money(qty * CATALOGUE[code].cost)
        orders.append(row)
    orders.sort(key=lambda r: r["order_number"])
    bad_order = {
        "item_code": "CLN-801",
        "location": "DC-1",
        "qty": "0",
        "order_type": "purchase",
        "sendout_date": "2026-10-25",
        "order_number": "PO-4089",
        "source_from": "SUP-CLEAN",
        "lot_cost": "0.00",
    }
    _insert(orders, account, "orders_to_receive", {(3, "qty"): bad_order})
    _write_csv(
        out / "orders_to_receive.csv",
        orders,
        [
            "order_number",
            "order_type",
            "item_code",
            "location",
            "qty",
            "sendout_date",
            "delivery_date",
            "lot_cost",
            "source_from",
        ],
    )

    # --- orders to ship: dated back-orders and undated lines that have already left
    ship = []
    for code, loc, qty, when in (
        ("PAN-401", "DC-1", 8, ""),
        ("LMP-701", "DC-1", 120, ""),
        ("COF-101", "STORE-N", 6, ""),
        ("CUP-304", "STORE-N", 2, "2026-11-06"),
        ("LMP-900", "DC-1", 30, "2026-11-12"),
        ("PAN-402", "STORE-S", 1, "2026-11-04"),
        ("TEX-503", "STORE-N", 12.5, "2026-11-09"),
        ("GAR-604", "STORE-S", 3, "2026-11-20"),
    ):
        ship.append({"item_code": code, "location": loc, "qty": _num(qty), "shipment_date": when})
    _write_csv(out / "orders_to_ship.csv", ship, ["item_code", "location", "qty", "shipment_date"])

    # --- BOM: desk lamp <- lamp head <- raw materials. qty_per_batch is per batch of
    # batch_rounding units of the finished good.
    bom = [
        ("LMP-900", "SUB-910", "50", "50", "5", "100"),
        ("LMP-900", "RAW-923", "50", "50", "5", "100"),
        ("LMP-900", "RAW-922", "75", "50", "5", "100"),
        ("SUB-910", "RAW-920", "1", "", "2", "20"),
        ("SUB-910", "RAW-921", "2", "", "2", "20"),
    ]
    _write_csv(
        out / "bom.csv",
        [dict(zip(BOM_COLUMNS, r, strict=True)) for r in bom],
        list(BOM_COLUMNS),
    )

    # --- batches for perishables: split on hand, a few expiring within two weeks
    soon = iter((4, 9, 13))
    for code, sim in sims.items():
        item = CATALOGUE[code]
        if item.shelf_life is None:
            continue
        for loc in sim["locations"]:
            qty = sim["on_hand"][loc]
            if qty <= 0:
                continue
            n_batches = int(min(3, max(1, qty // (item.pack * 2))))
            shares = rng.dirichlet(np.ones(n_batches)) * qty
            parts = [math.floor(x) for x in shares[:-1]]
            parts.append(qty - sum(parts))
            first_expiry = AS_OF + timedelta(days=int(rng.integers(30, item.shelf_life)))
            for i, part in enumerate(parts):
                if part <= 0:
                    continue
                expiry = first_expiry + timedelta(days=25 * i)
                if i == 0 and n_batches > 1:
                    nxt = next(soon, None)
                    if nxt is not None:
                        expiry = AS_OF + timedelta(days=nxt)
                batches.append(
                    {
                        "item_code": code,
                        "location": loc,
                        "batch_code": f"L{expiry:%y%m%d}-{code[-3:]}{i + 1}",
                        "expiration_date": _fmt(expiry, WAREHOUSE_DATE),
                        "on_hand": _num(part),
                    }
                )
    _write_csv(
        out / "batches.csv",
        batches,
        ["item_code", "location", "batch_code", "expiration_date", "on_hand"],
    )
    return {
        "transactions": len(tx),
        "items": len(item_rows),
        "orders_to_receive": len(orders),
        "orders_to_ship": len(ship),
        "bom": len(bom),
        "batches": len(batches),
    }


BOM_COLUMNS = (
    "finished_code",
    "material_code",
    "qty_per_batch",
    "batch_rounding",
    "manufacturing_lead_time_days",
    "min_batch",
)

WAREHOUSE_ITEM_COLUMNS = [
    "item_code",
    "location",
    "description",
    "location_description",
    "item_category_1",
    "item_category_2",
    "location_category_1",
    "info_color",
    "info_size",
    "on_hand",
    "lead_time_days",
    "lead_time_variance",
    "order_cycle",
    "order_cycle_unit",
    "service_level",
    "safety_stock_periods",
    "inactive",
    "termination",
    "inventory_value_per_unit",
    "purchase_price",
    "sales_price",
    "supplier_code",
    "supplier_currency",
    "supplier_item_code",
    "display_qty",
    "min_lot",
    "max_lot",
    "rounding",
    "group_id",
    "group_min_qty",
    "weight_per_unit",
    "volume_per_unit",
    "container_id",
    "container_load_volume",
    "container_load_qty",
    "max_containers",
    "dc_name",
    "transfer_region",
    "shelf_life_days",
]


def _item_base(item: Item, location: str) -> dict[str, str]:
    return {
        "item_code": item.code,
        "location": location,
        "description": item.description,
        "item_category_1": item.category_1,
        "item_category_2": item.category_2,
        "info_color": item.color,
        "info_size": item.size,
        "inventory_value_per_unit": _money(item.cost),
        "sales_price": _money(_current_price(item)) if item.price else "",
        "shelf_life_days": _num(item.shelf_life) if item.shelf_life else "",
        "weight_per_unit": _num(max(0.05, item.price / 40), 2),
        "volume_per_unit": _num(max(0.0005, item.price / 8000), 4),
    }


def _supplier_fields(row: dict[str, str], item: Item, currency: str) -> None:
    row["supplier_code"] = item.supplier
    row["supplier_currency"] = currency
    row["supplier_item_code"] = f"{item.supplier[4:]}-{item.code.replace('-', '')}"
    price = item.cost * (USD_PER_EUR if currency == "USD" else 1.0)
    row["purchase_price"] = _money(price)
    if item.supplier == "SUP-PORC":
        row["group_id"] = "SUP-PORC"
        row["group_min_qty"] = "600"
    if item.supplier == "SUP-STEEL":
        row["container_id"] = "40FT-HC"
        row["container_load_volume"] = "68"
        row["max_containers"] = "2"
    if item.supplier == "SUP-LUX":
        row["container_id"] = "20FT"
        row["container_load_qty"] = "12000"
        row["max_containers"] = "1"


def _planning_extras(row: dict[str, str], item: Item, location: str) -> None:
    """The odd planning parameter here and there, as a real item master has them."""
    if item.code == "CLN-801":  # both given: the periods method wins
        row["safety_stock_periods"] = "1.5"
        row["service_level"] = "0.95"
    if item.category_2 == "Cookware" and location == "DC-1":
        row["order_cycle"] = "4"
        row["order_cycle_unit"] = "periods"
    if item.category_2 == "Cleaning" and location == "DC-1":
        row["order_cycle"] = "7"
        row["order_cycle_unit"] = "days"
    if item.code == "LMP-701" and location == "DC-1":
        row["order_cycle"] = "1"
        row["order_cycle_unit"] = "lead_times"
    if item.code == "LMP-703" and location == "DC-1":  # min lot > max lot: max lot is used
        row["min_lot"] = "60"
        row["max_lot"] = "40"


# --------------------------------------------------------------------------------------------
# webshop

# (items, location, channel, start, end, discount); "*" = every webshop item with a pattern
WEB_PROMOTIONS = (
    (("COF-101", "CUP-301", "KIT-201", "PAN-401"), "", "web", "2024-11-29", "2024-12-02", 0.25),
    (("TEA-111", "TEA-112", "TEA-114"), "WEB", "web", "2025-03-10", "2025-03-23", 0.15),
    (("GAR-602", "GAR-605"), "WEB", "web", "2025-05-05", "2025-05-18", 0.2),
    (("COF-101", "COF-102", "LMP-701"), "WEB", "marketplace", "2025-07-08", "2025-07-09", 0.3),
    (("COF-101", "CUP-301", "KIT-201", "PAN-401"), "", "web", "2025-11-28", "2025-12-01", 0.25),
    (("KIT-202", "LMP-702"), "WEB", "web", "2025-12-08", "2025-12-21", 0.2),
    (("GAR-602", "GAR-605", "GAR-607"), "WEB", "web", "2026-05-04", "2026-05-17", 0.2),
    (("COF-101", "COF-102", "LMP-701"), "WEB", "marketplace", "2026-07-07", "2026-07-08", 0.3),
    # future
    (("COF-101", "CUP-301", "KIT-201", "PAN-401"), "", "web", "2026-11-27", "2026-11-30", 0.25),
    (("KIT-202", "LMP-702"), "WEB", "web", "2026-12-07", "2026-12-20", 0.2),
)
WEB_CHANNELS = (("web", 0.7, 1.0), ("marketplace", 0.3, 1.05))  # channel, share, price factor
WEB_SCALE = 1.3
WEB_OUTLIERS = (
    ("TEX-502", "web", "2025-05-12", 9.0),
    ("LMP-702", "marketplace", "2025-02-14", 6.0),
)


def _webshop(rng: np.random.Generator, out: Path) -> dict[str, int]:
    account = "webshop"
    tx: list[dict[str, str]] = []
    sold_items = [c for c in WEBSHOP_ITEMS if CATALOGUE[c].pattern != "none"]
    for code in sold_items:
        item = CATALOGUE[code]
        level = _level(item, rng)
        for channel, share, price_factor in WEB_CHANNELS:
            base = item.rate * WEB_SCALE * share * level * WEB_WEEK[DOW] / WEB_WEEK.mean()
            discount = np.zeros(N_DAYS)
            for codes, _loc, promo_channel, start, end, disc in WEB_PROMOTIONS:
                if code in codes and promo_channel == channel:
                    a = (date.fromisoformat(start) - HISTORY_START).days
                    b = (date.fromisoformat(end) - HISTORY_START).days
                    if a < N_DAYS:
                        discount[max(a, 0) : min(b, N_DAYS - 1) + 1] = disc
            lam = base * (1 + 3.0 * discount)
            sales = _draw(item, lam, rng)
            outlier = np.zeros(N_DAYS, dtype=bool)
            for o_code, o_channel, o_day, factor in WEB_OUTLIERS:
                if o_code == code and o_channel == channel:
                    t = (date.fromisoformat(o_day) - HISTORY_START).days
                    sales[t] = math.ceil((sales[t] + 1) * factor + 10)
                    outlier[t] = True
            returned = rng.binomial(sales.astype(np.int64), 0.04)
            lag = rng.integers(5, 15, size=N_DAYS)
            returns = np.zeros(N_DAYS)
            target = np.arange(N_DAYS) + lag
            keep = target < N_DAYS
            np.add.at(returns, target[keep], returned[keep])
            net = sales - returns
            for t in np.flatnonzero(net != 0):
                price = _price_at(item, t) * price_factor * (1 - discount[t])
                tx.append(
                    {
                        "Date": _fmt(_day(t), WEBSHOP_DATE),
                        "_sort": _day(t).isoformat(),
                        "Item code": code,
                        "Qty sold": _num(net[t]),
                        "Sales price/unit": _money(price),
                        "Channel": channel,
                        "Location": "WEB",
                        "Outlier": "yes" if outlier[t] else "",
                    }
                )
    tx.sort(key=lambda r: (r["_sort"], r["Item code"], r["Channel"]))
    for r in tx:
        del r["_sort"]
    row = {"Location": "WEB", "Channel": "web", "Outlier": ""}
    bad = {
        (800, "item_code"): dict(
            row,
            **{"Date": "03/02/2025", "Item code": "", "Qty sold": "2", "Sales price/unit": "4.90"},
        ),
        (1600, "outlier"): dict(
            row,
            **{
                "Date": "08/19/2025",
                "Item code": "CUP-302",
                "Qty sold": "3",
                "Sales price/unit": "7.90",
                "Outlier": "maybe",
            },
        ),
        (2400, "date"): dict(
            row,
            **{
                "Date": "31/12/2025",
                "Item code": "COF-102",
                "Qty sold": "1",
                "Sales price/unit": "8.50",
            },
        ),
    }
    _insert(tx, account, "transactions", bad)
    columns = [
        "Date",
        "Item code",
        "Qty sold",
        "Sales price/unit",
        "Channel",
        "Location",
        "Outlier",
    ]
    _write_csv(out / "transactions.csv", tx, columns)

    items = []
    for code in WEBSHOP_ITEMS:
        item = CATALOGUE[code]
        kit = code in KITS
        on_hand = 0 if kit else int(item.rate * WEB_SCALE * rng.uniform(5, 45))
        if item.pattern == "none":
            on_hand = 0
        items.append(
            {
                "Item code": code,
                "Item description": item.description,
                "Location": "WEB",
                "Item category": item.category_1,
                "Item sub-category": item.category_2,
                "Lead time": "" if kit else _num(SUPPLIERS[item.supplier][0] + 2),
                "On hand": _num(on_hand),
                "Purchase price/unit": "" if kit else _money(item.cost),
                "Sales price/unit": _money(_current_price(item)),
                "Supplier code": "" if kit else item.supplier,
            }
        )
    _write_csv(out / "items.csv", items, list(items[0]))

    promos = []
    for codes, loc, channel, start, end, disc in WEB_PROMOTIONS:
        for code in codes:
            promos.append(
                {
                    "Item code": code,
                    "Location": loc,
                    "Channel": channel,
                    "Start date": _fmt(date.fromisoformat(start), WEBSHOP_DATE),
                    "End date": _fmt(date.fromisoformat(end), WEBSHOP_DATE),
                    "Discount": _num(disc),
                }
            )
    bad_promo = {
        "Item code": "TEX-501",
        "Location": "WEB",
        "Channel": "web",
        "Start date": "01/10/2027",
        "End date": "01/20/2027",
        "Discount": "1.5",
    }
    _insert(promos, account, "promotions", {(4, "discount"): bad_promo})
    _write_csv(out / "promotions.csv", promos, list(promos[0]))

    subs = []
    for kit, (components, when) in KITS.items():
        for component, multiplier in components:
            subs.append(
                {
                    "Target code": component,
                    "Item description": CATALOGUE[component].description,
                    "Multiplier": _num(multiplier),
                    "Item code": kit,
                    "Substitution date": _fmt(date.fromisoformat(when), WEBSHOP_DATE)
                    if when
                    else "",
                }
            )
    _write_csv(out / "substitutions.csv", subs, list(subs[0]))

    channels = [
        {"Item code": "LMP-705", "Location": "WEB", "Channel": ch, "Channel category": cat}
        for ch, cat in (("web", "Own shop"), ("marketplace", "Platforms"))
    ]
    _write_csv(out / "channels.csv", channels, list(channels[0]))
    return {
        "transactions": len(tx),
        "items": len(items),
        "promotions": len(promos),
        "substitutions": len(subs),
        "channels": len(channels),
    }


# --------------------------------------------------------------------------------------------
# wholesale

WHOLESALE_GROUPS = (("retail", 0.55, 0.0), ("horeca", 0.45, 0.08))  # group, share, discount


def _wholesale(rng: np.random.Generator, out: Path) -> dict[str, int]:
    account = "wholesale"
    rows: list[tuple] = []
    sold_items = [c for c in WHOLESALE_ITEMS if CATALOGUE[c].pattern != "none"]
    for code in sold_items:
        item = CATALOGUE[code]
        level = _level(item, rng)
        pack = item.pack if item.pack > 1 else 2
        if item.pattern == "fractional":
            pack = 5  # fabric sold to the trade in 5 m lengths
        for whse in ("STORE-N", "WH-EAST"):
            if whse == "STORE-N" and code not in WHOLESALE_AT_STORE_N:
                continue
            for group, share, group_discount in WHOLESALE_GROUPS:
                if whse == "STORE-N" and group == "horeca":
                    continue
                units = item.rate * 1.6 * share * level * B2B_WEEK[DOW]
                orders_per_day = units / (pack * 3.0)
                n_orders = rng.poisson(orders_per_day * rng.gamma(3.0, 1 / 3.0, N_DAYS))
                qty = pack * (n_orders + rng.poisson(2.0 * n_orders)).astype(float)
                if item.pattern == "fractional":
                    qty = qty + np.where(n_orders > 0, rng.integers(0, 4, N_DAYS) * 0.5, 0.0)
                credit = (rng.random(N_DAYS) < 0.004) & (B2B_WEEK[DOW] > 0)
                qty = np.where(credit & (qty == 0), -pack, qty)
                price = item.price * 0.62 * (1 - group_discount)
                for t in np.flatnonzero(qty != 0):
                    unit = (price * 1.04) if _day(t) >= date(2026, 1, 1) else price
                    rows.append(
                        (_day(t), code, whse, group, float(qty[t]), round(float(qty[t]) * unit, 2))
                    )
    rows.sort(key=lambda r: (r[0], r[2], r[1], r[3]))
    tx = [
        {
            "Posting date": _fmt(r[0], WHOLESALE_DATE),
            "SKU": r[1],
            "Whse": r[2],
            "Cust. group": r[3],
            "Qty": r[4],
            "Net amount": r[5],
        }
        for r in rows
    ]
    bad = {
        (300, "date"): {
            "Posting date": "31.02.2026",
            "SKU": "CLN-801",
            "Whse": "WH-EAST",
            "Cust. group": "retail",
            "Qty": 24.0,
            "Net amount": 43.15,
        },
        (900, "item_code"): {
            "Posting date": "14.05.2025",
            "SKU": None,
            "Whse": "WH-EAST",
            "Cust. group": "horeca",
            "Qty": 12.0,
            "Net amount": 30.82,
        },
    }
    _insert(tx, account, "transactions", bad)
    schema = pa.schema(
        [
            ("Posting date", pa.string()),
            ("SKU", pa.string()),
            ("Whse", pa.string()),
            ("Cust. group", pa.string()),
            ("Qty", pa.float64()),
            ("Net amount", pa.float64()),
        ]
    )
    table = pa.Table.from_pylist(tx, schema=schema)
    pq.write_table(table, out / "transactions.parquet", compression="snappy")

    items = []
    for code in WHOLESALE_ITEMS:
        item = CATALOGUE[code]
        lt, currency, _var = SUPPLIERS[item.supplier]
        for whse in ("STORE-N", "WH-EAST"):
            if whse == "STORE-N" and code not in WHOLESALE_AT_STORE_N:
                continue
            on_hand = int(item.rate * 1.6 * rng.uniform(10, 50)) if item.rate else 0
            if code.startswith("RAW-"):
                on_hand = int(rng.integers(80, 300))
            if item.pattern == "terminated":
                on_hand = 14
            items.append(
                {
                    "SKU": code,
                    "Whse": whse,
                    "description": item.description,
                    "item_category_1": item.category_1,
                    "on_hand": _num(on_hand),
                    "lead_time_days": _num(lt + (5 if whse == "WH-EAST" else 0)),
                    "supplier_code": item.supplier,
                    "supplier_currency": currency,
                    "supplier_item_code": f"{item.supplier[4:]}/{code}",
                    "purchase_price": _money(item.cost * (USD_PER_EUR if currency == "USD" else 1)),
                    "sales_price": _money(_current_price(item) * 0.62) if item.price else "",
                    "min_lot": _num(item.pack * 2),
                    "rounding": _num(item.pack),
                    "purchase_for_bom": "true" if code == "GAR-950" else "false",
                    "inactive": "false",
                    "termination": "true" if item.pattern == "terminated" else "false",
                }
            )
    items.sort(key=lambda r: (r["SKU"], r["Whse"]))
    original = next(r for r in items if (r["SKU"], r["Whse"]) == ("CUP-301", "WH-EAST"))
    if items.index(original) >= 19:
        raise RuntimeError("demo: duplicate items key must follow its first row")
    maybe = dict(next(r for r in items if r["SKU"] == "STO-855"), Whse="STORE-N", inactive="maybe")
    _insert(
        items,
        account,
        "items",
        {(8, "inactive"): maybe, (20, "item_code"): dict(original, on_hand="0")},
    )
    _write_csv(out / "items.csv", items, list(items[0]))

    bom = [
        {"Finished good's code": "GAR-950", "Material's code": m, "Material qty/batch": "3"}
        for m in ("RAW-930", "RAW-931")
    ]
    _write_csv(out / "bom.csv", bom, list(bom[0]))

    orders = []
    for i, (code, qty, sendout, delivery) in enumerate(
        (
            ("PAN-402", 60, "2026-09-15", "2026-11-17"),
            ("CLN-802", 480, "2026-10-26", "2026-11-02"),
            ("GAR-950", 40, "2026-10-21", "2026-11-04"),
            ("COF-101", 120, "2026-10-29", ""),
        )
    ):
        orders.append(
            {
                "Order number": f"EK{2026100 + i}",
                "SKU": code,
                "Whse": "WH-EAST",
                "Qty to receive": str(qty),
                "Sendout date": _fmt(date.fromisoformat(sendout), WHOLESALE_DATE),
                "Delivery date": _fmt(date.fromisoformat(delivery), WHOLESALE_DATE)
                if delivery
                else "",
                "Order type": "purchase",
            }
        )
    _write_csv(out / "orders_to_receive.csv", orders, list(orders[0]))
    return {
        "transactions": len(tx),
        "items": len(items),
        "bom": len(bom),
        "orders_to_receive": len(orders),
    }


# --------------------------------------------------------------------------------------------


def demo_config() -> Config:
    master = Master(
        name="Demo Group",
        period="week",
        currency="EUR",
        service_level=0.95,
        as_of=AS_OF,
        # A small prophet budget keeps the whole demo well under two minutes on two cores.
        forecast=ForecastOptions(prophet_budget_seconds=4.0),
    )
    accounts = [
        Account("warehouse", "Central warehouse IMS", "EUR", Connection("csv", "data/warehouse")),
        Account(
            "webshop",
            "Web store",
            "EUR",
            Connection("csv", "data/webshop", date_format=WEBSHOP_DATE),
        ),
        Account(
            "wholesale",
            "Wholesale ERP",
            "EUR",
            Connection(
                "csv", "data/wholesale", date_format=WHOLESALE_DATE, columns=dict(WHOLESALE_COLUMNS)
            ),
        ),
    ]
    return Config(master=master, accounts=accounts)


def write_demo_home(home: Path | str, seed: int = 7) -> Config:
    """Write accounts.yaml and the three children's data under ``home``; return the Config."""
    root = Path(home)
    config = demo_config()
    Home(root).save(config)
    rng = np.random.default_rng(seed)
    writers = {"warehouse": _warehouse, "webshop": _webshop, "wholesale": _wholesale}
    for account in config.accounts:
        out = root / account.connection.path
        out.mkdir(parents=True, exist_ok=True)
        for piece in PIECE_NAMES:  # a stale file of an earlier run must not linger
            for suffix in (".csv", ".parquet"):
                (out / f"{piece}{suffix}").unlink(missing_ok=True)
        writers[account.id](rng, out)
    return config


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - convenience
    import sys

    args = sys.argv[1:] if argv is None else argv
    home = Path(args[0]) if args else Path("tributary-home")
    seed = int(args[1]) if len(args) > 1 else 7
    write_demo_home(home, seed)
    print(f"demo home written to {home}")


if __name__ == "__main__":  # pragma: no cover
    main()
