"""The demo's calendar, formats, product catalogue, suppliers and what each account stocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

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
