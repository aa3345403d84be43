"""EU Financial Sanctions Files (FSF): the consolidated list as XML.

Format (namespace ``http://eu.europa.ec/fpi/fsd/export``, file
``xmlFullSanctionsList_1_1``): root ``<export generationDate=...>`` holding
``<sanctionEntity logicalId euReferenceNumber unitedNationId designationDate
designationDetails>`` records, whose data sit in attributes of the children
``regulation`` (``programme``, ``numberTitle``, ``publicationDate``, a
``publicationUrl`` child), ``subjectType`` (``code`` = ``person`` or
``enterprise``), ``nameAlias`` (``wholeName``, name parts, ``nameLanguage``,
``strong``, ``function``, ``title``, ``gender``), ``citizenship``,
``birthdate`` (full date or parts, ``circa``, ``yearRangeFrom``/``To``,
place), ``identification`` (``identificationTypeCode`` mapped in
``data/eu_fsf_identification_types.yml``, ``number``, flags), ``address``
(with ``contactInfo`` children) and ``remark``.

Decisions:

- ids are ``eu-<logicalId>``: the logical id is on every record and stable
  across versions; ``euReferenceNumber`` (missing on some records) and the UN
  reference go to ``extra``;
- the format has no vessel subject type: an ``enterprise`` carrying an IMO
  number is imported as a vessel;
- the primary name is the first strong alias without language (or in
  English), else the first strong alias; the other strong aliases are
  aliases, ``strong="false"`` ones (or those remarked "low quality") weak.

Streams with :class:`kordon.lists.xml.XmlRecords`; the download address needs
its ``token`` parameter, which the EU has changed before (check the FSF page
when downloads start failing).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import yaml
from lxml import etree

from kordon.lists.base import ImportReport, ListFormatError, ListSource
from kordon.lists.parsing import clean_text, country_code, parse_single_date
from kordon.lists.parsing import iso_day, script_code
from kordon.lists.un import birth_year_range, first_of_each_id
from kordon.lists.xml import XmlRecords
from kordon.model import (
    Address,
    CountryRole,
    DateKind,
    Entity,
    EntityDate,
    EntityType,
    IdKind,
    Name,
    NameKind,
    unique,
)

FSF_NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
DATA = Path(__file__).parent / "data"

SUBJECT_TYPES = {"person": EntityType.PERSON, "enterprise": EntityType.ORGANIZATION}
GENDERS = {"m": "male", "f": "female", "male": "male", "female": "female"}
CONTACT_KINDS = {"PHONE": IdKind.PHONE, "FAX": IdKind.PHONE, "EMAIL": IdKind.EMAIL, "WEB": IdKind.WEBSITE}
IDENTIFICATION_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
UNKNOWN_COUNTRY = "00"

# Labels printed next to identifiers ("7704730655 (Tax ID/INN)", an FSF "other" number
# described as "OGRN") -> the kind they name. Most specific first.
IDENTIFIER_LABELS: list[tuple[re.Pattern[str], IdKind]] = [
    (re.compile(pattern, re.I), kind)
    for pattern, kind in [
        (r"\bOGRN(?:IP)?\b|\bОГРН", IdKind.OGRN),
        (r"\bINN\b|\bИНН\b", IdKind.INN),
        (r"\bKPP\b|\bКПП\b", IdKind.KPP),
        (r"\bOKPO\b|\bОКПО\b", IdKind.OKPO),
        (r"\bBIN\b", IdKind.BIN),
        (r"\bIIN\b", IdKind.IIN),
        (r"\bLEI\b", IdKind.LEI),
        (r"\bIMO\b", IdKind.IMO),
        (r"\bMMSI\b", IdKind.MMSI),
        (r"\bSWIFT\b|\bBIC\b", IdKind.SWIFT_BIC),
        (r"passport", IdKind.PASSPORT),
        (r"\btax\b|\bTIN\b|\bTRN\b|fiscal", IdKind.TAX_ID),
        (r"registration|\bBRN\b|\bCR\b|\bUSCC\b", IdKind.REGISTRATION),
    ]
]
_LOW_QUALITY = re.compile(r"\blow?\s+quality\b", re.I)
# "(a) ", "b) ", "(ii) ": the markers of an enumeration inside one printed value.
_ENUMERATOR = re.compile(r"(?:^|(?<=[\s,;]))\(?(?:[a-h]|i{1,3}|iv|vi{0,3})\)\s*")


def identifier_kind_from_label(label: str | None) -> IdKind | None:
    """The identifier kind a printed label names ("Tax ID/INN" -> INN), or None."""
    if not label:
        return None
    for pattern, kind in IDENTIFIER_LABELS:
        if pattern.search(label):
            return kind
    return None


@lru_cache(maxsize=1)
def identification_types() -> dict[str, str]:
    with (DATA / "eu_fsf_identification_types.yml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class EuFsfSource(ListSource):
    name = "eu"
    title = "EU Financial Sanctions Files (FSF) consolidated list"
    publisher = "European Commission (DG FISMA)"
    # The token is part of the public address (not a secret) and has changed in the past.
    urls = {
        "xmlFullSanctionsList_1_1.xml":
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
    }

    def read(self, path: Path, report: ImportReport, **options) -> Iterator[Entity]:
        with XmlRecords(path, root="export", records={"sanctionEntity"},
                        what="EU Financial Sanctions Files (FSF) XML") as xml:
            if xml.root_namespace not in (None, FSF_NAMESPACE):
                raise ListFormatError(path, f"not an EU FSF file: root namespace {xml.root_namespace!r}, "
                                            f"expected {FSF_NAMESPACE!r}", line=1)
            report.published = iso_day(xml.root_attrib.get("generationDate"))
            records = ((element, EntryReader(path, report, element).entity()) for element in xml)
            yield from first_of_each_id(records, report, "logicalId")


def fsf_birth_date(attrib: dict[str, str]) -> EntityDate | None:
    """The attributes of one ``<birthdate>`` -> EntityDate, or None when they hold no readable date."""
    approximate = attrib.get("circa", "").lower() == "true"
    range_from, range_to = attrib.get("yearRangeFrom", "").strip(), attrib.get("yearRangeTo", "").strip()
    if range_from or range_to:
        return birth_year_range(range_from, range_to, approximate)
    value = None
    if full := attrib.get("birthdate", "").strip():
        value = iso_day(full)
    elif year := attrib.get("year", "").strip():
        parts = [year, attrib.get("monthOfYear", "").strip(), attrib.get("dayOfMonth", "").strip()]
        if parts[2] and not parts[1]:
            parts[2] = ""  # a day without its month says nothing
        value = parse_single_date("-".join(p for p in parts if p))
    if not value:
        return None
    return EntityDate(kind=DateKind.BIRTH, value=value, approximate=approximate)


class EntryReader:
    """Turns one ``sanctionEntity`` element into an Entity, warning about what it skips."""

    def __init__(self, path: Path, report: ImportReport, element: etree._Element):
        self.path = path
        self.report = report
        self.element = element

    def warn(self, message: str, node: etree._Element, field: str, kind: str) -> None:
        self.report.warn(message, path=self.path, line=node.sourceline, field=field, kind=kind)

    def entity(self) -> Entity | None:
        attrib = self.element.attrib
        logical_id = clean_text(attrib.get("logicalId"))
        if not logical_id:
            self.warn("sanctionEntity without logicalId skipped", self.element, "logicalId", "missing_id")
            return None
        entity = Entity(id=f"{SOURCE.name}-{logical_id}", type=self.subject_type(), source=SOURCE.name,
                        source_id=logical_id)
        for key, attribute in (("eu_reference", "euReferenceNumber"), ("un_reference", "unitedNationId"),
                               ("designation_details", "designationDetails")):
            if value := clean_text(attrib.get(attribute)):
                entity.extra[key] = value
        entity.remarks = "\n".join(unique(clean_text(r.text) or "" for r in self.element.iterfind("remark"))) or None
        self.add_regulations(entity)
        self.add_names(entity)
        for node in self.element.iterfind("citizenship"):
            if code := self.country(node, "citizenship"):
                entity.add_country(code, CountryRole.CITIZENSHIP, text=clean_text(node.get("countryDescription")))
        for node in self.element.iterfind("birthdate"):
            self.add_birth(entity, node)
        for node in self.element.iterfind("identification"):
            self.add_identification(entity, node)
        for node in self.element.iterfind("address"):
            self.add_address(entity, node)
        if entity.type == EntityType.ORGANIZATION and any(i.kind == IdKind.IMO for i in entity.identifiers):
            entity.type = EntityType.VESSEL
        return entity if entity.names else None

    def subject_type(self) -> EntityType:
        node = self.element.find("subjectType")
        code = (node.get("code") or "").strip().lower() if node is not None else ""
        if code not in SUBJECT_TYPES:
            self.warn(f"unknown subjectType {code!r}, imported as an organisation",
                      node if node is not None else self.element, "subjectType", "unknown_value")
        return SUBJECT_TYPES.get(code, EntityType.ORGANIZATION)

    def add_regulations(self, entity: Entity) -> None:
        dates = [d for d in [iso_day(self.element.get("designationDate"))] if d]
        for node in self.element.iterfind("regulation"):
            if programme := clean_text(node.get("programme")):
                entity.programs = unique([*entity.programs, programme])
            if url := clean_text(node.findtext("publicationUrl")):
                entity.urls = unique([*entity.urls, url])
            if title := clean_text(node.get("numberTitle")):
                entity.extra.setdefault("regulations", []).append(title)
            dates += [d for d in (iso_day(node.get("entryIntoForceDate")), iso_day(node.get("publicationDate"))) if d]
        # The listed regulation may be a later amendment: the earliest date is the listing.
        entity.listed_on = min(dates, default=None)

    def add_names(self, entity: Entity) -> None:
        names: list[Name] = []
        for node in self.element.iterfind("nameAlias"):
            attrib = {k: clean_text(v) for k, v in node.attrib.items()}
            parts = (attrib.get("firstName"), attrib.get("middleName"), attrib.get("lastName"))
            whole = attrib.get("wholeName") or " ".join(p for p in parts if p)
            if not whole:
                continue
            remark = clean_text(" ".join(r.text or "" for r in node.iterfind("remark")))
            weak = (attrib.get("strong") or "true").lower() == "false" or bool(remark and _LOW_QUALITY.search(remark))
            lang = (attrib.get("nameLanguage") or "").lower() or None
            names.append(Name(value=whole, kind=NameKind.WEAK if weak else NameKind.ALIAS, lang=lang,
                              script=script_code(whole), first_name=parts[0], middle_name=parts[1],
                              last_name=parts[2]))
            if entity.type == EntityType.PERSON:
                entity.positions = unique([*entity.positions, *split_enumeration(attrib.get("function")),
                                           *split_enumeration(attrib.get("title"))])
            elif function := attrib.get("function"):
                entity.extra.setdefault("functions", []).append(function)
            if gender := attrib.get("gender"):
                if gender.lower() in GENDERS:
                    entity.gender = GENDERS[gender.lower()]
                else:
                    self.warn(f"unknown gender {gender!r}", node, "nameAlias/gender", "unknown_value")
        if not names:
            self.warn("sanctionEntity without any name skipped", self.element, "nameAlias", "missing_name")
            return
        primary = _pick_primary(names)
        primary.kind = NameKind.PRIMARY
        for name in [primary, *(n for n in names if n is not primary)]:
            entity.add_name(name.value, name.kind, lang=name.lang, script=name.script, first_name=name.first_name,
                            middle_name=name.middle_name, last_name=name.last_name)

    def country(self, node: etree._Element, field: str) -> str | None:
        """ISO code of a node's countryIso2Code (or countryDescription); None for unknown ("00")."""
        iso2 = (node.get("countryIso2Code") or "").strip()
        description = clean_text(node.get("countryDescription"))
        if iso2 and iso2 != UNKNOWN_COUNTRY:
            return iso2.lower()
        if description and description.upper() != "UNKNOWN":
            if code := country_code(description):
                return code
            self.warn(f"unknown country {description!r}", node, f"{field}/countryDescription", "unknown_country")
        return None

    def add_birth(self, entity: Entity, node: etree._Element) -> None:
        attrib = dict(node.attrib)
        calendar = (attrib.get("calendarType") or "GREGORIAN").upper()
        has_date = any(attrib.get(k, "").strip() for k in ("birthdate", "year", "yearRangeFrom", "yearRangeTo"))
        if has_date and calendar != "GREGORIAN":
            self.warn(f"birth date in the {calendar} calendar skipped", node, "birthdate/calendarType", "bad_date")
        elif has_date:
            parsed = fsf_birth_date(attrib)
            if parsed is None:
                printed = ", ".join(f"{k}={v}" for k, v in attrib.items() if k != "logicalId" and v)
                self.warn(f"unreadable birth date ({printed})", node, "birthdate", "bad_date")
            elif parsed not in entity.dates:
                entity.dates.append(parsed)
        code = self.country(node, "birthdate")
        country = clean_text(node.get("countryDescription")) if code else None
        place = ", ".join(p for p in (clean_text(attrib.get(k)) for k in ("place", "city", "zipCode", "region")) if p)
        place = ", ".join(p for p in (place, country.title() if country else None) if p)
        if place and place not in entity.places_of_birth:
            entity.places_of_birth.append(place)

    def add_identification(self, entity: Entity, node: etree._Element) -> None:
        attrib = {k: clean_text(v) for k, v in node.attrib.items()}
        number = attrib.get("number") or attrib.get("latinNumber")
        code = attrib.get("identificationTypeCode") or ""
        description = attrib.get("identificationTypeDescription")
        remark = clean_text(" ".join(r.text or "" for r in node.iterfind("remark")))
        if not number:
            if description or remark:
                self.warn(f"identification without a number skipped: {description or ''} {remark or ''}".strip(),
                          node, "identification/number", "document_without_number")
            return
        table = identification_types()
        if code not in table:
            self.warn(f"unknown identificationTypeCode {code!r}, imported as 'other'", node,
                      "identification/identificationTypeCode", "unknown_identification_type")
        kind = IdKind(table.get(code, "other"))
        if kind in (IdKind.OTHER, IdKind.REGISTRATION, IdKind.TAX_ID, IdKind.NATIONAL_ID):
            # "other"/"regnumber"/"fiscalcode" numbers are often Russian INN/OGRN/KPP, named in the label.
            kind = identifier_kind_from_label(f"{description or ''} {remark or ''}") or kind
        details = [description, remark]
        details += [flag for flag in IDENTIFICATION_FLAGS if (attrib.get(flag) or "").lower() == "true"]
        for key in ("issuedBy", "validFrom", "validTo", "nameOnDocument"):
            if attrib.get(key):
                details.append(f"{key} {attrib[key]}")
        note = "; ".join(d for d in details if d) or None
        entity.add_identifier(kind, number, country=self.country(node, "identification"), note=note)
        if attrib.get("latinNumber") and attrib.get("number") and attrib["latinNumber"] != attrib["number"]:
            entity.add_identifier(kind, attrib["latinNumber"], country=self.country(node, "identification"), note=note)

    def add_address(self, entity: Entity, node: etree._Element) -> None:
        attrib = {k: clean_text(v) for k, v in node.attrib.items()}
        code = self.country(node, "address")
        for contact in node.iterfind("contactInfo"):
            key, value = (contact.get("key") or "").upper(), clean_text(contact.get("value"))
            if key not in CONTACT_KINDS:
                self.warn(f"unknown contactInfo key {key!r}", contact, "address/contactInfo", "unknown_value")
                continue
            for item in re.split(r"[;,]\s*", value or ""):
                entity.add_identifier(CONTACT_KINDS[key], item)
        street = ", ".join(p for p in (attrib.get("street"), attrib.get("poBox") and f"PO Box {attrib['poBox']}") if p)
        city = ", ".join(p for p in (attrib.get("place"), attrib.get("city")) if p) or None
        country = attrib.get("countryDescription") if code else None
        full = ", ".join(p for p in (street, attrib.get("zipCode"), city, attrib.get("region"), country) if p)
        remarks = clean_text(" ".join(r.text or "" for r in node.iterfind("remark")))
        if (attrib.get("asAtListingTime") or "").lower() == "true":
            remarks = ", ".join(p for p in (remarks, "as at listing time") if p)
        if not (full or remarks):
            return
        if code:
            role = CountryRole.RESIDENCE if entity.type == EntityType.PERSON else CountryRole.COUNTRY
            entity.add_country(code, role, text=country)
        entity.addresses.append(Address(full=full or None, street=street or None, city=city,
                                        region=attrib.get("region"), postal_code=attrib.get("zipCode"),
                                        country=code, remarks=remarks))


def _pick_primary(names: list[Name]) -> Name:
    strong = [n for n in names if n.kind != NameKind.WEAK]
    for name in strong:
        if name.lang in (None, "en"):
            return name
    return strong[0] if strong else names[0]


def split_enumeration(text: str | None) -> list[str]:
    """ "(a) Mullah, (b) Maulavi" -> ["Mullah", "Maulavi"]; text without markers -> [text]."""
    if not text:
        return []
    return [p.strip(" ,;") for p in _ENUMERATOR.split(text) if p.strip(" ,;")]


SOURCE = EuFsfSource()
