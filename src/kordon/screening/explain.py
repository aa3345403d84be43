"""Readable explanations of hits, for a reviewer to take in at a glance.

:func:`explanation_text` writes three short lines::

    0.93 ≥ 0.85: "Alexandr Volkov" ~ "Aleksandr Petrovich VOLKOV" (primary name)
    parts: alexandr=aleksandr (spelling) · volkov=volkov (exact) · petrovich not in query (patronymic, tolerated)
    score: name 0.96 · date of birth: same year (1968 vs listed 1968-03-14) +0.02 · country differs −0.04

:func:`explanation_line` puts the same on one line (for CSV cells).
"""

from __future__ import annotations

from kordon.screening.query import Explanation, TokenMatch

FEATURE_LABELS = {
    "name_match": "name",
    "weak_alias": "weak alias",
    "dob_match": "date of birth matches",
    "dob_mismatch": "date of birth differs",
    "dob_unverified": "date of birth not checked",
    "country_match": "country matches",
    "country_mismatch": "country differs",
    "identifier_match": "identifier matches",
    "type_mismatch": "entity type differs",
}

HOW = {
    "exact": "exact",
    "spelling": "spelling variant",
    "fuzzy": "typo",
    "initial": "initial",
    "joined": "written together",
}


def _part(t: TokenMatch) -> str:
    if t.how == "missing":
        return f"{t.listed} not in query"
    if t.how == "extra":
        return f"{t.query} not in listed name"
    detail = HOW.get(t.how, t.how)
    if t.how in ("fuzzy", "joined", "initial"):
        detail += f" {t.similarity:.2f}"
    return f"{t.query}={t.listed} ({detail})"


def parts_text(e: Explanation) -> str:
    return " · ".join(_part(t) for t in e.tokens)


def features_text(e: Explanation) -> str:
    """The name score, then every other feature that moved the score, with its signed contribution."""
    out = []
    for f in e.features:
        if f.name == "name_match":
            out.append(f"name {f.value:.2f}")
            continue
        delta = f.contribution
        if abs(delta) < 0.005:
            continue
        label = FEATURE_LABELS.get(f.name, f.name)
        detail = f" ({f.detail})" if f.detail else ""
        sign = "+" if delta > 0 else "−"
        out.append(f"{label}{detail} {sign}{abs(delta):.2f}")
    return " · ".join(out)


def headline(e: Explanation) -> str:
    relation = "≥" if e.score >= e.threshold else "<"
    via = ", found by identifier" if e.candidate_via == "identifier" else ""
    kind = e.matched_kind.replace("_", " ")
    return f'{e.score:.2f} {relation} {e.threshold:.2f}: "{e.query_name}" ~ "{e.matched_name}" ({kind} name{via})'


def explanation_text(e: Explanation) -> str:
    """Three lines: the headline, the part-by-part alignment, the features that moved the score."""
    return "\n".join((headline(e), "parts: " + parts_text(e), "score: " + features_text(e)))


def explanation_line(e: Explanation) -> str:
    """The same in one line, without the headline's names (they have their own columns)."""
    return f"parts: {parts_text(e)}; score: {features_text(e)}"
