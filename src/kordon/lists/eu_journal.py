"""EU sanctions annexes as CSV, transcribed from the Official Journal.

One CSV per legal act (consolidated regulation or decision), named by its
CELEX number; amending acts carry ``amendedCelex, amendmentCelex`` instead of
``celex``. One row per listed person, entity, vessel or asset; the ``schema``
column is the FollowTheMoney schema name. Multi-valued cells are separated by
``; `` and dates are as printed (``26.11.1972``).

``read`` takes one CSV or a folder: every CSV under it, consolidated acts
first (sorted by name), then amending acts. Empty files are reported, not
fatal. Rows are streamed one at a time; in folder mode the amendments are
scanned once beforehand, keeping only their keys (a few hundred strings).

Decisions:

- ``recordId`` restarts in every annex and is empty in some annexes, so the
  source id is ``<celex>-<annex>-<recordId>`` (``32014R0269-I.PERSONS-1``),
  or ``<celex>-<annex>-n<hash of the name>`` without a record number.
  Consecutive rows with the same id and name (one vessel under two measures)
  are merged; any other repeated id gets a ``-2`` suffix and a warning.
- An amendment row is the entry as the amending act words it. In folder
  mode, when it names an entry already in the consolidated act it amends
  (same act, same annex, same name once case and punctuation are ignored) it
  replaces that entry: one entity, with the consolidated id (stable across
  versions), the amendment's content and ``extra["amended_by"]``. Any other
  amendment row is a new listing with id ``<amendmentCelex>-<annex>-<recordId>``.
  The CSV has no delisting marker, so removals cannot be seen here.
- Schemas: Person, Company, Organization, Vessel map to the same types;
  LegalEntity and Asset (ports, airports, crypto tokens) become organisations,
  with the schema kept in ``extra["schema"]``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from kordon.lists.base import ImportReport, ListFormatError, ListSource
from kordon.lists.eu_fsf import identifier_kind_from_label, split_enumeration
from kordon.lists.parsing import clean_text, country_code, parse_date
from kordon.lists.parsing import script_code
from kordon.model import Address, CountryRole, DateKind, Entity, EntityDate, EntityType, IdKind, NameKind, unique

SCHEMA_TYPES = {
    "Person": EntityType.PERSON,
    "Company": EntityType.COMPANY,
    "Organization": EntityType.ORGANIZATION,
    "LegalEntity": EntityType.ORGANIZATION,
    "Asset": EntityType.ORGANIZATION,
    "Vessel": EntityType.VESSEL,
    "Airplane": EntityType.AIRCRAFT,
}
CONSOLIDATED_COLUMNS = ("celex", "recordId", "schema", "name")
AMENDMENT_COLUMNS = ("amendedCelex", "amendmentCelex", "recordId", "schema", "name")

# Identifier columns and the kind of number they hold; a printed label ("(INN)") may refine it.
IDENTIFIER_COLUMNS = {
    "passportNumber": IdKind.PASSPORT,
    "idNumber": IdKind.NATIONAL_ID,
    "taxNumber": IdKind.TAX_ID,
    "registrationNumber": IdKind.REGISTRATION,
    "leiCode": IdKind.LEI,
    "swiftBic": IdKind.SWIFT_BIC,
    "imoNumber": IdKind.IMO,
    "mmsi": IdKind.MMSI,
    "phone": IdKind.PHONE,
    "email": IdKind.EMAIL,
    "website": IdKind.WEBSITE,
}
# Russian company codes: cells hold digits, sometimes with other labelled codes ("..., KPP 772901001").
RUSSIAN_CODE_COLUMNS = {"innCode": IdKind.INN, "ogrnCode": IdKind.OGRN, "kppCode": IdKind.KPP, "okpoCode": IdKind.OKPO}
RUSSIAN_CODE_LABELS = {"INN": IdKind.INN, "OGRN": IdKind.OGRN, "KPP": IdKind.KPP, "OKPO": IdKind.OKPO}
# Kinds whose printed label may name a more precise kind: "7704730655 (Tax ID/INN)".
REFINABLE_KINDS = {IdKind.REGISTRATION, IdKind.TAX_ID, IdKind.NATIONAL_ID}
EXTRA_COLUMNS = {
    "legalForm": "legal_form", "sector": "sector", "appearance": "appearance", "ethnicity": "ethnicity",
    "fatherName": "father_name", "motherName": "mother_name", "ticker": "ticker", "notes": "notes",
}
EARLIEST_BIRTH_YEAR = 1850  # older "birth years" are other calendars (Hijri 1343) or typos
EUR_LEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{celex}"

_ALTERNATIVES = re.compile(r"\s+or\s+|,\s+(?=\S*\d)|(?<=\d)\s*/\s*(?=\d)")
_PARENTHESES = re.compile(r"\([^()]*\)")
_CIRCA_SUFFIX = re.compile(r"\s+(?:circa|approx(?:imately|\.)?)$", re.I)
_HEDGE_PREFIX = re.compile(
    r"^(?:(?P<approximate>possibly|probably|about|around)|established(?: in)?|founded(?: in)?)\s+", re.I)
_LEADING_DATE = re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{4})\b(?!\.\d)")
_SPACED_DATE = re.compile(r"(?<=\d\.)\s+(?=\d)")
_TRAILING_LABEL = re.compile(r"^(?P<value>.*?)\s*\((?P<label>[^()]*)\)\s*$", re.S)
_RUSSIAN_CODE = re.compile(r"(?:\b(INN|OGRN|KPP|OKPO)\b\s*:?\s*)?(\d[\d ]{6,}\d)")
_COUNTRY_LIST = re.compile(r"\s*(?:/|,|;|\band\b)\s*")
_POSTAL_NOISE = re.compile(r"\bP\.?\s?O\.?\s?Box\b[-\s\d]*|\d[\d\s-]*", re.I)
_AKA = re.compile(r"\s+a\.k\.a\.?\s+", re.I)


def split_cell(text: str | None) -> list[str]:
    """A multi-valued cell -> its values (``; ``-separated), stray quotes and spaces removed."""
    if not text:
        return []
    values = (clean_text(v.strip().strip('"').strip()) for v in text.split(";"))
    return [v for v in values if v]


def split_alternatives(text: str) -> list[str]:
    """ "(a) 1.1.1958, (b) 1960" / "6.3.1955 or 15.3.1955" / "1959/1960" -> one string per date."""
    pieces = (p.strip(" ,;") for piece in split_enumeration(text) for p in _ALTERNATIVES.split(piece))
    return [p for p in pieces if p]


def parse_date_cell(text: str | None, kind: DateKind = DateKind.BIRTH) -> tuple[list[EntityDate], list[str]]:
    """A date cell -> (the dates it holds, the pieces that could not be read)."""
    dates: list[EntityDate] = []
    unreadable: list[str] = []
    for value in split_cell(text):
        # A whole value that reads as one date ("26/11/1972", "1960 to 1962") is not split.
        for piece in [value] if parse_date(value, kind) else split_alternatives(value):
            parsed = _parse_date_piece(piece, kind)
            if parsed is None:
                unreadable.append(piece)
            elif parsed not in dates:
                dates.append(parsed)
    return dates, unreadable


def _parse_date_piece(piece: str, kind: DateKind) -> EntityDate | None:
    inner = piece[1:-1] if piece.startswith("(") and piece.endswith(")") else piece
    parsed = parse_date(inner, kind)
    if parsed is None:
        # "1964 (possibly: 21 April)", "5.9.1990 (Singapore)", "1970 circa", "probably 1973",
        # "7.8. 1978", "7.10.1952 POB: Leningrad": read the date, keep the text as printed.
        bare = _SPACED_DATE.sub("", _PARENTHESES.sub(" ", inner)).strip()
        approximate = bool(_CIRCA_SUFFIX.search(bare))
        bare = _CIRCA_SUFFIX.sub("", bare)
        if hedge := _HEDGE_PREFIX.match(bare):
            approximate = approximate or bool(hedge.group("approximate"))
            bare = bare[hedge.end():]
        if leading := _LEADING_DATE.match(bare):
            bare = leading.group(1)
        parsed = parse_date(bare, kind) if bare else None
        if parsed is not None:
            parsed.approximate = parsed.approximate or approximate
            parsed.text = piece
    if parsed is not None and kind == DateKind.BIRTH:
        years = parsed.years
        if years is None or years[0] < EARLIEST_BIRTH_YEAR:
            return None
    return parsed


def split_identifier(value: str) -> tuple[str, str | None]:
    """ "7704730655 (Tax ID/INN)" -> ("7704730655", "Tax ID/INN"); no label -> (value, None)."""
    if (match := _TRAILING_LABEL.match(value)) and match.group("value").strip():
        return match.group("value").strip(" ,;"), clean_text(match.group("label"))
    return value, None


def russian_codes(cell: str, default: IdKind) -> list[tuple[IdKind, str]]:
    """ "1207700324941, KPP 772901001" in the OGRN column -> [(OGRN, ...), (KPP, ...)]."""
    codes = []
    for label, digits in _RUSSIAN_CODE.findall(cell):
        number = digits.replace(" ", "")
        kind = RUSSIAN_CODE_LABELS[label.upper()] if label else default
        if not label and default == IdKind.INN and len(number) == 9:
            kind = IdKind.KPP  # "INN / KPP" written as "7701234567 / 770101001"
        codes.append((kind, number))
    return codes


def name_key(name: str) -> str:
    """A name reduced for matching an amendment to the entry it amends."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def split_script_pair(value: str) -> list[str]:
    """ "Sergei AKSENOV (Сергей АКСЁНОВ)" -> both names, when the parenthesis is in another script."""
    if value.endswith(")") and (start := _top_level_parenthesis(value)) is not None:
        outer, inner = value[:start].strip(), value[start + 1:-1].strip()
        if outer and inner and script_code(outer) != script_code(inner):
            return [outer, inner]
    return [value]


def _top_level_parenthesis(value: str) -> int | None:
    """Index of the "(" matching the final ")", or None."""
    depth = 0
    for index in range(len(value) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(value[index], 0)
        if depth == 0:
            return index if value[index] == "(" else None
    return None


@dataclass
class CsvFile:
    path: Path
    is_amendment: bool


class EuJournalSource(ListSource):
    name = "eu-journal"
    title = "EU sanctions annexes (Official Journal transcription, CSV)"
    publisher = "Council of the European Union (transcription by OpenSanctions, CC BY-NC 4.0)"
    # No ``urls``: there is no official CSV to download; the files are a transcription read from disk.
    reads_folder = True

    def read(self, path: Path, report: ImportReport, **options) -> Iterator[Entity]:
        path = Path(path)
        files = self.list_files(path)
        superseded = self.amendment_keys([f for f in files if f.is_amendment]) if path.is_dir() else {}
        seen: set[str] = set()
        for csv_file in files:
            reader = AnnexReader(csv_file, report, superseded, seen)
            for entity in reader.entities():
                report.counts[entity.type.value] += 1
                yield entity

    def list_files(self, path: Path) -> list[CsvFile]:
        if not path.exists():
            raise ListFormatError(path, "no such file or folder")
        candidates = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
        if not candidates:
            raise ListFormatError(path, "no CSV file in this folder")
        files = [CsvFile(p, _is_amendment(p)) for p in candidates]
        return [f for f in files if not f.is_amendment] + [f for f in files if f.is_amendment]

    def amendment_keys(self, files: Iterable[CsvFile]) -> dict[tuple[str, str, str], str | None]:
        """The (amended act, annex, name) of every amendment row; values are filled in later
        with the id of the consolidated entry each one replaces."""
        keys: dict[tuple[str, str, str], str | None] = {}
        for csv_file in files:
            for _line, row in _rows(csv_file.path, AMENDMENT_COLUMNS):
                keys[(row["amendedCelex"].strip(), row["annex"].strip(), name_key(row["name"]))] = None
        return keys


def _is_amendment(path: Path) -> bool:
    """True for an amending act's CSV (``amendedCelex`` column); consolidated otherwise."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (UnicodeDecodeError, csv.Error):
        return False  # reported properly when the file is read
    return "amendedCelex" in header


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of one CSV with their line numbers; strict UTF-8, required columns checked."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            header = reader.fieldnames
            if header is None:
                return
            missing = [c for c in required if c not in header]
            if missing:
                raise ListFormatError(path, f"not an EU journal annex CSV: missing column(s) {', '.join(missing)}",
                                      line=1, field=missing[0])
            for row in reader:
                if None in row:  # more cells than header columns
                    raise ListFormatError(path, f"{len(header) + len(row[None])} cells for {len(header)} columns",
                                          line=reader.line_num)
                yield reader.line_num, {k: v or "" for k, v in row.items()}
        except UnicodeDecodeError as exc:
            raise ListFormatError(path, f"not UTF-8 ({exc.reason} at byte {exc.start} of the block read)",
                                  line=reader.line_num + 1) from None
        except csv.Error as exc:
            raise ListFormatError(path, f"malformed CSV: {exc}", line=reader.line_num) from None


class AnnexReader:
    """Reads one annex CSV into entities: ids, merging of repeated rows, amendment replacement."""

    def __init__(self, csv_file: CsvFile, report: ImportReport,
                 superseded: dict[tuple[str, str, str], str | None], seen: set[str]):
        self.file = csv_file
        self.report = report
        self.superseded = superseded
        self.seen = seen

    def warn(self, message: str, line: int | None, field: str | None, kind: str) -> None:
        self.report.warn(message, path=self.file.path, line=line, field=field, kind=kind)

    def entities(self) -> Iterator[Entity]:
        required = AMENDMENT_COLUMNS if self.file.is_amendment else CONSOLIDATED_COLUMNS
        pending: Entity | None = None
        rows = 0
        for line, row in _rows(self.file.path, required):
            rows += 1
            entity = self.entity(line, row)
            if entity is None:
                continue
            if pending is not None and pending.id == entity.id and pending.caption == entity.caption:
                _merge_measures(pending, entity)
                continue
            if pending is not None:
                yield pending
            if entity.id in self.seen:
                repeated = entity.source_id
                _renumber(entity, self.seen)
                self.warn(f"id {repeated} repeats an earlier row; this row is kept as {entity.source_id}",
                          line, "recordId", "duplicate_id")
            self.seen.add(entity.id)
            pending = entity
        if pending is not None:
            yield pending
        if rows == 0:
            self.warn("empty file: no rows", None, None, "empty_file")

    def entity(self, line: int, row: dict[str, str]) -> Entity | None:
        name = clean_text(row["name"])
        if not name:
            self.warn("row without a name skipped", line, "name", "missing_name")
            return None
        annex = clean_text(row.get("annex")) or "-"
        record = clean_text(row["recordId"]) or "n" + hashlib.sha1(name_key(name).encode()).hexdigest()[:8]
        if self.file.is_amendment:
            celex, amended = clean_text(row["amendmentCelex"]) or "", clean_text(row["amendedCelex"]) or ""
        else:
            celex, amended = clean_text(row["celex"]) or "", None
        source_id = f"{celex}-{annex}-{record}"
        key = (amended or celex, row.get("annex", "").strip(), name_key(name))
        extra: dict = {"celex": amended or celex, "annex": annex}
        if self.file.is_amendment:
            extra["amended_by"] = celex
            if replaced := self.superseded.get(key):
                source_id = replaced
        elif key in self.superseded:
            # An amendment rewrites this entry: skip it here, the amendment takes its id later.
            if self.superseded[key] is None:
                self.superseded[key] = source_id
                return None
        schema = clean_text(row["schema"]) or ""
        entity_type = SCHEMA_TYPES.get(schema)
        if entity_type is None:
            self.warn(f"unknown schema {schema!r}, imported as an organisation", line, "schema", "unknown_value")
            entity_type = EntityType.ORGANIZATION
        entity = Entity(id=f"{SOURCE.name}-{source_id}", type=entity_type, source=SOURCE.name,
                        source_id=source_id, extra=extra)
        if schema != entity_type.value.title():
            entity.extra["schema"] = schema
        RowMapper(self, line, row, entity).fill(name, record if clean_text(row["recordId"]) else None)
        return entity


def _merge_measures(into: Entity, other: Entity) -> None:
    into.programs = unique([*into.programs, *other.programs])
    into.extra["measures"] = unique([*into.extra.get("measures", []), *other.extra.get("measures", [])])


def _renumber(entity: Entity, seen: set[str]) -> None:
    number = 2
    while f"{entity.id}-{number}" in seen:
        number += 1
    entity.id, entity.source_id = f"{entity.id}-{number}", f"{entity.source_id}-{number}"


class RowMapper:
    """Maps the columns of one row onto an Entity."""

    def __init__(self, annex: AnnexReader, line: int, row: dict[str, str], entity: Entity):
        self.annex = annex
        self.line = line
        self.row = row
        self.entity = entity

    def warn(self, message: str, field: str, kind: str) -> None:
        self.annex.warn(message, self.line, field, kind)

    def cell(self, column: str) -> list[str]:
        return split_cell(self.row.get(column))

    def fill(self, name: str, record_id: str | None) -> None:
        entity, row = self.entity, self.row
        self.add_names(name)
        entity.programs = unique([clean_text(row.get("programKey")) or ""])
        entity.extra["measures"] = self.cell("measure")
        if record_id:
            entity.extra["record_id"] = record_id
        entity.urls = [EUR_LEX.format(celex=entity.extra["celex"])]
        entity.remarks = clean_text(row.get("reason"))
        starts, _ = parse_date_cell(row.get("startDate"), DateKind.INCORPORATION)
        if starts:
            entity.listed_on = starts[0].value or starts[0].start
        elif clean_text(row.get("startDate")):
            self.warn(f"unreadable start date {row['startDate']!r}", "startDate", "bad_date")
        self.add_dates("birthDate", DateKind.BIRTH)
        self.add_dates("incorporationDate", DateKind.INCORPORATION)
        entity.places_of_birth = unique(self.cell("birthPlace"))
        entity.positions = unique(p for value in self.cell("position") for p in split_enumeration(value))
        self.add_gender()
        person = entity.type == EntityType.PERSON
        for column, role in (("nationality", CountryRole.NATIONALITY), ("country", CountryRole.COUNTRY),
                             ("jurisdiction", CountryRole.JURISDICTION), ("flag", CountryRole.FLAG)):
            for value in self.cell(column):
                self.add_country(value, role, column)
        for value in (a for cell in self.cell("address") for a in split_enumeration(cell)):
            code = _address_country(value)
            entity.addresses.append(Address(full=value, country=code))
            entity.add_country(code, CountryRole.RESIDENCE if person else CountryRole.COUNTRY)
        self.add_identifiers()
        for column, key in EXTRA_COLUMNS.items():
            if values := self.cell(column):
                entity.extra[key] = values if len(values) > 1 else values[0]

    def add_names(self, name: str) -> None:
        primary, *also_known_as = _AKA.split(name)
        self.entity.add_name(primary, NameKind.PRIMARY, script=script_code(primary))
        name_columns = (("alias", NameKind.ALIAS), ("weakAlias", NameKind.WEAK), ("previousName", NameKind.FORMER))
        for column, kind in name_columns:
            values = also_known_as if column == "alias" else []
            for value in values + self.cell(column):
                for part in split_script_pair(value):
                    self.entity.add_name(part, kind, script=script_code(part))

    def add_dates(self, column: str, kind: DateKind) -> None:
        dates, unreadable = parse_date_cell(self.row.get(column), kind)
        for date in dates:
            if date not in self.entity.dates:
                self.entity.dates.append(date)
        for piece in unreadable:
            self.warn(f"unreadable date {piece!r}", column, "bad_date")

    def add_gender(self) -> None:
        gender = (clean_text(self.row.get("gender")) or "").lower().strip(".")
        if gender in ("male", "female"):
            self.entity.gender = gender
        elif gender:
            self.warn(f"unknown gender {gender!r}", "gender", "unknown_value")

    def add_country(self, value: str, role: CountryRole, column: str) -> None:
        codes = [country_code(value)]
        if codes[0] is None:  # "Myanmar/Burma", "Ukrainian, Russian (...)", "Swiss and Cameroonian"
            first_sentence = value.split(". ")[0]
            parts = [p for piece in split_enumeration(first_sentence)
                     for p in _COUNTRY_LIST.split(_PARENTHESES.sub(" ", piece))]
            codes = [country_code(part) for part in parts if part.strip()]
        if not any(codes):
            self.warn(f"unknown country {value!r}", column, "unknown_country")
        for code in dict.fromkeys(c for c in codes if c):
            self.entity.add_country(code, role, text=value)

    def add_identifiers(self) -> None:
        for column, default in RUSSIAN_CODE_COLUMNS.items():
            for value in self.cell(column):
                codes = russian_codes(value, default)
                if not codes:
                    self.warn(f"no code number in {value!r}", column, "bad_identifier")
                for kind, number in codes:
                    self.entity.add_identifier(kind, number, country="ru")
        for column, default in IDENTIFIER_COLUMNS.items():
            for value in self.cell(column):
                number, label = split_identifier(value)
                kind = default
                if default in REFINABLE_KINDS:
                    kind = identifier_kind_from_label(label) or default
                if kind == IdKind.IMO and not re.search(r"\d{7}", number):
                    self.warn(f"not an IMO number: {value!r}", column, "bad_identifier")
                    continue
                # "(Russia)" names the issuing country; short codes like "ID", "BRN" are labels, not countries.
                country = country_code(label) if label and len(label) > 3 and kind == default else None
                self.entity.add_identifier(kind, number, country=country, note=label)


def _address_country(address: str) -> str | None:
    """The country of a printed address: one of its last two comma-separated parts, when it names one.

    Postal codes and parentheses are ignored ("119415 Russia", "Dubai, United Arab Emirates, P.O. Box 1").
    """
    for part in reversed(address.split(",")[-2:]):
        words = _POSTAL_NOISE.sub(" ", _PARENTHESES.sub(" ", part)).strip(" .;")
        if words and (code := country_code(words)):
            return code
    return None


SOURCE = EuJournalSource()
