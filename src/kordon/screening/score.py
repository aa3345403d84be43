"""Combining feature values into one score in [0, 1], with per-call overrides.

``score = clamp(Σ weight × value, 0, 1)`` over the features registered in
:data:`kordon.screening.features.FEATURES`. Defaults (weights, threshold and
alignment parameters) come from ``data/weights.yml``; a call may override the
threshold and any weight, and unknown names are refused rather than ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kordon.screening.features import FEATURES, Comparison, Feature, defaults
from kordon.screening.query import FeatureContribution, QueryError


@dataclass(frozen=True, slots=True)
class Settings:
    """Threshold, weights and parameters for one screening call."""

    threshold: float
    weights: tuple[tuple[Feature, float], ...]  # registry order, zero weights left out
    params: dict[str, float]
    _headroom: dict[bool, float] = field(default_factory=dict, compare=False, repr=False)
    _steps: dict[bool, tuple[tuple[Feature, float, float], ...]] = field(default_factory=dict, compare=False,
                                                                        repr=False)
    _least: dict[tuple[float, bool], float] = field(default_factory=dict, compare=False, repr=False)

    def weight(self, name: str) -> float:
        return next((w for f, w in self.weights if f.name == name), 0.0)

    def headroom(self, has_identifier: bool) -> float:
        """The most that the positive features can add (identifier_match only when an ID matched)."""
        cached = self._headroom.get(has_identifier)
        if cached is None:
            cached = self._headroom[has_identifier] = sum(most for _, _, most in self.steps(has_identifier))
        return cached

    def steps(self, has_identifier: bool) -> tuple[tuple[Feature, float, float], ...]:
        """Each feature with its weight and the most it can add: its weight when positive (identifier_match
        only when an ID matched), else nothing. Made once: :func:`score` walks it for every comparison."""
        cached = self._steps.get(has_identifier)
        if cached is None:
            cached = self._steps[has_identifier] = tuple(
                (f, w, w if w > 0 and (has_identifier or f.name != "identifier_match") else 0.0)
                for f, w in self.weights)
        return cached

    def least_name_match(self, threshold: float, has_identifier: bool) -> float:
        """The lowest name_match value with which a comparison can still score ``threshold``: under it even
        every other positive feature at its most leaves the score below (``-inf``: no such bound)."""
        least = self._least.get((threshold, has_identifier))
        if least is None:
            weight = self.weight("name_match")
            if threshold <= 0.0 or weight <= 0.0:  # a score clamped to 0 reaches a threshold of 0
                least = float("-inf")
            else:  # a little lower, clear of float rounding
                least = (threshold - (self.headroom(has_identifier) - weight)) / weight - 1e-9
            self._least[threshold, has_identifier] = least
        return least


def settings(threshold: float | None = None, weights: dict[str, float] | None = None,
             params: dict[str, float] | None = None, base: Settings | None = None) -> Settings:
    """``base`` (default: the documented defaults) with the caller's overrides applied and checked."""
    if base is None:
        d = defaults()
        base_threshold, base_weights, base_params = d.threshold, d.weights, d.params
    else:
        base_threshold, base_params = base.threshold, base.params
        base_weights = {f.name: base.weight(f.name) for f in FEATURES}
    merged = dict(base_weights)
    for name, value in (weights or {}).items():
        if name not in merged:
            raise QueryError(f"unknown feature {name!r}; features: {', '.join(merged)}")
        merged[name] = float(value)
    merged_params = dict(base_params)
    for name, value in (params or {}).items():
        if name not in merged_params:
            raise QueryError(f"unknown parameter {name!r}; parameters: {', '.join(merged_params)}")
        merged_params[name] = float(value)
    t = base_threshold if threshold is None else float(threshold)
    if not 0.0 <= t <= 1.0:
        raise QueryError(f"threshold must be between 0 and 1, not {t}")
    ordered = tuple((f, merged[f.name]) for f in FEATURES if merged[f.name] != 0.0)
    return Settings(t, ordered, merged_params)


def score(c: Comparison, s: Settings, floor: float | None = None) -> float:
    """The clamped weighted sum of all features for one comparison.

    With ``floor``, stop as soon as the features still to come cannot lift the
    score to it (the result is then some value below ``floor``).
    """
    total = 0.0
    has_identifier = c.entity in c.query.id_entities
    headroom = s.headroom(has_identifier) if floor is not None else 0.0
    values = []
    for feature, weight, most in s.steps(has_identifier):
        value, detail = feature.func(c)
        values.append((feature.name, value, detail))
        total += weight * value
        if floor is not None:
            headroom -= most
            if total + headroom < floor:
                return max(0.0, min(total, floor - 1e-9))
    c.values = values  # kept for the explanation
    return min(1.0, max(0.0, total))


def contributions(c: Comparison, s: Settings) -> list[FeatureContribution]:
    """Every feature with its value, weight and detail (for the explanation of a hit)."""
    values = c.values
    if values is None or [name for name, _, _ in values] != [f.name for f, _ in s.weights]:
        values = [(feature.name, *feature.func(c)) for feature, _ in s.weights]
    return [FeatureContribution(name, round(value, 4), weight, detail)
            for (_, weight), (name, value, detail) in zip(s.weights, values)]
