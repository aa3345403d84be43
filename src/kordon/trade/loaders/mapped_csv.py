"""Any CSV with a column mapping given by the user.

``kordon trade load FILE --format csv --map reporter=Country --map partner=Partner --map period=Month
--map value=Value --const flow=export --const currency=EUR --const product_code=TOTAL``

Columns whose name is already a field name (reporter, partner, flow, product_code, period, value, currency,
quantity, quantity_unit, net_mass_kg, hs_edition) are mapped without being named; so are ``month`` or
``year`` as the period.
"""

from __future__ import annotations

from pathlib import Path

from kordon.trade.loaders.engine import Mapping
from kordon.trade.model import FIELD_NAMES

SOURCE = "CSV file mapped by the user"


def recognises(header: list[str]) -> bool:
    return False  # never guessed: the user asks for it with --format csv


def mapping_for(header: list[str], path: Path) -> Mapping:
    columns = {name: name for name in FIELD_NAMES if name in header}
    if "period" not in columns:
        period = next((h for h in ("month", "year") if h in header), None)
        if period:
            columns["period"] = period
    return Mapping(loader="csv", source=SOURCE, columns=columns, classification="HS")
