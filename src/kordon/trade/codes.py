"""Reading the codes that trade statistics are keyed by: countries, products, periods, flows.

Every function here takes one raw cell and returns the tidy value, or raises ``ValueError`` with a short
reason. Loaders apply them to the *distinct* raw values of a column (a few thousand at most), so they can
be plain Python and still load millions of rows quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from kordon.trade.refdata import country_codes

# ---------------------------------------------------------------- products

PRODUCT_LEVELS = {2: "HS2", 4: "HS4", 6: "HS6", 8: "CN8", 10: "TARIC10"}
TOTAL_CODES = {"TOTAL", "ALL", "TOT", "AG2", "00", "TO"}
# Eurostat hides confidential trade under codes such as "8542XXXX" or "27SSSSSS" (the product is secret,
# the value is counted); kept as their own level so they never mix with real product codes.
_CONFIDENTIAL = re.compile(r"^(\d{2,7})([SX#]+)$")
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class Product:
    code: str
    level: str  # TOTAL, HS2, HS4, HS6, CN8, TARIC10 or CONFIDENTIAL


def normalise_product_code(raw: str) -> Product:
    """'8542 31 90' -> Product('85423190', 'CN8'); '10121' -> Product('010121', 'HS6').

    An odd number of digits means a spreadsheet dropped the leading zero; it is put back.
    """
    text = _SEPARATORS.sub("", (raw or "").strip()).upper()
    if not text:
        raise ValueError("empty product code")
    if text in TOTAL_CODES:
        return Product("TOTAL", "TOTAL")
    if _CONFIDENTIAL.match(text):
        return Product(text, "CONFIDENTIAL")
    if not text.isdigit() or not text.isascii():
        raise ValueError(f"product code {raw!r} is not numeric")
    if len(text) % 2:
        text = "0" + text
    level = PRODUCT_LEVELS.get(len(text))
    if level is None:
        raise ValueError(f"product code {raw!r} has {len(text)} digits (expected 2, 4, 6, 8 or 10)")
    return Product(text, level)


# ---------------------------------------------------------------- periods

_PERIOD_PATTERNS = [
    # (regex, has month group)
    (re.compile(r"^Y?(\d{4})(?:52|-?A)?$"), False),  # 2021, Y2021, 202152 (Comext annual), 2021A
    (re.compile(r"^(\d{4})[-/.]?M?(\d{2})(?:-01)?$"), True),  # 2021-03, 202103, 2021M03, 2021-03-01
    (re.compile(r"^M?(\d{2})[-/.](\d{4})$"), True),  # 03/2021, 03.2021
]


def parse_period(raw: str) -> tuple[date, str]:
    """'2021-03' -> (date(2021, 3, 1), 'M'); 'Y2019' or '201952' -> (date(2019, 1, 1), 'Y')."""
    text = (raw or "").strip().upper()
    for pattern, monthly in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        if monthly and len(groups[0]) == 2:  # month first
            groups = (groups[1], groups[0])
        year = int(groups[0])
        month = int(groups[1]) if monthly else 1
        if not 1900 <= year <= 2100:
            raise ValueError(f"period {raw!r}: year {year} out of range")
        if not 1 <= month <= 12:
            raise ValueError(f"period {raw!r}: month {month} out of range")
        return date(year, month, 1), "M" if monthly else "Y"
    raise ValueError(f"period {raw!r} is not a year or a month (e.g. 2021, 2021-03, 202103)")


# ---------------------------------------------------------------- flows

FLOWS = ("export", "import", "re-export", "re-import")
_FLOW_WORDS = {
    "export": {"export", "exports", "x", "2", "exp", "dispatch", "dispatches"},
    "import": {"import", "imports", "m", "1", "imp", "arrival", "arrivals"},
    "re-export": {"re-export", "re-exports", "reexport", "rx", "3"},
    "re-import": {"re-import", "re-imports", "reimport", "rm", "4"},
}
_FLOW_LOOKUP = {word: flow for flow, words in _FLOW_WORDS.items() for word in words}


def parse_flow(raw: str) -> str:
    """'X', 'EXPORT', '2' (Comext FLOW) -> 'export'; 'M', 'IMPORT', '1' -> 'import'; 'RX' -> 're-export'."""
    flow = _FLOW_LOOKUP.get((raw or "").strip().lower())
    if flow is None:
        raise ValueError(f"flow {raw!r} is not export, import, re-export or re-import")
    return flow


# ---------------------------------------------------------------- currencies

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def parse_currency(raw: str) -> str:
    text = (raw or "").strip().upper()
    if not _CURRENCY.match(text):
        raise ValueError(f"currency {raw!r} is not an ISO 4217 code such as EUR or USD")
    return text


# ---------------------------------------------------------------- countries

_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


@lru_cache(maxsize=1)
def _country_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    ref = country_codes()
    aggregates = {_key(code): code for code in ref["aggregates"]}
    for code, entry in ref["aggregates"].items():
        aggregates.update({_key(name): code for name in entry["names"]})
    aliases = {_key(name): code for name, code in ref["aliases"].items()}
    labels = {code: entry["label"] for code, entry in ref["aggregates"].items()}
    return aggregates, aliases, labels


def aggregate_labels() -> dict[str, str]:
    """Aggregate partner codes (WORLD, EU27_2020, ...) and their labels."""
    return dict(_country_tables()[2])


@lru_cache(maxsize=20_000)
def normalise_country(raw: str) -> str:
    """A country cell -> ISO alpha-2 ('Russian Federation (Russia)' -> 'RU', 'DEU' -> 'DE'), or an
    aggregate code ('European Union - 27 countries (from 2020)' -> 'EU27_2020'). Raises ValueError."""
    from rigour.territories import lookup_territory

    text = (raw or "").strip()
    if not text:
        raise ValueError("empty country")
    aggregates, aliases, _ = _country_tables()
    candidates = [text]
    stripped = text
    while (shorter := _PARENTHESES.sub("", stripped).strip()) != stripped:  # notes can nest
        stripped = shorter
    if stripped and stripped != text:
        candidates.append(stripped)
    for candidate in candidates:
        key = _key(candidate)
        if key in aliases:
            return aliases[key]
        if key in aggregates:
            return aggregates[key]
    for candidate in candidates:
        territory = lookup_territory(candidate)
        if territory is not None and len(territory.code) == 2:
            return territory.code.upper()
    raise ValueError(f"unknown country {raw!r}")
