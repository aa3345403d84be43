"""The free-text Remarks column of OFAC's legacy CSV files, read into the entity model.

OFAC puts almost everything it knows about a listed party into one text field,
as ``;``-separated items::

    DOB 28 Sep 1973; POB Vinnitsa, Ukraine; nationality Russia; Gender Male;
    Tax ID No. 773407989940 (Russia); a.k.a. 'SASHA'; Linked To: SOME COMPANY LLC.

:func:`split_remarks` splits the text on the ``;`` that are not inside
parentheses; :func:`parse_remarks` recognises each item and writes it into an
:class:`~kordon.model.Entity`. Recognised items:

- ``DOB`` (exact, partial, ``circa``, ranges ``1960 to 1962``; several items =
  several dates), ``POB``, ``nationality``, ``citizen``, ``Gender``;
- weak aliases in single quotes: ``a.k.a. 'X'``, ``f.k.a. 'X'``, ``n.k.a. 'X'``,
  ``d.b.a. 'X'`` (all :attr:`NameKind.WEAK`: OFAC prints only its low-quality
  names here; its strong aliases are in the alias file);
- identifiers: every label of ``data/ofac_id_types.yml`` followed by the number,
  the issuing country in parentheses and notes (``issued 2010``, ``expires ...``);
  Russian tax and registration numbers become INN / OGRN / OKPO, Kazakh 12-digit
  numbers BIN (legal entities) or IIN (people), by country and number of digits;
- ``Digital Currency Address - XBT ...`` (crypto wallet), ``Email Address``,
  ``Website``, phone and fax numbers;
- ``Organization Established Date`` and ``Vessel Year of Build`` and
  ``Aircraft Manufacture Date`` (incorporation / build dates),
  ``Organization Type:``, ``Target Type`` (an organisation type turns a COMPANY
  into an ORGANIZATION), ``Nationality of Registration`` (flag),
  ``Registration Country`` (jurisdiction), ``Former Vessel Flag``,
  ``Other Vessel Flag``, ``Other Vessel Type``, ``Aircraft Model``,
  ``Aircraft Operator``, ``Issuer Name`` (an alias), ``Position:``,
  ``ethnicity``, "all offices worldwide" (``extra["scope"]``);
- ``Linked To: NAME`` (kept in ``extra["linked_to"]``; the reader resolves it to
  a relation when NAME is the listed name of another entry);
- sanctions information: ``Additional Sanctions Information -``, ``Secondary
  sanctions risk:``, ``Executive Order 13846 information:``, directive
  determinations and dates, CAATSA, IFCA, CMIC dates, CAPTA prohibitions, links
  to further information (``extra["sanctions_info"]``);
- an item equal to one of the entry's titles (OFAC repeats the Title column).

``alt.`` in front of an item ("alt. DOB 1962", "alt. Passport ...") only says
that it is one more value of the same kind; it is read like the item itself.
Anything else is kept verbatim in ``extra["remarks_unparsed"]``, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import yaml
from stdnum.ru import inn as ru_inn
from stdnum.ru import ogrn as ru_ogrn

from kordon.lists.parsing import country_code, parse_date
from kordon.model import CountryRole, DateKind, Entity, EntityType, IdKind, NameKind

ID_TYPES_FILE = Path(__file__).parent / "data" / "ofac_id_types.yml"

# "Target Type" values that describe an organisation rather than a company.
ORGANIZATION_TARGET_TYPES = {
    "government entity",
    "unrecognized government entity",
    "criminal organization",
    "charity or nonprofit organization",
}

# Contact details keep their value verbatim: "(98)(21)(66153220)" is an area code, not a country.
CONTACT_KINDS = {IdKind.PHONE, IdKind.EMAIL, IdKind.WEBSITE}

_SPLIT_POINTS = re.compile(r"[();]")
_ALT_PREFIX = re.compile(r"^alt\.\s*", re.I)
_QUOTED_NAME = re.compile(r"^(?:[afn]\.k\.a|d\.b\.a)\.,?\s+'(?P<name>.+)'$", re.I)
_CRYPTO = re.compile(r"^Digital Currency Address\s*-\s*(?P<currency>[A-Za-z0-9]+)\s+(?P<address>\S+)$", re.I)
# Notes that follow an identifier's value: "issued 21 May 2000", "expires 2007", ...
_ID_NOTES = re.compile(r"[\s,]+(?=(?:issued|expires|expired|valid)\b)", re.I)
_TRAILING_PARENS = re.compile(r"\s*\(([^()]*)\)$")
_SUB_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z.]{1,10}):\s*(?P<value>\S.*)$")
_DIGITS_ONLY = re.compile(r"^\d+$")
_SANCTIONS_INFO = re.compile(
    r"^(?P<value>(?:Additional Sanctions Information\s*-"
    r"|Secondary sanctions risk\b"
    r"|Transactions Prohibited For Persons Owned or Controlled By\b"
    r"|Executive Order \d+\b"
    r"|CAATSA Section \d+"
    r"|IFCA Determination\b"
    r"|(?:Listing|Effective) Date \("
    r"|Purchase/Sales For Divestment Date\b"
    r"|United States financial institutions are prohibited\b"  # CAPTA
    r"|For more information\b).*)$",
    re.I,
)


@dataclass
class RemarksResult:
    """What :func:`parse_remarks` could not use: unrecognised items and bad values."""

    unparsed: list[str] = field(default_factory=list)
    # (kind, message) pairs for values that looked recognisable but could not be read.
    problems: list[tuple[str, str]] = field(default_factory=list)


def split_remarks(text: str) -> list[str]:
    """Split Remarks into items on ``;`` outside parentheses; items are stripped, empty ones dropped.

    OFAC ends the whole field with a full stop, which is removed from the last item.
    When parentheses do not balance (a cut-off field), every ``;`` splits.
    """
    if "(" not in text and ")" not in text:  # the common case, and the fast one
        items = text.split(";")
    else:
        items = _split_outside_parentheses(text)
    items = [item.strip() for item in items]
    if items and items[-1].endswith("."):
        items[-1] = items[-1][:-1].rstrip()
    return [item for item in items if item]


def _split_outside_parentheses(text: str) -> list[str]:
    items: list[str] = []
    depth = 0
    start = 0
    for match in _SPLIT_POINTS.finditer(text):
        char = match.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            items.append(text[start : match.start()])
            start = match.end()
    items.append(text[start:])
    if depth != 0:  # unbalanced: do not trust the parentheses
        return text.split(";")
    return items


def parse_remarks(text: str | None, entity: Entity, titles: list[str] | None = None) -> RemarksResult:
    """Read OFAC Remarks into ``entity`` (names, dates, countries, identifiers, extra...).

    ``titles`` are the entry's titles from the Title column: Remarks repeats them.
    Returns what could not be used; unrecognised items are also stored in
    ``entity.extra["remarks_unparsed"]``.
    """
    result = RemarksResult()
    if not text:
        return result
    known_titles = {t.casefold() for t in titles or ()}
    for raw_item in split_remarks(text):
        item = _ALT_PREFIX.sub("", raw_item, count=1)
        if item.casefold() in known_titles:
            continue
        if not _read_item(item, entity, result):
            result.unparsed.append(raw_item)
    if result.unparsed:
        entity.extra.setdefault("remarks_unparsed", []).extend(result.unparsed)
    return result


# --- item readers --------------------------------------------------------------
# Each takes the regex match, the entity and the result; it returns False when the
# value turns out unreadable (the item is then kept as unparsed).
ItemReader = Callable[[re.Match, Entity, RemarksResult], bool]


def _date_reader(kind: DateKind) -> ItemReader:
    def read(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
        date = parse_date(match["value"], kind)
        if date is None:
            result.problems.append(("bad_date", f"unreadable {kind.value} date {match['value']!r}"))
            return False
        entity.dates.append(date)
        return True

    return read


def _read_pob(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    if match["value"] not in entity.places_of_birth:
        entity.places_of_birth.append(match["value"])
    return True


def _country_reader(role: CountryRole) -> ItemReader:
    def read(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
        text = match["value"]
        code = country_code(re.sub(r"^possibly\s+", "", text, flags=re.I))
        if code is None:
            result.problems.append(("unknown_country", f"unknown country {text!r}"))
            return False
        entity.add_country(code, role, text)
        return True

    return read


def _read_gender(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    entity.gender = match["value"].lower()
    return True


def _read_quoted_name(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    entity.add_name(match["name"], NameKind.WEAK)
    return True


def _read_alias(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    entity.add_name(match["value"], NameKind.ALIAS)
    return True


def _read_position(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    if match["value"] not in entity.positions:
        entity.positions.append(match["value"])
    return True


def _read_crypto(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    entity.add_identifier(IdKind.CRYPTO_WALLET, match["address"], note=match["currency"].upper())
    return True


def _read_target_type(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    _append_extra(entity, "target_type", match["value"])
    if entity.type == EntityType.COMPANY and match["value"].casefold() in ORGANIZATION_TARGET_TYPES:
        entity.type = EntityType.ORGANIZATION
    return True


def _extra_reader(key: str) -> ItemReader:
    def read(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
        _append_extra(entity, key, match["value"])
        return True

    return read


def _read_identifier(match: re.Match, entity: Entity, result: RemarksResult) -> bool:
    label = id_types()[match["label"].casefold()][0]
    kind = id_kind_for(label, entity.type)
    if kind in CONTACT_KINDS:
        value, country, notes = match["value"].strip(), None, []
    else:
        value, country, notes = _split_identifier(match["value"])
    if not value:
        return False
    if kind == IdKind.WEBSITE and value not in entity.urls:
        entity.urls.append(value)
    kind = _refine_kind(kind, label, value, country, entity.type)
    if kind in (IdKind.INN, IdKind.OGRN) and not _valid_russian_number(kind, value):
        notes.append("check digit does not match")
    # The note keeps the label as printed: "Cedula No.", "Fax", "Previous Aircraft Tail Number".
    entity.add_identifier(kind, value, country, note="; ".join([label, *notes]))
    return True


def _split_identifier(text: str) -> tuple[str, str | None, list[str]]:
    """``A123 (Malaysia) issued 2010`` -> ("A123", "my", ["issued 2010"]).

    Parenthesised groups at the end that name a country give the issuing country
    (the last one wins); others ("(Stuttgart)") go to the notes.
    """
    value, *notes = _ID_NOTES.split(text, maxsplit=1)
    country = None
    while match := _TRAILING_PARENS.search(value):
        inside = match.group(1).strip()
        code = country_code(inside) if country is None else None
        if code:
            country = code
        elif inside:
            notes.insert(0, inside)
        value = value[: match.start()]
    value = value.strip().rstrip(",").strip()
    if sub := _SUB_LABEL.match(value):  # "CNIC: 35202-5400413-9"
        value = sub["value"]
        notes.insert(0, sub["label"])
    return value, country, [n.strip() for n in notes if n.strip()]


def _refine_kind(kind: IdKind, label: str, value: str, country: str | None, entity_type: EntityType) -> IdKind:
    """National numbers recognised by issuing country and number of digits."""
    digits = value.replace(" ", "")
    if not _DIGITS_ONLY.match(digits):
        return kind
    if country == "ru":
        if kind == IdKind.TAX_ID and len(digits) in (10, 12):
            return IdKind.INN
        if label.casefold() == "government gazette number" and len(digits) in (8, 10):
            return IdKind.OKPO
        if kind == IdKind.REGISTRATION and len(digits) in (13, 15):
            return IdKind.OGRN
    if country == "kz" and len(digits) == 12 and kind in (IdKind.TAX_ID, IdKind.REGISTRATION, IdKind.NATIONAL_ID):
        return IdKind.IIN if entity_type == EntityType.PERSON else IdKind.BIN
    if kind == IdKind.REGISTRATION and label.casefold() == "vessel registration identification" and _valid_imo(digits):
        return IdKind.IMO
    return kind


def _valid_russian_number(kind: IdKind, value: str) -> bool:
    validator = ru_inn if kind == IdKind.INN else ru_ogrn
    return validator.is_valid(value.replace(" ", ""))


def _valid_imo(digits: str) -> bool:
    """IMO numbers: 7 digits, the last is sum(digit * weight 7..2) mod 10."""
    if len(digits) != 7:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1)))
    return total % 10 == int(digits[6])


def _append_extra(entity: Entity, key: str, value: str) -> None:
    values = entity.extra.setdefault(key, [])
    if value not in values:
        values.append(value)


# --- the ID-type table ---------------------------------------------------------
KindByEntity = IdKind | dict[str, IdKind]  # a kind, or {"person": kind, "other": kind}


@lru_cache(maxsize=1)
def id_types() -> dict[str, tuple[str, KindByEntity]]:
    """``data/ofac_id_types.yml`` as {lower-cased label: (label as printed, kind)}."""
    with ID_TYPES_FILE.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)["id_types"]
    table: dict[str, tuple[str, KindByEntity]] = {}
    for label, kind in raw.items():
        if isinstance(kind, dict):
            table[label.casefold()] = (label, {who: IdKind(k) for who, k in kind.items()})
        else:
            table[label.casefold()] = (label, IdKind(kind))
    return table


def id_kind_for(label: str, entity_type: EntityType) -> IdKind:
    kind = id_types()[label.casefold()][1]
    if isinstance(kind, dict):
        return kind["person" if entity_type == EntityType.PERSON else "other"]
    return kind


@lru_cache(maxsize=1)
def _item_readers() -> list[tuple[re.Pattern, ItemReader]]:
    """(pattern, reader) pairs, tried in order; the first match wins."""
    labels = sorted(id_types(), key=len, reverse=True)  # longest first: "Passport Booklet" before "Passport"
    id_label = "|".join(re.escape(label) for label in labels)

    def item(pattern: str) -> re.Pattern:
        return re.compile(pattern + r"$", re.I)

    return [
        (item(r"DOB:?\s+(?P<value>.+)"), _date_reader(DateKind.BIRTH)),
        (item(r"POB:?\s+(?P<value>.+)"), _read_pob),
        (item(r"Nationality of Registration\s+(?P<value>.+)"), _country_reader(CountryRole.FLAG)),
        (item(r"nationality\s+(?P<value>.+)"), _country_reader(CountryRole.NATIONALITY)),
        (item(r"citizen\s+(?P<value>.+)"), _country_reader(CountryRole.CITIZENSHIP)),
        (item(r"Gender\s+(?P<value>male|female)"), _read_gender),
        (_QUOTED_NAME, _read_quoted_name),
        (item(r"Linked To:\s*(?P<value>.+)"), _extra_reader("linked_to")),
        (_CRYPTO, _read_crypto),
        (item(r"(?:Organization Established Date|Aircraft Manufacture Date|Vessel Year of Build)\s+(?P<value>.+)"),
         _date_reader(DateKind.INCORPORATION)),
        (item(r"Organization Type:\s*(?P<value>.+)"), _extra_reader("organization_type")),
        (item(r"Target Type\s+(?P<value>.+)"), _read_target_type),
        (item(r"Former Vessel Flag\s+(?P<value>.+)"), _extra_reader("former_flags")),
        (item(r"Other Vessel Flag\s+(?P<value>.+)"), _extra_reader("other_flags")),
        (item(r"Registration Country\s+(?P<value>.+)"), _country_reader(CountryRole.JURISDICTION)),
        (item(r"Other Vessel Type\s+(?P<value>.+)"), _extra_reader("other_vessel_types")),
        (item(r"Aircraft Model\s+(?P<value>.+)"), _extra_reader("aircraft_model")),
        (item(r"Aircraft Operator\s+(?P<value>.+)"), _extra_reader("aircraft_operator")),
        (item(r"Issuer Name\s+(?P<value>.+)"), _read_alias),
        (item(r"Position:\s*(?P<value>.+)"), _read_position),
        (item(r"ethnicity\s+(?P<value>.+)"), _extra_reader("ethnicity")),
        (item(r"(?P<value>(?:and )?all (?:other )?(?:offices|branches) worldwide)"), _extra_reader("scope")),
        (_SANCTIONS_INFO, _extra_reader("sanctions_info")),
        (item(rf"(?P<label>{id_label})(?=[\s:])\s*:?\s*(?P<value>\S.*)"), _read_identifier),
    ]


def _read_item(item: str, entity: Entity, result: RemarksResult) -> bool:
    for pattern, reader in _item_readers():
        if match := pattern.match(item):
            return reader(match, entity, result)
    return False

