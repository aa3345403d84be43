"""What every list source module provides, and how problems are reported.

A source module (``kordon.lists.ofac``, ``kordon.lists.un``, ...) defines one
:class:`ListSource` subclass instance named ``SOURCE``. Its ``read`` method
streams :class:`~kordon.model.Entity` and :class:`~kordon.model.Relation`
objects from a local file or folder and records everything it noticed on the
:class:`ImportReport`: the publication date read from the file, and row
problems it could recover from. A problem it cannot recover from raises
:class:`ListFormatError`, which names the file, line and field; the store then
keeps the previous version untouched.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Iterator

from kordon.model import Entity, Relation


class ListFormatError(Exception):
    """A file that cannot be imported. The message names file, line and field."""

    def __init__(self, path: str | Path, message: str, line: int | None = None, field: str | None = None):
        self.path = str(path)
        self.line = line
        self.field = field
        self.detail = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


@dataclass
class Problem:
    """A row problem the parser recovered from (the row or value was skipped or kept as text)."""

    path: str
    message: str
    line: int | None = None
    field: str | None = None
    kind: str = "warning"  # a short key for counting: "orphan_alias", "bad_date", ...

    def __str__(self) -> str:
        where = self.path + (f", line {self.line}" if self.line is not None else "")
        where += f", field {self.field!r}" if self.field else ""
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What a parser noticed while reading one list file."""

    source: str
    path: str
    published: str | None = None  # ISO date read from the file itself, when it has one
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # entities by type, relations

    def warn(self, message: str, *, path: str | Path | None = None, line: int | None = None,
             field: str | None = None, kind: str = "warning") -> None:
        self.problems.append(Problem(str(path or self.path), message, line, field, kind))

    def problem_summary(self) -> dict[str, int]:
        return dict(Counter(p.kind for p in self.problems))


class ListSource:
    """One official or internal list format. Subclasses set the class attributes and ``read``."""

    name: ClassVar[str]  # the CLI name: "ofac", "un", "eu", ...
    title: ClassVar[str]  # human title: "OFAC Specially Designated Nationals (SDN)"
    publisher: ClassVar[str] = ""
    # Official download addresses used by ``kordon lists update``; {name: url}.
    urls: ClassVar[dict[str, str]] = {}
    # True when ``read`` takes a folder (OFAC's four-file set), else a single file.
    reads_folder: ClassVar[bool] = False

    def read(self, path: Path, report: ImportReport, **options) -> Iterator[Entity | Relation]:
        raise NotImplementedError

    def download(self, dest: Path) -> Path:
        """Fetch the current list into ``dest`` (a folder) and return what ``read`` takes."""
        from kordon.lists.download import fetch_all

        return fetch_all(self, dest)


def checksum(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (sorted by name, name and content both hashed)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            digest.update(f.relative_to(path).as_posix().encode() + b"\0")
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
