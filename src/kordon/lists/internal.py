"""A company's own list (watch list, blocked customers...), as CSV or XLSX.

Any table with one row per person or company works. Which column holds what
is given by a *mapping*, either as the ``mapping`` option (a dict, or the path
of a YAML file: ``kordon lists import internal FILE --mapping MAPPING.yml``)
or, when the headers already say it, found automatically.

The mapping (YAML; every key optional except that a name column must exist)::

    name: Customer name            # the primary name
    aliases: [Trading name, AKA]   # one column or several; cells split on alias_separator
    alias_separator: ";"
    type: Kind                     # person / company / organization / vessel / aircraft
    type_values: {P: person, C: company}   # the list's own codes for types
    default_type: company          # when there is no type column or cell
    dob: Date of birth             # birth date of a person, founding date of a company
    country: Country               # where it is (or is registered); several split on ";" or ","
    nationality: Citizenship
    source_id: Customer no         # the list's own reference, used in the entity id
    remarks: Notes
    program: Reason                # why it is listed; several split on ";"
    identifiers:                   # identifier kind (see kordon.model.IdKind) -> column
      passport: Passport no
      inn: INN
    sheet: Blocked                 # XLSX: which sheet (required when there are several)
    encoding: cp1252               # CSV: default strict UTF-8
    delimiter: ";"                 # CSV: default sniffed

Without a mapping, columns are recognised by their header (case and spaces
ignored): ``name`` / ``full name``; ``aliases`` / ``alias`` / ``aka``;
``type``; ``dob`` / ``date of birth``; ``country``; ``nationality``; ``id`` /
``source_id`` / ``reference``; ``remarks`` / ``notes``; ``program`` /
``reason``; and any column named after an identifier kind (``passport``,
``inn``, ``ogrn``, ``imo``, ``lei``, ``tax_id``...).

Ids are ``internal-<source_id>``. A list without an id column gets, for each
row, ``h`` + a hash of its name, type, birth date, countries and identifiers:
stable when rows are inserted, sorted or re-exported (a line number would
not be), and changed only when that content changes, which a version diff
then shows as one removal and one addition. Rows repeating an id are reported
and skipped.

Reported row problems: empty name, unreadable date, unknown country or type,
names longer than 500 characters (not a name), formulas without a saved
value. Fatal: a mapped column missing (the message names it and lists the
columns found), undecodable bytes, several sheets without ``sheet``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterator

import yaml

from kordon.lists.base import ImportReport, ListFormatError, ListSource
from kordon.lists.parsing import clean_text, country_code, parse_date
from kordon.lists.tabular import Row, Table, add_unique, normalize_header
from kordon.lists.us_csl import ENTITY_TYPES, guess_type
from kordon.model import CountryRole, DateKind, Entity, EntityType, IdKind, NameKind, Relation

SINGLE_FIELDS = ("name", "type", "dob", "country", "nationality", "source_id", "remarks", "program")
SETTINGS = ("alias_separator", "type_values", "default_type", "sheet", "encoding", "delimiter")
MAX_NAME = 500
MAX_REMARKS = 10_000

# Header names recognised without a mapping.
DEFAULT_HEADERS = {
    "name": ("name", "full name", "full_name", "fullname"),
    "aliases": ("aliases", "alias", "aka", "other names"),
    "type": ("type", "entity type", "entity_type"),
    "dob": ("dob", "date of birth", "birth date", "birth_date", "birthdate"),
    "country": ("country",),
    "nationality": ("nationality",),
    "source_id": ("id", "source_id", "source id", "reference", "ref"),
    "remarks": ("remarks", "notes", "note", "comment", "comments"),
    "program": ("program", "programs", "reason"),
}
TYPE_WORDS = {
    **ENTITY_TYPES,
    "company": EntityType.COMPANY,
    "organization": EntityType.ORGANIZATION,
    "organisation": EntityType.ORGANIZATION,
    "legal entity": EntityType.COMPANY,
    "p": EntityType.PERSON,
    "c": EntityType.COMPANY,
}


def load_mapping(mapping: dict[str, Any] | str | Path | None) -> tuple[dict[str, Any], Path | None]:
    """The mapping as a dict, read from YAML when given a path; checked for unknown keys."""
    if mapping is None:
        return {}, None
    where: Path | None = None
    if isinstance(mapping, (str, Path)):
        where = Path(mapping)
        try:
            mapping = yaml.safe_load(where.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ListFormatError(where, f"unreadable mapping file: {exc}") from None
    if not isinstance(mapping, dict):
        raise ListFormatError(where or "mapping", "the mapping must be a set of 'field: column' entries")
    known = {*SINGLE_FIELDS, "aliases", "alias", "identifiers", *SETTINGS}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise ListFormatError(where or "mapping", f"unknown mapping key(s) {', '.join(map(repr, unknown))}; "
                                                  f"known: {', '.join(sorted(known))}")
    for kind in (mapping.get("identifiers") or {}):
        if kind not in {k.value for k in IdKind}:
            raise ListFormatError(where or "mapping", f"unknown identifier kind {kind!r}; known: "
                                                      f"{', '.join(k.value for k in IdKind)}", field="identifiers")
    return mapping, where


class _Columns:
    """The actual column of each field, from the mapping or the headers."""

    def __init__(self, table: Table, mapping: dict[str, Any]):
        self.single: dict[str, str] = {}
        self.aliases: list[str] = []
        self.identifiers: list[tuple[IdKind, str]] = []
        missing: list[str] = []

        def resolve(field: str, wanted: str) -> str | None:
            column = table.column(wanted)
            if column is None:
                missing.append(f"{wanted!r} (for {field})")
            return column

        for field in SINGLE_FIELDS:
            if field in mapping and mapping[field]:
                if column := resolve(field, str(mapping[field])):
                    self.single[field] = column
            elif field not in mapping and (column := table.column(*DEFAULT_HEADERS[field])):
                self.single[field] = column
        alias_key = "aliases" if "aliases" in mapping else "alias" if "alias" in mapping else None
        alias_spec = mapping.get(alias_key) if alias_key else None
        if alias_key:
            for wanted in [alias_spec] if isinstance(alias_spec, str) else (alias_spec or []):
                if column := resolve("aliases", str(wanted)):
                    self.aliases.append(column)
        elif column := table.column(*DEFAULT_HEADERS["aliases"]):
            self.aliases.append(column)
        if "identifiers" in mapping:
            for kind, wanted in (mapping["identifiers"] or {}).items():
                if column := resolve(f"identifier {kind}", str(wanted)):
                    self.identifiers.append((IdKind(kind), column))
        else:
            used = set(self.single.values())
            for column in table.columns:
                key = normalize_header(column).replace(" ", "_")
                if column not in used and key in {k.value for k in IdKind}:
                    self.identifiers.append((IdKind(key), column))
        if missing:
            found = ", ".join(repr(c) for c in table.columns if c) or "none"
            raise ListFormatError(table.path, f"mapped column(s) not found: {', '.join(missing)}; "
                                              f"the header has: {found}", line=table.header_line)
        if "name" not in self.single:
            found = ", ".join(repr(c) for c in table.columns if c) or "none"
            raise ListFormatError(table.path, "no name column: map one with 'name: <column>' "
                                              f"(the header has: {found})", line=table.header_line)


class InternalListSource(ListSource):
    name = "internal"
    title = "Internal list (CSV or XLSX with a column mapping)"
    publisher = "your organisation"

    def read(self, path: Path, report: ImportReport, **options: Any) -> Iterator[Entity | Relation]:
        path = Path(path)
        mapping, _where = load_mapping(options.get("mapping") or options.get("mapping_file"))
        settings = {key: options.get(key, mapping.get(key)) for key in SETTINGS}
        table = Table(path, report, encoding=settings["encoding"] or "utf-8", delimiter=settings["delimiter"],
                      sheet=settings["sheet"], what="internal list")
        columns = _Columns(table, mapping)
        types = {str(k).strip().lower(): _type_word(v, path) for k, v in (settings["type_values"] or {}).items()}
        default_type = _type_word(settings["default_type"], path) if settings["default_type"] else None
        separator = settings["alias_separator"] or ";"
        seen: set[str] = set()
        for line, row in table.rows():
            entity = self._entity(row, line, columns, types, default_type, separator, report, path)
            if entity is None:
                continue
            if entity.id in seen:
                report.warn(f"id {entity.source_id!r} repeats an earlier row; skipped", path=path, line=line,
                            field=columns.single.get("source_id"), kind="duplicate")
                continue
            seen.add(entity.id)
            yield entity

    def _entity(self, row: Row, line: int, columns: _Columns, types: dict[str, EntityType],
                default_type: EntityType | None, separator: str, report: ImportReport, path: Path) -> Entity | None:
        def cell(field: str) -> str | None:
            column = columns.single.get(field)
            return clean_text(row.get(column)) if column else None

        def warn(message: str, field: str, kind: str) -> None:
            report.warn(message, path=path, line=line, field=columns.single.get(field, field), kind=kind)

        name = cell("name")
        if not name:
            warn("empty name; row skipped", "name", "empty_name")
            return None
        if len(name) > MAX_NAME:
            warn(f"the name is {len(name)} characters long, not a name; row skipped", "name", "huge_field")
            return None
        dob_text = cell("dob")
        dob = parse_date(dob_text) if dob_text else None
        if dob_text and dob is None:
            warn(f"unreadable date {dob_text!r}", "dob", "bad_date")
        entity_type = self._type(cell("type"), types, default_type, name, dob is not None, warn)
        if dob is not None and entity_type != EntityType.PERSON:
            dob.kind = DateKind.INCORPORATION

        entity = Entity(id="", type=entity_type, source=self.name, source_id="")
        entity.add_name(name, NameKind.PRIMARY)
        for column in columns.aliases:
            for alias in (row.get(column) or "").split(separator):
                if len(alias) > MAX_NAME:
                    warn(f"an alias of {len(alias)} characters is not a name; ignored", "aliases", "huge_field")
                    continue
                entity.add_name(clean_text(alias), NameKind.ALIAS)
        if dob is not None:
            entity.dates.append(dob)
        role = CountryRole.COUNTRY if entity_type == EntityType.PERSON else CountryRole.JURISDICTION
        for field, country_role in (("country", role), ("nationality", CountryRole.NATIONALITY)):
            for text in re.split(r"[;,]", cell(field) or ""):
                if text := clean_text(text):
                    code = country_code(text)
                    if code is None:
                        warn(f"unknown country {text!r}", field, "bad_country")
                    entity.add_country(code, country_role, text)
        for kind, column in columns.identifiers:
            for value in (row.get(column) or "").split(";"):
                entity.add_identifier(kind, clean_text(value))
        for program in (cell("program") or "").split(";"):
            add_unique(entity.programs, program)
        remarks = cell("remarks")
        if remarks and len(remarks) > MAX_REMARKS:
            warn(f"remarks of {len(remarks)} characters cut to {MAX_REMARKS}", "remarks", "huge_field")
            remarks = remarks[:MAX_REMARKS]
        entity.remarks = remarks
        entity.source_id = cell("source_id") or content_id(entity)
        entity.id = f"{self.name}-{entity.source_id}"
        return entity

    @staticmethod
    def _type(text: str | None, types: dict[str, EntityType], default_type: EntityType | None, name: str,
              has_dob: bool, warn) -> EntityType:
        if text:
            found = types.get(text.lower()) or TYPE_WORDS.get(text.lower())
            if found is not None:
                return found
            warn(f"unknown type {text!r}; guessed from the name", "type", "unknown_type")
        return default_type or guess_type(name, "", has_dob)


def _type_word(value: Any, path: Path) -> EntityType:
    found = TYPE_WORDS.get(str(value).strip().lower())
    if found is None:
        raise ListFormatError(path, f"unknown entity type {value!r} in the mapping; use one of "
                                    f"{', '.join(t.value for t in EntityType)}", field="type_values")
    return found


def content_id(entity: Entity) -> str:
    """``h`` + a hash of what identifies a row: name, type, birth date, countries, identifiers."""
    parts = [entity.caption.casefold(), entity.type.value]
    parts += sorted(d.value or "" for d in entity.dates)
    parts += sorted(f"{c.role.value}:{c.code}" for c in entity.countries)
    parts += sorted(f"{i.kind.value}:{i.normalized}" for i in entity.identifiers)
    return "h" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


SOURCE = InternalListSource()
