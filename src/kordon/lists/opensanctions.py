"""OpenSanctions and other FollowTheMoney (FtM) entity files, as JSON lines.

Input: one FtM entity per line (OpenSanctions' ``entities.ftm.json``, plain or
``.gz``). kordon keeps:

- **main entities** (Person, Company, Organization, LegalEntity, PublicBody,
  Vessel, Airplane) as :class:`~kordon.model.Entity`, converted by
  :func:`kordon.ftm.ftm_to_entity`;
- **relations** (Ownership, Directorship, Family, Associate, Membership,
  UnknownLink, Employment, Representation) as :class:`~kordon.model.Relation`;
- **helper entities folded into the entity they describe**: a Sanction adds
  its program ids to ``programs`` (the label of a sanction without an id, which
  can be a whole paragraph, to ``extra["program_labels"]``), its authority to
  ``extra["authorities"]`` and its listing date to ``listed_on`` (the
  earliest date wins) of its ``entity``; an Address referenced by ``addressEntity``
  becomes one of the entity's addresses; a Passport or Identification becomes
  an identifier of its ``holder``.

Ids: OpenSanctions ids (``NK-...``, ``ofac-...``) are globally stable across
datasets and releases, so they are kept as they are (no ``opensanctions-``
prefix): relations and other tools (yente, the OpenSanctions website) refer to
the same ids. ``source_id`` is the same id.

Entities may come in any order (a Sanction before or after its target). The
file is therefore read twice: the first pass keeps only the small folded
data: per target, the program strings and dates of its sanctions; Address
values by id; identifiers per holder; and the set of main-entity ids (to check
the ends of relations). The second pass streams the main entities and
relations. Memory grows with the number of sanctions, addresses and ids, never
with the main entities' contents.

Reported, not fatal: relations whose ends are not in the file (skipped),
sanctions and documents pointing to absent entities, ``addressEntity`` ids not
in the file, and entities of schemas kordon does not list (counted per schema).
Fatal: a JSON array, the nested or statement formats, invalid JSON, bad UTF-8.
``report.published`` is the latest ``last_seen`` date in the file (OpenSanctions'
export date), when the file carries one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kordon.ftm import ftm_to_entity, ftm_to_relation, iter_ftm_lines, schema_kind
from kordon.lists.base import ImportReport, ListSource
from kordon.model import Address, CountryRole, Entity, Identifier, IdKind, Relation, unique

HELPER_SCHEMAS = {"Sanction", "Address", "Passport", "Identification"}


@dataclass
class _Folded:
    """What the helper entities add to one main entity."""

    programs: list[str] = field(default_factory=list)
    program_labels: list[str] = field(default_factory=list)
    authorities: list[str] = field(default_factory=list)
    listing_dates: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)


class OpenSanctionsSource(ListSource):
    name = "opensanctions"
    title = "OpenSanctions / FollowTheMoney entities (JSON lines)"
    publisher = "OpenSanctions (or any FtM producer)"
    urls = {"entities.ftm.json": "https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json"}

    def read(self, path: Path, report: ImportReport, **options: Any) -> Iterator[Entity | Relation]:
        path = Path(path)
        folded, addresses, main_ids, last_seen = self._first_pass(path, report)
        if last_seen:
            report.published = last_seen
        skipped: Counter[str] = Counter()
        for line, data in iter_ftm_lines(path):
            schema = data["schema"]
            kind = schema_kind(schema)
            if kind == "entity":
                entity = ftm_to_entity(data, source=self.name)
                if entity is None:
                    continue
                entity.source_id = data["id"]
                self._fold(entity, data, folded.get(entity.id), addresses, report, path, line)
                yield entity
            elif kind == "relation":
                relation = ftm_to_relation(data, source=self.name)
                if relation is None:
                    report.warn(f"{schema} {data['id']} lacks one of its ends; skipped",
                                path=path, line=line, kind="incomplete_relation")
                    continue
                missing = [i for i in (relation.subject_id, relation.object_id) if i not in main_ids]
                if missing:
                    report.warn(f"{schema} {data['id']} points to {', '.join(missing)}, not in the file; skipped",
                                path=path, line=line, kind="dangling_relation")
                    continue
                yield relation
            elif schema not in HELPER_SCHEMAS:
                skipped[schema] += 1
        for schema, count in sorted(skipped.items()):
            report.warn(f"{count} {schema} entities skipped: kordon does not list this schema",
                        path=path, kind="skipped_schema")

    def _first_pass(self, path: Path, report: ImportReport):
        folded: dict[str, _Folded] = {}
        addresses: dict[str, Address] = {}
        main_ids: set[str] = set()
        helper_targets: list[tuple[int, str, str]] = []  # (line, schema, target id) to check afterwards
        last_seen = ""
        for line, data in iter_ftm_lines(path):
            schema, props = data["schema"], data.get("properties", {})
            last_seen = max(last_seen, str(data.get("last_seen") or "")[:10])
            if schema_kind(schema) == "entity":
                main_ids.add(data["id"])
            elif schema == "Sanction":
                for target in props.get("entity", []):
                    _fold_sanction(folded.setdefault(target, _Folded()), props)
                    helper_targets.append((line, schema, target))
            elif schema == "Address":
                addresses[data["id"]] = _address(props)
            elif schema in ("Passport", "Identification"):
                identifier = _identifier(schema, props)
                for holder in props.get("holder", []):
                    helper_targets.append((line, schema, holder))
                    if identifier is not None:
                        folded.setdefault(holder, _Folded()).identifiers.append(identifier)
        for line, schema, target in helper_targets:
            if target not in main_ids:
                report.warn(f"{schema} points to {target}, not in the file; ignored",
                            path=path, line=line, kind="orphan_" + schema.lower())
        return folded, addresses, main_ids, last_seen or None

    @staticmethod
    def _fold(entity: Entity, data: dict[str, Any], folded: _Folded | None, addresses: dict[str, Address],
              report: ImportReport, path: Path, line: int) -> None:
        if "target" in data:
            entity.extra["target"] = bool(data["target"])
        for address_id in data.get("properties", {}).get("addressEntity", []):
            address = addresses.get(address_id)
            if address is None:
                report.warn(f"addressEntity {address_id} is not in the file", path=path, line=line,
                            field="addressEntity", kind="missing_address")
                continue
            entity.add_address(address)
            entity.add_country(address.country, CountryRole.COUNTRY)
        if folded is None:
            return
        entity.programs = unique(entity.programs + folded.programs)
        if folded.program_labels:
            entity.extra["program_labels"] = folded.program_labels
        if folded.authorities:
            entity.extra["authorities"] = folded.authorities
        dates = sorted(d for d in [entity.listed_on, *folded.listing_dates] if d)
        entity.listed_on = dates[0] if dates else None
        for identifier in folded.identifiers:
            entity.add_identifier(identifier.kind, identifier.value, identifier.country, identifier.note)


def _fold_sanction(folded: _Folded, props: dict[str, list[str]]) -> None:
    # Program ids are short and systematic ("GB-RUS", "US-RUSHAR"); the labels of
    # sanctions without an id can be whole paragraphs, so they go to extra.
    ids = props.get("programId", [])
    for program in ids:
        if program not in folded.programs:
            folded.programs.append(program)
    for label in [] if ids else props.get("program", []):
        if label not in folded.program_labels:
            folded.program_labels.append(label)
    for authority in props.get("authority", []):
        if authority not in folded.authorities:
            folded.authorities.append(authority)
    for prop in ("listingDate", "startDate"):
        folded.listing_dates.extend(v[:10] for v in props.get(prop, []))
    if folded.listing_dates:
        folded.listing_dates = [min(folded.listing_dates)]


def _address(props: dict[str, list[str]]) -> Address:
    def first(prop: str) -> str | None:
        values = props.get(prop)
        return values[0] if values else None

    address = Address(street=first("street"), city=first("city"), region=first("region"),
                      postal_code=first("postalCode"), country=first("country"))
    address.full = first("full") or address.text  # the parts joined when there is no full text
    return address


def _identifier(schema: str, props: dict[str, list[str]]) -> Identifier | None:
    number = (props.get("number") or props.get("passportNumber") or [None])[0]
    if not number:
        return None
    kind = IdKind.PASSPORT if schema == "Passport" else IdKind.NATIONAL_ID
    country = (props.get("country") or [None])[0]
    note = (props.get("type") or [None])[0]
    return Identifier(kind=kind, value=number, country=country, note=note)

SOURCE = OpenSanctionsSource()
