"""UK Sanctions List, published by the FCDO (XML, or the CSV export).

Since 28 January 2026 the UK Sanctions List is the single UK list (OFSI's
Consolidated List is frozen; see ``uk-ofsi``). The FCDO publishes it at
https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml (and ``.csv``,
``.ods``, ``.json``); older copies were at
``assets.publishing.service.gov.uk/.../UK_Sanctions_List.xml``.

No official sample is shipped with kordon; this parser was written from the
structure documented by OpenSanctions' ``gb_fcdo_sanctions`` crawler and
other public readers of the file, and is tested on hand-written fixtures.

**XML**: ``<Designations>`` holds a ``<DateGenerated>`` (-> ``report.published``)
and one ``<Designation>`` per listed person, entity or ship: ``UniqueID`` (the
FCDO reference, e.g. ``RUS0123``: ids are ``uk-fcdo-<UniqueID>``),
``OFSIGroupID`` (the old OFSI Group ID, kept in ``extra``), ``UNReferenceNumber``,
``Names/Name`` (``Name1``..``Name6``, ``Name6`` being the surname or the whole
name of an entity; ``NameType`` "Primary Name" / "Primary Name Variation" /
"Alias"; ``AliasStrength`` "Good quality a.k.a" / "Low quality a.k.a"),
``NonLatinNames/NonLatinName``, ``RegimeName``, ``IndividualEntityShip``,
``DateDesignated``, ``LastUpdated``, ``SanctionsImposed``, ``OtherInformation``,
``UKStatementofReasons``, ``Addresses/Address``, phone numbers, e-mails and
websites, ``IndividualDetails/Individual`` (DOBs, nationalities, passports,
national identifiers, birth details, positions, genders),
``EntityDetails/Entity`` (business registration numbers, type of entity,
parent companies, subsidiaries) and ``ShipDetails/Ship`` (IMO numbers,
owners/operators, flags, type, tonnage, year built). The file is streamed
with :class:`kordon.lists.xml.XmlRecords` (hardened: DTDs declaring entities
are refused, no network, no entity expansion).

**CSV**: the same data flattened, one row per combination of repeated values
(a name times an address times a phone...), grouped by ``Unique ID`` with
:func:`kordon.lists.tabular.grouped`. A first line "Report Date: 13-Feb-2026"
gives ``report.published``.

Parent companies, subsidiaries and ship owners are names, not references to
other designations, so they are kept in ``extra`` rather than as relations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from kordon.lists.base import ImportReport, ListSource
from kordon.lists.parsing import clean_text, country_code, parse_single_date
from kordon.lists.tabular import (
    Row,
    Table,
    add_unique,
    ensure_primary,
    grouped,
    merge_name,
    split_numbered,
)
from kordon.lists.uk_ofsi import (
    GROUP_TYPES,
    LANGUAGES,
    add_remark,
    add_vessel_numbers,
    address_from_parts,
    countries_in,
    merge_uk_name,
    parse_uk_date,
    places_of_birth,
    uk_date_value,
)
from kordon.lists.xml import XmlRecords
from kordon.model import CountryRole, DateKind, Entity, EntityDate, EntityType, IdKind, NameKind, Relation

NAME_TYPES = {
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,
    "alias": NameKind.ALIAS,
}


class _Designation:
    """One designation being assembled, from an XML element or from CSV rows."""

    def __init__(self, source: "UkFcdoSource", unique_id: str, type_text: str | None,
                 report: ImportReport, path: Path, line: int | None):
        self.report, self.path, self.line = report, path, line
        entity_type = GROUP_TYPES.get((type_text or "").strip().lower())
        if entity_type is None:
            report.warn(f"unknown designation type {type_text!r}; read as an organization",
                        path=path, line=line, field="IndividualEntityShip", kind="unknown_type")
            entity_type = EntityType.ORGANIZATION
        self.entity = Entity(id=f"{source.name}-{unique_id}", type=entity_type, source=source.name,
                             source_id=unique_id)

    def warn(self, message: str, field: str, kind: str, line: int | None = None) -> None:
        self.report.warn(message, path=self.path, line=line or self.line, field=field, kind=kind)

    # --- names -------------------------------------------------------------
    def name(self, given: list[str | None], last: str | None, name_type: str | None,
             strength: str | None, line: int | None = None) -> None:
        kind = NAME_TYPES.get((name_type or "").strip().lower())
        # An empty name is skipped silently, so its name type is only checked when it has one.
        if merge_uk_name(self.entity, given, last, kind or NameKind.ALIAS, strength) and kind is None and name_type:
            self.warn(f"unknown name type {name_type!r}; read as an alias", "NameType", "unknown_name_type", line)

    def non_latin_name(self, text: str | None, language: str | None) -> None:
        lang = LANGUAGES.get((clean_text(language) or "").lower())
        merge_name(self.entity, clean_text(text), NameKind.ORIGINAL_SCRIPT, lang=lang)

    # --- individual details --------------------------------------------------
    def dob(self, text: str | None, line: int | None = None) -> None:
        if not clean_text(text):
            return
        if date := parse_uk_date(text):
            self.entity.add_date(date)
        else:
            self.warn(f"unreadable date of birth {text!r}", "DOB", "bad_date", line)

    def nationality(self, text: str | None) -> None:
        for code, item in countries_in(text):
            self.entity.add_country(code, CountryRole.NATIONALITY, item)

    def document(self, kind: IdKind, number: str | None, info: str | None) -> None:
        for value in split_numbered(number) if number and number.lstrip().startswith("(") else [number]:
            self.entity.add_identifier(kind, value, note=clean_text(info))

    def gender(self, text: str | None) -> None:
        value = (clean_text(text) or "").lower()
        if value in ("male", "female"):
            self.entity.gender = value

    def birth_place(self, town: str | None, country: str | None) -> None:
        for place in places_of_birth(town, country):
            add_unique(self.entity.places_of_birth, place)

    # --- contact and entity details -------------------------------------------
    def address(self, lines: list[str | None], postal_code: str | None, country: str | None) -> None:
        address = address_from_parts(lines, postal_code, country)
        if address is not None:
            self.entity.add_address(address)
            self.entity.add_country(address.country, CountryRole.COUNTRY)

    def extra_value(self, key: str, value: str | None) -> None:
        if value := clean_text(value):
            add_unique(self.entity.extra.setdefault(key, []), value)

    # --- ship details ----------------------------------------------------------
    def flag(self, text: str | None) -> None:
        if code := country_code(clean_text(text)):
            self.entity.add_country(code, CountryRole.FLAG, clean_text(text))
        else:
            self.extra_value("flag", text)

    def year_built(self, text: str | None) -> None:
        if value := parse_single_date(clean_text(text) or ""):
            self.entity.add_date(EntityDate(kind=DateKind.INCORPORATION, value=value))

    # --- designation ------------------------------------------------------------
    def designation(self, *, regime: str | None, date_designated: str | None, last_updated: str | None,
                    ofsi_group_id: str | None, un_reference: str | None, source: str | None,
                    sanctions_imposed: str | None, other_information: str | None, reasons: str | None) -> None:
        entity = self.entity
        add_unique(entity.programs, regime)
        entity.listed_on = entity.listed_on or uk_date_value(date_designated)
        if value := uk_date_value(last_updated):
            entity.extra["last_updated"] = max(value, entity.extra.get("last_updated", value))
        for key, value in (("ofsi_group_id", ofsi_group_id), ("un_reference", un_reference),
                           ("designation_source", source)):
            if value := clean_text(value):
                entity.extra[key] = value
        for measure in (sanctions_imposed or "").split("|"):
            self.extra_value("sanctions_imposed", measure)
        add_remark(entity, other_information)
        add_vessel_numbers(entity, other_information)
        if reasons := clean_text(reasons):
            entity.extra["statement_of_reasons"] = reasons

    def finish(self) -> Entity | None:
        if not self.entity.names:
            self.warn(f"designation {self.entity.source_id} has no name; skipped", "Names", "empty_name")
            return None
        ensure_primary(self.entity)
        return self.entity


# --- XML --------------------------------------------------------------------------
def _texts(element, path: str) -> list[str]:
    return [t for t in (clean_text(e.text) for e in element.findall(path)) if t]


def _text(element, path: str) -> str | None:
    values = _texts(element, path)
    return values[0] if values else None


def _children(element, path: str) -> list:
    """The items of a container element whatever their tag (Passport or PassportDetail)."""
    container = element.find(path)
    return list(container) if container is not None else []


def _from_xml(source: "UkFcdoSource", element, report: ImportReport, path: Path) -> Entity | None:
    line = element.sourceline
    unique_id = _text(element, "UniqueID")
    if not unique_id:
        report.warn("designation without UniqueID; skipped", path=path, line=line, field="UniqueID", kind="no_id")
        return None
    d = _Designation(source, unique_id, _text(element, "IndividualEntityShip"), report, path, line)
    for name in element.findall("Names/Name"):
        d.name([_text(name, f"Name{i}") for i in range(1, 6)], _text(name, "Name6"),
               _text(name, "NameType"), _text(name, "AliasStrength"), name.sourceline)
    for name in element.findall("NonLatinNames/NonLatinName"):
        d.non_latin_name(_text(name, "NameNonLatinScript"), _text(name, "NonLatinScriptLanguage"))
    for title in _texts(element, "Titles/Title"):
        d.extra_value("titles", title)
    for address in element.findall("Addresses/Address"):
        d.address([_text(address, f"AddressLine{i}") for i in range(1, 7)],
                  _text(address, "AddressPostalCode"), _text(address, "AddressCountry"))
    for kind, path_ in ((IdKind.PHONE, "PhoneNumbers/PhoneNumber"), (IdKind.EMAIL, "EmailAddresses/EmailAddress"),
                        (IdKind.WEBSITE, "Websites/Website")):
        for value in _texts(element, path_):
            d.entity.add_identifier(kind, value)
    for person in element.findall("IndividualDetails/Individual"):
        for dob in _texts(person, "DOBs/DOB"):
            d.dob(dob, line)
        for nationality in _texts(person, "Nationalities/Nationality"):
            d.nationality(nationality)
        for passport in _children(person, "PassportDetails"):
            d.document(IdKind.PASSPORT, _text(passport, "PassportNumber"),
                       _text(passport, "PassportAdditionalInformation"))
        for national_id in _children(person, "NationalIdentifierDetails"):
            d.document(IdKind.NATIONAL_ID, _text(national_id, "NationalIdentifierNumber"),
                       _text(national_id, "NationalIdentifierAdditionalInformation"))
        for place in _children(person, "BirthDetails"):
            d.birth_place(_text(place, "TownOfBirth"), _text(place, "CountryOfBirth"))
        for position in _texts(person, "Positions/Position"):
            add_unique(d.entity.positions, position)
        for gender in _texts(person, "Genders/Gender"):
            d.gender(gender)
    for organisation in element.findall("EntityDetails/Entity"):
        for number in _texts(organisation, "BusinessRegistrationNumbers/BusinessRegistrationNumber"):
            d.entity.add_identifier(IdKind.REGISTRATION, number)
        for key, path_ in (("type_of_entity", "TypeOfEntities/TypeOfEntity"),
                           ("parent_companies", "ParentCompanies/ParentCompany"),
                           ("subsidiaries", "Subsidiaries/Subsidiary")):
            for value in _texts(organisation, path_):
                d.extra_value(key, value)
    for ship in element.findall("ShipDetails/Ship"):
        for imo in _texts(ship, "IMONumbers/IMONumber"):
            d.entity.add_identifier(IdKind.IMO, imo.upper().removeprefix("IMO").strip())
        for flag in _texts(ship, "CurrentBelievedFlagOfShips/CurrentBelievedFlagOfShip"):
            d.flag(flag)
        for key, path_ in (("owner_operators", "CurrentOwnerOperators/CurrentOwnerOperator"),
                           ("previous_owner_operators", "PreviousOwnerOperators/PreviousOwnerOperator"),
                           ("previous_flags", "PreviousFlags/PreviousFlag"),
                           ("length", "LengthOfShipDetails/LengthOfShip")):
            for value in _texts(ship, path_):
                d.extra_value(key, value)
        d.entity.vessel_type = d.entity.vessel_type or _text(ship, "TypeOfShipDetails/TypeOfShip")
        d.entity.tonnage = d.entity.tonnage or _text(ship, "TonnageOfShipDetails/TonnageOfShip")
        for year in _texts(ship, "YearsBuilt/YearBuilt"):
            d.year_built(year)
    d.designation(
        regime=_text(element, "RegimeName"),
        date_designated=_text(element, "DateDesignated"),
        last_updated=_text(element, "LastUpdated"),
        ofsi_group_id=_text(element, "OFSIGroupID"),
        un_reference=_text(element, "UNReferenceNumber"),
        source=_text(element, "DesignationSource"),
        sanctions_imposed=_text(element, "SanctionsImposed"),
        other_information=_text(element, "OtherInformation"),
        reasons=_text(element, "UKStatementofReasons"),
    )
    return d.finish()


# --- CSV --------------------------------------------------------------------------
class _CsvDesignation(_Designation):
    """A designation assembled from the rows of the CSV export that share its Unique ID."""

    def add(self, line: int, row: Row) -> None:
        get = row.get
        self.name([get(f"Name {i}") for i in range(1, 6)], get("Name 6"), get("Name type"), get("Alias strength"), line)
        self.non_latin_name(get("Name non-latin script"), get("Non-latin script language"))
        self.extra_value("titles", get("Title"))
        self.address([get(f"Address Line {i}") for i in range(1, 7)], get("Address Postal Code"),
                     get("Address Country"))
        for kind, column in ((IdKind.PHONE, "Phone number"), (IdKind.EMAIL, "Email address"),
                             (IdKind.WEBSITE, "Website")):
            self.entity.add_identifier(kind, clean_text(get(column)))
        self.dob(get("D.O.B"), line)
        self.nationality(get("Nationality(/ies)"))
        self.document(IdKind.PASSPORT, get("Passport number"), get("Passport additional information"))
        self.document(IdKind.NATIONAL_ID, get("National Identifier number"),
                      get("National Identifier additional information"))
        add_unique(self.entity.positions, get("Position"))
        self.gender(get("Gender"))
        self.birth_place(get("Town of birth"), get("Country of birth"))
        self.entity.add_identifier(IdKind.REGISTRATION, clean_text(get("Business registration number (s)")))
        for key, column in (("type_of_entity", "Type of entity"), ("parent_companies", "Parent company"),
                            ("subsidiaries", "Subsidiaries"), ("owner_operators", "Current owner/operator (s)"),
                            ("previous_owner_operators", "Previous owner/operator (s)"),
                            ("previous_flags", "Previous flags"), ("length", "Length of ship")):
            self.extra_value(key, get(column))
        if imo := clean_text(get("IMO number")):
            self.entity.add_identifier(IdKind.IMO, imo.upper().removeprefix("IMO").strip())
        self.flag(get("Current believed flag of ship"))
        self.entity.vessel_type = self.entity.vessel_type or clean_text(get("Type of ship"))
        self.entity.tonnage = self.entity.tonnage or clean_text(get("Tonnage of ship"))
        self.year_built(get("Year Built"))
        self.designation(
            regime=get("Regime Name"), date_designated=get("Date Designated"), last_updated=get("Last Updated"),
            ofsi_group_id=get("OFSI Group ID"), un_reference=get("UN Reference Number"),
            source=get("Designation source"), sanctions_imposed=get("Sanctions Imposed"),
            other_information=get("Other Information"), reasons=get("UK Statement of Reasons"),
        )


class UkFcdoSource(ListSource):
    name = "uk-fcdo"
    title = "UK Sanctions List (FCDO)"
    publisher = "Foreign, Commonwealth & Development Office (FCDO)"
    urls = {"UK-Sanctions-List.xml": "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"}

    def read(self, path: Path, report: ImportReport, **options: Any) -> Iterator[Entity | Relation]:
        path = Path(path)
        if _looks_like_xml(path):
            yield from self._read_xml(path, report)
        else:
            yield from self._read_csv(path, report)

    def _read_xml(self, path: Path, report: ImportReport) -> Iterator[Entity]:
        with XmlRecords(path, root="Designations", records={"Designation", "DateGenerated"},
                        what="UK Sanctions List XML") as xml:
            for element in xml:
                if element.tag == "DateGenerated":
                    text = clean_text(element.text)
                    report.published = (text[:10] if text and text[:4].isdigit() else uk_date_value(text))
                    continue
                entity = _from_xml(self, element, report, path)
                if entity is not None:
                    yield entity

    def _read_csv(self, path: Path, report: ImportReport) -> Iterator[Entity]:
        table = Table(path, report, what="UK Sanctions List CSV", header_column="Unique ID")
        table.require("Unique ID", "Name 6", "Designation Type")
        for _line, cells in table.preamble:
            first = cells[0] if cells else ""
            if first.lower().startswith("report date"):
                report.published = parse_single_date(first.split(":", 1)[-1].replace("-", " "))

        def start(unique_id: str, line: int, row: Row) -> _CsvDesignation:
            designation = _CsvDesignation(self, unique_id, row.get("Designation Type"), report, path, line)
            designation.add(line, row)
            return designation

        def missing(line: int, row: Row) -> None:
            report.warn("row without a Unique ID; skipped", path=path, line=line, field="Unique ID", kind="no_id")

        for designation in grouped(table, ("Unique ID",), start, missing):
            entity = designation.finish()
            if entity is not None:
                yield entity


def _looks_like_xml(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or path.suffix.lower() == ".xml"


SOURCE = UkFcdoSource()
