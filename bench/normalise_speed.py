"""Speed of kordon's name normaliser against rigour's, on real list names.

Run from the project root:

    .venv/bin/python bench/normalise_speed.py [--runs 5] [--write docs/benchmarks/normalise.md]

Name sets: every name (primary, aliases, original script) of the UN
consolidated list via kordon's UN parser, and the ``full_name`` column of the
84k-row multi-list file (../shared/data, see MANIFEST.md). Each run clears all
per-name and per-token caches first, so the figures are cold-cache costs
(the compiled tables stay loaded: they are built once per process). Times are
CPU time of this process (time.process_time), less disturbed than wall time
on a shared machine.

Baselines:
  * rigour-min: ``rigour.text.translit.ascii_text(rigour.names.tokenize.normalize_name(n))``
    (casefold, tokenise, transliterate; no titles, legal forms, tags or keys);
  * rigour-analyze: ``rigour.names.analyze_names(type, [n])`` (rigour's full
    analysis: prefixes, org types, part tagging, phonetics), the closest
    counterpart of ``normalise_name``.
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
UN_XML = SHARED / "sanctions/un/UN_consolidated_2026-02-27.xml"
MULTI_CSV = SHARED / "sanctions/multi_list_2022/combined_sanction_lists_20220505_main.csv"

_MULTI_TYPES = {"individual": "person", "person": "person", "entity": "company", "enterprise": "company",
                "vessel": "vessel", "ship": "vessel", "aircraft": "aircraft"}


def un_names() -> list[tuple[str, str]]:
    from kordon.lists.base import ImportReport
    from kordon.lists.registry import get_source
    from kordon.model import Entity

    out = []
    for ent in get_source("un").read(UN_XML, ImportReport("un", str(UN_XML))):
        if isinstance(ent, Entity):
            out += [(n.value, str(ent.type)) for n in ent.names if n.value.strip()]
    return out


def multi_names() -> list[tuple[str, str]]:
    csv.field_size_limit(1 << 30)
    with open(MULTI_CSV, encoding="utf-8", errors="replace", newline="") as fh:
        return [
            (row["full_name"], _MULTI_TYPES.get(row["entity_type"].strip().lower(), "any"))
            for row in csv.DictReader(fh)
            if row["full_name"].strip()
        ]


def kordon_runner():
    from kordon.screening import names, normalise, translit

    def clear():
        normalise._normalise.cache_clear()
        names.name_key.cache_clear()
        normalise._KEYS.clear()
        translit._icu_ascii.cache_clear()

    def run(items):
        for name, kind in items:
            try:
                normalise.normalise_name(name, kind)
            except normalise.EmptyName:
                pass

    return clear, run


def kordon_warm_keys_runner():
    """Only the per-name cache cleared: tokens repeat across a list, their keys stay cached."""
    from kordon.screening import normalise

    _, run = kordon_runner()
    return normalise._normalise.cache_clear, run


def rigour_min_runner():
    from rigour.names import tokenize
    from rigour.text.translit import ascii_text

    def run(items):
        for name, _ in items:
            ascii_text(tokenize.normalize_name(name) or "")

    return tokenize.normalize_name.cache_clear, run


def rigour_analyze_runner():
    from rigour.names import NameTypeTag, analyze_names, tokenize

    tags = {"person": NameTypeTag.PER, "company": NameTypeTag.ORG, "organization": NameTypeTag.ORG,
            "vessel": NameTypeTag.OBJ, "aircraft": NameTypeTag.OBJ, "any": NameTypeTag.ENT}

    def run(items):
        for name, kind in items:
            analyze_names(tags[kind], [name])

    return tokenize.normalize_name.cache_clear, run


def measure(runner, items, runs: int) -> float:
    """Median µs (CPU time) per name over ``runs`` runs, ``clear()`` before each."""
    clear, run = runner()
    run(items)  # load tables, ICU, Rust core; fills the caches a "warm" runner keeps
    times = []
    for _ in range(runs):
        clear()
        t0 = time.process_time()
        run(items)
        times.append((time.process_time() - t0) / len(items) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path, help="write a Markdown report here")
    args = parser.parse_args()

    sets = {"UN list (all names)": un_names(), "multi-list 2022 (full_name)": multi_names()}
    runners = {"kordon normalise_name": kordon_runner, "kordon, token keys warm": kordon_warm_keys_runner,
               "rigour-min": rigour_min_runner,
               "rigour analyze_names": rigour_analyze_runner}
    rows = []
    for set_name, items in sets.items():
        non_ascii = sum(not n.isascii() for n, _ in items)
        results = {r: measure(fn, items, args.runs) for r, fn in runners.items()}
        rows.append((set_name, len(items), non_ascii, results))
        print(set_name, len(items), {k: round(v, 2) for k, v in results.items()}, flush=True)

    if args.write:
        lines = [
            "# Name normalisation speed",
            "",
            "Command (from the project root):",
            "",
            "```",
            f".venv/bin/python bench/normalise_speed.py --runs {args.runs} --write {args.write}",
            "```",
            "",
            (f"Machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}; "
            "shared 2-core machine, so absolute figures move by ±30 % between runs: compare the ratios."),
            "",
            (f"µs of CPU time (process_time) per name, median of {args.runs} runs. Cold: every per-name and "
            "per-token cache cleared before each run. Token keys warm: only the per-name cache cleared, the "
            "steady state of indexing a large list, where tokens repeat."),
            "",
            "| name set | names | non-ASCII | " + " | ".join(runners) + " | kordon / rigour analyze |",
            "|---|---:|---:|" + "---:|" * (len(runners) + 1),
        ]
        for set_name, n, non_ascii, res in rows:
            ratio = res["kordon normalise_name"] / res["rigour analyze_names"]
            lines.append(f"| {set_name} | {n:,} | {non_ascii:,} | "
                         + " | ".join(f"{res[r]:.1f}" for r in runners) + f" | {ratio:.2f} |")
        lines += [
            "",
            "Name sets: every name (primary, aliases, original script) of the UN consolidated list of",
            "2026-02-27 read by kordon's UN parser; the `full_name` column of the 84k-row multi-list file",
            "of 2022 (entity types mapped to person/company/vessel/aircraft/any).",
            "",
            "Baselines:",
            "",
            "* rigour-min: `rigour.text.translit.ascii_text(rigour.names.tokenize.normalize_name(n))`:",
            "  casefold, tokenise, transliterate; no titles, legal forms, tags or keys (its lru_cache cleared).",
            "* rigour analyze_names: `rigour.names.analyze_names(type, [n])`, rigour's full analysis",
            "  (prefixes, org types, part tagging, phonetics), the closest counterpart of `normalise_name`.",
        ]
        args.write.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
