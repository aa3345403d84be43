"""Screening at scale: 1,000,000 synthetic entities (bench/synthetic.py).

    .bench-venv/bin/python bench/screening_scale.py [--n 1000000] [--write-doc]

The work runs in a child process so that its peak resident memory can be read
cleanly (``getrusage(RUSAGE_CHILDREN)`` after it exits, cross-checked by
sampling its RSS with psutil). In the child:

1. the name pools are filled from Faker;
2. ``Screener.from_entities`` indexes the entities as they are generated
   (streamed, as ``Screener.from_store`` reads a store): the time spent
   generating is measured separately and subtracted, giving the build time;
3. 1,000 queries are screened one at a time: damaged names of indexed
   entities (bench/variants.py, random class) and synthetic non-listed persons.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_lists import (  # noqa: E402
    bench_arguments, command_line, facts_markdown, floor_table, latency_ms, machine_facts, publish, report_header,
)

GB = 1024 ** 3


class TimedStream:
    """Iterates ``items`` and adds up the time spent producing them; keeps every ``every``-th item."""

    def __init__(self, items: Iterable[Any], every: int):
        self.items = iter(items)
        self.every = every
        self.seconds = 0.0
        self.count = 0
        self.kept: list[Any] = []

    def __iter__(self) -> Iterator[Any]:
        clock = time.perf_counter
        while True:
            t = clock()
            try:
                item = next(self.items)
            except StopIteration:
                self.seconds += clock() - t
                return
            self.seconds += clock() - t
            self.count += 1
            if self.count % self.every == 0:
                self.kept.append(item)
            yield item


def child(args: argparse.Namespace) -> dict[str, Any]:
    import psutil

    from kordon.screening.query import Query
    from kordon.screening.screener import Screener
    from screening_speed import read_negatives
    from synthetic import build_pools, generate
    from variants import VARIANT_CLASSES, Source, make_variant

    proc = psutil.Process()
    t = time.perf_counter()
    pools = build_pools(args.seed)
    pools_s = time.perf_counter() - t
    rss_before = proc.memory_info().rss

    stream = TimedStream(generate(args.n, args.seed, pools), every=max(1, args.n // args.queries))
    t = time.perf_counter()
    screener = Screener.from_entities(stream)
    total_s = time.perf_counter() - t
    build_s = total_s - stream.seconds
    rss_after = proc.memory_info().rss
    print(f"{stream.count:,} entities: generated in {stream.seconds:.1f}s, indexed in {build_s:.1f}s", file=sys.stderr)

    rng = random.Random(args.seed)
    classes = list(VARIANT_CLASSES)
    queries: list[tuple[str, str, str | None]] = []
    for entity in stream.kept[: args.queries // 2]:
        qtype = entity.type.value
        name = rng.choice(entity.names).value
        variant = None
        for _ in range(5):
            variant = make_variant(rng.choice(classes), Source(name, qtype), args.seed)
            if variant:
                break
        queries.append((variant or name, qtype, entity.id))
    queries += [(n, "person", None) for n in read_negatives(args.queries - len(queries), args.seed)]
    rng.shuffle(queries)
    for name in read_negatives(100, args.seed + 1):  # warm-up, not timed
        screener.screen(Query(name, type="person"))
    screener.clear_caches()
    lat, found, damaged = [], 0, 0
    for name, qtype, expected in queries:
        t = time.perf_counter()
        hits = screener.screen(Query(name, type=qtype), limit=10)
        lat.append(time.perf_counter() - t)
        if expected:
            damaged += 1
            found += any(h.entity.id == expected for h in hits)
    return {
        "n": stream.count, "pools_s": pools_s, "generate_s": stream.seconds, "build_s": build_s,
        "total_s": total_s, "rss_before_gb": rss_before / GB, "rss_after_build_gb": rss_after / GB,
        "self_peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GB,
        "queries": len(queries), **latency_ms(lat),
        "found_in_top10": found / damaged if damaged else 0.0,
        "names": int(getattr(screener.index, "name_count", 0)),
    }


def parent(args: argparse.Namespace) -> dict[str, Any]:
    import psutil

    cmd = [sys.executable, __file__, "--child", "--n", str(args.n), "--seed", str(args.seed),
           "--queries", str(args.queries)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        p = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                peak[0] = max(peak[0], p.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"child failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / GB
    result["sampled_peak_rss_gb"] = peak[0] / GB
    result["facts"] = machine_facts()
    result["command"] = command_line("screening_scale.py")
    return result


def report(r: dict[str, Any]) -> str:
    floors = [
        ("index build < 3 min", f"{r['build_s']:.0f} s", r["build_s"] < 180),
        ("median query ≤ 10 ms", f"{r['median_ms']:.2f} ms", r["median_ms"] <= 10),
        ("peak RSS ≤ 4 GB", f"{r['peak_rss_gb']:.2f} GB", r["peak_rss_gb"] <= 4),
    ]
    rows = floor_table(floors)
    return f"""# Screening at scale

{report_header("screening_scale.py", r['command'])}

{r['n']:,} synthetic entities (bench/synthetic.py: 60 % persons, 40 % companies; Russian, Ukrainian,
Kazakh, English and Arabic names with Latin aliases, dates and countries), {r['names']:,} indexed names.

| floor | measured | |
|---|---|---|
{rows}

| step | |
|---|---|
| fill name pools with Faker | {r['pools_s']:.1f} s |
| generate entities (streamed into the index) | {r['generate_s']:.1f} s |
| build the index (`Screener.from_entities`, generation time subtracted) | {r['build_s']:.1f} s |
| RSS before / after the build | {r['rss_before_gb']:.2f} GB / {r['rss_after_build_gb']:.2f} GB |
| peak RSS of the whole run (getrusage; psutil sampling) | {r['peak_rss_gb']:.2f} GB; {r['sampled_peak_rss_gb']:.2f} GB |
| query latency over {r['queries']:,} queries: median / p99 / mean | {r['median_ms']:.2f} / {r['p99_ms']:.2f} / {r['mean_ms']:.2f} ms |
| damaged names whose entity is in the top 10 (sanity check; synthetic names repeat) | {r['found_in_top10']:.1%} |

## Machine

{facts_markdown(r['facts'])}

The machine is shared and noisy: compare medians, not single runs.
"""


def main() -> None:
    ap = bench_arguments("screening_scale.md", __doc__)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    result = parent(args)
    publish(args, "screening_scale.md", result, report(result))


if __name__ == "__main__":
    main()
