"""What a screening caller asks (:class:`Query`) and what it gets back (:class:`Hit`).

A query is a name plus whatever else the caller knows: entity type, date of
birth, countries, identifier numbers. Each hit carries the listed entity, the
score, the listed name that matched and an :class:`Explanation` that a
reviewer can read: which query name met which listed name, how each part
matched and which features raised or lowered the score.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from kordon.model import Entity, NameKind, normalize_identifier

ENTITY_TYPES = ("any", "person", "company", "organization", "vessel", "aircraft")
MAX_NAME_LENGTH = 1000  # longer input is an error: no listed name comes near it


class QueryError(ValueError):
    """A query that cannot be screened; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class QueryDate:
    """A date of birth (or incorporation) as far as the caller knows it."""

    year: int
    month: int | None = None
    day: int | None = None
    text: str = ""

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


_ISO_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")
_DMY_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_ANY_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


@lru_cache(maxsize=4096)
def parse_date(text: str) -> QueryDate:
    """Read a date as users type it: ``1974``, ``1974-11``, ``1974-11-24``, ``1969-7-16``, ``24.11.1974``.

    Parts that cannot be a calendar date are dropped rather than guessed (a
    day of 32 keeps year and month). Raises :class:`QueryError` when no year
    between 1800 and 2099 can be read.
    """
    m = _ISO_DATE.match(text)
    if m:
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
    else:
        m = _DMY_DATE.match(text)
        if m:
            day, month, year = m.group(1), m.group(2), int(m.group(3))
        else:
            m = _ANY_YEAR.search(text)
            if not m:
                raise QueryError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
            year, month, day = int(m.group(1)), None, None
    if not 1800 <= year <= 2099:
        raise QueryError(f"not a plausible date: {text!r}")
    mon = int(month) if month and 1 <= int(month) <= 12 else None
    d = int(day) if day and mon else None
    if d is not None:
        try:
            date(year, mon, d)  # type: ignore[arg-type]
        except ValueError:
            d = None
    return QueryDate(year, mon, d, text.strip())


_NOT_LETTERS = re.compile(r"[^\w]+")


def _country_key(text: str) -> str:
    return _NOT_LETTERS.sub(" ", text.casefold()).strip()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Common names, official names and ISO codes of every territory (rigour's table) -> alpha-2 code."""
    from rigour.territories import get_territories

    table: dict[str, str] = {}
    for t in get_territories():
        code = (t.ftm_country or t.code).split("-")[0].lower()
        for label in (t.name, t.full_name, t.alpha3, t.code):
            if label:
                table.setdefault(_country_key(label), code)
    return table


@lru_cache(maxsize=4096)
def parse_country(text: str) -> str:
    """An ISO 3166-1 alpha-2 code (lower case) for a code or country name: ``ru``, ``RUS``, ``Kazakhstan``."""
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.isalpha():
        return cleaned.lower()
    code = _country_names().get(_country_key(cleaned))
    if code:
        return code
    from kordon.lists.parsing import country_code  # slower: all names in all languages

    code = country_code(cleaned)
    if code is None:
        raise QueryError(f"unknown country: {text!r} (use an ISO code such as 'ru' or an English name)")
    return code.split("-")[0]


@dataclass(slots=True)
class Query:
    """One name to screen, with what else the caller knows about it.

    ``type`` is one of ``any person company organization vessel aircraft``.
    ``dob`` is a (partial) date; ``countries`` are codes or names of
    nationality, citizenship, residence or registration; ``identifiers`` are
    passport, tax, registration or IMO numbers in any punctuation.
    ``ref`` is the caller's own reference, returned untouched.
    """

    name: str
    type: str = "any"
    dob: str | None = None
    countries: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    ref: Any = None

    def validate(self) -> ParsedQuery:
        """Check and parse everything except the name itself (the normaliser reads that)."""
        if not isinstance(self.name, str):
            raise QueryError(f"name must be text, not {type(self.name).__name__}")
        if len(self.name) > MAX_NAME_LENGTH:
            raise QueryError(f"name too long: {len(self.name)} characters (at most {MAX_NAME_LENGTH})")
        if not self.name.strip():
            raise QueryError("empty name")
        kind = (self.type or "any").strip().lower()
        if kind not in ENTITY_TYPES:
            raise QueryError(f"unknown entity type {self.type!r}; use one of {', '.join(ENTITY_TYPES)}")
        dob = parse_date(self.dob) if self.dob and self.dob.strip() else None
        countries = tuple(dict.fromkeys(parse_country(c) for c in self.countries if c and c.strip()))
        ids = tuple(dict.fromkeys(i for i in (normalize_identifier(v) for v in self.identifiers if v) if i))
        return ParsedQuery(self.name, kind, dob, countries, ids)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    name: str
    type: str
    dob: QueryDate | None
    countries: tuple[str, ...]
    identifiers: tuple[str, ...]


# --- explanations ----------------------------------------------------------


@dataclass(slots=True)  # not frozen: made by the thousand, and frozen ones take three times as long
class TokenMatch:
    """One part of the alignment of the query name with the listed name.

    ``how`` is ``exact`` (same spelling), ``spelling`` (same after folding
    romanisation variants), ``fuzzy`` (typo distance), ``initial``,
    ``joined`` (two parts written as one), ``missing`` (a listed part the
    query does not have) or ``extra`` (a query part the listed name does not
    have). ``weight`` is the part's rarity weight in the lists.
    """

    query: str | None
    listed: str | None
    similarity: float
    weight: float
    how: str


@dataclass(slots=True)  # not frozen: made by the thousand, and frozen ones take three times as long
class FeatureContribution:
    """One scoring feature: its value in [0, 1], its weight and what it added to the score."""

    name: str
    value: float
    weight: float
    detail: str = ""

    @property
    def contribution(self) -> float:
        return self.value * self.weight


@dataclass(slots=True)
class Explanation:
    """Why a listed entity scored what it did against a query."""

    query_name: str
    matched_name: str
    matched_kind: str
    tokens: list[TokenMatch]
    features: list[FeatureContribution]
    score: float
    threshold: float
    candidate_via: str = "name"  # "name" or "identifier": how the index found the entity

    def text(self) -> str:
        from kordon.screening.explain import explanation_text

        return explanation_text(self)

    def packed(self) -> tuple:
        """The explanation as plain tuples (several times faster to send between processes)."""
        return (self.query_name, self.matched_name, self.matched_kind,
                [(t.query, t.listed, t.similarity, t.weight, t.how) for t in self.tokens],
                [(f.name, f.value, f.weight, f.detail) for f in self.features],
                self.score, self.threshold, self.candidate_via)

    @classmethod
    def unpacked(cls, packed: tuple) -> Explanation:
        query_name, matched_name, matched_kind, tokens, features, score, threshold, via = packed
        return cls(query_name, matched_name, matched_kind, [TokenMatch(*t) for t in tokens],
                   [FeatureContribution(*f) for f in features], score, threshold, via)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for feat, item in zip(self.features, data["features"]):
            item["contribution"] = round(feat.contribution, 4)
        return data


class HitMaker(Protocol):
    """What a hit keeps to build its entity, its explanation and its listing, each when first asked
    (a report row needs the explanation and the listing, not the decoded entity)."""

    def entity(self) -> Entity: ...

    def explanation(self) -> Explanation: ...

    def listing(self) -> tuple[str, str, str]: ...


class Hit:
    """A listed entity that the query may be.

    ``entity`` and ``explanation`` are each built on first use: a batch that only
    reads ids and scores does not pay for decoding entities or writing
    explanations, and a report row (explanation, source, source id, caption)
    does not decode the entity (pickling a hit builds both, so hits cross
    processes whole).
    """

    __slots__ = ("entity_id", "score", "matched_name", "matched_kind", "query_name", "_entity", "_explanation",
                 "_make", "_listing")

    def __init__(self, entity: Entity | None, score: float, matched_name: str, matched_kind: NameKind,
                 query_name: str, explanation: Explanation | None = None, *, entity_id: str | None = None,
                 make: HitMaker | None = None, listing: tuple[str, str, str] | None = None):
        if entity is None and make is None:
            raise ValueError("a hit needs its entity, or a way to make it")
        self.entity_id = entity_id if entity_id is not None else entity.id  # type: ignore[union-attr]
        self.score = score
        self.matched_name = matched_name
        self.matched_kind = matched_kind
        self.query_name = query_name
        self._entity = entity
        self._explanation = explanation
        self._make = make
        self._listing = listing  # (source, source_id, caption), read from ``make`` when not given

    @property
    def entity(self) -> Entity:
        if self._entity is None and self._make is not None:
            self._entity = self._make.entity()
        return self._entity  # type: ignore[return-value]

    @property
    def explanation(self) -> Explanation:
        if self._explanation is None and self._make is not None:
            self._explanation = self._make.explanation()
        return self._explanation  # type: ignore[return-value]

    def _listed(self) -> tuple[str, str, str]:
        listing = self._listing
        if listing is None:
            if self._make is not None:
                listing = self._make.listing()  # without building the entity
            else:
                entity = self.entity
                listing = (entity.source, entity.source_id, entity.caption)
            self._listing = listing
        return listing

    @property
    def source(self) -> str:
        return self._listed()[0]

    @property
    def source_id(self) -> str:
        return self._listed()[1]

    @property
    def caption(self) -> str:
        """The entity's first primary name (or first name)."""
        return self._listed()[2]

    def __getstate__(self) -> dict[str, Any]:
        self.entity, self.explanation, self._listed()  # built before the maker is left behind
        return {k: getattr(self, k) for k in self.__slots__ if k != "_make"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            setattr(self, k, v)
        self._make = None

    def __repr__(self) -> str:
        return f"Hit({self.entity_id!r}, score={self.score:.4f}, matched_name={self.matched_name!r})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "source": self.source,
            "source_id": self.source_id,
            "type": self.entity.type.value,
            "caption": self.caption,
            "matched_name": self.matched_name,
            "matched_kind": self.matched_kind.value,
            "query_name": self.query_name,
            "score": round(self.score, 4),
            "explanation": self.explanation.text(),
            "details": self.explanation.to_dict(),
        }
