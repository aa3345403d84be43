"""Eurostat Comext bulk files (``full_YYYYMM.dat`` / ``full_v2_YYYYMM.dat``, also as .csv).

Columns used: DECLARANT_ISO, PARTNER_ISO, PRODUCT_NC, FLOW (1 import, 2 export), PERIOD (YYYYMM; YYYY52 for
the annual file), VALUE_IN_EUROS, QUANTITY_IN_KG, SUP_QUANTITY, SUPP_UNIT. Values are in euros.

One flow is split over statistical regimes (STAT_REGIME: normal, inward/outward processing...); those rows
are added up. Confidential trade appears under codes such as ``8542XXXX``: loaded as product level
CONFIDENTIAL and counted in the report.
"""

from __future__ import annotations

from pathlib import Path

from kordon.trade.loaders.engine import Mapping

SOURCE = "Eurostat, Comext (DS-045409 bulk download)"


def recognises(header: list[str]) -> bool:
    return {"DECLARANT_ISO", "PARTNER_ISO", "PRODUCT_NC", "VALUE_IN_EUROS"} <= set(header)


def mapping_for(header: list[str], path: Path) -> Mapping:
    columns = {
        "reporter": "DECLARANT_ISO", "partner": "PARTNER_ISO", "flow": "FLOW", "product_code": "PRODUCT_NC",
        "period": "PERIOD", "value": "VALUE_IN_EUROS",
    }
    optional = {"net_mass_kg": "QUANTITY_IN_KG", "quantity": "SUP_QUANTITY", "quantity_unit": "SUPP_UNIT"}
    columns.update({f: c for f, c in optional.items() if c in header})
    return Mapping(
        loader="comext-bulk", source=SOURCE, columns=columns, constants={"currency": "EUR"}, classification="CN",
        duplicates="sum", notes=["rows of the same flow under different statistical regimes are summed"])
