"""Screening speed on every list at once: single-query latency, batch throughput, brute-force baseline.

    .bench-venv/bin/python bench/screening_speed.py [--queries 2200] [--batch 10000] [--write-doc]

Queries: damaged listed names (a random variant class of bench/variants.py
applied to a random person or legal entity of any list) and synthetic
non-listed persons (../shared/data/names/yente_benchmark/negatives_*.csv),
half and half. The same queries go through

- kordon: ``Screener.screen`` one at a time (latency), ``Screener.screen_many``
  with one and two worker processes (throughput);
- the baseline: rapidfuzz ``process.extract`` over every listed name, with
  names folded to ASCII, case-folded and their words sorted once up front, and
  ``fuzz.ratio`` on the query folded the same way (which is token_sort_ratio
  without re-sorting every listed name on every query). kordon and this
  baseline take turns, 100 queries each, so that both see the same machine load;
  the slower ``fuzz.WRatio`` baseline runs on the first queries afterwards.

A damaged query is found when the top hit is its entity or an entity with the
same name in another list (load_lists.SameName).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_lists import (  # noqa: E402
    ROOT, SameName, bench_arguments, command_line, facts_markdown, floor_table, latency_ms, load_entities,
    machine_facts, publish, report_header,
)
from variants import VARIANT_CLASSES, Source, make_variant  # noqa: E402

NEGATIVES = ROOT.parent / "shared" / "data" / "names" / "yente_benchmark"
BLOCK = 100  # queries per turn of kordon and the baseline
SCREENABLE = ("person", "company", "organization")


def fold(text: str, sort: bool = True) -> str:
    """The baseline's normalisation: ASCII (transliterated), case-folded, letters and digits, words sorted."""
    from rigour.text.translit import ascii_text

    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text(text).casefold()).split()
    return " ".join(sorted(words) if sort else words)


class BruteForce:
    """The baseline: rapidfuzz over every listed name, best entities first.

    ``scorer="ratio"``: names folded with their words sorted once up front and
    ``fuzz.ratio`` (= token_sort_ratio without re-sorting every name per query),
    the fastest fair form. ``scorer="wratio"``: ``fuzz.WRatio`` on folded names,
    the form most often used.
    """

    def __init__(self, entities: list[Any], scorer: str = "ratio"):
        from rapidfuzz import fuzz

        self.entities = entities
        self.sort = scorer == "ratio"
        self.scorer = fuzz.ratio if self.sort else fuzz.WRatio
        self.names: list[str] = []
        self.owner: list[int] = []
        for i, entity in enumerate(entities):
            for key in dict.fromkeys(fold(n.value, self.sort) for n in entity.names):
                if key:
                    self.names.append(key)
                    self.owner.append(i)

    def search(self, query: str, limit: int = 5) -> list[tuple[Any, float]]:
        from rapidfuzz import process

        out: dict[int, float] = {}
        for _, score, idx in process.extract(fold(query, self.sort), self.names, scorer=self.scorer,
                                             limit=limit * 4):
            owner = self.owner[idx]
            if owner not in out:
                out[owner] = score / 100.0
            if len(out) >= limit:
                break
        return [(self.entities[i], s) for i, s in out.items()]


def run_baseline(brute: BruteForce, queries: list[tuple[str, str, Any]], same: SameName, cutoff: float,
                 kordon_found: dict[int, tuple[bool, bool]], kordon_false: dict[int, bool],
                 timed: list[tuple[float, list[tuple[Any, float]]]] | None = None) -> dict[str, Any]:
    """Latency and recall of one baseline over ``queries``, with kordon's recall on the same ones.

    Besides any score and a fixed cut-off, the baseline's recall is read at its *matched* cut-off:
    the lowest at which it flags no larger share of the non-listed names than kordon does at its
    threshold (recall at equal false-hit rate, the fair comparison of two matchers).
    """
    lat: list[float] = []
    top_scores: dict[int, float] = {}
    right: dict[int, bool] = {}
    for i, (name, _, expected) in enumerate(queries):
        if timed is not None:  # timed already, next to kordon's run of the same query
            elapsed, res = timed[i]
        else:
            t = time.perf_counter()
            res = brute.search(name, limit=5)
            elapsed = time.perf_counter() - t
        lat.append(elapsed)
        top_scores[i] = res[0][1] if res else 0.0
        if expected is not None:
            right[i] = bool(res) and res[0][0].id in same.ids(expected)
    negatives = [i for i in top_scores if i not in right]
    n = len(right)
    allowed = int(sum(kordon_false[i] for i in negatives))  # kordon's false hits on the same names
    neg_scores = sorted((top_scores[i] for i in negatives), reverse=True)
    matched = neg_scores[allowed] + 1e-9 if allowed < len(neg_scores) else 0.0

    def recall_at(c: float) -> float:
        return sum(ok and top_scores[i] >= c for i, ok in right.items()) / n

    return {
        **latency_ms(lat), "recall_top1": sum(right.values()) / n,
        "recall_top1_at_cutoff": recall_at(cutoff), "cutoff": cutoff,
        "negatives_with_hit_at_cutoff": sum(top_scores[i] >= cutoff for i in negatives) / len(negatives),
        "matched_cutoff": matched, "recall_top1_at_matched": recall_at(matched),
        "negatives_with_hit_at_matched": sum(top_scores[i] >= matched for i in negatives) / len(negatives),
        "kordon_negatives_with_hit": allowed / len(negatives),
        "queries": len(queries), "listed_names": len(brute.names),
        "kordon_recall_same_queries": sum(kordon_found[i][0] for i in right) / n,
        "kordon_recall_any_score_same_queries": sum(kordon_found[i][1] for i in right) / n,
    }


def read_negatives(count: int, seed: int) -> list[str]:
    """``count`` synthetic non-listed person names, half from each yente negatives file."""
    names: list[str] = []
    for part in ("global", "us"):
        with (NEGATIVES / f"negatives_{part}.csv").open(encoding="utf-8", newline="") as fh:
            rows = [r["full_name"] for r in csv.DictReader(fh) if r.get("full_name", "").strip()]
        names += random.Random(f"{seed}:{part}").sample(rows, count // 2 + count % 2 * (part == "global"))
    return names


def damaged_queries(entities: list[Any], count: int, seed: int,
                    usable: Callable[[str, str], bool] = lambda name, qtype: True) -> list[tuple[str, str, Any, str]]:
    """(query name, query type, expected entity, variant class) for ``count`` random listed names;
    variants that ``usable`` rejects are replaced by others."""
    rng = random.Random(seed)
    pool = [e for e in entities if e.type.value in SCREENABLE and e.names]
    classes = list(VARIANT_CLASSES)
    out = []
    while len(out) < count:
        entity = rng.choice(pool)
        qtype = "person" if entity.type.value == "person" else "company"
        source = Source(entity.caption, qtype)
        kind = rng.choice(classes)
        variant = make_variant(kind, source, seed)
        if variant is not None and usable(variant, qtype):
            out.append((variant, qtype, entity, kind))
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    from kordon.screening.cli import hit_record
    from kordon.screening.query import Query, QueryError
    from kordon.screening.screener import Screener

    entities, summary = load_entities()
    same = SameName(entities)
    t0 = time.perf_counter()
    screener = Screener.from_entities(entities)
    build_s = time.perf_counter() - t0
    threshold = screener.defaults.threshold
    print(f"index: {len(entities):,} entities in {build_s:.1f}s", file=sys.stderr)

    def screenable(name: str, qtype: str) -> bool:
        """False for a variant with nothing left to match (a company name cut down to its legal form)."""
        try:
            screener.prepare(Query(name, type=qtype))
        except QueryError:
            return False
        return True

    half = args.queries // 2
    damaged = damaged_queries(entities, half, args.seed, screenable)
    negatives = read_negatives(args.queries - half, args.seed)
    queries = [(q, t, e) for q, t, e, _ in damaged] + [(n, "person", None) for n in negatives]
    random.Random(args.seed).shuffle(queries)

    # Warm-up on other names (lazy tables, caches of the first call), not timed.
    for name in read_negatives(200, args.seed + 1):
        screener.screen(Query(name, type="person"))
    screener.clear_caches()  # the damaged queries were prepared once by screenable(): time them cold

    # kordon and the fast baseline take turns, a block of queries each, so that both see the same
    # machine load over time (blocks rather than single queries: a 10 ms scan between two queries would
    # leave every query to start with cold processor caches, which is not how either runs).
    fast = BruteForce(entities, "ratio")
    fast.search("warm up", limit=5)
    fast_timed: list[tuple[float, list[tuple[Any, float]]]] = []
    lat: list[float] = []
    hits_of: list[list[Any]] = []
    for start in range(0, len(queries), BLOCK):
        block = queries[start : start + BLOCK]
        for name, qtype, _ in block:
            t = time.perf_counter()
            hits = screener.screen(Query(name, type=qtype))
            lat.append(time.perf_counter() - t)
            hits_of.append(hits)
        for name, _, _ in block:
            t = time.perf_counter()
            res = fast.search(name, limit=5)
            fast_timed.append((time.perf_counter() - t, res))
    found_at_threshold: dict[int, bool] = {}
    false_hit: dict[int, bool] = {}
    for i, ((name, qtype, expected), hits) in enumerate(zip(queries, hits_of)):
        if expected is None:
            false_hit[i] = bool(hits)
        else:
            found_at_threshold[i] = bool(hits) and hits[0].entity.id in same.ids(expected)
    n_damaged = len(found_at_threshold)
    kordon = {
        **latency_ms(lat), "recall_top1": sum(found_at_threshold.values()) / n_damaged,
        "negatives_with_hit": sum(false_hit.values()) / len(false_hit),
    }
    print(f"kordon: median {kordon['median_ms']:.2f} ms, p99 {kordon['p99_ms']:.2f} ms", file=sys.stderr)

    # Batch throughput on other, distinct queries (so caches of the latency run do not help).
    batch = [Query(q, type=t) for q, t, _, _ in damaged_queries(entities, args.batch // 2, args.seed + 2, screenable)]
    batch += [Query(n, type="person") for n in read_negatives(args.batch - len(batch), args.seed + 3)]
    throughput = {}
    for workers in (1, 2):
        row = throughput[workers] = {}
        for read in (False, True):
            screener.clear_caches()
            t = time.perf_counter()
            results = []
            for result in screener.screen_many(batch, workers=workers):
                if read:  # what `kordon screen-file` writes for each hit
                    for hit in result.hits:
                        hit_record(hit)
                results.append(result)
            elapsed = time.perf_counter() - t
            row["explained" if read else "scored"] = {"names_per_s": len(batch) / elapsed, "seconds": elapsed}
            row["errors"] = sum(1 for r in results if r.error)
            row["hits"] = sum(len(r.hits) for r in results)
            print(f"screen_many workers={workers} {'explained' if read else 'scored'}: "
                  f"{len(batch) / elapsed:,.0f} names/s", file=sys.stderr)

    # kordon's answers for every damaged query: found at the threshold (the timed run above), and
    # found at any score (untimed, threshold 0).
    kordon_found: dict[int, tuple[bool, bool]] = {}
    for i, (name, qtype, expected) in enumerate(queries):
        if expected is not None:
            hits = screener.screen(Query(name, type=qtype), threshold=0.0, limit=1)
            kordon_found[i] = (found_at_threshold[i], bool(hits) and hits[0].entity.id in same.ids(expected))
    kordon["recall_top1_any_score"] = sum(v[1] for v in kordon_found.values()) / len(kordon_found)

    baselines = {}
    for scorer, count in (("ratio", len(queries)), ("wratio", args.wratio_queries)):
        brute = fast if scorer == "ratio" else BruteForce(entities, scorer)
        baselines[scorer] = run_baseline(brute, queries[:count], same, args.brute_cutoff, kordon_found, false_hit,
                                         fast_timed if scorer == "ratio" else None)
        print(f"brute force ({scorer}): median {baselines[scorer]['median_ms']:.1f} ms", file=sys.stderr)
    baseline = baselines["ratio"]
    return {
        "entities": len(entities), "names": sum(len(e.names) for e in entities),
        "lists": [s.__dict__ for s in summary], "build_s": build_s, "threshold": threshold,
        "queries": len(queries), "damaged": n_damaged, "batch": len(batch), "kordon": kordon, "throughput": throughput,
        "baselines": baselines, "speedup_median": baseline["median_ms"] / kordon["median_ms"],
        "speedup_mean": baseline["mean_ms"] / kordon["mean_ms"],
        "facts": machine_facts(), "command": command_line("screening_speed.py"),
    }


BASELINE_TITLES = {
    "ratio": "rapidfuzz `fuzz.ratio`, words pre-sorted (fast token_sort_ratio)",
    "wratio": "rapidfuzz `fuzz.WRatio`",
}


def report(r: dict[str, Any]) -> str:
    k, tp, bases = r["kordon"], r["throughput"], r["baselines"]
    lists = "\n".join(f"| {s['source']} | {s['path']} | {s['entities']:,} |" for s in r["lists"])
    best_tp = max(t["scored"]["names_per_s"] for t in tp.values())
    best_explained = max(t["explained"]["names_per_s"] for t in tp.values())
    floors = [
        ("median latency ≤ 2 ms", f"{k['median_ms']:.2f} ms", k["median_ms"] <= 2),
        ("p99 latency ≤ 20 ms", f"{k['p99_ms']:.2f} ms", k["p99_ms"] <= 20),
        ("throughput ≥ 5,000 names/s (2 cores), hits with scores", f"{best_tp:,.0f} names/s", best_tp >= 5000),
        ("throughput ≥ 5,000 names/s (2 cores), every hit's record as screen-file writes it", f"{best_explained:,.0f} names/s",
         best_explained >= 5000),
    ]
    for name, base in bases.items():
        speedup = base["median_ms"] / k["median_ms"]
        floors.append((f"≥ 50× faster than brute force, {name} (median)", f"{speedup:.0f}×", speedup >= 50))
        floors.append((f"top-1 recall ≥ brute force, {name}, both at any score",
                       f"{base['kordon_recall_any_score_same_queries']:.1%} vs {base['recall_top1']:.1%}",
                       base["kordon_recall_any_score_same_queries"] >= base["recall_top1"]))
        floors.append((f"top-1 recall ≥ brute force, {name}, kordon at its threshold vs baseline at the cut-off "
                       f"with the same false-hit rate ({base['matched_cutoff']:.2f})",
                       f"{base['kordon_recall_same_queries']:.1%} vs {base['recall_top1_at_matched']:.1%}",
                       base["kordon_recall_same_queries"] >= base["recall_top1_at_matched"]))
    floor_rows = floor_table(floors)
    base_rows = "\n".join(
        f"| {BASELINE_TITLES[name]}, {x['listed_names']:,} names, {x['queries']:,} queries | {x['median_ms']:.1f} ms | "
        f"{x['p99_ms']:.1f} ms | {x['mean_ms']:.1f} ms | {x['recall_top1']:.1%} any score; "
        f"{x['recall_top1_at_cutoff']:.1%} at ≥ {x['cutoff']:.2f}; {x['recall_top1_at_matched']:.1%} at ≥ "
        f"{x['matched_cutoff']:.2f} | {x['negatives_with_hit_at_cutoff']:.1%} at ≥ {x['cutoff']:.2f}; "
        f"{x['negatives_with_hit_at_matched']:.1%} at ≥ {x['matched_cutoff']:.2f} (kordon "
        f"{x['kordon_negatives_with_hit']:.1%}) | "
        f"{x['kordon_recall_same_queries']:.1%}; {x['kordon_recall_any_score_same_queries']:.1%} |"
        for name, x in bases.items())
    tp_rows = "\n".join(
        f"| {w} | {t['scored']['names_per_s']:,.0f} ({t['scored']['seconds']:.1f} s) | "
        f"{t['explained']['names_per_s']:,.0f} ({t['explained']['seconds']:.1f} s) | {t['hits']:,} | {t['errors']} |"
        for w, t in tp.items())
    return f"""# Screening speed

{report_header("screening_speed.py", r['command'])}

## Lists loaded together

| source | file | entities |
|---|---|---|
{lists}

{r['entities']:,} entities, {r['names']:,} names. Index build (`Screener.from_entities`): {r['build_s']:.1f} s.

## Results

{r['queries']:,} queries: {r['damaged']:,} damaged listed names (one random variant class each) and
{r['queries'] - r['damaged']:,} synthetic non-listed persons. Default threshold {r['threshold']:.2f}.

| floor | measured | |
|---|---|---|
{floor_rows}

| | median | p99 | mean | top-1 recall on damaged names | non-listed names with a hit | kordon on the same queries: at threshold; any score |
|---|---|---|---|---|---|---|
| kordon `screen` | {k['median_ms']:.2f} ms | {k['p99_ms']:.2f} ms | {k['mean_ms']:.2f} ms | {k['recall_top1']:.1%} at threshold; {k['recall_top1_any_score']:.1%} any score | {k['negatives_with_hit']:.1%} | |
{base_rows}

Speed-up over the fast baseline: {r['speedup_median']:.0f}× on the median, {r['speedup_mean']:.0f}× on the mean.

Batch (`screen_many`, {r['batch']:,} other distinct queries, half damaged, half non-listed; caches
cleared before each run). "scored": the results are collected (hits with ids and scores; entities
and explanations built only when read); "explained": every hit's record is made as well, as
`kordon screen-file` writes it (`hit_record`: source, ids, names, score and the explanation).

| processes | names/s, scored | names/s, explained | hits | errors |
|---|---|---|---|---|
{tp_rows}

## Machine

{facts_markdown(r['facts'])}

The machine is shared and noisy: compare ratios and medians, not single runs.
"""


def main() -> None:
    ap = bench_arguments("screening_speed.md", __doc__)
    ap.add_argument("--queries", type=int, default=2200)
    ap.add_argument("--batch", type=int, default=10000)
    ap.add_argument("--wratio-queries", type=int, default=300, help="run the (slow) WRatio baseline on the first N")
    ap.add_argument("--brute-cutoff", type=float, default=0.85)
    args = ap.parse_args()
    result = run(args)
    publish(args, "screening_speed.md", result, report(result))


if __name__ == "__main__":
    main()
