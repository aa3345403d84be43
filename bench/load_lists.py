"""Every list in ../shared/data/sanctions, loaded together for the screening benchmarks.

One helper for all benches: :func:`load_entities` parses each list with its
kordon parser (``kordon.lists.registry.get_source``) and returns the entities
of all of them; :func:`load_store` imports the same lists into a kordon
:class:`~kordon.store.Store` (one current version per source) for benches that
screen through the store. Lists whose parser is not there yet are skipped and
named in the summary, so a bench never silently runs on fewer lists.

Parsed entities are cached (pickle, in the system temp folder) under a key made
of the data files' sizes and times and of the parsers' source code, so a change
to either re-parses.

Also shared by the benches: :class:`SameName`, which tells when a hit from
another list is the same listed person or organisation as the expected entity
(the same person is on the OFAC, EU and UN lists), and :func:`machine_facts`
for the reports.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import platform
import re
import sys
import unicodedata
from collections import defaultdict
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SANCTIONS = ROOT.parent / "shared" / "data" / "sanctions"

# (source name, path under sanctions/, parser options with paths under sanctions/)
LISTS: list[tuple[str, str, dict[str, str]]] = [
    ("ofac", "ofac/sdn_2024-05-03.csv",
     {"alt": "ofac/2025-01/alt.csv", "add": "ofac/2025-01/add.csv", "comments": "ofac/2025-01/sdn_comments.csv"}),
    ("ofac-nonsdn", "ofac/cons_nonsdn_2025-12", {}),
    ("un", "un/UN_consolidated_2026-02-27.xml", {}),
    ("eu-journal", "eu_journal", {}),  # consolidated acts + 2026 amendments
    ("uk-ofsi", "uk/ConList_fragment_c2020.csv", {}),
    ("multi", "multi_list_2022/combined_sanction_lists_20220505_main.csv", {}),
    ("opensanctions", "opensanctions/zala/entities.ftm.json", {}),
    ("opensanctions", "opensanctions/t1/entities.ftm.json", {}),
    ("us-csl", "us_csl/csl_sample.csv", {}),
]
# Not loaded: ofac/2021-07, an older version of the SDN list (a store keeps one current version per list).


@dataclass
class Loaded:
    source: str
    path: str
    entities: int
    problems: int
    seconds: float
    error: str | None = None


def _resolve(rel: str) -> Path:
    return SANCTIONS / rel


def _cache_key() -> str:
    digest = hashlib.sha256()
    for _, rel, opts in LISTS:
        for p in [_resolve(rel), *(_resolve(v) for v in opts.values())]:
            files = sorted(p.rglob("*")) if p.is_dir() else [p]
            for f in files:
                if f.is_file():
                    st = f.stat()
                    digest.update(f"{f}:{st.st_size}:{st.st_mtime_ns}".encode())
    for f in sorted((ROOT / "src" / "kordon" / "lists").glob("*.py")) + [ROOT / "src" / "kordon" / "model.py"]:
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def _parse(source_name: str, rel: str, opts: dict[str, str]) -> tuple[list[Any], Loaded]:
    from kordon.lists.base import ImportReport
    from kordon.lists.registry import get_source
    from kordon.model import Entity

    path = _resolve(rel)
    t0 = time.perf_counter()
    try:
        source = get_source(source_name)
        report = ImportReport(source_name, str(path))
        options = {k: str(_resolve(v)) for k, v in opts.items()}
        entities = [e for e in source.read(path, report, **options) if isinstance(e, Entity)]
    except (ImportError, AttributeError) as exc:  # parser not written yet
        return [], Loaded(source_name, rel, 0, 0, time.perf_counter() - t0, f"no parser: {exc}")
    return entities, Loaded(source_name, rel, len(entities), len(report.problems), time.perf_counter() - t0)


def load_entities(use_cache: bool = True, verbose: bool = True) -> tuple[list[Any], list[Loaded]]:
    """All listed entities of every list (ids unique: a repeated id keeps its first record)."""
    cache = Path(tempfile.gettempdir()) / "kordon-bench-cache" / f"lists-{_cache_key()}.pkl"
    if use_cache and cache.exists():
        with cache.open("rb") as fh:
            entities, summary = pickle.load(fh)
    else:
        entities, summary, seen = [], [], set()
        for source_name, rel, opts in LISTS:
            ents, loaded = _parse(source_name, rel, opts)
            for e in ents:
                if e.id not in seen:
                    seen.add(e.id)
                    entities.append(e)
            summary.append(loaded)
        if use_cache and all(s.error is None for s in summary):
            cache.parent.mkdir(parents=True, exist_ok=True)
            with cache.open("wb") as fh:
                pickle.dump((entities, summary), fh, protocol=pickle.HIGHEST_PROTOCOL)
    if verbose:
        print(describe(summary, entities), file=sys.stderr)
    return entities, summary


def load_store(path: Path, verbose: bool = True):
    """Import every list into a kordon Store at ``path`` and return it (open).

    The two OpenSanctions files are one source in a store, so only the last one
    imported stays current there; the in-memory loader keeps both.
    """
    from kordon.lists.registry import get_source
    from kordon.store import Store

    store = Store.open(path)
    for source_name, rel, opts in LISTS:
        try:
            store.import_list(get_source(source_name), _resolve(rel), force=True,
                              options={k: str(_resolve(v)) for k, v in opts.items()})
        except (ImportError, AttributeError) as exc:
            if verbose:
                print(f"skipped {source_name}: no parser ({exc})", file=sys.stderr)
    return store


def describe(summary: list[Loaded], entities: list[Any] | None = None) -> str:
    lines = [f"{s.source:14} {s.path:60} {s.entities:>7,} entities {s.problems:>6,} problems"
             + (f"  SKIPPED: {s.error}" if s.error else "") for s in summary]
    if entities is not None:
        names = sum(len(e.names) for e in entities)
        lines.append(f"{'all':14} {'':60} {len(entities):>7,} entities {names:>7,} names")
    return "\n".join(lines)


def name_key(name: str) -> str:
    """Words of letters and digits, accents and case folded, sorted: "AL-ZAWAHIRI, Ayman" -> "al ayman zawahiri"."""
    text = unicodedata.normalize("NFKD", name).casefold()
    return " ".join(sorted(re.findall(r"[^\W_]+", "".join(ch for ch in text if not unicodedata.combining(ch)))))


# Identifier kinds that name exactly one holder (a KPP, a phone or a website may be shared).
_UNIQUE_IDS = {"passport", "national_id", "tax_id", "inn", "ogrn", "okpo", "bin", "iin", "registration", "imo",
               "mmsi", "lei", "swift_bic", "ssn", "aircraft_serial", "aircraft_tail", "crypto_wallet"}
_SKELETON_DROP = str.maketrans("", "", "aeiouyhwj")


def skeleton(token: str) -> str:
    """A crude romanisation-proof form of one word: consonants only, doubles collapsed
    ("Bashankayev", "Bashankaev", "Башанкаев" -> "bshnkv")."""
    from rigour.text.translit import ascii_text

    t = ascii_text(token).casefold().replace("x", "ks").replace("c", "k").replace("q", "k").translate(_SKELETON_DROP)
    return re.sub(r"([a-z])\1+", r"\1", "".join(ch for ch in t if ch.isalnum()))


class SameName:
    """Which listed entities are the same listed person or organisation as a given one, in any list.

    A query built from an OFAC entry may rightly find the same person's EU or UN
    entry first, and no name matcher can (or should) rank one above the other.
    Two entities of the same kind (persons with persons, legal entities with
    legal entities) count as the same when, without using kordon's matcher,

    - one of their names (weak aliases aside) is the same once case, accents,
      punctuation and word order are ignored (:func:`name_key`), and birth years,
      where both have one, overlap (one year of slack);
    - or one of their names (two words or more, eight consonants or more) has the
      same consonant skeleton word for word (:func:`skeleton`: romanisation
      variants, Cyrillic and Latin), and for persons both have birth years and
      they overlap;
    - or they share an identifier that names one holder (passport, INN, IMO...);
    - or one is the OFAC entry itself as carried by the 2022 combined file (``multi-sdn-N`` = ``ofac-N``).
    """

    def __init__(self, entities: list[Any]):
        from kordon.model import NameKind

        self._weak = NameKind.WEAK
        self._entities = {e.id: e for e in entities}
        self._index: dict[tuple[str, bool, str], set[str]] = defaultdict(set)
        for e in entities:
            for key in self._keys(e):
                self._index[key].add(e.id)

    def _keys(self, entity: Any) -> set[tuple[str, bool, str]]:
        person = entity.type.value == "person"
        keys = set()
        for n in entity.names:
            if n.kind == self._weak:
                continue
            if exact := name_key(n.value):
                keys.add(("name", person, exact))
            words = sorted(w for w in (skeleton(t) for t in re.findall(r"[^\W_]+", n.value)) if w)
            if len(words) >= 2 and sum(map(len, words)) >= 8:  # short skeletons collide ("md sn")
                keys.add(("skeleton", person, " ".join(words)))
        for i in entity.identifiers:
            if i.kind.value in _UNIQUE_IDS and len(i.normalized) >= 5:
                keys.add(("id", person, i.normalized))
        return keys

    @staticmethod
    def _years(entity: Any) -> list[tuple[int, int]]:
        return [y for d in entity.dates if d.kind.value == "birth" and (y := d.years)]

    def _agree(self, how: str, person: bool, a: Any, b: Any) -> bool:
        if how == "id" or not person:
            return True
        ya, yb = self._years(a), self._years(b)
        if not ya or not yb:
            return how == "name"
        return any(lo1 - 1 <= hi2 and lo2 - 1 <= hi1 for lo1, hi1 in ya for lo2, hi2 in yb)

    def ids(self, entity: Any) -> set[str]:
        """The entity's own id and the ids of every entity that is the same listed one."""
        out = {entity.id}
        if entity.id.startswith("ofac-"):
            out.add("multi-sdn-" + entity.id[5:])
        elif entity.id.startswith("multi-sdn-"):
            out.add("ofac-" + entity.id[10:])
        for key in self._keys(entity):
            how, person, _ = key
            out |= {i for i in self._index.get(key, ()) if self._agree(how, person, entity, self._entities[i])}
        return out


def machine_facts() -> dict[str, str]:
    """CPU, cores, memory, Python and library versions, for the benchmark reports."""
    import importlib.metadata as md

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {}
    for pkg in ("kordon", "rigour", "followthemoney", "rapidfuzz", "nomenklatura", "numpy", "faker"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    import datetime

    return {
        "run": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def bench_arguments(doc: str, description: str | None) -> argparse.ArgumentParser:
    """The options every bench shares: --seed, --json (raw results) and --write-doc (the report)."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the raw results as JSON here")
    ap.add_argument("--write-doc", action="store_true", help=f"write docs/benchmarks/{doc}")
    return ap


def command_line(script: str) -> str:
    """How this bench was run, for its report (without --json and --child, which change no figure)."""
    argv, out, skip = sys.argv[1:], [f"bench/{script}"], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--json":
            skip = True
        elif arg != "--child" and not arg.startswith("--json="):
            out.append(arg)
    return " ".join(out)


def publish(args: Any, doc: str, result: dict[str, Any], text: str) -> None:
    """Print the report; write the JSON and the doc when asked."""
    import json

    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    if args.write_doc:
        (ROOT / "docs" / "benchmarks" / doc).write_text(text)


def facts_markdown(facts: dict[str, str]) -> str:
    return "\n".join(f"- {k}: {v}" for k, v in facts.items())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """Median, p99 and mean of per-query times, in milliseconds."""
    import statistics

    return {"median_ms": statistics.median(seconds) * 1000, "p99_ms": percentile(seconds, 99) * 1000,
            "mean_ms": statistics.fmean(seconds) * 1000}


def report_header(script: str, command: str) -> str:
    """The lines under a screening report's title: which bench made it, and the command to run it again."""
    return (f"Generated by `bench/{script}` (method: [docs/screening/benchmarks.md](../screening/benchmarks.md)).\n"
            "\n"
            "Command (from the project root, after `bash bench/setup_env.sh`):\n"
            "\n"
            f"    .bench-venv/bin/python {command}")


def floor_table(floors: list[tuple[str, str, bool]]) -> str:
    """Rows of a "| floor | measured | |" table: each floor met or **missed**."""
    return "\n".join(f"| {name} | {value} | {'met' if ok else '**missed**'} |" for name, value, ok in floors)


if __name__ == "__main__":
    t0 = time.perf_counter()
    ents, _ = load_entities(use_cache="--no-cache" not in sys.argv)
    print(f"loaded in {time.perf_counter() - t0:.1f}s")
