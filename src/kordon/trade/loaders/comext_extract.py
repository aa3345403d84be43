"""Tidy extracts from Eurostat Comext, one value per row (the files in ../shared/data/trade).

Recognised when the header has ``reporter``, ``partner``, a ``month`` or ``year`` column and a value column
whose name says the currency (``value_eur``, ``export_value_eur``, ``import_value_usd``...). Optional
``product_code`` and ``flow`` columns; without them the product is TOTAL and the flow is read from the
value column's or the file's name (``export``/``import``). Countries may be codes or names (including
Eurostat's long labels such as "France (incl. Saint Barthélemy 'BL' -> 2012; ...)").
"""

from __future__ import annotations

import re
from pathlib import Path

from kordon.trade.errors import TradeInputError
from kordon.trade.loaders.engine import Mapping

SOURCE = "Eurostat, Comext (extract)"
_VALUE = re.compile(r"^(?:(export|import)_)?value_([a-z]{3})$")


def _value_column(header: list[str]) -> str | None:
    return next((h for h in header if _VALUE.match(h)), None)


def recognises(header: list[str]) -> bool:
    return {"reporter", "partner"} <= set(header) and bool({"month", "year"} & set(header)) and bool(_value_column(header))


def mapping_for(header: list[str], path: Path) -> Mapping:
    value = _value_column(header)
    if value is None:
        raise TradeInputError(path, f"no value column such as value_eur (header: {', '.join(header)})")
    flow_in_name, currency = _VALUE.match(value).groups()
    columns = {"reporter": "reporter", "partner": "partner", "value": value,
               "period": "month" if "month" in header else "year"}
    constants = {"currency": currency.upper()}
    notes = []
    if "product_code" in header:
        columns["product_code"] = "product_code"
    else:
        constants["product_code"] = "TOTAL"
    if "flow" in header:
        columns["flow"] = "flow"
    else:
        flow = flow_in_name or next((f for f in ("export", "import") if f in path.name.lower()), None)
        if flow is None:
            raise TradeInputError(path, "no flow column and neither the value column nor the file name says export "
                                  "or import; pass --const flow=export")
        constants["flow"] = flow
        notes.append(f"flow '{flow}' taken from the {'value column' if flow_in_name else 'file'} name")
    return Mapping(loader="comext-extract", source=SOURCE, columns=columns, constants=constants,
                   classification="CN", notes=notes)
