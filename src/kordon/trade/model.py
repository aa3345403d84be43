"""The tidy model of trade flows: one row per reporter, partner, flow, product and period.

``flows`` holds every loaded value; ``datasets`` records each load (what file, which loader, when the data
was extracted, how many rows and suppressed cells, which currency and HS edition). Analyses read ``flows``
only through SQL, so the same queries can run on another SQL engine when the data outgrows one machine.
"""

from __future__ import annotations

from dataclasses import dataclass

# Columns of ``flows``, in order. ``period`` is the first day of the month or year; ``freq`` says which.
FLOWS_DDL = """
CREATE TABLE IF NOT EXISTS flows (
    dataset_id     INTEGER NOT NULL,
    reporter       VARCHAR NOT NULL,  -- ISO 3166 alpha-2, or an aggregate such as EU27_2020
    partner        VARCHAR NOT NULL,
    flow           VARCHAR NOT NULL,  -- export, import, re-export, re-import
    product_code   VARCHAR NOT NULL,  -- digits, TOTAL, or a confidential code such as 8542XXXX
    classification VARCHAR NOT NULL,  -- CN, HS, or TOTAL
    product_level  VARCHAR NOT NULL,  -- TOTAL, HS2, HS4, HS6, CN8, TARIC10, CONFIDENTIAL
    hs_edition     VARCHAR,           -- e.g. HS2017, CN2022; NULL when unknown or not applicable
    freq           VARCHAR NOT NULL,  -- M (month) or Y (year)
    period         DATE NOT NULL,     -- first day of the month or year
    value          DOUBLE,            -- NULL when the cell is suppressed
    currency       VARCHAR NOT NULL,
    quantity       DOUBLE,
    quantity_unit  VARCHAR,
    net_mass_kg    DOUBLE,
    suppressed     BOOLEAN NOT NULL DEFAULT FALSE
)
"""

DATASETS_DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    dataset_id       INTEGER PRIMARY KEY,
    name             VARCHAR NOT NULL UNIQUE,
    source           VARCHAR NOT NULL,  -- who published the data
    source_file      VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL,
    loader           VARCHAR NOT NULL,
    extracted_on     DATE,
    extracted_note   VARCHAR,           -- how the extraction date is known
    loaded_at        TIMESTAMP NOT NULL,
    rows             BIGINT NOT NULL,
    suppressed_cells BIGINT NOT NULL,
    duplicates_dropped BIGINT NOT NULL,
    currency         VARCHAR NOT NULL,
    hs_editions      VARCHAR,
    notes            VARCHAR
)
"""

# The key of a flow: two rows with the same key describe the same number.
FLOW_KEY = ("reporter", "partner", "flow", "product_code", "freq", "period")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    meaning: str


# Fields a loader can fill, with what they mean (used by ``kordon trade load --help`` and the docs).
FIELDS = [
    Column("reporter", "country", True, "country (or aggregate) whose statistics record the flow"),
    Column("partner", "country", True, "partner country: destination of exports, origin of imports"),
    Column("flow", "text", True, "export, import, re-export or re-import"),
    Column("product_code", "code", True, "HS/CN code (2-10 digits) or TOTAL"),
    Column("period", "period", True, "year (2021) or month (2021-03, 202103)"),
    Column("value", "number", True, "trade value; empty or ':', 'c', 'x', '..' mark a suppressed cell"),
    Column("currency", "text", True, "ISO 4217 currency of value"),
    Column("quantity", "number", False, "quantity in supplementary units"),
    Column("quantity_unit", "text", False, "unit of quantity"),
    Column("net_mass_kg", "number", False, "net mass in kilograms"),
    Column("hs_edition", "text", False, "nomenclature edition, e.g. HS2017"),
]
FIELD_NAMES = [f.name for f in FIELDS]
