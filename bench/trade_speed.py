"""Speed of kordon's trade part: loading the 1.14-million-value Comext file, the full report, and the main
analyses on synthetic flow rows (100 million by default), generated inside DuckDB on disk.

    .venv/bin/python bench/trade_speed.py [--runs 3] [--rows 100000000] [--write docs/benchmarks/trade.md]

Small cases are repeated and reported as medians (the machine is shared and noisy); the large case runs once
per analysis. Needs ../shared/data (see its MANIFEST.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

from kordon.trade.analyses import (
    Scope,
    anomaly_flags,
    corridor_indices,
    difference_in_differences,
    parse_window,
    roundabout_scores,
    substitution_ratios,
)
from kordon.trade.goods import load_goods
from kordon.trade.loaders import load
from kordon.trade.report import build_report
from kordon.trade.store import connect

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
MONTHLY = SHARED / "trade" / "eurostat_comext_ruimpeks_export_sanctioned_monthly.csv"
BASELINE, COMPARISON = parse_window("2021-03:2021-11"), parse_window("2022-03:2022-11")


CPU = {}  # case -> CPU seconds of this process (all DuckDB threads): comparable on a busy shared machine


def timed(func, name: str | None = None) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    func()
    if name:
        CPU.setdefault(name, []).append(time.process_time() - cpu)
    return time.perf_counter() - start


def bench_load(workdir: Path, runs: int) -> list[float]:
    times = []
    for run in range(runs):
        db = workdir / f"load_{run}.duckdb"
        con = connect(db)
        times.append(timed(lambda: load(con, MONTHLY), "load"))
        con.close()
        db.unlink()
    return times


def bench_report(workdir: Path, runs: int) -> tuple[list[float], dict]:
    con = connect(workdir / "report.duckdb")
    load(con, MONTHLY)
    load_goods(con, "chp", SHARED / "goods" / "chp_items.csv")
    load_goods(con, "eu833", SHARED / "goods" / "eu_833_sanctioned_cn8_2022-10-07.csv")
    times, steps = [], {}
    for run in range(runs):
        cpu = time.process_time()
        report = build_report(con, workdir / f"report_{run}", Scope.build(), BASELINE, COMPARISON)
        CPU.setdefault("report", []).append(time.process_time() - cpu)
        times.append(report.timings["total"])
        steps = report.timings
    con.close()
    return times, steps


SYNTHETIC = """
INSERT INTO flows
SELECT 1 AS dataset_id,
       reporters[1 + (i % 27)] AS reporter,
       partners[1 + (i // 27) % 20] AS partner,
       'export', product_code, 'CN', 'CN8', 'CN' || year(period)::VARCHAR, 'M', period,
       round(random() * 1e6 * CASE WHEN partner = 'RU' AND period >= DATE '2022-03-01' THEN 0.3
                                   WHEN partner IN ('KZ', 'KG', 'AM') AND period >= DATE '2022-03-01' THEN 2 ELSE 1 END),
       'EUR', NULL, NULL, round(random() * 1e4), FALSE
FROM (SELECT i,
             ['AT','BE','BG','CY','CZ','DE','DK','EE','ES','FI','FR','GR','HR','HU','IE','IT','LT','LU','LV','MT',
              'NL','PL','PT','RO','SE','SI','SK'] AS reporters,
             ['RU','KZ','KG','AM','GE','UZ','BY','CN','TR','AE','US','GB','CH','NO','JP','IN','BR','ZA','EG','RS'] AS partners,
             (DATE '2019-01-01' + to_months(((i // 540) % 72)::INTEGER))::DATE AS period,
             lpad(((10000000 + (i // 38880) * 3731) % 100000000)::VARCHAR, 8, '0') AS product_code
      FROM range({rows}) t(i))
"""


def bench_synthetic(workdir: Path, rows: int) -> dict[str, float]:
    db = workdir / "synthetic.duckdb"
    con = connect(db)
    con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
    results = {}
    results[f"generate {rows:,} rows on disk"] = timed(lambda: con.execute(SYNTHETIC.format(rows=rows)), "generate")
    con.execute("INSERT INTO datasets VALUES (1, 'synthetic', 'synthetic', 'generated', '-', 'bench', NULL, NULL, "
                f"now(), {rows}, 0, 0, 'EUR', NULL, NULL)")
    con.execute("INSERT INTO goods_sanctioned SELECT DISTINCT 'synthetic', product_code, 'CN8', NULL, NULL, 'x' "
                "FROM flows WHERE hash(product_code) % 3 = 0")
    con.execute("CHECKPOINT")
    results["database size (GB)"] = db.stat().st_size / 1e9
    scope = Scope.build(transit="KZ,KG,AM,GE,UZ,BY")
    analyses = {
        "corridor indices (by product)": lambda: corridor_indices(con, scope, BASELINE, COMPARISON, by_product=True),
        "roundabout ranking": lambda: roundabout_scores(con, scope, BASELINE, COMPARISON, limit=100),
        "substitution ratios": lambda: substitution_ratios(con, scope, BASELINE, COMPARISON),
        "anomaly flags": lambda: anomaly_flags(con, scope, BASELINE, COMPARISON),
        "difference-in-differences": lambda: difference_in_differences(con, scope, BASELINE, COMPARISON),
    }
    for name, run in analyses.items():
        results[name] = timed(run, name)
    con.close()
    return results


def _cpu_key(step: str) -> str:
    return "generate" if step.startswith("generate") else step


def machine() -> dict[str, str]:
    return {"cores (nproc)": str(os.cpu_count()), "python": platform.python_version(), "duckdb": duckdb.__version__,
            "platform": platform.platform(), "load average at start": " ".join(f"{x:.1f}" for x in os.getloadavg())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--write", type=Path, help="Markdown file to write the results to")
    args = parser.parse_args()
    if not MONTHLY.exists():
        sys.exit(f"missing {MONTHLY} (see ../shared/data/MANIFEST.md)")
    info = machine()
    with tempfile.TemporaryDirectory(prefix="kordon-bench-") as tmp:
        workdir = Path(tmp)
        load_times = bench_load(workdir, args.runs)
        print(f"load: {load_times}", flush=True)
        report_times, steps = bench_report(workdir, args.runs)
        print(f"report: {report_times}", flush=True)
        synthetic = bench_synthetic(workdir, args.rows)
        print(f"synthetic: {synthetic}", flush=True)
    command = ".venv/bin/python bench/trade_speed.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    lines = [
        "# Trade benchmarks", "",
        f"Command (from the project root): `{command}`  ", f"Run on {datetime.now():%Y-%m-%d %H:%M}.", "",
        "## Machine", "", *[f"- {k}: {v}" for k, v in info.items()], "",
        "## 1.14-million-value Comext file and full report", "",
        f"Medians of {args.runs} runs; every run in seconds in brackets.", "",
        "Wall-clock seconds; CPU seconds of the process (all threads) in the last column, since the shared machine's "
        "load makes wall time vary.", "",
        "| case | median wall (s) | target (s) | runs, wall (s) | median CPU (s) |", "|---|---:|---:|---|---:|",
        f"| load eurostat_comext_ruimpeks_export_sanctioned_monthly.csv into an on-disk database | "
        f"{statistics.median(load_times):.2f} | 10 | {', '.join(f'{t:.2f}' for t in load_times)} | "
        f"{statistics.median(CPU['load']):.2f} |",
        f"| full report (`kordon trade report`, all analyses, 3+ charts, CSV) | {statistics.median(report_times):.2f} | 20 | "
        f"{', '.join(f'{t:.2f}' for t in report_times)} | {statistics.median(CPU['report']):.2f} |", "",
        "Report steps (last run): " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()), "",
        f"## {args.rows:,} synthetic flow rows (one run each)", "",
        "27 EU reporters × 20 partners × 72 months × products, generated inside DuckDB on disk; the analyses run on "
        "the default corridors at CN8 level, baseline 2021-03..11 against 2022-03..11.", "",
        "| step | wall (s) | CPU (s) |", "|---|---:|---:|",
        *[f"| {k} | {v:.2f} | {CPU[_cpu_key(k)][0]:.2f} |" if _cpu_key(k) in CPU else f"| {k} | {v:.2f} | |"
          for k, v in synthetic.items()], "",
        f"Load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}.", "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
