"""Conversion between kordon's model and FollowTheMoney (FtM) entities.

FtM is the data model of OpenSanctions and Aleph: an entity is
``{"id", "schema", "properties": {name: [values]}}``. kordon reads FtM JSON
lines (the ``opensanctions`` source) and writes them (exports). Values are
added through the ``followthemoney`` library, which validates and cleans them
(countries, dates, e-mail, phone and website formats).

How kordon's fields map to FtM properties (both ways unless marked "write only"):

=====================  ===============================================================
kordon                 FtM
=====================  ===============================================================
type                   schema: Person, Company, Organization, Vessel, Airplane
                       (read also: LegalEntity and PublicBody -> organization)
names PRIMARY          ``name`` (first value; ``caption`` names it)
names ORIGINAL_SCRIPT  ``name`` (a non-Latin ``name`` is read back as original script)
names ALIAS            ``alias`` (read also: other Latin ``name`` values)
names WEAK / FORMER    ``weakAlias`` / ``previousName``
name parts (primary)   firstName, middleName, fatherName, lastName (Person)
dates birth            birthDate; incorporation: incorporationDate (buildDate for
                       vessels and aircraft). A range is written as its two ends and
                       "approximate" is lost: FtM has neither (read back as two dates).
places_of_birth        birthPlace
countries              country, nationality, citizenship, jurisdiction, flag;
                       role residence is written as ``country`` (read back as country)
gender                 gender
addresses              address (full text); Address entities are folded in by the
                       opensanctions source
identifiers            passportNumber, idNumber, taxNumber, innCode, ogrnCode, kppCode,
                       okpoCode, registrationNumber, leiCode, swiftBic, imoNumber, mmsi,
                       callSign, socialSecurityNumber, serialNumber (aircraft), email,
                       website, phone. Kinds FtM has no property for (bin, iin,
                       driving_license, other) and values FtM rejects for their
                       property (a malformed INN) are written as ``idNumber``; a crypto
                       wallet is not written. Identifier notes and countries are lost.
programs               program (read also: programId)
listed_on              createdAt
remarks                notes (several notes are read joined by newlines)
positions              position (Person only)
urls                   sourceUrl
vessel_type, tonnage   type, tonnage (Vessel)
extra["topics"]        topics
=====================  ===============================================================

Ids: an FtM entity keeps kordon's id. Reading, ``source`` is the given source
or the first of the entity's ``datasets``; ``source_id`` is the id without the
``{source}-`` prefix, so a kordon entity written and read back keeps id,
source and source_id.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from rigour.text.scripts import is_latin, text_scripts

from kordon.lists.base import ListFormatError
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
    Relation,
    RelationKind,
    normalize_identifier,
    unique,
)

# followthemoney raises the csv module's process-wide field size limit to 30 MB
# when imported; kordon's CSV parsers expect the default, so it is put back.
_csv_limit = csv.field_size_limit()
from followthemoney import model  # noqa: E402
from followthemoney.proxy import EntityProxy  # noqa: E402

csv.field_size_limit(_csv_limit)

SCHEMA_OF_TYPE = {
    EntityType.PERSON: "Person",
    EntityType.COMPANY: "Company",
    EntityType.ORGANIZATION: "Organization",
    EntityType.VESSEL: "Vessel",
    EntityType.AIRCRAFT: "Airplane",
}
TYPE_OF_SCHEMA = {
    "Person": EntityType.PERSON,
    "Company": EntityType.COMPANY,
    "Organization": EntityType.ORGANIZATION,
    "PublicBody": EntityType.ORGANIZATION,
    "LegalEntity": EntityType.ORGANIZATION,
    "Vessel": EntityType.VESSEL,
    "Airplane": EntityType.AIRCRAFT,
}

# Identifier kind -> FtM property, for writing. Missing on a schema -> the fallbacks.
_ID_PROPERTY = {
    IdKind.PASSPORT: "passportNumber",
    IdKind.NATIONAL_ID: "idNumber",
    IdKind.TAX_ID: "taxNumber",
    IdKind.INN: "innCode",
    IdKind.OGRN: "ogrnCode",
    IdKind.KPP: "kppCode",
    IdKind.OKPO: "okpoCode",
    IdKind.REGISTRATION: "registrationNumber",
    IdKind.IMO: "imoNumber",
    IdKind.MMSI: "mmsi",
    IdKind.LEI: "leiCode",
    IdKind.SWIFT_BIC: "swiftBic",
    IdKind.AIRCRAFT_TAIL: "registrationNumber",
    IdKind.AIRCRAFT_SERIAL: "serialNumber",
    IdKind.CALL_SIGN: "callSign",
    IdKind.SSN: "socialSecurityNumber",
    IdKind.EMAIL: "email",
    IdKind.WEBSITE: "website",
    IdKind.PHONE: "phone",
}
_ID_FALLBACKS = ("idNumber", "registrationNumber")

# FtM property -> identifier kind, for reading. Specific codes first: a number
# repeated under a generic property (OpenSanctions puts an INN in innCode,
# taxNumber and idNumber) is kept once, under the specific kind.
_SPECIFIC_ID_KINDS = {
    "innCode": IdKind.INN,
    "ogrnCode": IdKind.OGRN,
    "kppCode": IdKind.KPP,
    "okpoCode": IdKind.OKPO,
    "leiCode": IdKind.LEI,
    "swiftBic": IdKind.SWIFT_BIC,
    "imoNumber": IdKind.IMO,
    "mmsi": IdKind.MMSI,
    "callSign": IdKind.CALL_SIGN,
    "passportNumber": IdKind.PASSPORT,
    "socialSecurityNumber": IdKind.SSN,
    "serialNumber": IdKind.AIRCRAFT_SERIAL,
    "email": IdKind.EMAIL,
    "website": IdKind.WEBSITE,
    "phone": IdKind.PHONE,
}
_GENERIC_ID_PROPERTIES = ("taxNumber", "vatCode", "registrationNumber", "idNumber")

_COUNTRY_PROPERTY = {
    CountryRole.NATIONALITY: "nationality",
    CountryRole.CITIZENSHIP: "citizenship",
    CountryRole.COUNTRY: "country",
    CountryRole.JURISDICTION: "jurisdiction",
    CountryRole.RESIDENCE: "country",
    CountryRole.FLAG: "flag",
}
_COUNTRY_ROLE = {
    "country": CountryRole.COUNTRY,
    "mainCountry": CountryRole.COUNTRY,
    "nationality": CountryRole.NATIONALITY,
    "citizenship": CountryRole.CITIZENSHIP,
    "jurisdiction": CountryRole.JURISDICTION,
    "flag": CountryRole.FLAG,
}

_NAME_PROPERTY = {
    NameKind.PRIMARY: "name",
    NameKind.ORIGINAL_SCRIPT: "name",
    NameKind.ALIAS: "alias",
    NameKind.WEAK: "weakAlias",
    NameKind.FORMER: "previousName",
}
_NAME_PARTS = (("first_name", "firstName"), ("middle_name", "middleName"),
               ("patronymic", "fatherName"), ("last_name", "lastName"))

# ISO 15924 codes of the Unicode script names rigour reports.
_SCRIPT_CODES = {
    "Cyrillic": "Cyrl", "Arabic": "Arab", "Han": "Hani", "Greek": "Grek", "Hebrew": "Hebr",
    "Hangul": "Hang", "Katakana": "Kana", "Hiragana": "Hira", "Armenian": "Armn",
    "Georgian": "Geor", "Thai": "Thai", "Devanagari": "Deva", "Ethiopic": "Ethi",
}

# Relation kind <-> (schema, subject property, object property, role property).
_EDGES = {
    RelationKind.OWNERSHIP: ("Ownership", "owner", "asset", "role"),
    RelationKind.DIRECTORSHIP: ("Directorship", "director", "organization", "role"),
    RelationKind.FAMILY: ("Family", "person", "relative", "relationship"),
    RelationKind.ASSOCIATE: ("Associate", "person", "associate", "relationship"),
    RelationKind.MEMBERSHIP: ("Membership", "member", "organization", "role"),
    RelationKind.OTHER: ("UnknownLink", "subject", "object", "role"),
}
_EDGE_OF_SCHEMA = {schema: (kind, subj, obj, role) for kind, (schema, subj, obj, role) in _EDGES.items()}
_EDGE_OF_SCHEMA["Employment"] = (RelationKind.OTHER, "employee", "employer", "role")
_EDGE_OF_SCHEMA["Representation"] = (RelationKind.OTHER, "agent", "client", "role")


def schema_kind(schema: str) -> str:
    """What kordon does with an FtM schema: "entity", "relation", or "other"."""
    if schema in TYPE_OF_SCHEMA:
        return "entity"
    if schema in _EDGE_OF_SCHEMA:
        return "relation"
    return "other"


def script_of(text: str) -> str | None:
    """The ISO 15924 code of the (first) non-Latin script of a text, when known."""
    for script in sorted(text_scripts(text)):
        if script != "Latin":
            return _SCRIPT_CODES.get(script)
    return None


# --- kordon -> FtM ---------------------------------------------------------
def entity_to_ftm(entity: Entity) -> dict[str, Any]:
    """A kordon entity as an FtM entity dict (see the module docstring for the mapping)."""
    proxy = model.make_entity(SCHEMA_OF_TYPE[entity.type])
    proxy.id = entity.id
    primary_first = sorted(entity.names, key=lambda n: n.kind != NameKind.PRIMARY)
    for name in primary_first:
        _add(proxy, _NAME_PROPERTY[name.kind], name.value)
    if primary_first and primary_first[0].kind == NameKind.PRIMARY:
        for attr, prop in _NAME_PARTS:
            _add(proxy, prop, getattr(primary_first[0], attr))
    for date in entity.dates:
        prop = "birthDate" if date.kind == DateKind.BIRTH else "incorporationDate"
        if not proxy.schema.get(prop):
            prop = "buildDate"
        for value in (date.value, date.start, date.end):
            _add(proxy, prop, value)
    for place in entity.places_of_birth:
        _add(proxy, "birthPlace", place)
    for country in entity.countries:
        prop = _COUNTRY_PROPERTY[country.role]
        _add(proxy, prop if proxy.schema.get(prop) else "country", country.code)
    _add(proxy, "gender", entity.gender)
    for address in entity.addresses:
        _add(proxy, "address", address.text)
        _add(proxy, "country", address.country)
    for identifier in entity.identifiers:
        if identifier.kind == IdKind.CRYPTO_WALLET:
            continue  # an FtM CryptoWallet is an entity of its own
        _add_identifier(proxy, identifier.value, _ID_PROPERTY.get(identifier.kind, "idNumber"))
    for program in entity.programs:
        _add(proxy, "program", program)
    _add(proxy, "createdAt", entity.listed_on)
    _add(proxy, "notes", entity.remarks)
    for position in entity.positions:
        _add(proxy, "position", position)
    for url in entity.urls:
        _add(proxy, "sourceUrl", url)
    _add(proxy, "type", entity.vessel_type)
    _add(proxy, "tonnage", entity.tonnage)
    for topic in entity.extra.get("topics", []):
        _add(proxy, "topics", topic)
    data = proxy.to_dict()
    data["caption"] = entity.caption
    data["datasets"] = [entity.source]
    return data


def relation_to_ftm(relation: Relation) -> dict[str, Any]:
    """A kordon relation as an FtM interval entity (Ownership, Directorship, Family...)."""
    schema, subject_prop, object_prop, role_prop = _EDGES.get(relation.kind, _EDGES[RelationKind.OTHER])
    proxy = model.make_entity(schema)
    proxy.id = relation.id or relation_id(relation)
    _add(proxy, subject_prop, relation.subject_id)
    _add(proxy, object_prop, relation.object_id)
    _add(proxy, role_prop, relation.role)
    if relation.percentage is not None and proxy.schema.get("percentage"):
        _add(proxy, "percentage", f"{relation.percentage:g}")
    _add(proxy, "startDate", relation.start_date)
    _add(proxy, "endDate", relation.end_date)
    data = proxy.to_dict()
    if relation.source:
        data["datasets"] = [relation.source]
    return data


def relation_id(relation: Relation) -> str:
    """A stable id for a relation that has none: a hash of what it links."""
    key = "\x1f".join([relation.kind.value, relation.subject_id, relation.object_id, relation.role or ""])
    return "rel-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _add_identifier(proxy: EntityProxy, value: str, prop_name: str) -> None:
    """Add under the kind's property, or under a generic one when the schema lacks it or FtM
    rejects the value's format (an INN of the wrong length): an export never loses a number."""
    for candidate in (prop_name, *_ID_FALLBACKS):
        prop = proxy.schema.get(candidate)
        if prop is not None and prop.type.clean(value, format=prop.format, proxy=proxy) is not None:
            proxy.add(prop, value, quiet=True)
            return


def _add(proxy: EntityProxy, prop: str, value: str | None) -> None:
    if value is None or value == "" or not proxy.schema.get(prop):
        return
    proxy.add(prop, value, quiet=True)


# --- FtM -> kordon ---------------------------------------------------------
def ftm_to_entity(data: dict[str, Any], source: str | None = None) -> Entity | None:
    """An FtM entity dict as a kordon entity, or None when its schema is not one kordon lists.

    Properties that refer to other entities (addressEntity, sanctions...) are
    not resolved here; :mod:`kordon.lists.opensanctions` folds those in.
    """
    entity_type = TYPE_OF_SCHEMA.get(data.get("schema", ""))
    entity_id = data.get("id")
    if entity_type is None or not entity_id:
        return None
    props: dict[str, list[str]] = data.get("properties") or {}
    datasets = list(data.get("datasets") or [])
    source = source or (datasets[0] if datasets else "ftm")
    prefix = f"{source}-"
    source_id = entity_id[len(prefix):] if entity_id.startswith(prefix) else entity_id
    entity = Entity(id=entity_id, type=entity_type, source=source, source_id=source_id)

    _read_names(entity, props, data.get("caption"))
    for prop, kind in (("birthDate", DateKind.BIRTH), ("incorporationDate", DateKind.INCORPORATION),
                       ("buildDate", DateKind.INCORPORATION)):
        for value in props.get(prop, []):
            entity.add_date(EntityDate(kind=kind, value=value[:10]))
    entity.places_of_birth = unique(props.get("birthPlace", []))
    for prop, role in _COUNTRY_ROLE.items():
        for code in props.get(prop, []):
            entity.add_country(code, role)
    genders = props.get("gender", [])
    entity.gender = genders[0] if genders and genders[0] in ("male", "female") else None
    for text in props.get("address", []):
        entity.add_address(Address(full=text))
    _read_identifiers(entity, props)
    entity.programs = unique(props.get("programId", []) + props.get("program", []))
    created = sorted(v[:10] for v in props.get("createdAt", []))
    entity.listed_on = created[0] if created else None
    notes = unique(props.get("notes", []))
    entity.remarks = "\n".join(notes) or None
    entity.positions = unique(props.get("position", []))
    entity.urls = unique(props.get("sourceUrl", []))
    if entity_type == EntityType.VESSEL:
        entity.vessel_type = _first(props.get("type"))
        entity.tonnage = _first(props.get("tonnage"))
    for prop, key in (("topics", "topics"), ("legalForm", "legal_form"), ("dissolutionDate", "dissolution_date")):
        if values := unique(props.get(prop, [])):
            entity.extra[key] = values
    if datasets and datasets != [source]:
        entity.extra["datasets"] = datasets
    return entity


def ftm_to_relation(data: dict[str, Any], source: str | None = None) -> Relation | None:
    """An FtM Ownership / Directorship / Family / Associate / Membership / UnknownLink... as a
    kordon relation, or None when the schema is none of those or an end is missing."""
    edge = _EDGE_OF_SCHEMA.get(data.get("schema", ""))
    if edge is None:
        return None
    kind, subject_prop, object_prop, role_prop = edge
    props: dict[str, list[str]] = data.get("properties") or {}
    subject, obj = _first(props.get(subject_prop)), _first(props.get(object_prop))
    if not subject or not obj:
        return None
    datasets = data.get("datasets") or []
    starts = sorted(v[:10] for v in props.get("startDate", []))
    ends = sorted(v[:10] for v in props.get("endDate", []))
    return Relation(
        kind=kind,
        subject_id=subject,
        object_id=obj,
        id=data.get("id"),
        role=_first(props.get(role_prop)),
        percentage=parse_percentage(props.get("percentage", [])),
        start_date=starts[0] if starts else None,
        end_date=ends[-1] if ends else None,
        source=source or (datasets[0] if datasets else None),
        source_id=data.get("id"),
    )


def edge_ends(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The ids at both ends of an FtM relation entity (None when missing or not a relation)."""
    edge = _EDGE_OF_SCHEMA.get(data.get("schema", ""))
    if edge is None:
        return None, None
    props = data.get("properties") or {}
    return _first(props.get(edge[1])), _first(props.get(edge[2]))


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def parse_percentage(values: Iterable[str]) -> float | None:
    """The first readable percentage among values like "51", "51.5", "51,5 %"."""
    for value in values:
        if match := _NUMBER.search(value):
            number = float(match.group().replace(",", "."))
            if 0 <= number <= 100:
                return number
    return None


def _read_names(entity: Entity, props: dict[str, list[str]], caption: str | None) -> None:
    names = props.get("name", [])
    primary = _pick_primary(names, caption)
    if primary:
        parts = {attr: _single(props.get(prop)) for attr, prop in _NAME_PARTS}
        parts = {k: v for k, v in parts.items() if v} if entity.type == EntityType.PERSON else {}
        entity.names.append(Name(value=" ".join(primary.split()), kind=NameKind.PRIMARY, **parts))
    for value in names:
        if is_latin(value):
            entity.add_name(value, NameKind.ALIAS)
        else:
            entity.add_name(value, NameKind.ORIGINAL_SCRIPT, script=script_of(value))
    for prop, kind in (("alias", NameKind.ALIAS), ("previousName", NameKind.FORMER), ("weakAlias", NameKind.WEAK)):
        for value in props.get(prop, []):
            entity.add_name(value, kind)


def _pick_primary(names: list[str], caption: str | None) -> str | None:
    """The caption when it is a Latin-script name; else the first Latin name; else the first."""
    if caption and caption in names and is_latin(caption):
        return caption
    for name in names:
        if is_latin(name):
            return name
    return caption if caption in names else (names[0] if names else caption)


def _read_identifiers(entity: Entity, props: dict[str, list[str]]) -> None:
    seen: set[str] = set()
    for prop, kind in _SPECIFIC_ID_KINDS.items():
        if kind == IdKind.AIRCRAFT_SERIAL and entity.type != EntityType.AIRCRAFT:
            continue
        for value in props.get(prop, []):
            if kind == IdKind.IMO and value.upper().startswith("IMO"):
                value = value[3:].strip()
            entity.add_identifier(kind, value)
            seen.add(normalize_identifier(value))
    for prop in _GENERIC_ID_PROPERTIES:
        for value in props.get(prop, []):
            key = normalize_identifier(value)
            if key in seen:
                continue
            seen.add(key)
            entity.add_identifier(_generic_kind(prop, entity.type), value)


def _generic_kind(prop: str, entity_type: EntityType) -> IdKind:
    if prop in ("taxNumber", "vatCode"):
        return IdKind.TAX_ID
    if prop == "registrationNumber":
        return IdKind.AIRCRAFT_TAIL if entity_type == EntityType.AIRCRAFT else IdKind.REGISTRATION
    return IdKind.NATIONAL_ID if entity_type == EntityType.PERSON else IdKind.OTHER


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _single(values: list[str] | None) -> str | None:
    return values[0] if values and len(values) == 1 else None


# --- JSON lines ------------------------------------------------------------
def _open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, gunzipped on the fly when it is named ``.gz``."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def iter_ftm_lines(path: Path | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line_number, entity dict)`` for each FtM entity of a JSON-lines file.

    Raises :class:`ListFormatError` for what is not FtM JSON lines: a JSON
    array, the nested ("targets.nested.json") or statement formats, invalid
    JSON or bytes that are not UTF-8 (each names its line).
    """
    path = Path(path)
    number = 0
    try:
        with _open_binary(path) as fh:
            for number, raw in enumerate(fh, 1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
                except UnicodeDecodeError as exc:
                    raise ListFormatError(path, f"not valid UTF-8: {exc.reason} at byte {exc.start + 1}",
                                          line=number) from None
                if not line:
                    continue
                if number == 1 and line.startswith("["):
                    raise ListFormatError(path, "a JSON array, not JSON lines: FtM files have one entity "
                                                "object per line (e.g. OpenSanctions' entities.ftm.json)", line=1)
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ListFormatError(path, f"invalid JSON: {exc.msg} at column {exc.colno}",
                                          line=number) from None
                _check_entity_shape(path, number, data)
                yield number, data
    except (OSError, EOFError) as exc:  # gzip: truncated or not gzip
        raise ListFormatError(path, f"unreadable file: {exc}", line=number or None) from None


def read_ftm_lines(path: Path | str) -> Iterator[dict[str, Any]]:
    """The FtM entity dicts of a JSON-lines file (see :func:`iter_ftm_lines`)."""
    for _line, data in iter_ftm_lines(path):
        yield data


def _check_entity_shape(path: Path, line: int, data: Any) -> None:
    if not isinstance(data, dict):
        raise ListFormatError(path, f"expected one JSON object per line, found a {type(data).__name__}", line=line)
    if "schema" not in data and ("entity_id" in data or "canonical_id" in data) and "prop" in data:
        raise ListFormatError(path, "this is an FtM statements file (one property value per line); "
                                    "use the entities file (entities.ftm.json)", line=line)
    if "schema" not in data or "id" not in data or not isinstance(data.get("properties", {}), dict):
        raise ListFormatError(path, "not an FtM entity: each line needs 'id', 'schema' and 'properties'", line=line)
    for prop, values in data.get("properties", {}).items():
        if not isinstance(values, list) or any(isinstance(v, dict) for v in values):
            raise ListFormatError(path, "nested FtM format (entities embedded in properties, as in "
                                        "targets.nested.json); use the flat entities.ftm.json",
                                  line=line, field=prop)


def write_ftm_lines(objects: Iterable[Entity | Relation | dict[str, Any]], fh: IO[str]) -> int:
    """Write entities and relations as FtM JSON lines; returns how many were written."""
    count = 0
    for obj in objects:
        if isinstance(obj, Entity):
            data = entity_to_ftm(obj)
        elif isinstance(obj, Relation):
            data = relation_to_ftm(obj)
        else:
            data = obj
        fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
        fh.write("\n")
        count += 1
    return count
