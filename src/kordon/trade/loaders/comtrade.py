"""UN Comtrade CSV: the current API / bulk shape and the legacy (pre-2023) download shape.

Current: refYear, refMonth, period, reporterISO, partnerISO, flowCode (M, X, RM, RX), classificationCode
(H0..H6), cmdCode, primaryValue (US dollars), netWgt, qty, qtyUnitAbbr; breakdowns by second partner,
customs procedure and mode of transport are kept only at their totals (partner2Code 0, customsCode C00,
motCode 0) so that one flow is counted once. Flows other than imports, exports, re-imports and re-exports
(e.g. processing flows) are out of scope and counted.

Legacy: Classification, Period, Trade Flow Code (1 import, 2 export, 3 re-export, 4 re-import),
Reporter ISO, Partner ISO, Commodity Code, Trade Value (US$), Netweight (kg), Qty, Qty Unit.
"""

from __future__ import annotations

from pathlib import Path

from kordon.trade.loaders.engine import Mapping

SOURCE = "United Nations, UN Comtrade"
# Comtrade classification codes -> HS edition.
EDITIONS = {"H0": "HS1992", "H1": "HS1996", "H2": "HS2002", "H3": "HS2007", "H4": "HS2012", "H5": "HS2017",
            "H6": "HS2022", "HS": "HS (as reported)"}
_LEGACY = {"Trade Flow Code", "Commodity Code", "Reporter ISO", "Partner ISO"}


def recognises(header: list[str]) -> bool:
    return {"cmdCode", "flowCode", "primaryValue"} <= set(header) or _LEGACY <= set(header)


def mapping_for(header: list[str], path: Path) -> Mapping:
    if _LEGACY <= set(header):
        columns = {"reporter": "Reporter ISO", "partner": "Partner ISO", "flow": "Trade Flow Code",
                   "product_code": "Commodity Code", "period": "Period", "value": "Trade Value (US$)",
                   "hs_edition": "Classification"}
        optional = {"net_mass_kg": "Netweight (kg)", "quantity": "Qty", "quantity_unit": "Qty Unit"}
        filters = []
    else:
        columns = {"reporter": "reporterISO", "partner": "partnerISO", "flow": "flowCode", "product_code": "cmdCode",
                   "period": "period", "value": "primaryValue", "hs_edition": "classificationCode"}
        optional = {"net_mass_kg": "netWgt", "quantity": "qty", "quantity_unit": "qtyUnitAbbr"}
        filters = ["\"flowCode\" IN ('M', 'X', 'RM', 'RX')"]
        totals = {"partner2Code": "'0'", "customsCode": "'C00'", "motCode": "'0'"}
        filters += [f"coalesce(\"{col}\", {total}) = {total}" for col, total in totals.items() if col in header]
    columns.update({f: c for f, c in optional.items() if c in header})
    return Mapping(
        loader="comtrade", source=SOURCE, columns=columns, constants={"currency": "USD"}, classification="HS",
        edition_codes=EDITIONS, row_filter=" AND ".join(filters) or None,
        notes=["values in US dollars (primaryValue: FOB for exports, CIF for imports)"])
