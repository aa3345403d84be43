"""Several sanctions lists combined in one CSV (the UK FCA's combined-list layout).

One row per *name variant* (and, for the EU, per combination of name, date of
birth, address and document: one EU entry can take hundreds of rows). The
columns: surname, forename, middle_names, full_name, title, entity_type, DOB
(and day/month/year_DOB), birth_location, birth_country, position,
nationality, citizenship, date_added, regime, address, address_country,
personal_id, list_internal_id, sanction_list.

Rows are grouped by ``(sanction_list, list_internal_id)`` into one entity,
``multi-<list>-<internal id>``, ``<list>`` being the list's abbreviation
(``sdn``, ``el``, ``ssi``...) or its short name (``eu``, ``uk-cons``, ``uk-inv``);
see :func:`kordon.lists.us_csl.list_slug`. Grouping uses
:func:`kordon.lists.tabular.grouped` (two passes; memory holds the groups
still open, about 1,500 at worst in the 2022 file).

Per-list conventions handled:

- The file has no name-type column: the first name of a group (in file
  order) is its primary name, the others aliases.
- Dates are ISO (US, EU: ``1967``, ``1967-01-01``), ``d/m/yyyy`` (EU) or
  ``dd/mm/yyyy`` with ``00`` for unknown parts (UK).
- ``personal_id``: for US lists the CSL ``ids`` format (``"RU, 123, Tax ID No.;
  Male, Gender"``, read by :func:`kordon.lists.us_csl.apply_ids`); for the EU
  ``"National passport: X"``; for the UK passport numbers, ``(1) A (2) B``.
- ``entity_type``: Individual / person, Entity / enterprise, Vessel / Ship,
  Aircraft; empty for several US lists, where the type is guessed
  (:func:`kordon.lists.us_csl.guess_type`, ``extra["type_guessed"]``).
- US addresses pack several addresses, ``"; "``-separated, each ending with a
  country code.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from kordon.lists.base import ImportReport, ListSource
from kordon.lists.parsing import clean_text, country_code
from kordon.lists.tabular import (
    Row,
    Table,
    add_unique,
    ensure_primary,
    grouped,
    merge_name,
    split_numbered,
)
from kordon.lists.uk_ofsi import countries_in, parse_uk_date
from kordon.lists.us_csl import ENTITY_TYPES, apply_ids, csl_address, guess_type, list_slug
from kordon.model import Address, CountryRole, DateKind, Entity, EntityDate, EntityType, IdKind, NameKind, Relation

COLUMNS = ("full_name", "entity_type", "DOB", "nationality", "date_added", "regime", "address",
           "personal_id", "list_internal_id", "sanction_list")

# EU document labels ("National passport: X") -> identifier kind; by the first word that matches.
_EU_DOCUMENTS = (
    ("passport", IdKind.PASSPORT),
    ("travel document", IdKind.PASSPORT),
    ("identification card", IdKind.NATIONAL_ID),
    ("fiscal", IdKind.TAX_ID),
    ("registration", IdKind.REGISTRATION),
    ("trade license", IdKind.REGISTRATION),
    ("driving", IdKind.DRIVING_LICENSE),
    ("swift", IdKind.SWIFT_BIC),
    ("social security", IdKind.SSN),
    ("imo", IdKind.IMO),
)


@lru_cache(maxsize=65536)
def _date(text: str, kind: DateKind) -> EntityDate | None:
    # Cached: the EU rows repeat each date on hundreds of rows.
    return parse_uk_date(text, kind)


@lru_cache(maxsize=65536)
def _countries(text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for part in text.split(";"):
        found.extend(countries_in(part))
    return tuple(found)


class _Group:
    """One listed entity being assembled from its rows."""

    def __init__(self, key: str, line: int, row: Row, source: "MultiListSource", report: ImportReport, path: Path):
        self.report, self.path, self.line = report, path, line
        self.list_name = clean_text(row.get("sanction_list")) or ""
        self.slug = list_slug(self.list_name)
        internal_id = clean_text(row.get("list_internal_id")) or ""
        source_id = f"{self.slug}-{internal_id}"
        self.entity = Entity(id=f"{source.name}-{source_id}", type=EntityType.ORGANIZATION, source=source.name,
                             source_id=source_id, extra={"list": self.list_name})
        self.entity_type: EntityType | None = None
        self.is_us = not (self.slug == "eu" or self.slug.startswith("uk"))
        self.seen: set[tuple[str | None, ...]] = set()
        self.add(line, row)

    def _new(self, *values: str | None) -> bool:
        """True the first time a group sees these values (its rows repeat them many times)."""
        if values in self.seen:
            return False
        self.seen.add(values)
        return True

    def add(self, line: int, row: Row) -> None:
        get = row.get
        entity = self.entity
        if self.entity_type is None and (type_text := get("entity_type")):
            self.entity_type = ENTITY_TYPES.get(type_text.strip().lower())
            if self.entity_type is None and self._new("type", type_text):
                self.report.warn(f"unknown entity_type {type_text!r}", path=self.path, line=line,
                                 field="entity_type", kind="unknown_type")
        if self._new("name", get("full_name"), get("forename"), get("middle_names"), get("surname")):
            merge_name(entity, get("full_name"), NameKind.ALIAS, first_name=clean_text(get("forename")),
                       middle_name=clean_text(get("middle_names")), last_name=clean_text(get("surname")))
        if (dob := get("DOB")) and self._new("dob", dob):
            if date := _date(dob, DateKind.BIRTH):
                entity.add_date(date)
            else:
                self.report.warn(f"unreadable DOB {dob!r}", path=self.path, line=line, field="DOB", kind="bad_date")
        if self._new("birth", get("birth_location"), get("birth_country")):
            place = ", ".join(p for p in (clean_text(get("birth_location")), clean_text(get("birth_country")))
                              if p and p.upper() != "UNKNOWN")
            add_unique(entity.places_of_birth, place)
        if self._new("position", get("position"), get("title")):
            add_unique(entity.positions, get("position"))
            if title := clean_text(get("title")):
                add_unique(entity.extra.setdefault("titles", []), title)
        for column, role in (("nationality", CountryRole.NATIONALITY), ("citizenship", CountryRole.CITIZENSHIP)):
            if (text := get(column)) and self._new(column, text):
                for code, item in _countries(text):
                    entity.add_country(code, role, item)
        if (added := get("date_added")) and self._new("added", added):
            if date := _date(added, DateKind.INCORPORATION):
                if not entity.listed_on or date.value < entity.listed_on:
                    entity.listed_on = date.value
        if self._new("regime", get("regime")):
            for regime in (get("regime") or "").split(";"):
                add_unique(entity.programs, regime)
        if self._new("address", get("address"), get("address_country")):
            self._add_address(get("address"), get("address_country"))
        if self._new("id", get("personal_id")):
            self._add_personal_id(get("personal_id"), line)

    def _add_address(self, text: str | None, country: str | None) -> None:
        if self.is_us:
            for part in (text or "").split(";"):
                if part.strip():
                    address = csl_address(part)
                    self.entity.add_address(address)
                    self.entity.add_country(address.country, CountryRole.COUNTRY)
            return
        country = clean_text(country)
        code = country_code(country) if country and country.upper() != "UNKNOWN" else None
        if text := clean_text(text):
            self.entity.add_address(Address(full=text, country=code))
        elif country and code:
            self.entity.add_address(Address(full=country, country=code))
        self.entity.add_country(code, CountryRole.COUNTRY)

    def _add_personal_id(self, text: str | None, line: int) -> None:
        if not text:
            return
        if self.is_us:
            apply_ids(self.entity, text)
        elif self.slug == "eu":
            for part in text.split(";"):
                label, _, value = part.partition(":")
                if not value.strip():
                    label, value = "", label
                lowered = label.lower()
                kind = next((k for word, k in _EU_DOCUMENTS if word in lowered), IdKind.OTHER)
                self.entity.add_identifier(kind, value.strip(), note=clean_text(label))
        else:  # the UK lists: passport numbers
            for value in split_numbered(text):
                self.entity.add_identifier(IdKind.PASSPORT, value, note="personal_id (UK: passport number)")

    def finish(self) -> Entity:
        entity = self.entity
        if self.entity_type is None:
            has_birth = any(d.kind == DateKind.BIRTH for d in entity.dates)
            self.entity_type = guess_type(entity.names[0].value if entity.names else "", self.slug, has_birth)
            entity.extra["type_guessed"] = True
        entity.type = self.entity_type
        if entity.type != EntityType.PERSON:
            # The US lists give organisations' founding dates in "ids"; a "DOB" on them is one too.
            # new objects: parsed dates are cached and shared with other entities
            entity.dates = [replace(date, kind=DateKind.INCORPORATION) for date in entity.dates]
            for name in entity.names:
                name.first_name = name.middle_name = name.last_name = None
        ensure_primary(entity)
        return entity


class MultiListSource(ListSource):
    name = "multi"
    title = "Several sanctions lists in one CSV (UK FCA combined-list layout)"
    publisher = "UK Financial Conduct Authority (combined from the publishers' lists)"

    def read(self, path: Path, report: ImportReport, **options: Any) -> Iterator[Entity | Relation]:
        path = Path(path)
        table = Table(path, report, what="combined sanctions lists CSV")
        table.require(*COLUMNS)

        def missing(line: int, row: Row) -> None:
            report.warn("row without sanction_list or list_internal_id; skipped", path=path, line=line,
                        field="list_internal_id", kind="no_id")

        def start(group_key: str, line: int, row: Row) -> _Group:
            return _Group(group_key, line, row, self, report, path)

        for group in grouped(table, ("sanction_list", "list_internal_id"), start, missing):
            entity = group.finish()
            if entity.names:
                yield entity
            else:
                report.warn(f"{entity.id} has no name; skipped", path=path, line=group.line, field="full_name",
                            kind="empty_name")

SOURCE = MultiListSource()
