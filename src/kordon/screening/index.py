"""The in-process candidate index: listed names → compact arrays, no search server.

Layout (all numpy arrays, persisted with ``numpy.savez``, no pickle):

- every listed name is normalised once (:func:`kordon.screening.normalise.normalise_name`)
  into Latin tokens and spelling-folded *keys*; both get integer ids in vocabularies;
- ``name_ptr``/``tok_key``/``tok_raw``/``tok_tag``: the keys, tokens and tags of each name (CSR);
- ``post_ptr``/``post_names``: for each key, the sorted ids of the names that
  contain it (the inverted index);
- ``idf``: rarity weight of each key, ``ln(1 + entities / entities with the key)``;
- ``form_blob``/``form_off``/``form_key``: the *forms* of the typo index: every
  key, and every token spelt differently from its key, with the key it stands for;
- ``del_hash``/``del_form``: a *symmetric-delete* typo index over the forms: the
  hash of each form and of every spelling of it with one letter deleted
  (:func:`kordon.screening.kernels.deletion_table`). Two strings within one edit
  (insertion, deletion, substitution or swap of neighbours) share an entry, so a
  misspelt query part finds its listed neighbours with a handful of binary
  searches instead of a scan;
- per entity: type, dates, countries and its JSON (for hits), and an
  identifier index (normalised number → entities) for exact ID matches.

Incremental updates: a :class:`Segment` holds the names of one list version and
is persisted on its own under ``index_dir()/segments``; when one list changes,
only its segment is rebuilt and the segments are merged again (array
concatenation and one sort), which is what :class:`Index` is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from kordon.model import (
    Entity,
    EntityDate,
    EntityType,
    IdKind,
    NameKind,
    normalize_identifier,
)
from kordon.screening import kernels
from kordon.screening.normalise import EmptyName, normalise_name

INDEX_FORMAT = 5
# Per-entity string tables that segments concatenate when merged (vocabularies are remapped instead).
_ENTITY_STRINGS = ("entity_ids", "entity_source", "entity_source_id", "entity_caption", "entity_json", "id_values",
                   "name_text")

TYPE_CODES = {t.value: i for i, t in enumerate(EntityType)}
TYPE_NAMES = [t.value for t in EntityType]
KIND_CODES = {k.value: i for i, k in enumerate(NameKind)}
KINDS = list(NameKind)
TAG_CODES = {"name": 0, "generic": 1, "particle": 2, "initial": 3, "patronymic": 4, "formal": 5}

# Identifier kinds that name one holder; a KPP is shared by many companies.
NON_UNIQUE_IDS = {IdKind.KPP.value}
MIN_ID_LENGTH = 4

# East Slavic, Kazakh, Kyrgyz, Azeri and Uzbek patronymics: tolerated when missing.
PATRONYMIC = re.compile(r"^[a-z]{3,}(?:ovich|evich|ovych|evych|ovna|evna|ivna|ichna|ogly|oglu|ohlu|uly|ulu|kyzy|qizi|kizi)$")

# Parts of a date kept per entity: earliest year, latest year, and yyyymmdd with 00 for unknown parts.
NO_DATE = 0


def country_code(code: str) -> int:
    """A two-letter ISO code as a small integer (no table needed)."""
    code = code.lower()
    if len(code) < 2 or not code[:2].isalpha() or not code[:2].isascii():
        return -1
    return (ord(code[0]) - 97) * 26 + (ord(code[1]) - 97)


_OCR_PAIRS = (("rn", "m"), ("cl", "d"), ("vv", "w"))
_OCR_CHARS = str.maketrans("015|", "olsl")


@lru_cache(maxsize=1 << 16)
def ocr_fold(text: str) -> str:
    """A part as optical character recognition confuses it: rn/m, cl/d, vv/w, 0/o, 1/l, 5/s.

    (``I``/``l`` cannot be told apart once names are in lower case: ``hail`` is not ``hall``.)
    """
    for many, one in _OCR_PAIRS:
        text = text.replace(many, one)
    return text.translate(_OCR_CHARS)


# Parts shorter than this are not looked up for typos: one typo in two letters makes another name.
MIN_TYPO_LENGTH = 3


# --- string tables ---------------------------------------------------------


def pack_strings(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    data = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int64)
    if data:
        np.cumsum([len(d) for d in data], out=offsets[1:])
    return np.frombuffer(b"".join(data), dtype=np.uint8), offsets


def unpack_strings(blob: np.ndarray, offsets: np.ndarray) -> list[str]:
    raw = blob.tobytes()
    bounds = offsets.tolist()
    return [raw[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(len(bounds) - 1)]


class StringTable:
    """Strings stored as one UTF-8 blob plus offsets, decoded one at a time."""

    __slots__ = ("offsets", "raw")

    def __init__(self, blob: np.ndarray, offsets: np.ndarray):
        self.raw = blob.tobytes()
        self.offsets = offsets.tolist()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.raw[self.offsets[i] : self.offsets[i + 1]].decode("utf-8")


# --- building ---------------------------------------------------------------


def _date_record(date) -> tuple[int, int, int] | None:
    """(earliest year, latest year, yyyymmdd with 00 for unknown parts or 0 for a range)."""
    years = date.years
    if years is None:
        return None
    exact = NO_DATE
    if date.value:
        parts = date.value.split("-")
        try:
            y = int(parts[0])
            m = int(parts[1]) if len(parts) > 1 and not date.approximate else 0
            d = int(parts[2]) if len(parts) > 2 and not date.approximate else 0
            exact = y * 10000 + m * 100 + d
        except ValueError:
            exact = NO_DATE
    return years[0], years[1], exact


@lru_cache(maxsize=1 << 18)
def _is_patronymic(token: str) -> bool:
    return PATRONYMIC.match(token) is not None


def token_tags(tokens: Iterable[str], tags: Iterable[str]) -> list[int]:
    """The normaliser's tags as codes, with patronymics marked (they may be dropped in queries)."""
    out = []
    for token, tag in zip(tokens, tags):
        code = TAG_CODES.get(tag, 0)
        if code == 0 and _is_patronymic(token):
            code = TAG_CODES["patronymic"]
        out.append(code)
    return out


class EntityRecord(NamedTuple):
    """What the index keeps of an entity, read from an :class:`Entity` or straight from stored JSON."""

    id: str
    type: str
    names: list[tuple[str, str]]  # (value, kind)
    dates: list[EntityDate]
    countries: list[str]
    identifiers: list[tuple[str, str]]  # (kind, normalised value)
    listing: tuple[str, str, str]  # source, source_id, caption
    json: str | None  # the stored JSON, or None when ``entity`` is at hand
    entity: Entity | None = None


def records_from_entities(entities: Iterable[Entity]) -> Iterator[EntityRecord]:
    for e in entities:
        yield EntityRecord(
            e.id, e.type.value, [(n.value, n.kind.value) for n in e.names], e.dates,
            [c.code for c in e.countries], [(i.kind.value, i.normalized) for i in e.identifiers],
            (e.source, e.source_id, e.caption), None, e,
        )


def records_from_json(rows: Iterable[str]) -> Iterator[EntityRecord]:
    """Records from the JSON the list store keeps (``Entity.to_json``), without building Entity objects."""
    for text in rows:
        d = json.loads(text)
        names = [(n["value"], n.get("kind", "primary")) for n in d.get("names", ())]
        caption = next((value for value, kind in names if kind == "primary"), names[0][0] if names else d["id"])
        yield EntityRecord(
            d["id"], d["type"], names,
            [EntityDate(**{k: v for k, v in x.items() if k != "kind"}) for x in d.get("dates", ())],
            [c["code"] for c in d.get("countries", ())],
            [(i["kind"], normalize_identifier(i["value"])) for i in d.get("identifiers", ())],
            (d["source"], d["source_id"], caption), text,
        )


def entity_json(entity: Entity) -> str:
    """Compact JSON of an entity that ``Entity.from_dict`` reads back (``to_json`` without sorting keys)."""
    return json.dumps(entity.to_dict(), ensure_ascii=False, separators=(",", ":"))


@dataclass
class Segment:
    """The index data of one batch of entities (one list version), with its own vocabulary."""

    arrays: dict[str, np.ndarray]
    meta: dict
    entities: list[Entity] | None = None  # kept instead of JSON when built from Entity objects

    @classmethod
    def build(cls, entities: Iterable[Entity], meta: dict | None = None) -> Segment:
        return cls.from_records(records_from_entities(entities), meta)

    @classmethod
    def from_records(cls, records: Iterable[EntityRecord], meta: dict | None = None) -> Segment:
        vocab: dict[str, int] = {}
        raw_vocab: dict[str, int] = {}
        entity_ids: list[str] = []
        listings: list[tuple[str, str, str]] = []
        entity_json: list[str] = []
        objects: list[Entity] = []
        ent_type: list[int] = []
        date_ptr, date_lo, date_hi, date_exact = [0], [], [], []
        country_ptr, country_codes = [0], []
        id_values: list[str] = []
        id_entity: list[int] = []
        name_entity: list[int] = []
        name_kind: list[int] = []
        name_ptr = [0]
        tok_key: list[int] = []
        tok_tag: list[int] = []
        tok_raw: list[int] = []
        name_text: list[str] = []
        for rec in records:
            e = len(entity_ids)
            seen_forms: set[tuple[str, ...]] = set()
            added = 0
            for value, kind in rec.names:
                try:
                    form = normalise_name(value, rec.type)
                except (EmptyName, ValueError):
                    continue
                if not form.keys or form.keys in seen_forms:
                    continue
                seen_forms.add(form.keys)
                name_entity.append(e)
                name_kind.append(KIND_CODES[kind])
                name_text.append(value)
                for key, token in zip(form.keys, form.tokens):
                    kid = vocab.get(key)
                    if kid is None:
                        kid = vocab[key] = len(vocab)
                    tok_key.append(kid)
                    rid = raw_vocab.get(token)
                    if rid is None:
                        rid = raw_vocab[token] = len(raw_vocab)
                    tok_raw.append(rid)
                tok_tag.extend(token_tags(form.tokens, form.tags))
                name_ptr.append(len(tok_key))
                added += 1
            if not added and not rec.identifiers:
                continue  # nothing to find it by
            entity_ids.append(rec.id)
            listings.append(rec.listing)
            if rec.json is None:
                objects.append(rec.entity)  # type: ignore[arg-type]
            else:
                entity_json.append(rec.json)
            ent_type.append(TYPE_CODES[rec.type])
            for date in rec.dates:
                record = _date_record(date)
                if record:
                    date_lo.append(record[0])
                    date_hi.append(record[1])
                    date_exact.append(record[2])
            date_ptr.append(len(date_lo))
            codes = {country_code(c) for c in rec.countries}
            country_codes.extend(sorted(c for c in codes if c >= 0))
            country_ptr.append(len(country_codes))
            for kind, value in rec.identifiers:
                if kind not in NON_UNIQUE_IDS and len(value) >= MIN_ID_LENGTH:
                    id_values.append(value)
                    id_entity.append(e)
        arrays: dict[str, np.ndarray] = {
            "ent_type": np.array(ent_type, dtype=np.int8),
            "date_ptr": np.array(date_ptr, dtype=np.int32),
            "date_lo": np.array(date_lo, dtype=np.int16),
            "date_hi": np.array(date_hi, dtype=np.int16),
            "date_exact": np.array(date_exact, dtype=np.int32),
            "country_ptr": np.array(country_ptr, dtype=np.int32),
            "country_codes": np.array(country_codes, dtype=np.int16),
            "id_entity": np.array(id_entity, dtype=np.int32),
            "name_entity": np.array(name_entity, dtype=np.int32),
            "name_kind": np.array(name_kind, dtype=np.int8),
            "name_ptr": np.array(name_ptr, dtype=np.int64),
            "tok_key": np.array(tok_key, dtype=np.int32),
            "tok_tag": np.array(tok_tag, dtype=np.int8),
            "tok_raw": np.array(tok_raw, dtype=np.int32),
        }
        if objects and entity_json:
            raise ValueError("a segment is built from Entity objects or from stored JSON, not both")
        sources, source_ids, captions = zip(*listings) if listings else ((), (), ())
        for label, values in (
            ("entity_ids", entity_ids),
            ("entity_source", list(sources)),
            ("entity_source_id", list(source_ids)),
            ("entity_caption", list(captions)),
            ("entity_json", entity_json),
            ("id_values", id_values),
            ("name_text", name_text),
            ("vocab", list(vocab)),
            ("raw_vocab", list(raw_vocab)),
        ):
            arrays[label + "_blob"], arrays[label + "_off"] = pack_strings(values)
        return cls(arrays, dict(meta or {}), objects or None)

    def with_json(self) -> dict[str, np.ndarray]:
        """The arrays, with the entities as JSON (serialised now if the segment holds objects)."""
        return _with_json(self.arrays, self.entities)

    @property
    def entity_count(self) -> int:
        return len(self.arrays["ent_type"])

    def save(self, path: Path) -> None:
        _save_arrays(path, self.with_json(), self.meta)

    @classmethod
    def load(cls, path: Path) -> Segment:
        arrays, meta = _load_arrays(path)
        return cls(arrays, meta)


def _with_json(arrays: dict[str, np.ndarray], entities: list[Entity] | None) -> dict[str, np.ndarray]:
    """``arrays`` with ``entities`` serialised into the JSON table (as they are when there are no objects)."""
    if entities is None:
        return arrays
    blob, off = pack_strings([entity_json(e) for e in entities])
    return {**arrays, "entity_json_blob": blob, "entity_json_off": off}


def _save_arrays(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    meta_blob = np.frombuffer(json.dumps({**meta, "format": INDEX_FORMAT}).encode(), dtype=np.uint8)
    with open(tmp, "wb") as fh:
        np.savez(fh, __meta__=meta_blob, **arrays)
    os.replace(tmp, path)


def _load_arrays(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(arrays.pop("__meta__").tobytes().decode())
    if meta.get("format") != INDEX_FORMAT:
        raise ValueError(f"{path}: index format {meta.get('format')}, expected {INDEX_FORMAT}")
    return arrays, meta


# --- the merged index -------------------------------------------------------

# Weight factor by tag code: a patronymic says less than a name; "formal" (queries only) is a
# title or a misspelt or cut legal-form word that the normaliser could not remove.
TAG_WEIGHT = np.array([1.0, 0.3, 0.2, 0.3, 0.6, 0.1], dtype=np.float32)


class NearTerms:
    """A query part's listed neighbour keys with their similarity, best first, as the compiled
    lookups return them (arrays); iterating gives ``(key id, similarity)`` pairs."""

    __slots__ = ("kids", "sims", "_sims32")

    def __init__(self, kids: np.ndarray | None = None, sims: np.ndarray | None = None):
        self.kids = np.zeros(0, np.int32) if kids is None else kids
        self.sims = np.zeros(0, np.float32) if sims is None else sims
        self._sims32: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.kids)

    def __iter__(self) -> Iterator[tuple[int, float]]:
        return zip(self.kids.tolist(), self.sims.tolist())

    def __repr__(self) -> str:
        return f"NearTerms({list(self)!r})"

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Key ids (int32) and similarities (float32) for the candidate stage."""
        if self._sims32 is None:
            self._sims32 = self.sims.astype(np.float32, copy=False)
        return self.kids, self._sims32


class Index:
    """All current lists in one set of arrays, ready to query."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict, entities: list[Entity] | None = None):
        self.arrays = arrays
        self.meta = meta
        self.entities = entities  # the Entity objects, when built from them (else decoded from JSON)
        a = arrays
        self.ent_type = a["ent_type"]
        self.date_ptr = a["date_ptr"].tolist()
        self.date_lo = a["date_lo"].tolist()
        self.date_hi = a["date_hi"].tolist()
        self.date_exact = a["date_exact"].tolist()
        self.country_ptr = a["country_ptr"].tolist()
        self.country_codes = a["country_codes"].tolist()
        self.name_entity = a["name_entity"]
        self.name_kind = a["name_kind"]
        self.name_ptr = a["name_ptr"]
        self.tok_key = a["tok_key"]
        self.tok_tag = a["tok_tag"]
        self.tok_raw = a["tok_raw"]
        self.post_ptr = a["post_ptr"]
        self.post_names = a["post_names"]
        self.post_tag_weight = a["post_tag_weight"]
        self.idf = a["idf"]
        self.name_mass = a["name_mass"]
        self.del_hash = a["del_hash"]
        self.del_form = a["del_form"]
        self.entity_ids = StringTable(a["entity_ids_blob"], a["entity_ids_off"])
        self.listing_tables = tuple(StringTable(a[label + "_blob"], a[label + "_off"])
                                    for label in ("entity_source", "entity_source_id", "entity_caption"))
        self.entity_json = StringTable(a["entity_json_blob"], a["entity_json_off"])
        self.name_text = StringTable(a["name_text_blob"], a["name_text_off"])
        self.vocab_list = unpack_strings(a["vocab_blob"], a["vocab_off"])
        self.vocab = {k: i for i, k in enumerate(self.vocab_list)}
        self.raw_list = unpack_strings(a["raw_vocab_blob"], a["raw_vocab_off"])
        # typo-index forms: keys first, then raw tokens that differ from their key
        self.form_blob, self.form_off, self.form_key = a["form_blob"], a["form_off"], a["form_key"]
        self.idf_list = self.idf.tolist()
        self.unknown_idf = float(meta["unknown_idf"])
        self.ids: dict[str, list[int]] = {}
        for value, e in zip(unpack_strings(a["id_values_blob"], a["id_values_off"]), a["id_entity"].tolist()):
            self.ids.setdefault(value, []).append(e)
        self._entity_rows: dict[str, int] | None = None
        self._reference: Index | None = None
        self._local = threading.local()
        self._prefix_index: tuple | None = None
        self._raw_first: np.ndarray | None = None
        self._fuzzy_cache: dict[tuple[str, str, float], tuple[tuple[int, float], ...]] = {}
        self.query_token_cache: dict[tuple, tuple] = {}  # the screener's prepared query parts
        self._typo_index: tuple | None = None

    # --- building -----------------------------------------------------
    @classmethod
    def from_segments(cls, segments: list[Segment], meta: dict | None = None) -> Index:
        """Merge segments: remap vocabularies, concatenate, then derive postings and weights."""
        vocab: dict[str, int] = {}
        raw_vocab: dict[str, int] = {}
        parts: dict[str, list[np.ndarray]] = {}
        strings: dict[str, list[np.ndarray]] = {}
        n_ent = n_names = n_dates = n_countries = 0
        n_tokens = 0
        in_memory = bool(segments) and all(seg.entities is not None for seg in segments)
        objects: list[Entity] = []
        for seg in segments:
            a = seg.arrays if in_memory else seg.with_json()
            if in_memory:
                objects.extend(seg.entities)  # type: ignore[arg-type]
            local_vocab = unpack_strings(a["vocab_blob"], a["vocab_off"])
            remap = _remap(vocab, local_vocab)
            raw_remap = _remap(raw_vocab, unpack_strings(a["raw_vocab_blob"], a["raw_vocab_off"]))
            add = parts.setdefault
            add("ent_type", []).append(a["ent_type"])
            add("date_ptr", []).append(a["date_ptr"][:-1] + n_dates)
            add("date_lo", []).append(a["date_lo"])
            add("date_hi", []).append(a["date_hi"])
            add("date_exact", []).append(a["date_exact"])
            add("country_ptr", []).append(a["country_ptr"][:-1] + n_countries)
            add("country_codes", []).append(a["country_codes"])
            add("id_entity", []).append(a["id_entity"] + n_ent)
            add("name_entity", []).append(a["name_entity"] + n_ent)
            add("name_kind", []).append(a["name_kind"])
            add("name_ptr", []).append(a["name_ptr"][:-1] + n_tokens)
            add("tok_key", []).append(remap[a["tok_key"]] if len(remap) else a["tok_key"])
            add("tok_raw", []).append(raw_remap[a["tok_raw"]] if len(raw_remap) else a["tok_raw"])
            add("tok_tag", []).append(a["tok_tag"])
            for label in _ENTITY_STRINGS:
                strings.setdefault(label, []).append((a[label + "_blob"], a[label + "_off"]))
            n_ent += len(a["ent_type"])
            n_names += len(a["name_entity"])
            n_dates += len(a["date_lo"])
            n_countries += len(a["country_codes"])
            n_tokens += len(a["tok_key"])
        dtypes = {"ent_type": np.int8, "date_ptr": np.int32, "date_lo": np.int16, "date_hi": np.int16,
                  "date_exact": np.int32, "country_ptr": np.int32, "country_codes": np.int16,
                  "id_entity": np.int32, "name_entity": np.int32, "name_kind": np.int8, "name_ptr": np.int64,
                  "tok_key": np.int32, "tok_raw": np.int32, "tok_tag": np.int8}
        arrays = {k: (np.concatenate(parts[k]).astype(dt, copy=False) if parts.get(k) else np.zeros(0, dt))
                  for k, dt in dtypes.items()}
        arrays["date_ptr"] = np.append(arrays["date_ptr"], n_dates).astype(np.int32)
        arrays["country_ptr"] = np.append(arrays["country_ptr"], n_countries).astype(np.int32)
        arrays["name_ptr"] = np.append(arrays["name_ptr"], n_tokens).astype(np.int64)
        for label in _ENTITY_STRINGS:
            blobs, offs, base = [], [np.zeros(1, np.int64)], 0
            for blob, off in strings.get(label, []):
                blobs.append(blob)
                offs.append(off[1:] + base)
                base += int(off[-1])
            arrays[label + "_blob"] = np.concatenate(blobs) if blobs else np.zeros(0, np.uint8)
            arrays[label + "_off"] = np.concatenate(offs)
        vocab_list, raw_list = list(vocab), list(raw_vocab)
        arrays["vocab_blob"], arrays["vocab_off"] = pack_strings(vocab_list)
        arrays["raw_vocab_blob"], arrays["raw_vocab_off"] = pack_strings(raw_list)
        arrays.update(_derive(arrays, vocab_list, raw_list, n_ent))
        meta = {**(meta or {}), "entities": n_ent, "names": n_names, "keys": len(vocab_list),
                "unknown_idf": float(np.log1p(max(n_ent, 1)))}
        return cls(arrays, meta, objects if in_memory else None)

    @classmethod
    def build(cls, entities: Iterable[Entity], meta: dict | None = None) -> Index:
        return cls.from_segments([Segment.build(entities)], meta)

    def save(self, path: Path) -> None:
        _save_arrays(path, _with_json(self.arrays, self.entities), self.meta)

    @classmethod
    def load(cls, path: Path) -> Index:
        arrays, meta = _load_arrays(path)
        return cls(arrays, meta)

    # --- entities -----------------------------------------------------
    @property
    def entity_count(self) -> int:
        return len(self.ent_type)

    @property
    def name_count(self) -> int:
        return len(self.name_entity)

    def entity(self, e: int) -> Entity:
        if self.entities is not None:
            return self.entities[e]
        return Entity.from_dict(json.loads(self.entity_json[e]))

    def listing(self, e: int) -> tuple[str, str, str]:
        """Source, source id and caption of an entity, without decoding it."""
        return tuple(table[e] for table in self.listing_tables)  # type: ignore[return-value]

    def entity_row(self, entity_id: str) -> int | None:
        if self._entity_rows is None:
            self._entity_rows = {self.entity_ids[i]: i for i in range(len(self.entity_ids))}
        return self._entity_rows.get(entity_id)

    def entity_dates(self, e: int) -> list[tuple[int, int, int]]:
        lo, hi = self.date_ptr[e], self.date_ptr[e + 1]
        return list(zip(self.date_lo[lo:hi], self.date_hi[lo:hi], self.date_exact[lo:hi]))

    def entity_countries(self, e: int) -> list[int]:
        return self.country_codes[self.country_ptr[e] : self.country_ptr[e + 1]]

    def clear_caches(self) -> None:
        """Empty the per-query caches (typo neighbours, prepared query parts)."""
        self._fuzzy_cache.clear()
        self.query_token_cache.clear()

    def reweight(self, reference: Index) -> None:
        """Take rarity weights from a bigger index (used to score a single pair like a screening)."""
        if not reference.entity_count:
            return
        self._reference = reference
        self.query_token_cache.clear()
        self.idf_list = [reference.key_idf(k) for k in self.vocab_list]
        self.idf = np.array(self.idf_list, dtype=np.float32)
        self.unknown_idf = reference.unknown_idf
        self.name_mass = _name_mass(self.idf, self.tok_key, self.tok_tag, self.name_ptr)

    def key_idf(self, key: str) -> float:
        """Rarity weight of a key; keys no list has are as rare as can be."""
        kid = self.vocab.get(key)
        if kid is not None:
            return self.idf_list[kid]
        if self._reference is not None:
            return self._reference.key_idf(key)
        return self.unknown_idf

    def initials_found(self, names: np.ndarray, letters: set[str]) -> np.ndarray:
        """For each name, how many of ``letters`` start one of its parts other than particles (vectorised)."""
        if self._raw_first is None:
            self._raw_first = np.array([ord(t[0]) if t else 0 for t in self.raw_list], dtype=np.int32)
        starts = self.name_ptr[names]
        lengths = (self.name_ptr[names + 1] - starts).astype(np.int64)
        owner = np.repeat(np.arange(len(names)), lengths)
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        positions = np.repeat(starts, lengths) + offsets
        firsts = np.where(self.tok_tag[positions] == TAG_CODES["particle"], 0, self._raw_first[self.tok_raw[positions]])
        found = np.zeros(len(names), dtype=np.int32)
        for letter in letters:
            found += np.bincount(owner[firsts == ord(letter)], minlength=len(names)) > 0
        return found

    def entities_with_id(self, value: str) -> list[int]:
        return self.ids.get(value, [])

    def name_keys(self, n: int) -> tuple[list[int], list[int], list[str]]:
        """Key ids, tag codes and Latin tokens of a listed name."""
        lo, hi = int(self.name_ptr[n]), int(self.name_ptr[n + 1])
        raw = self.raw_list
        return self.tok_key[lo:hi].tolist(), self.tok_tag[lo:hi].tolist(), [raw[r] for r in self.tok_raw[lo:hi].tolist()]

    def alignment_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Keys and Latin tokens as code points with offsets, and the rarity weights as float64 (as ``idf_list``
        has them), for the compiled name alignment; made on first use, and again after :meth:`reweight`."""
        made = getattr(self, "_alignment_arrays", None)
        if made is None or made[0] is not self.idf_list:
            made = self._alignment_arrays = (self.idf_list, *kernels.code_points(self.vocab_list),
                                             *kernels.code_points(self.raw_list), np.array(self.idf_list, np.float64))
        return made[1:]

    # --- typo neighbourhood ---------------------------------------------
    def fuzzy_terms(self, token: str, key: str, min_similarity: float) -> NearTerms:
        """Listed keys within one typo of the query token or of its key, with similarity, best first.

        Typos are looked for on both levels because spelling folding can move a
        misspelt token away from its key (``kahdem`` keeps its spelling while
        ``khadem`` folds to ``hadem``); the token as OCR misreads it is tried
        too (``jairne``: ``jaime``). The similarity is the plain normalised
        typo similarity (at least ``min_similarity``): loose on purpose, this
        finds candidates and scoring judges them. Cached per part.
        """
        cache_key = (token, key, min_similarity)
        cached = self._fuzzy_cache.get(cache_key)
        if cached is not None:
            return cached
        key_text, token_text = key.encode(), token.encode()
        key_best, key_seen, form_seen, _, stamp = self._typo_scratch()
        out = NearTerms(*kernels.typo_neighbours(
            np.frombuffer(key_text + token_text + ocr_fold(token).encode(), np.uint8), len(key_text),
            len(key_text) + len(token_text), MIN_TYPO_LENGTH, *self._typo_tables(), self.vocab.get(key, -1),
            float(min_similarity), key_best, key_seen, form_seen, stamp))
        if len(self._fuzzy_cache) > 200_000:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[cache_key] = out
        return out

    def _typo_tables(self) -> tuple:
        """The typo index as :func:`kernels.near_forms` reads it: the deletion table with its directory,
        and the strings with their keys."""
        if self._typo_index is None:
            self._typo_index = (self.del_hash, self.del_form, *kernels.hash_directory(self.del_hash), self.form_blob,
                                self.form_off, self.form_key)
        return self._typo_index

    def _typo_scratch(self, stamps: int = 1) -> tuple:
        """Per-thread work arrays of :func:`kernels.near_forms` and :func:`kernels.cut_or_near`
        (best similarity per key in float32 and float64, stamps per key and per string) and the first of
        ``stamps`` fresh stamps."""
        scratch = getattr(self._local, "typo", None)
        if scratch is None or scratch[-1] + stamps >= 2**32 - 1:
            n_keys, n_forms = len(self.vocab_list), len(self.form_off) - 1
            scratch = self._local.typo = [np.zeros(n_keys, np.float32), np.zeros(n_keys, np.uint32),
                                          np.zeros(n_forms, np.uint32), np.zeros(n_keys, np.float64), 0]
        stamp = scratch[-1] + 1
        scratch[-1] += stamps
        return (*scratch[:-1], stamp)

    def _prefix_search(self) -> tuple:
        """The typo-index strings sorted (then by key), their heads and the directory of the heads
        (:func:`kernels.prefix_forms`), with the string table; made on first use."""
        if self._prefix_index is None:
            forms = unpack_strings(self.form_blob, self.form_off)
            keys = self.form_key.tolist()
            order = np.array(sorted(range(len(forms)), key=lambda f: (forms[f], keys[f])), np.int64)
            heads = kernels.prefix_heads(order, self.form_blob, self.form_off)
            self._prefix_index = (order, heads, *kernels.hash_directory(heads), self.form_blob, self.form_off,
                                  self.form_key)
        return self._prefix_index

    def cut_or_near_terms(self, text: str, near: NearTerms, limit: int = 64) -> NearTerms:
        """A last part's neighbours: the listed keys whose key or Latin token starts with ``text`` (a part
        cut short; similarity ``0.5 + 0.5 × len(text) / len(part)``, the ``limit`` closest in length) and
        its typo neighbours ``near``, the better similarity of each key, best first (ties: cut keys first,
        then in their order). One compiled call: :func:`kordon.screening.kernels.cut_or_near`."""
        _, key_seen, _, key_best, stamp = self._typo_scratch(2)
        return NearTerms(*kernels.cut_or_near(np.frombuffer(text.encode(), np.uint8), *self._prefix_search(), limit,
                                              near.kids, near.sims, key_best, key_seen, stamp))

    # --- candidate stage ----------------------------------------------
    def candidate_names(self, token_terms: list[tuple[NearTerms, float]],
                        query_mass: float, missing_listed: float, limit: int, floor: float = 0.0,
                        headroom: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Names sharing (typo-near) keys with the query, ranked by an estimate of ``name_match``.

        ``token_terms`` has one entry per query part: its listed neighbour keys
        with similarity, and its own weight. The estimate mirrors
        ``name_match`` (each listed part weighs its rarity times its own tag's
        weight): matched weight / (query mass + matched listed weight +
        missing_listed × the rest of the name's weight), ignoring joins,
        initials and one-to-one pairing; it cannot exceed matched weight / query
        mass. Parts are read rarest first; once the parts left could not lift a
        name they alone reach to ``floor`` (``headroom``: what the caller may
        add later), their postings only update names already found, which keeps
        common first names from flooding the stage. Returns up to ``limit``
        name ids whose estimate plus ``headroom`` reaches ``floor``, with their
        estimates, best first. The loop is compiled:
        :func:`kordon.screening.kernels.candidate_names`.
        """
        arrays = [terms.arrays() for terms, _ in token_terms]
        if not arrays or query_mass <= 0:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        ends = [0]
        for k, _ in arrays:
            ends.append(ends[-1] + len(k))
        term_ptr = np.array(ends, np.int64)
        kids = np.concatenate([k for k, _ in arrays])
        sims = np.concatenate([v for _, v in arrays])
        if not len(kids):
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        work, stamp = self._scratch(len(token_terms) + 1)
        return kernels.candidate_names(
            self.post_ptr, self.post_names, self.post_tag_weight, self.idf, self.name_mass,
            term_ptr, kids, sims,
            np.array([weight for _, weight in token_terms], np.float64),
            float(query_mass), float(missing_listed), int(limit), float(floor), float(headroom),
            float(floor - headroom), work, stamp)

    def _scratch(self, stamps: int) -> tuple[np.ndarray, int]:
        """The per-thread work array of the candidate stage, and the first of ``stamps`` fresh stamps."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None or scratch[1] + stamps >= 2**24:  # stamps stay exact in float32 up to 2**24
            scratch = self._local.scratch = [np.zeros((self.name_count, 6), np.float32), 0]
        stamp = scratch[1] + 1
        scratch[1] += stamps
        return scratch[0], stamp


def _remap(vocab: dict[str, int], local: list[str]) -> np.ndarray:
    """Global ids for a segment's local vocabulary (new strings are added)."""
    return np.fromiter((vocab.setdefault(k, len(vocab)) for k in local), dtype=np.int32, count=len(local))


def _name_mass(idf: np.ndarray, tok_key: np.ndarray, tok_tag: np.ndarray, name_ptr: np.ndarray) -> np.ndarray:
    """Each name's weight: the rarity of its keys times their tag weights, summed."""
    if len(name_ptr) < 2 or not len(tok_key):
        return np.zeros(len(name_ptr) - 1, np.float32)
    return np.add.reduceat(idf[tok_key] * TAG_WEIGHT[tok_tag], name_ptr[:-1]).astype(np.float32)


def _derive(arrays: dict[str, np.ndarray], vocab_list: list[str], raw_list: list[str],
            n_ent: int) -> dict[str, np.ndarray]:
    """Postings, rarity weights, name masses and the typo index, from the merged name arrays."""
    tok_key = arrays["tok_key"]
    name_ptr = arrays["name_ptr"]
    n_names = len(name_ptr) - 1
    n_keys = len(vocab_list)
    tok_name = np.repeat(np.arange(n_names, dtype=np.int64), np.diff(name_ptr))
    pairs, first = np.unique((tok_key.astype(np.int64) << 32) | tok_name, return_inverse=True)
    pair_keys = (pairs >> 32).astype(np.int64)
    post_names = (pairs & 0xFFFFFFFF).astype(np.int32)
    # the listed part's own tag weight in each posting (the highest, if a name repeats the key)
    post_tag_weight = np.zeros(len(pairs), np.float32)
    if len(tok_key):
        np.maximum.at(post_tag_weight, first.ravel(), TAG_WEIGHT[arrays["tok_tag"]])
    post_ptr = np.zeros(n_keys + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair_keys, minlength=n_keys), out=post_ptr[1:])
    # rarity: in how many entities does the key occur (an entity's many aliases count once)
    ent_pairs = np.unique((pair_keys << 32) | arrays["name_entity"][post_names].astype(np.int64))
    df = np.bincount((ent_pairs >> 32).astype(np.int64), minlength=n_keys)
    idf = np.log1p(max(n_ent, 1) / np.maximum(df, 1)).astype(np.float32)
    # each Latin token's key; tokens spelt differently from their key are typo-index forms too
    raw_key = np.zeros(len(raw_list), dtype=np.int32)
    raw_key[arrays["tok_raw"]] = tok_key
    raw_forms = [r for r, text in enumerate(raw_list) if text != vocab_list[raw_key[r]]]
    forms = vocab_list + [raw_list[r] for r in raw_forms]
    form_blob, form_off = pack_strings(forms)
    del_hash, del_form = kernels.deletion_table(form_blob, form_off, MIN_TYPO_LENGTH)
    return {
        "post_ptr": post_ptr,
        "post_names": post_names,
        "post_tag_weight": post_tag_weight,
        "df": df.astype(np.int32),
        "idf": idf,
        "name_mass": _name_mass(idf, tok_key, arrays["tok_tag"], name_ptr),
        "del_hash": del_hash,
        "del_form": del_form,
        "form_blob": form_blob,
        "form_off": form_off,
        "form_key": np.concatenate([np.arange(len(vocab_list), dtype=np.int32), raw_key[raw_forms]]).astype(np.int32),
    }


# Modules of this package that do not change what is indexed; every other module
# and data file (the normaliser's) goes into the signature.
_NOT_INDEXING = {"__init__.py", "cli.py", "demo.py", "explain.py", "features.py", "files.py", "kernels.py",
                 "query.py", "score.py", "screener.py", "weights.yml"}


def normaliser_signature() -> str:
    """A hash of the normaliser's code and tables: index files built with another one are stale."""
    here = Path(__file__).parent
    digest = hashlib.sha256(f"format={INDEX_FORMAT}".encode())
    for path in sorted([*here.glob("*.py"), *(here / "data").glob("*.yml")]):
        if path.name not in _NOT_INDEXING:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
