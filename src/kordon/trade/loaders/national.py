"""National statistics tables: imports or exports by partner as published by statistical offices.

Two shapes are recognised:

* Eurostat-like columns ``REPORTER, PARTNER, PRODUCT, FLOW, PERIOD, VALUE_IN_EUR`` (or ``VALUE_IN_USD``),
  with country names and periods such as ``Y2019`` (e.g. the national statistics of Armenia, Kazakhstan,
  Kyrgyzstan and Uzbekistan collected in ../shared/data/trade). ``STAT_PROCEDURE`` other than NORMAL is out
  of scope.
* ``reporter, partner_en, year, import_value_thousand_usd`` (or ``export_value_...``): a yearly table by
  partner such as the Kyrgyz National Statistical Committee's table 4.03.00.20; thousands are multiplied out.
"""

from __future__ import annotations

import re
from pathlib import Path

from kordon.trade.loaders.engine import Mapping

SOURCE = "National statistical office"
_UPPER_VALUE = re.compile(r"^VALUE_IN_([A-Z]{3})$")
_YEARLY_VALUE = re.compile(r"^(import|export)_value_(thousand_|million_)?([a-z]{3})$")
_SCALE = {None: 1.0, "thousand_": 1e3, "million_": 1e6}


def _upper_value(header):
    return next((h for h in header if _UPPER_VALUE.match(h)), None)


def _yearly_value(header):
    return next((h for h in header if _YEARLY_VALUE.match(h)), None)


def recognises(header: list[str]) -> bool:
    upper = {"REPORTER", "PARTNER", "FLOW", "PERIOD"} <= set(header) and _upper_value(header)
    yearly = {"reporter", "partner_en", "year"} <= set(header) and _yearly_value(header)
    return bool(upper or yearly)


def mapping_for(header: list[str], path: Path) -> Mapping:
    if _upper_value(header):
        value = _upper_value(header)
        columns = {"reporter": "REPORTER", "partner": "PARTNER", "flow": "FLOW", "period": "PERIOD", "value": value}
        constants = {"currency": _UPPER_VALUE.match(value).group(1)}
        if "PRODUCT" in header:
            columns["product_code"] = "PRODUCT"
        else:
            constants["product_code"] = "TOTAL"
        row_filter = "coalesce(\"STAT_PROCEDURE\", 'NORMAL') = 'NORMAL'" if "STAT_PROCEDURE" in header else None
        return Mapping(loader="national", source=SOURCE, columns=columns, constants=constants, classification="HS",
                       row_filter=row_filter)
    value = _yearly_value(header)
    flow, scale, currency = _YEARLY_VALUE.match(value).groups()
    return Mapping(
        loader="national", source=SOURCE,
        columns={"reporter": "reporter", "partner": "partner_en", "period": "year", "value": value},
        constants={"flow": flow, "currency": currency.upper(), "product_code": "TOTAL"}, classification="HS",
        value_scale=_SCALE[scale], notes=[f"values in {value} multiplied by {_SCALE[scale]:g}"] if scale else [])
