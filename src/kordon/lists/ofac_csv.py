"""OFAC's legacy CSV format, shared by the SDN list and the consolidated (non-SDN) list.

Both lists come as four files joined on the entry number (``ent_num``, column 1):

- the primary file (``sdn.csv`` / ``cons_prim.csv``): one row per entry, 12 columns;
- aliases (``alt.csv`` / ``cons_alt.csv``): ent_num, alt_num, alt_type, alt_name, alt_remarks;
- addresses (``add.csv`` / ``cons_add.csv``): ent_num, add_num, address,
  city/state/postal code (one column), country, add_remarks;
- comments (``sdn_comments.csv`` / ``cons_comments.csv``): ent_num and the
  continuation of a Remarks field longer than 1,000 characters.

The files have no header row; null is ``-0-`` (with a trailing space); lines
end in CRLF; the last line is a Ctrl-Z (``\\x1a``) end-of-file marker. Text must
be UTF-8 (OFAC's files are plain ASCII): other bytes raise :class:`ListFormatError`
naming file and line, as do NUL bytes, rows with the wrong number of columns, a non-numeric
entry number, a field over the csv module's limit (131,072 characters) and a
file that is not CSV at all (XML, HTML, JSON).

Memory: the primary file streams row by row. The three side files are loaded
into dicts keyed by entry number (they are small: about 45,000 rows in all for
the SDN list), plus an index of primary names for resolving "Linked To:" items
(a first, cheap pass over the primary file, which also validates it before any
entity is produced). Side-file rows whose entry has no primary row are reported
as ``orphan_alias`` / ``orphan_address`` / ``orphan_comment``, one warning per
entry number.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Iterator

from kordon.lists.base import ImportReport, ListFormatError, ListSource
from kordon.lists.ofac_remarks import parse_remarks
from kordon.lists.parsing import clean_text, country_code, parse_single_date
from kordon.model import (
    Address,
    CountryRole,
    Entity,
    EntityType,
    IdKind,
    Name,
    NameKind,
    Relation,
    RelationKind,
)

NULL = "-0-"
EOF_MARKER = "\x1a"
# OFAC cuts Remarks at this length and continues them in the comments file.
REMARKS_CUT_OFF = 1000

PRIMARY_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
    "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)
ALIAS_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADDRESS_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
COMMENT_COLUMNS = ("ent_num", "Remarks")  # the continuation of the primary file's Remarks

ENTITY_TYPES = {
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
    # OFAC's null type means "entity": companies and organisations alike. We read
    # COMPANY; a "Target Type" in Remarks that names an organisation turns it into
    # ORGANIZATION (see ofac_remarks.ORGANIZATION_TARGET_TYPES).
    None: EntityType.COMPANY,
}
ALIAS_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}
# An aircraft listed under its registration mark ("EP-GOM"): that is its tail number.
_REGISTRATION_MARK = re.compile(r"^[A-Z0-9]{1,2}-[A-Z0-9]{2,6}$")
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")

Row = dict[str, str | None]


# --- reading one file --------------------------------------------------------------
def read_rows(path: Path, columns: tuple[str, ...], report: ImportReport) -> Iterator[tuple[int, Row]]:
    """Rows of one legacy CSV file as (line number, {column: value or None}).

    Values are stripped, except Remarks (cut mid-word and continued in the comments
    file, so their spaces matter); ``-0-`` becomes None; the Ctrl-Z end marker is skipped
    (a warning when rows follow it); blank lines are skipped.
    """
    reader = csv.reader(_decoded_lines(path, report))
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or fields == [""]:
                continue
            if len(fields) != len(columns):
                raise ListFormatError(
                    path,
                    f"expected {len(columns)} columns ({', '.join(columns)}), found {len(fields)}: "
                    "a cut-off row, or not OFAC's legacy CSV",
                    line=line,
                )
            values = [
                None if v.strip() == NULL else v if column == "Remarks" else v.strip()
                for column, v in zip(columns, fields)
            ]
            if values[0] is None or not values[0].isdigit():
                raise ListFormatError(path, f"entry number {fields[0]!r} is not a number", line=line, field="ent_num")
            yield line, dict(zip(columns, values))
    except csv.Error as exc:
        raise ListFormatError(path, f"unreadable CSV: {exc}", line=max(reader.line_num, 1)) from None


def _decoded_lines(path: Path, report: ImportReport) -> Iterator[str]:
    """The file's lines as text: strict UTF-8, BOM and Ctrl-Z end marker removed."""
    eof_marker_line = None
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ListFormatError(
                    path, f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}", line=line_no
                ) from None
            if "\0" in text:
                raise ListFormatError(path, "NUL byte: a binary or UTF-16 file, not OFAC's legacy CSV", line=line_no)
            if line_no == 1:
                text = text.removeprefix("\ufeff")
                if text.lstrip().startswith(("<", "{", "[")):
                    raise ListFormatError(
                        path, "this is XML, HTML or JSON, not OFAC's legacy CSV (12 columns, no header)", line=1
                    )
            body = text.rstrip("\r\n")
            if body.endswith(EOF_MARKER):
                eof_marker_line = line_no
                body = body.rstrip(EOF_MARKER)
                if not body.strip():
                    continue
                text = body + "\r\n"
            elif eof_marker_line is not None and body.strip():
                report.warn(
                    f"the Ctrl-Z end-of-file marker on line {eof_marker_line} is followed by more rows; "
                    "they are read too",
                    path=path, line=line_no, kind="eof_marker_inside",
                )
                eof_marker_line = None
            yield text


def load_side_table(
    path: Path | None, columns: tuple[str, ...], report: ImportReport
) -> dict[int, list[tuple[int, Row]]]:
    """A side file as {entry number: [(line, row), ...]}; an empty dict when there is no file."""
    table: dict[int, list[tuple[int, Row]]] = defaultdict(list)
    if path is None:
        return table
    for line, row in read_rows(path, columns, report):
        table[int(row["ent_num"])].append((line, row))
    if not table and path.stat().st_size == 0:
        report.warn("the file is empty", path=path, kind="empty_file")
    return table


# --- the four-file set ---------------------------------------------------------------
@dataclass
class FileSet:
    primary: Path
    aliases: Path | None
    addresses: Path | None
    comments: Path | None


class OfacLegacySource(ListSource):
    """A list in OFAC's legacy four-file CSV layout; subclasses set the names and file names.

    ``read(path, report, **options)`` takes the folder holding the four files, or the
    primary file itself (its side files are then looked up next to it). Options, all
    optional, override single files, so that files of different folders can be combined:
    one keyword per key of ``file_names`` (``sdn=``, ``alt=``, ``add=``, ``comments=``
    for the SDN list), and ``published=`` (ISO date of the list; without it, a date
    ``YYYY-MM-DD`` in the primary file's name or folder name is used). A missing side
    file is a warning (``missing_file``), a missing primary file an error.
    """

    reads_folder = True
    publisher = "US Treasury, Office of Foreign Assets Control (OFAC)"
    # {option name: file name}; the first entry is the primary file, then aliases,
    # addresses and comments.
    file_names: ClassVar[dict[str, str]]

    def read(self, path: Path, report: ImportReport, **options) -> Iterator[Entity | Relation]:
        path = Path(path)
        published = options.pop("published", None)
        files = self._resolve_files(path, options, report)
        report.published = published or _date_in_name(files.primary)
        names_index = self._names_index(files.primary, report)
        aliases = load_side_table(files.aliases, ALIAS_COLUMNS, report)
        addresses = load_side_table(files.addresses, ADDRESS_COLUMNS, report)
        comments = load_side_table(files.comments, COMMENT_COLUMNS, report)
        seen: set[int] = set()
        unparsed_items = entries_with_unparsed = 0
        for line, row in read_rows(files.primary, PRIMARY_COLUMNS, report):
            ent_num = int(row["ent_num"])
            if ent_num in seen:
                report.warn(f"entry {ent_num} is listed twice; the second row is skipped",
                            path=files.primary, line=line, field="ent_num", kind="duplicate_entry")
                continue
            seen.add(ent_num)
            entity = self._entity(files, line, row, report)
            for alias_line, alias in aliases.pop(ent_num, []):
                self._add_alias(entity, alias, report, files.aliases, alias_line)
            for _, address in addresses.pop(ent_num, []):
                _add_address(entity, address)
            entity.remarks = self._full_remarks(files, line, row, comments.pop(ent_num, []), entity, report)
            result = parse_remarks(entity.remarks, entity, titles=entity.positions)
            for kind, message in result.problems:
                report.warn(message, path=files.primary, line=line, field="Remarks", kind=kind)
            unparsed_items += len(result.unparsed)
            entries_with_unparsed += bool(result.unparsed)
            report.counts[entity.type.value] += 1
            yield entity
            yield from self._links(entity, ent_num, names_index, report)
        self._report_orphans(report, files.aliases, aliases, "orphan_alias", "alias")
        self._report_orphans(report, files.addresses, addresses, "orphan_address", "address")
        self._report_orphans(report, files.comments, comments, "orphan_comment", "comment")
        if unparsed_items:
            report.counts["remarks_unparsed"] += unparsed_items
            report.warn(
                f"{unparsed_items} Remarks items of {entries_with_unparsed} entries were not recognised; "
                "they are kept in extra['remarks_unparsed']",
                path=files.primary, field="Remarks", kind="remarks_unparsed",
            )

    # --- files ---
    def _resolve_files(self, path: Path, options: dict, report: ImportReport) -> FileSet:
        unknown = set(options) - set(self.file_names)
        if unknown:
            raise TypeError(f"unknown option(s) for {self.name}: {', '.join(sorted(unknown))}; "
                            f"known: {', '.join([*self.file_names, 'published'])}")
        folder = path if path.is_dir() else path.parent
        paths = []
        for index, (key, file_name) in enumerate(self.file_names.items()):
            if options.get(key):
                candidate = Path(options[key])
            elif index == 0 and not path.is_dir():
                candidate = path
            else:
                candidate = folder / file_name
            if candidate.is_file():
                paths.append(candidate)
            elif index == 0:
                raise ListFormatError(candidate, f"the {self.title} primary file {file_name} is missing")
            else:
                report.warn(f"{file_name} is missing: the list is read without it",
                            path=candidate, kind="missing_file")
                paths.append(None)
        primary = paths[0]
        if primary.stat().st_size == 0:
            raise ListFormatError(primary, "the file is empty")
        return FileSet(*paths)

    def _names_index(self, primary: Path, report: ImportReport) -> dict[str, int | None]:
        """{listed name: entry number}, None for names listed more than once (cannot resolve).

        This first pass also checks the whole primary file before any entity is produced.
        """
        index: dict[str, int | None] = {}
        silent = ImportReport(report.source, report.path)  # the main pass reports row problems
        rows = 0
        for _, row in read_rows(primary, PRIMARY_COLUMNS, silent):
            rows += 1
            name = clean_text(row["SDN_Name"])
            if name:
                index[name] = None if name in index else int(row["ent_num"])
        if rows == 0:
            raise ListFormatError(primary, "the file has no entries")
        return index

    # --- entity fields ---
    def _entity(self, files: FileSet, line: int, row: Row, report: ImportReport) -> Entity:
        ent_num = row["ent_num"]
        listed_type = (row["SDN_Type"] or "").lower() or None
        entity_type = ENTITY_TYPES.get(listed_type)
        if entity_type is None:
            report.warn(f"unknown SDN_Type {row['SDN_Type']!r}; read as an entity (company)",
                        path=files.primary, line=line, field="SDN_Type", kind="unknown_type")
            entity_type = EntityType.COMPANY
        entity = Entity(id=f"{self.name}-{ent_num}", type=entity_type, source=self.name, source_id=str(ent_num))
        name = clean_text(row["SDN_Name"])
        if not name:
            report.warn(f"entry {ent_num} has no name", path=files.primary, line=line,
                        field="SDN_Name", kind="missing_name")
        else:
            entity.names.append(_name(name, NameKind.PRIMARY, entity_type))
        entity.programs = split_programs(row["Program"])
        entity.positions = [t for t in (clean_text(p) for p in (row["Title"] or "").split(";")) if t]
        _add_vessel_fields(entity, row)
        if entity_type == EntityType.AIRCRAFT and name and _REGISTRATION_MARK.match(name):
            entity.add_identifier(IdKind.AIRCRAFT_TAIL, name, note="listed name")
        return entity

    def _add_alias(self, entity: Entity, alias: Row, report: ImportReport, path: Path | None, line: int) -> None:
        alt_type = (alias["alt_type"] or "").lower()
        kind = ALIAS_KINDS.get(alt_type)
        if kind is None:
            report.warn(f"unknown alias type {alias['alt_type']!r}; read as a.k.a.",
                        path=path, line=line, field="alt_type", kind="unknown_alias_type")
            kind = NameKind.ALIAS
        value = clean_text(alias["alt_name"])
        if not value:
            return
        if not any(n.value == value for n in entity.names):
            entity.names.append(_name(value, kind, entity.type))
        if alias["alt_remarks"]:
            entity.extra.setdefault("alias_remarks", []).append(f"{value}: {alias['alt_remarks']}")

    def _full_remarks(self, files: FileSet, line: int, row: Row, comment_rows: list[tuple[int, Row]],
                      entity: Entity, report: ImportReport) -> str | None:
        """Remarks with their continuation from the comments file appended."""
        remarks = row["Remarks"] or ""
        overflow = "".join(c["Remarks"] or "" for _, c in comment_rows)
        comments_name = self._file_name(3)
        if overflow and len(remarks) < REMARKS_CUT_OFF:
            # The comments file is from another version of the list: appending would garble the text.
            entity.extra["remarks_overflow"] = overflow
            report.warn(
                f"{comments_name} continues the Remarks of entry {row['ent_num']}, but its Remarks are not cut "
                f"at {REMARKS_CUT_OFF} characters (files of different dates?); the continuation is kept apart "
                "in extra['remarks_overflow']",
                path=files.comments, line=comment_rows[0][0], field="Remarks", kind="comment_mismatch",
            )
            overflow = ""
        elif not overflow and len(remarks) >= REMARKS_CUT_OFF:
            report.warn(
                f"Remarks of entry {row['ent_num']} are cut at {REMARKS_CUT_OFF} characters and {comments_name} "
                "has no continuation: the last item may be incomplete",
                path=files.primary, line=line, field="Remarks", kind="remarks_cut",
            )
        return (remarks + overflow) or None

    def _links(self, entity: Entity, ent_num: int, names_index: dict[str, int | None],
               report: ImportReport) -> Iterator[Relation]:
        """"Linked To: NAME" -> an ASSOCIATE relation when NAME is the listed name of one other entry."""
        linked: set[int] = set()
        for linked_name in entity.extra.get("linked_to", []):
            target = names_index.get(linked_name)
            if target is None:  # the Remarks' closing full stop was cut off: "... CO., LTD" for "CO., LTD."
                target = names_index.get(linked_name + ".")
            if target is None or target == ent_num or target in linked:
                continue
            linked.add(target)
            report.counts["relation"] += 1
            yield Relation(
                kind=RelationKind.ASSOCIATE,
                subject_id=entity.id,
                object_id=f"{self.name}-{target}",
                id=f"{entity.id}-linked-{target}",
                role="Linked To",
                source=self.name,
                source_id=str(ent_num),
            )

    def _report_orphans(self, report: ImportReport, path: Path | None, leftover: dict[int, list[tuple[int, Row]]],
                        kind: str, what: str) -> None:
        for ent_num, rows in sorted(leftover.items()):
            report.warn(
                f"{len(rows)} {what} row(s) for entry {ent_num}, which has no row in {self._file_name(0)}",
                path=path, line=rows[0][0], field="ent_num", kind=kind,
            )

    def _file_name(self, index: int) -> str:
        return list(self.file_names.values())[index]


# --- field helpers ---------------------------------------------------------------
def split_programs(text: str | None) -> list[str]:
    """``"UKRAINE-EO13662] [RUSSIA-EO14024"`` -> ["UKRAINE-EO13662", "RUSSIA-EO14024"]."""
    if not text:
        return []
    programs = [clean_text(p.strip("[] ")) for p in text.split("] [")]
    return [p for p in programs if p]


def _name(value: str, kind: NameKind, entity_type: EntityType) -> Name:
    """A name; people's names ("LAST, Given Names[, Jr.]") also get their parts.

    OFAC does not mark where a first name ends ("Abdul Rahman", "Ivan Sergeevich"),
    so all given names stay together in ``first_name``.
    """
    name = Name(value=value, kind=kind)
    if entity_type == EntityType.PERSON and "," in value:
        last, given = (part.strip() for part in value.split(",", 1))
        given = given.split(",")[0].strip()  # drop a suffix like ", Jr."
        if last and given:
            name.last_name = last
            name.first_name = given
    return name


def _add_vessel_fields(entity: Entity, row: Row) -> None:
    if row["Call_Sign"]:
        entity.add_identifier(IdKind.CALL_SIGN, row["Call_Sign"])
    entity.vessel_type = clean_text(row["Vess_type"])
    entity.tonnage = clean_text(row["Tonnage"])
    if row["GRT"]:
        entity.extra["gross_registered_tonnage"] = row["GRT"]
    if row["Vess_flag"]:
        code = country_code(row["Vess_flag"])
        if code:
            entity.add_country(code, CountryRole.FLAG, row["Vess_flag"])
        else:
            entity.extra["flag"] = row["Vess_flag"]
    if row["Vess_owner"]:
        entity.extra["vessel_owner"] = clean_text(row["Vess_owner"])


def _add_address(entity: Entity, row: Row) -> None:
    street, city, country_text = (clean_text(row[c]) for c in ("address", "city_state_postal", "country"))
    code = _address_country(country_text)
    parts = [p for p in (street, city, country_text) if p]
    if not parts:
        return
    entity.addresses.append(Address(
        full=", ".join(parts), street=street, city=city, country=code, remarks=clean_text(row["add_remarks"]),
    ))
    entity.add_country(code, CountryRole.COUNTRY, country_text)


def _address_country(text: str | None) -> str | None:
    """``"Russia"`` -> "ru"; ``"Region: Crimea"`` -> the region's code when it has one."""
    if not text:
        return None
    return country_code(text.removeprefix("Region:").strip())


def _date_in_name(path: Path) -> str | None:
    """A date YYYY-MM-DD in the file name (``sdn_2024-05-03.csv``) or its folder name."""
    for name in (path.name, path.parent.name):
        if (match := _ISO_DATE.search(name)) and parse_single_date(match.group(1)):
            return match.group(1)
    return None
