"""Import speed of the real lists into a fresh store (issue 2, item 7).

Imports the full OFAC SDN set, the UN list, every EU journal annex file and the
84,407-row multi-list file of 2022 from ../shared/data, into a new SQLite
store, REPEATS times; reports the median per list and in total, parse-only
time beside it (so the store's own cost shows), and peak memory.

    .venv/bin/python bench/lists_import.py [--repeats 5] [--out docs/benchmarks/lists_import.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kordon.lists.base import ImportReport
from kordon.lists.registry import get_source
from kordon.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sanctions"

JOBS = [
    # (label, source, path, options)
    ("OFAC SDN 2024-05-03 (+2025-01 side files)", "ofac", DATA / "ofac" / "2025-01",
     {"sdn": str(DATA / "ofac" / "sdn_2024-05-03.csv")}),
    ("OFAC non-SDN 2025-12", "ofac-nonsdn", DATA / "ofac" / "cons_nonsdn_2025-12", {}),
    ("UN consolidated 2026-02-27", "un", DATA / "un" / "UN_consolidated_2026-02-27.xml", {}),
    ("EU journal, 45 consolidated + 11 amendment files", "eu-journal", DATA / "eu_journal", {}),
    ("Multi-list 2022 (84,407 rows)", "multi", DATA / "multi_list_2022" / "combined_sanction_lists_20220505_main.csv", {}),
]


def parse_only(source: str, path: Path, options: dict) -> tuple[float, int]:
    src = get_source(source)
    start = time.perf_counter()
    n = sum(1 for _ in src.read(path, ImportReport(source, str(path)), **options))
    return time.perf_counter() - start, n


def import_all(store_path: Path) -> dict[str, tuple[float, int]]:
    out = {}
    with Store.open(store_path) as store:
        for label, source, path, options in JOBS:
            start = time.perf_counter()
            result = store.import_list(get_source(source), path, options=options, force=True)
            out[label] = (time.perf_counter() - start, result.version.entity_count)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "lists_import.md")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"missing {DATA}: the benchmark needs ../shared/data")

    runs, parses = [], []
    for _ in range(args.repeats):
        parses.append({label: parse_only(s, p, o) for label, s, p, o in JOBS})
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(import_all(Path(tmp) / "lists.sqlite"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = []
    for label, *_ in JOBS:
        imp = statistics.median(r[label][0] for r in runs)
        par = statistics.median(p[label][0] for p in parses)
        rows.append((label, runs[0][label][1], par, imp))
    totals = [sum(r[label][0] for label, *_ in JOBS) for r in runs]
    total = statistics.median(totals)

    command = "python bench/lists_import.py " + " ".join(sys.argv[1:])
    lines = [
        "## List import speed",
        "",
        f"Command: `{command.strip()}` (from the project root, kordon's venv).",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; "
        f"median of {args.repeats} runs, each into a new store.",
        "",
        "| list | entities | parse only (s) | parse + store (s) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {label} | {n:,} | {par:.2f} | {imp:.2f} |" for label, n, par, imp in rows]
    lines += [
        f"| **all together** | {sum(r[1] for r in rows):,} | {sum(r[2] for r in rows):.2f} | **{total:.2f}** |",
        "",
        f"Floor (issue 2): all of these under 30 s. Measured: {total:.1f} s median "
        f"(min {min(totals):.1f}, max {max(totals):.1f}) = {total / 30:.0%} of the budget. "
        f"Peak resident memory of the benchmark process: {peak_mb:.0f} MB.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
