"""UN Security Council Consolidated List, official XML.

Format: ``<CONSOLIDATED_LIST dateGenerated=...>`` with ``INDIVIDUALS/INDIVIDUAL``
and ``ENTITIES/ENTITY`` records (schema
https://www.un.org/sc/resources/sc-sanctions.xsd). Names come in parts
(``FIRST_NAME`` .. ``FOURTH_NAME``, in listed order), aliases carry a quality
(``Good`` = strong a.k.a., ``Low`` = weak a.k.a.; entities use ``a.k.a.`` /
``f.k.a.``), dates of birth are typed (``EXACT`` / ``APPROXIMATELY`` /
``BETWEEN``) and identity documents have a type mapped to kordon's
:class:`~kordon.model.IdKind` in ``data/un_document_types.yml``.

The file is streamed record by record with :class:`kordon.lists.xml.XmlRecords`.
Entity ids are ``un-<REFERENCE_NUMBER>`` (e.g. ``un-QDi.123``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import yaml
from lxml import etree

from kordon.lists.base import ImportReport, ListSource
from kordon.lists.parsing import clean_text, country_code, iso_day, parse_date, parse_single_date, script_code
from kordon.lists.xml import XmlRecords
from kordon.model import (
    Address,
    CountryRole,
    DateKind,
    Entity,
    EntityDate,
    EntityType,
    IdKind,
    NameKind,
    unique,
)

DATA = Path(__file__).parent / "data"

ALIAS_QUALITY = {
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "low": NameKind.WEAK,
    "a.k.a. low": NameKind.WEAK,
    "f.k.a.": NameKind.FORMER,
}
_FORMERLY_LISTED = re.compile(r"\b(?:previously|formerly) listed as\b", re.I)
_ORIGINAL_SCRIPT_NOTE = re.compile(r"^\s*(?:original script|in [a-z]+(?: script)?)\s*:\s*(.+)$", re.I | re.S)
DATE_OF_BIRTH_FIELDS = ("TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE")



class UnSource(ListSource):
    name = "un"
    title = "UN Security Council Consolidated List"
    publisher = "United Nations Security Council"
    urls = {"consolidated.xml": "https://scsanctions.un.org/resources/xml/en/consolidated.xml"}

    def read(self, path: Path, report: ImportReport, **options) -> Iterator[Entity]:
        with XmlRecords(path, root="CONSOLIDATED_LIST", records={"INDIVIDUAL", "ENTITY"},
                        what="UN consolidated list") as xml:
            report.published = iso_day(xml.root_attrib.get("dateGenerated"))
            records = ((element, RecordReader(path, report, element).entity()) for element in xml)
            yield from first_of_each_id(records, report, "REFERENCE_NUMBER")


def first_of_each_id(records: Iterable[tuple[etree._Element, Entity | None]], report: ImportReport,
                     id_field: str) -> Iterator[Entity]:
    """The entities read from XML records, in file order, counted by type.

    A record whose id an earlier record had is skipped with a warning naming
    its line; records that gave no entity (None) were warned about already.
    """
    seen: set[str] = set()
    for element, entity in records:
        if entity is None:
            continue
        if entity.id in seen:
            report.warn(f"duplicate {id_field} {entity.source_id}; the later record is skipped",
                        line=element.sourceline, field=id_field, kind="duplicate_id")
            continue
        seen.add(entity.id)
        report.counts[entity.type.value] += 1
        yield entity


def un_birth_date(type_of_date: str | None, date: str | None = None, year: str | None = None,
                  from_year: str | None = None, to_year: str | None = None,
                  note: str | None = None) -> EntityDate | None:
    """One ``INDIVIDUAL_DATE_OF_BIRTH`` -> EntityDate, or None when it cannot be read.

    ``TYPE_OF_DATE`` is EXACT, APPROXIMATELY or BETWEEN; the value is in
    ``DATE`` (full date), ``YEAR``, or ``FROM_YEAR``/``TO_YEAR``. ``NOTE``
    sometimes holds the date itself ("Nov. 1973"), a month for ``YEAR``
    ("Sep."), or "Approximately".
    """
    kind = (type_of_date or "").strip().upper()
    note = clean_text(note)
    approximate = kind == "APPROXIMATELY" or bool(note and note.lower().startswith("approx"))
    if from_year or to_year:
        return birth_year_range(from_year, to_year, approximate)
    if date:
        value = iso_day(date)
        if not value:
            return None
        text = f"{value} ({note})" if note and not approximate else None
        return EntityDate(kind=DateKind.BIRTH, value=value, approximate=approximate, text=text)
    if year:
        value = parse_single_date(year)
        if not value:
            return None
        if note and not approximate and (with_month := parse_single_date(f"{note} {value}")):
            return EntityDate(kind=DateKind.BIRTH, value=with_month, text=f"{note} {value}")
        return EntityDate(kind=DateKind.BIRTH, value=value, approximate=approximate)
    if note:
        parsed = parse_date(note)
        if parsed and approximate:
            parsed.approximate = True
        return parsed
    return None


def birth_year_range(from_year: str | None, to_year: str | None, approximate: bool = False) -> EntityDate | None:
    """A birth date "between FROM and TO", either end open; None when a year is unreadable or they are reversed."""
    start = parse_single_date(from_year) if from_year else None
    end = parse_single_date(to_year) if to_year else None
    if (from_year and not start) or (to_year and not end) or (start and end and start > end):
        return None
    return EntityDate(kind=DateKind.BIRTH, start=start, end=end, approximate=approximate)


@lru_cache(maxsize=1)
def document_types() -> dict:
    with (DATA / "un_document_types.yml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def document_kind(type_of_document: str | None, type_of_document2: str | None) -> IdKind | None:
    """The IdKind for a UN document type pair; None when the main type is unknown."""
    table = document_types()
    main = " ".join((type_of_document or "").lower().split())
    refinement = " ".join((type_of_document2 or "").lower().split())
    for keyword, kind in table["type_of_document2_keywords"].items():
        if keyword in refinement:
            return IdKind(kind)
    if not main:
        return IdKind.OTHER
    kind = table["type_of_document"].get(main)
    return IdKind(kind) if kind else None


class RecordReader:
    """Turns one ``INDIVIDUAL`` or ``ENTITY`` element into an Entity, warning about what it skips."""

    def __init__(self, path: Path, report: ImportReport, element: etree._Element):
        self.path = path
        self.report = report
        self.element = element
        self.is_person = element.tag == "INDIVIDUAL"
        self.prefix = "INDIVIDUAL" if self.is_person else "ENTITY"

    def warn(self, message: str, node: etree._Element, field: str, kind: str) -> None:
        self.report.warn(message, path=self.path, line=node.sourceline, field=field, kind=kind)

    def text(self, tag: str, node: etree._Element | None = None) -> str | None:
        return clean_text((node if node is not None else self.element).findtext(tag))

    def entity(self) -> Entity | None:
        reference = self.text("REFERENCE_NUMBER")
        if not reference:
            self.warn("record without REFERENCE_NUMBER skipped", self.element, "REFERENCE_NUMBER", "missing_id")
            return None
        entity = Entity(
            id=f"{SOURCE.name}-{reference}",
            type=EntityType.PERSON if self.is_person else EntityType.ORGANIZATION,
            source=SOURCE.name,
            source_id=reference,
            listed_on=iso_day(self.text("LISTED_ON")),
            remarks=self.text("COMMENTS1"),
            programs=unique([self.text("UN_LIST_TYPE") or ""]),
        )
        self.add_primary_name(entity)
        if original := self.text("NAME_ORIGINAL_SCRIPT"):
            entity.add_name(original, NameKind.ORIGINAL_SCRIPT, script=script_code(original))
        entity.positions = unique(self.text(".", v) or "" for v in self.element.iterfind("*/VALUE")
                                  if v.getparent().tag in ("TITLE", "DESIGNATION"))
        for value in self.element.iterfind("NATIONALITY/VALUE"):
            self.add_country(entity, value, CountryRole.NATIONALITY, "NATIONALITY")
        gender = (self.text("GENDER") or "").lower()
        if gender in ("male", "female"):
            entity.gender = gender
        elif gender:
            self.warn(f"unknown gender {gender!r}", self.element, "GENDER", "unknown_value")
        for address in self.element.iterfind(f"{self.prefix}_ADDRESS"):
            self.add_address(entity, address)
        for dob in self.element.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
            fields = {tag.lower(): self.text(tag, dob) for tag in DATE_OF_BIRTH_FIELDS}
            self.add_birth_date(entity, dob, fields)
        for place in self.element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
            self.add_place_of_birth(entity, place)
        # After the record's own dates and places: aliases may add those of other identities.
        for alias in self.element.iterfind(f"{self.prefix}_ALIAS"):
            self.add_alias(entity, alias)
        for document in self.element.iterfind("INDIVIDUAL_DOCUMENT"):
            self.add_document(entity, document)
        entity.extra["dataid"] = self.text("DATAID")
        if updated := unique(iso_day(self.text(".", v)) or "" for v in self.element.iterfind("LAST_DAY_UPDATED/VALUE")):
            entity.extra["last_updated"] = updated
        return entity if entity.names else None

    def add_primary_name(self, entity: Entity) -> None:
        parts = [p for p in (self.text(tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")) if p]
        if not parts:
            self.warn("record without a name (skipped unless it has aliases)", self.element, "FIRST_NAME",
                      "missing_name")
            return
        full = " ".join(parts)
        if not self.is_person:
            entity.add_name(full, NameKind.PRIMARY, script=script_code(full))
            return
        entity.add_name(
            full,
            NameKind.PRIMARY,
            script=script_code(full),
            first_name=parts[0] if len(parts) > 1 else None,
            middle_name=" ".join(parts[1:-1]) or None,
            last_name=parts[-1] if len(parts) > 1 else None,
        )

    def add_alias(self, entity: Entity, alias: etree._Element) -> None:
        name = self.text("ALIAS_NAME", alias)
        if not name:
            return
        quality = (self.text("QUALITY", alias) or "").lower()
        kind = ALIAS_QUALITY.get(quality, NameKind.ALIAS)
        if quality and quality not in ALIAS_QUALITY:
            self.warn(f"unknown alias quality {quality!r}, kept as a strong alias", alias, "QUALITY", "unknown_value")
        note = self.text("NOTE", alias)
        if note and _FORMERLY_LISTED.search(note):
            kind = NameKind.FORMER
        entity.add_name(name, kind, script=script_code(name))
        if note and (original := _ORIGINAL_SCRIPT_NOTE.match(note)) and script_code(original.group(1)):
            entity.add_name(original.group(1), kind, script=script_code(original.group(1)))
        elif note:
            entity.extra.setdefault("alias_notes", []).append(f"{name}: {note}")
        # Some aliases carry their own date and place of birth (another identity's papers).
        if dob := self.text("DATE_OF_BIRTH", alias):
            self.add_birth_date(entity, alias, {"type_of_date": "EXACT", "date": dob})
        place = ", ".join(p for p in (self.text("CITY_OF_BIRTH", alias), self.text("COUNTRY_OF_BIRTH", alias)) if p)
        if place and place not in entity.places_of_birth:
            entity.places_of_birth.append(place)

    def add_country(self, entity: Entity, node: etree._Element, role: CountryRole, field: str) -> str | None:
        text = self.text(".", node)
        if not text:
            return None
        code = country_code(text)
        if code is None:
            self.warn(f"unknown country {text!r}", node, field, "unknown_country")
            return None
        entity.add_country(code, role, text=text)
        return code

    def add_address(self, entity: Entity, node: etree._Element) -> None:
        tags = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE")
        parts = {tag: self.text(tag, node) for tag in tags}
        if not any(parts.values()):
            return
        code = None
        if (country := node.find("COUNTRY")) is not None:
            role = CountryRole.RESIDENCE if self.is_person else CountryRole.COUNTRY
            code = self.add_country(entity, country, role, f"{self.prefix}_ADDRESS/COUNTRY")
        full = ", ".join(v for k, v in parts.items() if v and k != "NOTE")
        entity.addresses.append(Address(
            full=full or None, street=parts["STREET"], city=parts["CITY"], region=parts["STATE_PROVINCE"],
            postal_code=parts["ZIP_CODE"], country=code, remarks=parts["NOTE"],
        ))

    def add_birth_date(self, entity: Entity, node: etree._Element, fields: dict[str, str | None]) -> None:
        if not any(v for k, v in fields.items() if k != "type_of_date"):
            return
        parsed = un_birth_date(**fields)
        if parsed is None:
            printed = "; ".join(f"{k}={v}" for k, v in fields.items() if v)
            self.warn(f"unreadable date of birth ({printed})", node, "INDIVIDUAL_DATE_OF_BIRTH", "bad_date")
            return
        if parsed not in entity.dates:
            entity.dates.append(parsed)

    def add_place_of_birth(self, entity: Entity, node: etree._Element) -> None:
        parts = [self.text(tag, node) for tag in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY", "NOTE")]
        place = ", ".join(p for p in parts if p)
        if place and place not in entity.places_of_birth:
            entity.places_of_birth.append(place)

    def add_document(self, entity: Entity, node: etree._Element) -> None:
        number = self.text("NUMBER", node)
        type_1, type_2 = self.text("TYPE_OF_DOCUMENT", node), self.text("TYPE_OF_DOCUMENT2", node)
        details = [type_2, self.text("NOTE", node)]
        if issued := self.text("DATE_OF_ISSUE", node):
            details.append(f"issued {iso_day(issued) or issued}")
        if city := self.text("CITY_OF_ISSUE", node):
            details.append(f"issued in {city}")
        note = "; ".join(d for d in details if d) or None
        if not number:
            if type_1 or note:
                self.warn(f"document without a number kept in extra: {type_1 or ''} {note or ''}".strip(),
                          node, "INDIVIDUAL_DOCUMENT/NUMBER", "document_without_number")
                entity.extra.setdefault("documents_without_number", []).append(
                    "; ".join(d for d in (type_1, note) if d))
            return
        kind = document_kind(type_1, type_2)
        if kind is None:
            self.warn(f"unknown document type {type_1!r}, imported as 'other'", node,
                      "INDIVIDUAL_DOCUMENT/TYPE_OF_DOCUMENT", "unknown_document_type")
            kind = IdKind.OTHER
        country_text = self.text("ISSUING_COUNTRY", node) or self.text("COUNTRY_OF_ISSUE", node)
        country = country_code(country_text) if country_text else None
        if country_text and not country:
            self.warn(f"unknown issuing country {country_text!r}", node, "INDIVIDUAL_DOCUMENT/ISSUING_COUNTRY",
                      "unknown_country")
        entity.add_identifier(kind, number, country=country, note=note)


SOURCE = UnSource()
