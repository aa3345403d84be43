"""UK OFSI Consolidated List of Asset Freeze Targets, CSV (``ConList.csv``).

OFSI (HM Treasury) published this list until 28 January 2026, when the UK
moved every designation onto the FCDO's UK Sanctions List (source ``uk-fcdo``);
the CSV is still served but no longer updated. This source reads it for older
snapshots and for systems that still exchange it.

Format: one row per *name variant*; the rows of one designation share a
``Group ID`` and repeat its other details (and multiply them: two birth dates
times three addresses make six rows). Rows of one group are not always
adjacent (the list is sorted by name), so grouping uses
:func:`kordon.lists.tabular.grouped`: two passes over the file, memory bounded
by the groups still open. The file starts with a ``Last Updated,dd/mm/yyyy``
line (-> ``report.published``); its header names one more, empty, leading
column than the data rows hold. Historic files are Windows-1252: a line that
is not UTF-8 is decoded as cp1252 with one warning.

Both layouts are read: the 2022 format (``Passport Number``, ``National
Identification Number``, ``Alias Quality``, ``Name Non-Latin Script``, ``UK
Sanctions List Date Designated``...) and the earlier one (``Passport
Details`` and ``NI Number`` as free text, from which numbers are picked
heuristically; the text is kept as the identifier's note).

Mapping: ``Group Type`` Individual -> person, Entity -> organization, Ship ->
vessel; ``Alias Type`` "Primary name" / "Prime Alias" -> primary name,
"Primary name variation" / "AKA" -> alias, "FKA" -> former name;
``Alias Quality`` "Low" -> weak alias. Dates are dd/mm/yyyy with ``00`` or
``dd``/``mm`` for unknown parts (``00/00/1980`` is the year 1980). Ids are
``uk-ofsi-<Group ID>``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from kordon.lists.base import ImportReport, ListSource
from kordon.lists.parsing import clean_text, country_code, parse_date
from kordon.lists.tabular import (
    Row,
    Table,
    add_unique,
    ensure_primary,
    grouped,
    merge_name,
    split_numbered,
)
from kordon.model import (
    Address,
    CountryRole,
    DateKind,
    Entity,
    EntityDate,
    EntityType,
    IdKind,
    NameKind,
    Relation,
)

GROUP_TYPES = {"individual": EntityType.PERSON, "entity": EntityType.ORGANIZATION, "ship": EntityType.VESSEL}
ALIAS_TYPES = {
    "primary name": NameKind.PRIMARY,
    "prime alias": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,
    "aka": NameKind.ALIAS,
    "alias": NameKind.ALIAS,
    "fka": NameKind.FORMER,
}


# --- helpers shared by the UK sources -----------------------------------------
_UK_DATE = re.compile(r"^(\d{1,2}|dd|DD)[/.-](\d{1,2}|mm|MM)[/.-](\d{4})$")


def parse_uk_date(text: str | None, kind: DateKind = DateKind.BIRTH) -> EntityDate | None:
    """A UK list date ("dd/mm/yyyy", "00/00/1980", "dd/07/1978") -> partial ISO date."""
    text = clean_text(text)
    if not text:
        return None
    match = _UK_DATE.match(text)
    if not match:
        return parse_date(text, kind)
    day, month, year = match.groups()
    day_n = int(day) if day.isdigit() else 0
    month_n = int(month) if month.isdigit() else 0
    if not 1000 <= int(year) <= 2100 or month_n > 12 or day_n > 31:
        return None
    value = year
    if month_n:
        value += f"-{month_n:02d}"
        if day_n:
            value += f"-{day_n:02d}"
    iso = parse_date(value, kind)  # validates the day of month
    if iso is None:
        return None
    return EntityDate(kind=kind, value=iso.value, text=text if text != iso.value else None)


def uk_date_value(text: str | None) -> str | None:
    date = parse_uk_date(text, DateKind.INCORPORATION)
    return date.value if date else None


_PAREN = re.compile(r"\([^)]*\)")


def countries_in(text: str | None) -> list[tuple[str, str]]:
    """``(code, text)`` for each country in "(1) German (2) Moroccan" or "Libya (as at Jul 2017)"."""
    found = []
    for item in split_numbered(text):
        code = country_code(item) or country_code(_PAREN.sub("", item))
        if code:
            found.append((code, item))
    return found


_TOKEN_SPLIT = re.compile(r"[\s,;:()]+")
_DATE_LIKE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")


def document_numbers(details: str | None) -> list[tuple[str, str]]:
    """``(number, item text)`` for each numbered item of a free-text passport or id field.

    "(1) Provisional 28642163 (German) issued by ... (2) 954242 (Moroccan)" gives
    28642163 and 954242. Heuristic: the first word of each item that has a
    digit, at least 5 characters, and is neither a date nor a year.
    """
    found = []
    for item in split_numbered(details):
        for token in _TOKEN_SPLIT.split(item):
            token = token.strip(".-/")
            if (len(token) >= 5 and any(ch.isdigit() for ch in token)
                    and not _DATE_LIKE.match(token) and not re.fullmatch(r"\d{4}", token)):
                found.append((token, item))
                break
    return found


def add_documents(entity: Entity, kind: IdKind, numbers: str | None, details: str | None) -> None:
    """Identifiers from a number column (when the format has one) or else from free text."""
    if numbers:
        items = split_numbered(numbers)
        notes = split_numbered(details)
        for index, number in enumerate(items):
            note = notes[index] if len(notes) == len(items) else clean_text(details)
            entity.add_identifier(kind, number, note=note)
        return
    for number, item in document_numbers(details):
        # A passport field sometimes lists an identity card too: "(b) 973406 (national identification card)".
        item_kind = IdKind.NATIONAL_ID if kind == IdKind.PASSPORT and "identi" in item.lower() else kind
        entity.add_identifier(item_kind, number, note=item)


_IMO = re.compile(r"\bIMO(?:\s*(?:number|no\.?))?[\s:.]*(\d{7})\b", re.I)
_MMSI = re.compile(r"\bMMSI(?:\s*(?:number|no\.?))?[\s:.]*(\d{9})\b", re.I)


def add_vessel_numbers(entity: Entity, text: str | None) -> None:
    """IMO and MMSI numbers mentioned in free text ("IMO: 8937675. MMSI: 445539000.")."""
    for match in _IMO.finditer(text or ""):
        entity.add_identifier(IdKind.IMO, match.group(1))
    for match in _MMSI.finditer(text or ""):
        entity.add_identifier(IdKind.MMSI, match.group(1))


def places_of_birth(towns: str | None, countries: str | None) -> list[str]:
    """Pair numbered towns and countries of birth: "(1) Ndele (2) Algenana" + "(1)-(2) Sudan"."""
    town_items, country_items = split_numbered(towns), split_numbered(countries)
    if not town_items or not country_items:
        return town_items or country_items
    if len(country_items) == 1:
        return [f"{town}, {country_items[0]}" for town in town_items]
    if len(country_items) == len(town_items):
        return [f"{town}, {country}" for town, country in zip(town_items, country_items)]
    return [", ".join(town_items + country_items)]


def merge_uk_name(entity: Entity, given: list[str | None], last: str | None, kind: NameKind,
                  strength: str | None) -> bool:
    """Merge a name printed as given names ("Name 1".."Name 5") and a last name ("Name 6").

    A low-quality alias ("Alias Quality" / "AliasStrength" Low) becomes weak;
    people's names keep their parts. False when the name is empty (nothing merged).
    """
    given = [clean_text(g) for g in given]
    last = clean_text(last)
    full = " ".join(p for p in [*given, last] if p)
    if not full:
        return False
    if (strength or "").strip().lower().startswith("low") and kind != NameKind.PRIMARY:
        kind = NameKind.WEAK
    if entity.type == EntityType.PERSON:
        middle = " ".join(p for p in given[1:] if p) or None
        merge_name(entity, full, kind, first_name=given[0], middle_name=middle, last_name=last)
    else:
        merge_name(entity, full, kind)
    return True


def add_remark(entity: Entity, text: str | None) -> None:
    text = clean_text(text)
    if not text:
        return
    if not entity.remarks:
        entity.remarks = text
    elif text not in entity.remarks:
        entity.remarks += "\n" + text


def address_from_parts(lines: list[str | None], postal_code: str | None, country: str | None) -> Address | None:
    parts = [clean_text(p) for p in lines]
    full = ", ".join(p for p in [*parts, clean_text(postal_code)] if p)
    country_text = clean_text(country)
    codes = countries_in(country_text)
    if not full and not country_text:
        return None
    return Address(full=full or country_text, postal_code=clean_text(postal_code),
                   country=codes[0][0] if codes else None,
                   remarks=country_text if country_text and not codes else None)


# --- the OFSI CSV -------------------------------------------------------------
class _OfsiGroup:
    """One designation being assembled from its rows."""

    def __init__(self, group_id: str, line: int, row: Row, source: "UkOfsiSource", report: ImportReport, path: Path):
        self.report, self.path = report, path
        group_type = (row.get("Group Type") or "").strip().lower()
        entity_type = GROUP_TYPES.get(group_type)
        if entity_type is None:
            report.warn(f"unknown Group Type {row.get('Group Type')!r}; read as an organization",
                        path=path, line=line, field="Group Type", kind="unknown_type")
            entity_type = EntityType.ORGANIZATION
        self.entity = Entity(id=f"{source.name}-{group_id}", type=entity_type, source=source.name, source_id=group_id)
        self.first_line = line
        self.add(line, row)

    def add(self, line: int, row: Row) -> None:
        entity = self.entity
        self._add_names(line, row)
        if entity.type == EntityType.PERSON:
            if date := parse_uk_date(row.get("DOB")):
                entity.add_date(date)
            elif row.get("DOB"):
                self.report.warn(f"unreadable DOB {row['DOB']!r}", path=self.path, line=line, field="DOB",
                                 kind="bad_date")
        for place in places_of_birth(row.get("Town of Birth"), row.get("Country of Birth")):
            add_unique(entity.places_of_birth, place)
        for code, text in countries_in(row.get("Nationality")):
            entity.add_country(code, CountryRole.NATIONALITY, text)
        add_documents(entity, IdKind.PASSPORT, row.get("Passport Number"), row.get("Passport Details"))
        add_documents(entity, IdKind.NATIONAL_ID, row.get("National Identification Number"),
                      row.get("National Identification Details") or row.get("NI Number"))
        for position in split_numbered(row.get("Position")):
            add_unique(entity.positions, position)
        address = address_from_parts([row.get(f"Address {i}") for i in range(1, 7)],
                                     row.get("Post/Zip Code"), row.get("Country"))
        if address is not None:
            entity.add_address(address)
            entity.add_country(address.country, CountryRole.COUNTRY)
        other = row.get("Other Information")
        add_remark(entity, other)
        add_vessel_numbers(entity, other)
        if match := re.search(r"UK Sanctions List Ref\)?\s*:?\s*([A-Z]{2,4}\d{3,5})", other or ""):
            entity.extra["uk_sanctions_list_ref"] = match.group(1)
        add_unique(entity.programs, row.get("Regime"))
        entity.listed_on = entity.listed_on or uk_date_value(row.get("Listed On"))
        for column, key in (("UK Sanctions List Date Designated", "date_designated"), ("Last Updated", "last_updated")):
            if value := uk_date_value(row.get(column)):
                entity.extra.setdefault(key, value)
        if title := clean_text(row.get("Title")):
            entity.extra.setdefault("titles", [])
            add_unique(entity.extra["titles"], title)

    def _add_names(self, line: int, row: Row) -> None:
        alias_type = (row.get("Alias Type") or "").strip().lower()
        kind = ALIAS_TYPES.get(alias_type)
        if kind is None:
            if alias_type:
                self.report.warn(f"unknown Alias Type {row.get('Alias Type')!r}; read as an alias",
                                 path=self.path, line=line, field="Alias Type", kind="unknown_alias_type")
            kind = NameKind.ALIAS
        if not merge_uk_name(self.entity, [row.get(f"Name {i}") for i in range(1, 6)], row.get("Name 6"), kind,
                             row.get("Alias Quality")):
            self.report.warn("row without a name", path=self.path, line=line, field="Name 6", kind="empty_name")
        if original := clean_text(row.get("Name Non-Latin Script")):
            language = clean_text(row.get("Non-Latin Script Language"))
            merge_name(self.entity, original, NameKind.ORIGINAL_SCRIPT, lang=LANGUAGES.get((language or "").lower()))

    def finish(self) -> Entity | None:
        if not self.entity.names:
            self.report.warn(f"group {self.entity.source_id} has no name; skipped", path=self.path,
                             line=self.first_line, kind="empty_name")
            return None
        ensure_primary(self.entity)
        return self.entity


# Non-Latin script languages as the UK lists spell them -> ISO 639-1.
LANGUAGES = {"russian": "ru", "arabic": "ar", "chinese": "zh", "korean": "ko", "persian": "fa", "farsi": "fa",
              "ukrainian": "uk", "belarusian": "be", "greek": "el", "hebrew": "he", "bulgarian": "bg",
              "serbian": "sr", "bosnian": "bs", "turkish": "tr", "romanian; moldavian; moldovan": "ro",
              "georgian": "ka", "armenian": "hy", "japanese": "ja", "burmese": "my", "amharic": "am"}


class UkOfsiSource(ListSource):
    name = "uk-ofsi"
    title = "UK OFSI Consolidated List of Asset Freeze Targets (CSV; frozen since 28 January 2026)"
    publisher = "HM Treasury, Office of Financial Sanctions Implementation (OFSI)"
    urls = {"ConList.csv": "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"}

    def read(self, path: Path, report: ImportReport, **options: Any) -> Iterator[Entity | Relation]:
        path = Path(path)
        table = Table(path, report, fallback_encoding="cp1252", what="UK OFSI consolidated list CSV",
                      header_column="Group ID")
        table.require("Name 6", "Group Type", "Group ID")
        for _line, cells in table.preamble:
            if cells and cells[0].strip().lower() == "last updated" and len(cells) > 1:
                report.published = uk_date_value(cells[1])

        def missing(line: int, row: Row) -> None:
            report.warn("row without a Group ID; skipped", path=path, line=line, field="Group ID", kind="no_id")

        def start(group_id: str, line: int, row: Row) -> _OfsiGroup:
            return _OfsiGroup(group_id, line, row, self, report, path)

        for group in grouped(table, ("Group ID",), start, missing):
            entity = group.finish()
            if entity is not None:
                yield entity


SOURCE = UkOfsiSource()
