"""kordon's one domain model: listed entities, their names, dates, identifiers and relations.

Every list parser produces these objects, the store keeps them as JSON, and the
screening engine, the API and the exports read them back. The model follows
FollowTheMoney (FtM) closely so that :mod:`kordon.ftm` can convert both ways,
but keeps what sanctions screening needs as first-class typed fields: name
kinds, partial and approximate dates, typed identifiers and the list of origin.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Iterable


class EntityType(StrEnum):
    PERSON = "person"
    COMPANY = "company"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"

    @property
    def is_legal_entity(self) -> bool:
        return self in (EntityType.COMPANY, EntityType.ORGANIZATION)


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"  # strong a.k.a.
    WEAK = "weak"  # low-quality a.k.a.: counts less in screening
    FORMER = "former"  # f.k.a.
    ORIGINAL_SCRIPT = "original_script"  # the name as written in its own script


class DateKind(StrEnum):
    BIRTH = "birth"
    INCORPORATION = "incorporation"  # also: organisation established, vessel built


class CountryRole(StrEnum):
    NATIONALITY = "nationality"
    CITIZENSHIP = "citizenship"
    COUNTRY = "country"  # country of activity / address / "linked to"
    JURISDICTION = "jurisdiction"  # registration of a legal entity
    RESIDENCE = "residence"
    FLAG = "flag"  # vessel or aircraft flag


class IdKind(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    INN = "inn"  # Russian taxpayer number (10 digits legal entity, 12 person)
    OGRN = "ogrn"  # Russian state registration number
    KPP = "kpp"
    OKPO = "okpo"
    BIN = "bin"  # Kazakh business identification number
    IIN = "iin"  # Kazakh individual identification number
    REGISTRATION = "registration"  # other company registration numbers
    IMO = "imo"
    MMSI = "mmsi"
    LEI = "lei"
    SWIFT_BIC = "swift_bic"
    AIRCRAFT_TAIL = "aircraft_tail"
    AIRCRAFT_SERIAL = "aircraft_serial"
    CALL_SIGN = "call_sign"
    SSN = "ssn"
    DRIVING_LICENSE = "driving_license"
    EMAIL = "email"
    WEBSITE = "website"
    PHONE = "phone"
    CRYPTO_WALLET = "crypto_wallet"
    OTHER = "other"


class RelationKind(StrEnum):
    OWNERSHIP = "ownership"  # subject owns object
    DIRECTORSHIP = "directorship"  # subject directs object
    FAMILY = "family"
    ASSOCIATE = "associate"
    MEMBERSHIP = "membership"
    OTHER = "other"


@dataclass(slots=True)
class Name:
    """One name of an entity, as listed, with what kind of name it is."""

    value: str
    kind: NameKind = NameKind.PRIMARY
    lang: str | None = None  # ISO 639 code when the source says ("ru", "kk", "ar", ...)
    script: str | None = None  # ISO 15924 when known ("Cyrl", "Arab", ...)
    # Parts when the source gives them separately (person names).
    first_name: str | None = None
    middle_name: str | None = None
    patronymic: str | None = None
    last_name: str | None = None


@dataclass(slots=True)
class EntityDate:
    """A date that may be exact, partial, a range or approximate.

    ``value`` is a partial ISO date: ``1973-09-28``, ``1973-09`` or ``1973``.
    A range has ``start`` and ``end`` (partial ISO too) and no ``value``.
    """

    kind: DateKind = DateKind.BIRTH
    value: str | None = None
    start: str | None = None
    end: str | None = None
    approximate: bool = False
    text: str | None = None  # as printed in the source, when it differs

    @property
    def years(self) -> tuple[int, int] | None:
        """The inclusive range of years this date may fall in."""
        if self.value:
            y = int(self.value[:4])
            return (y - 1, y + 1) if self.approximate else (y, y)
        if self.start or self.end:
            lo = int((self.start or self.end)[:4])  # type: ignore[index]
            hi = int((self.end or self.start)[:4])  # type: ignore[index]
            return (lo, hi)
        return None


@dataclass(slots=True)
class CountryRef:
    """A country in a given role; ``code`` is ISO 3166-1 alpha-2, lower case ("ru", "kz")."""

    code: str
    role: CountryRole = CountryRole.COUNTRY
    text: str | None = None  # as printed in the source


@dataclass(slots=True)
class Address:
    full: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO alpha-2, lower case
    remarks: str | None = None

    @property
    def text(self) -> str | None:
        """The full text of the address, or its parts joined when it has none."""
        if self.full:
            return self.full
        parts = [self.street, self.postal_code, self.city, self.region]
        return ", ".join(p for p in parts if p) or None


@dataclass(slots=True)
class Identifier:
    kind: IdKind
    value: str
    country: str | None = None  # issuing country, ISO alpha-2 lower case
    note: str | None = None  # type as printed, validity, issue date...

    @property
    def normalized(self) -> str:
        """The value with spaces, dashes and dots removed and upper-cased, for exact matching."""
        return normalize_identifier(self.value)


def normalize_identifier(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


@dataclass(slots=True)
class Relation:
    """A link between two entities: ``subject`` owns / directs / is family of ``object``."""

    kind: RelationKind
    subject_id: str
    object_id: str
    id: str | None = None
    role: str | None = None  # e.g. "Director", "brother"
    percentage: float | None = None  # ownership share, 0..100
    start_date: str | None = None
    end_date: str | None = None
    source: str | None = None
    source_id: str | None = None


@dataclass(slots=True)
class Entity:
    """A listed person, company, organisation, vessel or aircraft.

    ``id`` is kordon's stable id, ``{source}-{source_id}`` unless the source has
    its own stable global ids (OpenSanctions). ``source_id`` is the list's own
    reference: OFAC entry number, UN reference number, EU logical id...
    """

    id: str
    type: EntityType
    source: str
    source_id: str
    names: list[Name] = field(default_factory=list)
    dates: list[EntityDate] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    countries: list[CountryRef] = field(default_factory=list)
    gender: str | None = None  # "male" / "female"
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed_on: str | None = None  # partial ISO date
    remarks: str | None = None
    positions: list[str] = field(default_factory=list)  # titles, functions
    urls: list[str] = field(default_factory=list)
    # Vessel and aircraft details (flag goes to countries with role FLAG).
    vessel_type: str | None = None
    tonnage: str | None = None
    # Anything else the source carries, kept verbatim under its own field name.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind == NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.id

    def all_names(self, *kinds: NameKind) -> list[str]:
        return [n.value for n in self.names if not kinds or n.kind in kinds]

    def add_name(self, value: str | None, kind: NameKind = NameKind.ALIAS, **kw: Any) -> None:
        """Add a name unless it is empty or already there under a stronger or equal kind."""
        if value is None:
            return
        value = " ".join(value.split())
        if not value:
            return
        for existing in self.names:
            if existing.value == value:
                return
        self.names.append(Name(value=value, kind=kind, **kw))

    def add_country(self, code: str | None, role: CountryRole, text: str | None = None) -> None:
        if not code:
            return
        code = code.lower()
        for c in self.countries:
            if c.code == code and c.role == role:
                return
        self.countries.append(CountryRef(code=code, role=role, text=text))

    def add_date(self, date: EntityDate) -> None:
        """Add a date unless the entity has it already."""
        key = (date.kind, date.value, date.start, date.end)
        if not any((d.kind, d.value, d.start, d.end) == key for d in self.dates):
            self.dates.append(date)

    def add_address(self, address: Address) -> None:
        """Add an address unless the entity has one with the same text and country."""
        key = ((address.text or "").casefold(), address.country)
        if not key[0] and not address.country:
            return
        if not any(((a.text or "").casefold(), a.country) == key for a in self.addresses):
            self.addresses.append(address)

    def add_identifier(
        self, kind: IdKind, value: str | None, country: str | None = None, note: str | None = None
    ) -> None:
        if not value or not value.strip():
            return
        value = value.strip()
        key = normalize_identifier(value)
        if any(i.kind == kind and i.normalized == key for i in self.identifiers):
            return
        self.identifiers.append(
            Identifier(kind=kind, value=value, country=country.lower() if country else None, note=note)
        )

    # --- serialisation -------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A compact JSON-ready dict: empty fields are left out."""
        return _compact(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entity":
        return cls(
            id=data["id"],
            type=EntityType(data["type"]),
            source=data["source"],
            source_id=data["source_id"],
            names=[Name(**{**n, "kind": NameKind(n.get("kind", "primary"))}) for n in data.get("names", [])],
            dates=[EntityDate(**{**d, "kind": DateKind(d.get("kind", "birth"))}) for d in data.get("dates", [])],
            places_of_birth=list(data.get("places_of_birth", [])),
            countries=[
                CountryRef(**{**c, "role": CountryRole(c.get("role", "country"))}) for c in data.get("countries", [])
            ],
            gender=data.get("gender"),
            addresses=[Address(**a) for a in data.get("addresses", [])],
            identifiers=[Identifier(**{**i, "kind": IdKind(i["kind"])}) for i in data.get("identifiers", [])],
            programs=list(data.get("programs", [])),
            listed_on=data.get("listed_on"),
            remarks=data.get("remarks"),
            positions=list(data.get("positions", [])),
            urls=list(data.get("urls", [])),
            vessel_type=data.get("vessel_type"),
            tonnage=data.get("tonnage"),
            extra=dict(data.get("extra", {})),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def content_hash(self) -> str:
        """A hash of everything listed about the entity, for version diffs."""
        return hashlib.sha1(self.to_json().encode("utf-8")).hexdigest()


def relation_to_dict(rel: Relation) -> dict[str, Any]:
    return _compact(rel)


def relation_from_dict(data: dict[str, Any]) -> Relation:
    known = {f.name for f in fields(Relation)}
    args = {k: v for k, v in data.items() if k in known}
    args["kind"] = RelationKind(args["kind"])
    return Relation(**args)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _compact(value: Any) -> Any:
    """Dataclasses, enums, lists and dicts -> plain JSON values, empty fields left out.

    Hand-written rather than ``dataclasses.asdict`` (which deep-copies): this
    runs for every entity of every import and is ten times faster.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return value.value if isinstance(value, StrEnum) else value
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if isinstance(value, dict):
        items = value.items()
    else:
        cls = type(value)
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
        items = ((n, getattr(value, n)) for n in names)
    out = {}
    for k, v in items:
        if v is None or v == [] or v == {} or (v is False and k == "approximate"):
            continue
        out[k] = _compact(v)
    return out


def unique(values: Iterable[str]) -> list[str]:
    """Order-preserving de-duplication."""
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)
