"""US Consolidated Screening List (CSL), CSV.

The CSL (International Trade Administration, data.trade.gov) merges eleven
export-screening lists of the Departments of Commerce, State and the
Treasury: OFAC's SDN, SSI, FSE, PLC, CAPTA, NS-MBS and CMIC lists, BIS's
Entity List, Denied Persons, Unverified and Military End User lists, State's
ITAR Debarred and Nonproliferation lists. One row per listed party, with
``source`` naming its list; multi-valued cells are separated by ``"; "``.

Ids: the CSV has no id shared by every list. kordon uses, in order: the
``_id`` column of newer files (a stable hash computed by the publisher); the
``entity_number`` (OFAC's entry number, set for the Treasury lists), as
``us-csl-<list>-<number>``; else a hash of the row's defining content (list,
name, addresses, start date, Federal Register notice), as
``us-csl-<list>-h<hash>``, stable from one release to the next as long as
those fields do not change. ``<list>`` is the abbreviation in the list's name
(``sdn``, ``el``, ``dpl``...; see :func:`list_slug`). A row whose id repeats
an earlier one (an exact duplicate) is reported and skipped.

The ``ids`` column packs identifiers and other facts as ``"RU, 1027739609391,
Registration ID; Male, Gender; ..."``; :func:`apply_ids` reads it (also used
by the ``multi`` source). Rows without a ``type`` (BIS and State lists) get
one from their name (legal-form words -> organization), their list (Denied
Persons and ITAR Debarred are mostly persons) or a birth date; such entities
carry ``extra["type_guessed"] = True``.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from rigour.names import extract_org_types

from kordon.lists.base import ImportReport, ListSource
from kordon.lists.parsing import clean_text, country_code, parse_date
from kordon.lists.tabular import Table, add_unique
from kordon.model import Address, CountryRole, DateKind, Entity, EntityType, IdKind, NameKind, Relation

ENTITY_TYPES = {
    "individual": EntityType.PERSON,
    "person": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "enterprise": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "ship": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
# Lists without a type column whose entries are mostly people.
PERSON_LISTS = {"dpl", "dtc"}

_ORG_WORDS = re.compile(
    r"\b(LLC|L\.L\.C|LTD|LIMITED|INC|CORP|CORPORATION|COMPANY|CO|GROUP|HOLDINGS?|BANK|INSTITUTE|UNIVERSITY|"
    r"ACADEMY|AIRLINES?|AIRWAYS|AVIATION|TRADING|INDUSTR\w*|TECHNOLOG\w*|ELECTRONIC\w*|ENGINEERING|SHIPPING|"
    r"ENTERPRISES?|BUREAU|CENT(?:ER|RE)|MINISTRY|DEPARTMENT|LABORATOR\w*|FACTORY|PLANT|AGENCY|ASSOCIATION|"
    r"FOUNDATION|ORGANI[SZ]ATION|SERVICES?|SYSTEMS?|INTERNATIONAL|GMBH|OOO|OAO|ZAO|PAO|JSC|OJSC|CJSC|FZE|FZCO|"
    r"LLP|PLC|SRL|SPA|COMMITTEE|ADMINISTRATION|AUTHORITY|OFFICE|FORCES?|ARMY|GUARD|REGIMENT|BRIGADE|BATTALION|"
    r"SCHOOL|COLLEGE|HOSPITAL|STATION|PORT|LOGISTICS|IMPORT|EXPORT|SUPPLY|SUPPLIES|DESIGN|RESEARCH|SCIENTIFIC|"
    r"AEROSPACE|MARITIME|SOLUTIONS|PROJECTS?|PARTNERS|CONSULTING|MACHINERY|EQUIPMENT|ELECTRIC|METALS?|OIL|GAS)\b",
    re.IGNORECASE,
)


def list_slug(list_name: str) -> str:
    """A short name for a list: the abbreviation in its title ("... (SDN) - Treasury" -> "sdn")."""
    match = re.search(r"\(([^)]+)\)", list_name)
    text = match.group(1) if match else list_name
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "list"


_PERSON_NAME = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*(?:,? [^\W\d_.]+(?:[-'.][^\W\d_]*)*){1,3}$")


def guess_type(name: str, slug: str, has_birth_date: bool) -> EntityType:
    """The type of a party whose list gives none (see the module docstring)."""
    if has_birth_date:
        return EntityType.PERSON
    if _ORG_WORDS.search(name) or extract_org_types(name):
        return EntityType.ORGANIZATION
    if slug in PERSON_LISTS or _PERSON_NAME.match(name):
        return EntityType.PERSON
    return EntityType.ORGANIZATION


def split_values(text: str | None) -> list[str]:
    return [v for v in (clean_text(part) for part in (text or "").split(";")) if v]


# --- the "ids" column ----------------------------------------------------------
_ID_KINDS = {
    "passport": IdKind.PASSPORT,
    "diplomatic passport": IdKind.PASSPORT,
    "british national overseas passport": IdKind.PASSPORT,
    "national id no.": IdKind.NATIONAL_ID,
    "cedula no.": IdKind.NATIONAL_ID,
    "identification number": IdKind.NATIONAL_ID,
    "personal id card": IdKind.NATIONAL_ID,
    "d.n.i.": IdKind.NATIONAL_ID,
    "c.u.r.p.": IdKind.NATIONAL_ID,
    "national foreign id number": IdKind.NATIONAL_ID,
    "credencial electoral": IdKind.NATIONAL_ID,
    "electoral registry no.": IdKind.NATIONAL_ID,
    "residency number": IdKind.NATIONAL_ID,
    "tax id no.": IdKind.TAX_ID,
    "r.f.c.": IdKind.TAX_ID,
    "rfc": IdKind.TAX_ID,
    "nit #": IdKind.TAX_ID,
    "ruc #": IdKind.TAX_ID,
    "rif #": IdKind.TAX_ID,
    "v.a.t. number": IdKind.TAX_ID,
    "registration id": IdKind.REGISTRATION,
    "registration number": IdKind.REGISTRATION,
    "company number": IdKind.REGISTRATION,
    "commercial registry number": IdKind.REGISTRATION,
    "matricula mercantil no": IdKind.REGISTRATION,
    "unified social credit code (uscc)": IdKind.REGISTRATION,
    "business registration number": IdKind.REGISTRATION,
    "business registration document #": IdKind.REGISTRATION,
    "business identification number": IdKind.REGISTRATION,
    "folio mercantil no.": IdKind.REGISTRATION,
    "public registration number": IdKind.REGISTRATION,
    "chamber of commerce number": IdKind.REGISTRATION,
    "certificate of incorporation number": IdKind.REGISTRATION,
    "c.r. no.": IdKind.REGISTRATION,
    "trade license no.": IdKind.REGISTRATION,
    "registered charity no.": IdKind.REGISTRATION,
    "government gazette number": IdKind.REGISTRATION,
    "legal entity number": IdKind.LEI,
    "swift/bic": IdKind.SWIFT_BIC,
    "website": IdKind.WEBSITE,
    "email address": IdKind.EMAIL,
    "phone number": IdKind.PHONE,
    "ssn": IdKind.SSN,
    "driver's license no.": IdKind.DRIVING_LICENSE,
    "vessel registration identification": IdKind.IMO,
    "mmsi": IdKind.MMSI,
    "aircraft tail number": IdKind.AIRCRAFT_TAIL,
    "aircraft manufacturer's serial number (msn)": IdKind.AIRCRAFT_SERIAL,
    "aircraft construction number (also called l/n or s/n or f/n)": IdKind.AIRCRAFT_SERIAL,
    "isin": IdKind.OTHER,
    "bik (ru)": IdKind.OTHER,
    "d-u-n-s number": IdKind.OTHER,
    "license": IdKind.OTHER,
}
# Facts that are not identifiers, kept in extra under these keys.
_FACTS = {
    "former vessel flag": "former_flags",
    "aircraft model": "aircraft_model",
    "aircraft operator": "aircraft_operator",
    "aircraft manufacture date": "aircraft_manufacture_date",
    "target type": "target_type",
    "organization type:": "organization_type",
    "issuer name": "issuer_name",
    "equity ticker": "equity_ticker",
}


@lru_cache(maxsize=65536)
def parse_ids(text: str) -> tuple[tuple[str, str, str | None, str], ...]:
    """The items of an ``ids`` cell as ``(type, value, country, text)``, type lower-cased.

    ``"RU, 1027739609391, Registration ID"`` -> ``("registration id", "1027739609391", "ru", ...)``.
    Cached: the multi-list file repeats the same cell on every name row.
    """
    items = []
    for part in text.split("; "):
        part = part.strip()
        if not part:
            continue
        head, _, id_type = part.rpartition(", ")
        if not head:
            head, id_type = id_type, ""
        country = None
        if re.match(r"^[A-Z]{2}, ", head):
            country, head = head[:2].lower(), head[4:]
        items.append((id_type.strip().lower(), head.strip(), country, part))
    return tuple(items)


def apply_ids(entity: Entity, text: str | None) -> None:
    """Add what an ``ids`` cell says: identifiers, gender, founding date, flags and other facts.

    Call it after the addresses: an identifier without a country takes the
    country of the entity's addresses when they are all in one country.
    """
    if not text:
        return
    address_countries = {a.country for a in entity.addresses if a.country}
    home = address_countries.pop() if len(address_countries) == 1 else None
    for id_type, value, country, raw in parse_ids(text):
        kind = _ID_KINDS.get(id_type)
        if id_type.startswith("digital currency address"):
            kind = IdKind.CRYPTO_WALLET
        if kind is not None:
            kind = _refine_kind(kind, id_type, value, country or home)
            entity.add_identifier(kind, _clean_id(kind, value), country, note=id_type or None)
        elif id_type == "gender" and value.lower() in ("male", "female"):
            entity.gender = value.lower()
        elif id_type == "organization established date":
            if date := parse_date(value, DateKind.INCORPORATION):
                entity.add_date(date)
        elif id_type == "nationality of registration" and (code := country_code(value)):
            entity.add_country(code, CountryRole.JURISDICTION, value)
        elif id_type in _FACTS:
            add_unique(entity.extra.setdefault(_FACTS[id_type], []), value)
        else:
            add_unique(entity.extra.setdefault("other_information", []), raw)


def _refine_kind(kind: IdKind, id_type: str, value: str, country: str | None) -> IdKind:
    """Russian and Kazakh numbers have kinds of their own in kordon's model."""
    digits = value.replace(" ", "")
    if country == "ru" and digits.isdigit():
        if kind == IdKind.TAX_ID and len(digits) in (10, 12):
            return IdKind.INN
        if kind == IdKind.REGISTRATION and len(digits) in (13, 15):
            return IdKind.OGRN
        if id_type == "government gazette number" and len(digits) in (8, 10):
            return IdKind.OKPO  # OFAC prints Russian OKPO codes as "Government Gazette Number"
    if country == "kz" and kind == IdKind.REGISTRATION and len(digits) == 12 and digits.isdigit():
        return IdKind.BIN
    return kind


def _clean_id(kind: IdKind, value: str) -> str:
    if kind == IdKind.IMO and value.upper().startswith("IMO"):
        return value[3:].strip()
    return value


# --- addresses -------------------------------------------------------------------
_TRAILING_CODE = re.compile(r",\s*([A-Z]{2})$")


def csl_address(text: str) -> Address:
    """One CSL address, "street, city, state, postcode, CC": the trailing code is the country."""
    text = clean_text(text) or ""
    match = _TRAILING_CODE.search(text)
    code = country_code(match.group(1)) if match else None
    if code is None and re.fullmatch(r"[A-Z]{2}", text):
        code = country_code(text)
    return Address(full=text, country=code)


# --- the CSV ---------------------------------------------------------------------
class UsCslSource(ListSource):
    name = "us-csl"
    title = "US Consolidated Screening List (Commerce, State, Treasury)"
    publisher = "International Trade Administration, US Department of Commerce"
    urls = {"consolidated.csv": "https://data.trade.gov/downloaded_files/consolidated.csv"}

    def read(self, path: Path, report: ImportReport, **options: Any) -> Iterator[Entity | Relation]:
        path = Path(path)
        table = Table(path, report, what="US Consolidated Screening List CSV")
        table.require("source", "name", "type", "alt_names", "ids")
        seen: set[str] = set()
        for line, row in table.rows():
            entity = self._entity(row, line, report, path)
            if entity is None:
                continue
            if entity.id in seen:
                report.warn(f"{entity.id} repeats an earlier row; skipped", path=path, line=line, kind="duplicate")
                continue
            seen.add(entity.id)
            yield entity

    def _entity(self, row: dict[str, str], line: int, report: ImportReport, path: Path) -> Entity | None:
        list_name = clean_text(row.get("source")) or ""
        name = clean_text(row.get("name"))
        if not name:
            report.warn("row without a name; skipped", path=path, line=line, field="name", kind="empty_name")
            return None
        slug = list_slug(list_name)
        source_id = row_id(row, slug)
        birth_texts = split_values(row.get("dates_of_birth"))
        births = [parse_date(v) for v in birth_texts]  # None where unreadable: warned about below
        type_text = (clean_text(row.get("type")) or "").lower()
        entity_type = ENTITY_TYPES.get(type_text)
        guessed = entity_type is None
        if guessed:
            if type_text:
                report.warn(f"unknown type {row.get('type')!r}; guessed from the name", path=path, line=line,
                            field="type", kind="unknown_type")
            entity_type = guess_type(name, slug, any(births))
        entity = Entity(id=f"{self.name}-{source_id}", type=entity_type, source=self.name, source_id=source_id)
        if guessed:
            entity.extra["type_guessed"] = True
        entity.extra["list"] = list_name
        entity.add_name(name, NameKind.PRIMARY)
        for alias in split_values(row.get("alt_names")):
            entity.add_name(alias, NameKind.ALIAS)
        for value, date in zip(birth_texts, births):
            if date is not None:
                entity.add_date(date)
            else:
                report.warn(f"unreadable date of birth {value!r}", path=path, line=line, field="dates_of_birth",
                            kind="bad_date")
        for place in split_values(row.get("places_of_birth")):
            add_unique(entity.places_of_birth, place)
        for column, role in (("nationalities", CountryRole.NATIONALITY), ("citizenships", CountryRole.CITIZENSHIP)):
            for value in split_values(row.get(column)):
                entity.add_country(country_code(value), role, value)
        for text in split_values(row.get("addresses")):
            address = csl_address(text)
            entity.add_address(address)
            entity.add_country(address.country, CountryRole.COUNTRY)
        apply_ids(entity, row.get("ids"))
        entity.programs = split_values(row.get("programs"))
        add_unique(entity.positions, row.get("title"))
        entity.remarks = clean_text(row.get("remarks"))
        start = parse_date(row.get("start_date"), DateKind.INCORPORATION)
        entity.listed_on = start.value if start else None
        entity.add_identifier(IdKind.CALL_SIGN, clean_text(row.get("call_sign")))
        entity.vessel_type = clean_text(row.get("vessel_type"))
        entity.tonnage = clean_text(row.get("gross_tonnage")) or clean_text(row.get("gross_registered_tonnage"))
        if flag := clean_text(row.get("vessel_flag")):
            entity.add_country(country_code(flag), CountryRole.FLAG, flag)
        for column in ("source_information_url", "source_list_url"):
            add_unique(entity.urls, row.get(column))
        for column in ("end_date", "federal_register_notice", "standard_order", "license_requirement",
                       "license_policy", "vessel_owner"):
            if value := clean_text(row.get(column)):
                entity.extra[column] = value
        return entity


def row_id(row: dict[str, str], slug: str) -> str:
    """The list's own id for a CSL row (see the module docstring)."""
    if own := clean_text(row.get("_id")):
        return own
    if number := clean_text(row.get("entity_number")):
        return f"{slug}-{number}"
    content = "\x1f".join(clean_text(row.get(c)) or "" for c in
                          ("source", "name", "addresses", "start_date", "federal_register_notice"))
    return f"{slug}-h{hashlib.sha1(content.encode('utf-8')).hexdigest()[:12]}"


SOURCE = UsCslSource()
