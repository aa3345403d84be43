"""The versioned list store: every import of every list, embedded in one SQLite file.

Each import becomes a *version* of its source (file checksum, publication date
read from the file, import time, counts, every recoverable problem). One
version per source is *current*; screening reads the current versions. Older
versions stay queryable for diffs and audits until pruned.

Safety: an import runs in one write transaction. A parser error, a crash, a
refused shrink or a Ctrl-C rolls it back and the previous version stays
current. ``BEGIN IMMEDIATE`` plus a busy timeout makes concurrent imports
queue up instead of interleaving.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from kordon import __version__, config
from kordon.lists.base import ImportReport, ListFormatError, ListSource, checksum
from kordon.model import Entity, Relation, relation_from_dict, relation_to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT,
    checksum TEXT NOT NULL,
    published TEXT,
    imported_at TEXT NOT NULL,
    entity_count INTEGER NOT NULL DEFAULT 0,
    relation_count INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    problems TEXT NOT NULL DEFAULT '{}',
    kordon_version TEXT,
    forced INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS entities (
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL,
    type TEXT NOT NULL,
    caption TEXT NOT NULL,
    hash TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (version_id, entity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relations (
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    object_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS relations_by_version ON relations(version_id);
CREATE TABLE IF NOT EXISTS problems (
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    path TEXT,
    line INTEGER,
    field TEXT,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS problems_by_version ON problems(version_id);
CREATE TABLE IF NOT EXISTS current (
    source TEXT PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id)
);
"""

BATCH = 2000
DEFAULT_MAX_SHRINK = 0.10


class ImportRefused(Exception):
    """The new version looks wrong (empty, or lost too many entities); nothing was changed."""


class StoreError(Exception):
    pass


@dataclass
class Version:
    id: int
    source: str
    path: str | None
    checksum: str
    published: str | None
    imported_at: str
    entity_count: int
    relation_count: int
    counts: dict[str, int]
    problems: dict[str, int]
    current: bool = False
    forced: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ImportResult:
    version: Version | None  # None when unchanged
    previous: Version | None
    report: ImportReport
    unchanged: bool = False
    problem_samples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.report.source,
            "unchanged": self.unchanged,
            "version": self.version.to_dict() if self.version else None,
            "previous_version": self.previous.id if self.previous else None,
            "problems": self.report.problem_summary(),
            "problem_samples": self.problem_samples,
        }


@dataclass
class EntityChange:
    entity_id: str
    caption: str
    fields: list[str] = field(default_factory=list)


@dataclass
class Diff:
    source: str
    old: Version
    new: Version
    added: list[EntityChange]
    removed: list[EntityChange]
    changed: list[EntityChange]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "added": [c.__dict__ for c in self.added],
            "removed": [c.__dict__ for c in self.removed],
            "changed": [c.__dict__ for c in self.changed],
        }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """The SQLite list store. Open with :meth:`open`; safe to share between threads? No: one per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path | None = None, *, timeout: float = 120.0) -> "Store":
        path = Path(path) if path else config.store_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a kordon list store or damaged: {exc}") from exc
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- versions ------------------------------------------------------
    def _version(self, row: sqlite3.Row | tuple) -> Version:
        (vid, source, path, csum, published, imported_at, ecount, rcount, counts, problems, forced, cur) = row
        return Version(
            id=vid, source=source, path=path, checksum=csum, published=published,
            imported_at=imported_at, entity_count=ecount, relation_count=rcount,
            counts=json.loads(counts), problems=json.loads(problems), current=bool(cur), forced=bool(forced),
        )

    _VERSION_SQL = (
        "SELECT v.id, v.source, v.path, v.checksum, v.published, v.imported_at, v.entity_count, "
        "v.relation_count, v.counts, v.problems, v.forced, c.version_id IS NOT NULL "
        "FROM versions v LEFT JOIN current c ON c.version_id = v.id"
    )

    def versions(self, source: str | None = None) -> list[Version]:
        sql, args = self._VERSION_SQL, ()
        if source:
            sql, args = sql + " WHERE v.source = ?", (source,)
        return [self._version(r) for r in self.conn.execute(sql + " ORDER BY v.id", args)]

    def version(self, version_id: int) -> Version:
        row = self.conn.execute(self._VERSION_SQL + " WHERE v.id = ?", (version_id,)).fetchone()
        if row is None:
            raise StoreError(f"no list version {version_id}; see `kordon lists status`")
        return self._version(row)

    def current_versions(self) -> list[Version]:
        rows = self.conn.execute(self._VERSION_SQL + " WHERE c.version_id IS NOT NULL ORDER BY v.source")
        return [self._version(r) for r in rows]

    def current_version(self, source: str) -> Version | None:
        row = self.conn.execute(
            self._VERSION_SQL + " WHERE c.source = ?", (source,)
        ).fetchone()
        return self._version(row) if row else None

    def fingerprint(self) -> str:
        """Changes whenever the current version of any list changes."""
        parts = [f"{v.source}:{v.id}:{v.checksum}" for v in self.current_versions()]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def problems(self, version_id: int, limit: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT kind, path, line, field, message FROM problems WHERE version_id = ? ORDER BY rowid"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [
            dict(zip(("kind", "path", "line", "field", "message"), r))
            for r in self.conn.execute(sql, (version_id,))
        ]

    # --- reading entities ---------------------------------------------
    def _current_rows(self, table: str, sources: Iterable[str] | None) -> sqlite3.Cursor:
        """``data`` of every row of ``table`` in the current versions (optionally of some sources)."""
        sql = f"SELECT t.data FROM {table} t JOIN current c ON c.version_id = t.version_id"
        names = list(sources) if sources is not None else None
        if names is not None:
            sql += f" WHERE c.source IN ({','.join('?' * len(names))})"
        return self.conn.execute(sql, tuple(names or ()))

    def iter_entities(self, sources: Iterable[str] | None = None, version_id: int | None = None) -> Iterator[Entity]:
        """Entities of the current version of each list (or of one given version)."""
        if version_id is not None:
            cur = self.conn.execute("SELECT data FROM entities WHERE version_id = ?", (version_id,))
        else:
            cur = self._current_rows("entities", sources)
        for (data,) in cur:
            yield Entity.from_dict(json.loads(data))

    def iter_entity_json(self, version_id: int) -> Iterator[str]:
        """The stored JSON of one version's entities, without building Entity objects (for indexers)."""
        for (data,) in self.conn.execute("SELECT data FROM entities WHERE version_id = ?", (version_id,)):
            yield data

    def iter_relations(self, sources: Iterable[str] | None = None) -> Iterator[Relation]:
        for (data,) in self._current_rows("relations", sources):
            yield relation_from_dict(json.loads(data))

    def get_entity(self, entity_id: str, version_id: int | None = None) -> Entity | None:
        if version_id is None:
            row = self.conn.execute(
                "SELECT e.data FROM entities e JOIN current c ON c.version_id = e.version_id "
                "WHERE e.entity_id = ?", (entity_id,)
            ).fetchone()
        else:
            row = self.conn.execute(
                "SELECT data FROM entities WHERE version_id = ? AND entity_id = ?", (version_id, entity_id)
            ).fetchone()
        return Entity.from_dict(json.loads(row[0])) if row else None

    def count_entities(self) -> int:
        return self.conn.execute(
            "SELECT COALESCE(SUM(v.entity_count), 0) FROM current c JOIN versions v ON v.id = c.version_id"
        ).fetchone()[0]

    # --- importing -----------------------------------------------------
    def import_list(
        self,
        source: ListSource,
        path: str | Path,
        *,
        published: str | None = None,
        force: bool = False,
        max_shrink: float = DEFAULT_MAX_SHRINK,
        options: dict[str, Any] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Import one list file (or folder) as a new version of ``source``; all or nothing.

        Raises :class:`ListFormatError` for a file that cannot be read and
        :class:`ImportRefused` for an empty or shrunken list without ``force``;
        in both cases the store is unchanged.
        """
        path = Path(path)
        if not path.exists():
            raise ListFormatError(path, "no such file or folder")
        if source.reads_folder is False and path.is_dir():
            raise ListFormatError(path, f"{source.name} reads a single file, got a folder")
        options = options or {}
        csum = checksum(path) + (
            ":" + hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:12]
            if options else ""
        )
        report = ImportReport(source=source.name, path=str(path))
        previous = self.current_version(source.name)
        if previous and previous.checksum == csum and not force:
            return ImportResult(version=None, previous=previous, report=report, unchanged=True)

        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO versions (source, path, checksum, imported_at, kordon_version) VALUES (?, ?, ?, ?, ?)",
                (source.name, str(path.resolve()), csum, _now(), __version__),
            )
            vid = cur.lastrowid
            counts: Counter = Counter()
            seen: set[str] = set()
            ent_rows: list[tuple] = []
            rel_rows: list[tuple] = []
            n = 0
            for obj in source.read(path, report, **options):
                if isinstance(obj, Entity):
                    if obj.id in seen:
                        report.warn(f"duplicate entity id {obj.id!r}: later record skipped", kind="duplicate_id")
                        continue
                    seen.add(obj.id)
                    data = obj.to_json()
                    ent_rows.append((vid, obj.id, obj.type.value, obj.caption,
                                     hashlib.sha1(data.encode()).hexdigest(), data))
                    counts[obj.type.value] += 1
                elif isinstance(obj, Relation):
                    rel_rows.append((vid, obj.kind.value, obj.subject_id, obj.object_id,
                                     json.dumps(relation_to_dict(obj), ensure_ascii=False, sort_keys=True)))
                    counts["relation:" + obj.kind.value] += 1
                n += 1
                if len(ent_rows) >= BATCH:
                    conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)", ent_rows)
                    ent_rows.clear()
                    if progress:
                        progress(n)
                if len(rel_rows) >= BATCH:
                    conn.executemany("INSERT INTO relations VALUES (?, ?, ?, ?, ?)", rel_rows)
                    rel_rows.clear()
            conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)", ent_rows)
            conn.executemany("INSERT INTO relations VALUES (?, ?, ?, ?, ?)", rel_rows)
            if progress:
                progress(n)

            entity_count = len(seen)
            relation_count = sum(v for k, v in counts.items() if k.startswith("relation:"))
            self._check_shrink(source.name, path, entity_count, previous, force, max_shrink)
            conn.executemany(
                "INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?)",
                [(vid, p.kind, p.path, p.line, p.field, p.message) for p in report.problems],
            )
            conn.execute(
                "UPDATE versions SET published = ?, entity_count = ?, relation_count = ?, counts = ?, "
                "problems = ?, forced = ? WHERE id = ?",
                (published or report.published, entity_count, relation_count,
                 json.dumps(dict(sorted(counts.items()))), json.dumps(report.problem_summary()),
                 int(force), vid),
            )
            conn.execute(
                "INSERT INTO current (source, version_id) VALUES (?, ?) "
                "ON CONFLICT(source) DO UPDATE SET version_id = excluded.version_id",
                (source.name, vid),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        report.counts = counts
        return ImportResult(
            version=self.version(vid), previous=previous, report=report,
            problem_samples=[str(p) for p in report.problems[:10]],
        )

    @staticmethod
    def _check_shrink(name: str, path: Path, count: int, previous: Version | None,
                      force: bool, max_shrink: float) -> None:
        if force:
            return
        if count == 0:
            raise ImportRefused(f"{path}: no entities read for {name}; refusing an empty list (use --force)")
        if previous and previous.entity_count:
            lost = 1 - count / previous.entity_count
            if lost > max_shrink:
                raise ImportRefused(
                    f"{path}: {name} would shrink from {previous.entity_count} to {count} entities "
                    f"({lost:.1%} fewer, more than the allowed {max_shrink:.0%}); the previous version "
                    f"{previous.id} stays current (use --force or --max-shrink to accept)"
                )

    # --- comparing and pruning ----------------------------------------
    def diff(self, source: str, old_id: int | None = None, new_id: int | None = None) -> Diff:
        """Entities added, removed and changed between two versions (default: previous → current)."""
        versions = self.versions(source)
        if not versions:
            raise StoreError(f"no versions of {source!r} in {self.path}")
        if new_id is None:
            cur = self.current_version(source)
            new_id = cur.id if cur else versions[-1].id
        if old_id is None:
            older = [v for v in versions if v.id < new_id]
            if not older:
                raise StoreError(f"{source}: only one version ({new_id}); nothing to compare")
            old_id = older[-1].id
        old, new = self.version(old_id), self.version(new_id)
        for v in (old, new):
            if v.source != source:
                raise StoreError(f"version {v.id} belongs to {v.source!r}, not {source!r}")

        def hashes(vid: int) -> dict[str, tuple[str, str]]:
            return {
                eid: (h, cap)
                for eid, h, cap in self.conn.execute(
                    "SELECT entity_id, hash, caption FROM entities WHERE version_id = ?", (vid,)
                )
            }

        a, b = hashes(old.id), hashes(new.id)
        added = [EntityChange(e, b[e][1]) for e in sorted(b.keys() - a.keys())]
        removed = [EntityChange(e, a[e][1]) for e in sorted(a.keys() - b.keys())]
        changed = []
        for eid in sorted(a.keys() & b.keys()):
            if a[eid][0] != b[eid][0]:
                before = self.get_entity(eid, old.id)
                after = self.get_entity(eid, new.id)
                assert before and after
                da, db = before.to_dict(), after.to_dict()
                fields_ = sorted(k for k in da.keys() | db.keys() if da.get(k) != db.get(k))
                changed.append(EntityChange(eid, b[eid][1], fields_))
        return Diff(source, old, new, added, removed, changed)

    def prune(self, keep: int = 5) -> int:
        """Delete all but the newest ``keep`` versions of each source (the current one always stays)."""
        removed = 0
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for (source,) in self.conn.execute("SELECT DISTINCT source FROM versions").fetchall():
                ids = [r[0] for r in self.conn.execute(
                    "SELECT id FROM versions WHERE source = ? ORDER BY id DESC", (source,))]
                cur = self.current_version(source)
                for vid in ids[keep:]:
                    if cur and vid == cur.id:
                        continue
                    self.conn.execute("DELETE FROM versions WHERE id = ?", (vid,))
                    removed += 1
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return removed

    def set_current(self, source: str, version_id: int) -> None:
        """Roll a source back (or forward) to one of its stored versions."""
        v = self.version(version_id)
        if v.source != source:
            raise StoreError(f"version {version_id} belongs to {v.source!r}, not {source!r}")
        self.conn.execute(
            "INSERT INTO current (source, version_id) VALUES (?, ?) "
            "ON CONFLICT(source) DO UPDATE SET version_id = excluded.version_id", (source, version_id)
        )
