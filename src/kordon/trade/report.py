"""``kordon trade report``: one folder with an offline HTML report, every table as CSV and every chart as PNG.

The HTML page embeds its charts (base64 PNG) and its style, so it opens without any network. Each chart and
table states the data source and extraction date (CSV files carry them as the last two columns). The page
ends with how long each step took.
"""

from __future__ import annotations

import base64
import html
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from kordon.trade import charts
from kordon.trade.analyses import (
    Scope,
    Table,
    Window,
    anomaly_flags,
    corridor_indices,
    difference_in_differences,
    mirror_break,
    mirror_gaps,
    roundabout_scores,
    substitution_ratios,
    unit_values,
)
from kordon.trade.analyses.common import in_list
from kordon.trade.analyses.indices import corridor_selection
from kordon.trade.errors import TradeError
from kordon.trade.refdata import reference_sources, sanction_packages


@dataclass
class Provenance:
    """Where the data in the report comes from; printed under every chart and table."""

    datasets: list[dict]

    @property
    def line(self) -> str:
        parts = [f"{d['source']} ({Path(d['source_file']).name}, extracted {d['extracted_on']})" for d in self.datasets]
        return "Source: " + "; ".join(parts) if parts else "Source: no data"

    @property
    def columns(self) -> dict[str, str]:
        return {"source": "; ".join(sorted({d["source"] for d in self.datasets})),
                "extracted": "; ".join(sorted({str(d["extracted_on"]) for d in self.datasets}))}


@dataclass
class Report:
    out: Path
    html: Path
    tables: dict[str, Path] = field(default_factory=dict)
    charts: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Timer:
    def __init__(self, timings: dict[str, float], name: str):
        self.timings, self.name = timings, name

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        self.timings[self.name] = time.perf_counter() - self.start


def build_report(con: duckdb.DuckDBPyConnection, out: Path, scope: Scope, baseline: Window, comparison: Window, *,
                 top: int = 25, title: str = "Roundabout trade into Russia") -> Report:
    """Run every analysis for ``scope`` and write ``out/index.html``, ``out/tables/*.csv``, ``out/charts/*.png``."""
    started = time.perf_counter()
    out = Path(out)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    (out / "charts").mkdir(parents=True, exist_ok=True)
    report = Report(out=out, html=out / "index.html")
    provenance = _provenance(con, scope)
    if not provenance.datasets:
        raise TradeError("no trade data loaded (run 'kordon trade load FILE' first)")
    sections: list[str] = []
    t = lambda name: _Timer(report.timings, name)  # noqa: E731 - short local helper

    def add_table(key: str, table: Table, *, shown: int = top, intro: str = "") -> None:
        path = out / "tables" / f"{key}.csv"
        table.write_csv(path, provenance.columns)
        report.tables[key] = path
        sections.append(_html_table(table, shown, provenance.line, path.relative_to(out), intro))

    def add_chart(key: str, png: bytes, caption: str) -> None:
        path = out / "charts" / f"{key}.png"
        path.write_bytes(png)
        report.charts[key] = path
        encoded = base64.b64encode(png).decode("ascii")
        sections.append(f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{encoded}">'
                        f"<figcaption>{html.escape(caption)}. {html.escape(provenance.line)}</figcaption></figure>")

    with t("corridor indices"):
        totals = corridor_indices(con, scope, baseline, comparison, by_country=False)
        by_country = corridor_indices(con, scope, baseline, comparison)
    currency = con.execute("SELECT any_value(currency) FROM flows f WHERE " + scope.base_filter()).fetchone()[0] or ""
    sections.append("<h2>1. Corridors against the baseline</h2>")
    add_table("corridor_totals", totals, intro="Coalition exports to the transit group and directly to the target.")
    add_table("corridor_indices", by_country)

    with t("monthly series chart"):
        if scope.freq == "M":
            add_chart("monthly_series", _series_chart(con, scope, currency, provenance.line),
                      f"Monthly exports by corridor, {scope.level} products in scope, with EU sanction packages")

    with t("flow picture"):
        add_chart("flow_picture", _flow_chart(by_country, scope, currency, provenance.line),
                  f"Flow picture: coalition → transit countries → {scope.target}, {comparison.label} against {baseline.label}")

    with t("roundabout ranking"):
        ranking = roundabout_scores(con, scope, baseline, comparison, limit=max(top, 100))
    sections.append("<h2>2. Roundabout ranking: product × transit country</h2>")
    if ranking.rows:
        leaders = ranking.to_dicts()[:15]
        add_chart("roundabout_top", charts.ranked_bars(
            [f"{r['product_code']} → {r['transit']} (intensity {r['intensity']:.0f})" for r in leaders],
            [r["score"] for r in leaders], title="Top corridors by roundabout score",
            xlabel=f"score (million {currency} per period, weighted by intensity)", source_line=provenance.line),
            "Top 15 product × transit corridors by roundabout score")
    add_table("roundabout", ranking, intro="Score = intensity/100 × value per period that could have been rerouted.")

    with t("substitution ratios"):
        substitution, overall = substitution_ratios(con, scope, baseline, comparison)
    sections.append("<h2>3. Substitution ratio</h2>")
    ratio = "n/a" if overall["ratio"] is None else f"{overall['ratio']:.2f}"
    sections.append(
        f"<p>Overall, exports to the transit countries rose by {charts.money(overall['transit_rise'], currency)} per "
        f"period while direct exports to {scope.target} fell by {charts.money(overall['direct_fall'], currency)}: "
        f"a substitution ratio of <b>{ratio}</b> over {overall['products']} products.</p>")
    add_table("substitution", substitution)

    with t("anomaly flags"):
        anomalies = anomaly_flags(con, scope, baseline, comparison)
    sections.append("<h2>4. Anomaly flags</h2>")
    add_table("anomalies", anomalies)

    with t("unit values"):
        has_mass = con.execute(f"SELECT count(*) > 0 FROM flows f WHERE {scope.base_filter()} AND net_mass_kg > 0").fetchone()[0]
        sections.append("<h2>5. Unit values</h2>")
        if has_mass:
            add_table("unit_values", unit_values(con, scope, baseline, comparison))
        else:
            sections.append("<p>The data in scope has no net mass, so no unit values.</p>")

    with t("difference-in-differences"):
        sections.append("<h2>6. Difference-in-differences</h2>")
        sections.append(_did_section(con, scope, baseline, comparison, add_table, report))

    with t("mirror gaps"):
        sections.append("<h2>7. Mirror gaps</h2>")
        sections.append(_mirror_section(con, scope, currency, provenance, add_table, add_chart))

    report.timings["total"] = time.perf_counter() - started
    report.html.write_text(_page(title, scope, baseline, comparison, provenance, sections, report), encoding="utf-8")
    return report


# ------------------------------------------------------------------ sections


def _provenance(con, scope: Scope) -> Provenance:
    where = f"WHERE name IN {in_list(scope.datasets)}" if scope.datasets else ""
    cursor = con.execute(f"SELECT * FROM datasets {where} ORDER BY dataset_id")
    names = [d[0] for d in cursor.description]
    return Provenance([dict(zip(names, row)) for row in cursor.fetchall()])


def _series_chart(con, scope: Scope, currency: str, source_line: str) -> bytes:
    first, last = con.execute(f"SELECT min(period), max(period) FROM flows f WHERE {scope.base_filter()}").fetchone()
    select, where = corridor_selection(scope, [Window(first, last)])
    rows = con.execute(f"""SELECT corridor, country, f.period, sum(f.value) FROM (SELECT {select}, f.period, f.value
                           FROM flows f WHERE {where}) f GROUP BY ALL""").fetchall()
    series: dict[str, list[tuple[date, float]]] = {}
    for corridor, country, period, value in rows:
        label = f"coalition → {scope.target}" if corridor == "coalition→target" else (
            f"coalition → {country}" if corridor == "coalition→transit" else f"{country} → {scope.target}")
        series.setdefault(label, []).append((period, value or 0.0))
        if corridor == "coalition→transit":
            series.setdefault("coalition → all transit", []).append((period, value or 0.0))
    merged = {label: sorted(_sum_by_period(points)) for label, points in series.items()}
    return charts.monthly_series(merged, sanction_packages(), title="Monthly exports by corridor",
                                 currency=currency, source_line=source_line)


def _sum_by_period(points):
    sums: dict[date, float] = {}
    for period, value in points:
        sums[period] = sums.get(period, 0.0) + value
    return list(sums.items())


def _flow_chart(by_country: Table, scope: Scope, currency: str, source_line: str) -> bytes:
    rows = by_country.to_dicts()
    direct = next(((r["base_avg"], r["comp_avg"]) for r in rows if r["corridor"] == "coalition→target"), (0.0, 0.0))
    via = {r["country"]: (r["base_avg"], r["comp_avg"]) for r in rows if r["corridor"] == "coalition→transit"}
    relay = {r["country"]: (r["base_avg"], r["comp_avg"]) for r in rows if r["corridor"] == "transit→target"}
    return charts.flow_picture("coalition", scope.target, direct, via, relay, currency=currency,
                               period_label="month" if scope.freq == "M" else "year", source_line=source_line)


def _did_section(con, scope, baseline, comparison, add_table, report: Report) -> str:
    loaded = con.execute("SELECT (SELECT count(*) FROM goods_sanctioned), (SELECT count(*) FROM goods_chp)").fetchone()
    if not any(loaded):
        return "<p>Load a goods list (<code>kordon trade goods load eu833|chp FILE</code>) for this analysis.</p>"
    # With a sanctioned list the treated goods are the listed ones; if every product in scope is listed (an
    # extract of sanctioned goods only), CHP items against the other goods is the contrast that is left.
    kind = "sanctioned" if loaded[0] else "chp"
    table, result = difference_in_differences(con, scope, baseline, comparison, treated_goods=kind)
    if kind == "sanctioned" and result["did_goods"] is None and loaded[1]:
        table, result = difference_in_differences(con, scope, baseline, comparison, treated_goods="chp")
    add_table("did_cells", table)
    lines = []
    for key, label in (("did_goods", "treated vs other goods, to transit countries"),
                       ("did_destinations", "transit vs other destinations, treated goods"),
                       ("ddd", "triple difference")):
        value = result[key + "_pct"]
        lines.append(f"<li>{label}: {'not computable' if value is None else f'{value:+.1f} %'}</li>")
    report.warnings += result["notes"]
    notes = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in result["notes"])
    return f"<p>Treated goods: {result['treated_goods']}.</p><ul>{''.join(lines)}</ul>{notes}"


def _mirror_section(con, scope, currency, provenance, add_table, add_chart) -> str:
    """Mirror gaps for every exporter → (transit or target) pair whose importer records exist."""
    countries = in_list(scope.transit + [scope.target])
    pairs = con.execute(f"""
        SELECT DISTINCT e.reporter, e.partner, e.freq FROM flows e JOIN flows i
          ON i.reporter = e.partner AND i.partner = e.reporter AND i.flow = 'import' AND i.freq = e.freq
         AND i.period = e.period AND i.product_level = 'TOTAL' AND i.currency = e.currency
        WHERE e.flow = 'export' AND e.product_level = 'TOTAL' AND e.partner IN {countries}
        ORDER BY 1, 2""").fetchall()
    if not pairs:
        return ("<p>No pair with both sides recorded: load the partner's import statistics (e.g. a national "
                "statistics table) next to the exporter's data, in the same currency.</p>")
    parts = []
    for exporter, importer, freq in pairs:
        gaps = mirror_gaps(con, exporter, importer, scope=Scope(freq=freq, currency=scope.currency), level="TOTAL")
        key = f"mirror_{exporter}_{importer}".lower()
        rows = gaps.to_dicts()
        labels = [str(r["period"].year) if freq == "Y" else f"{r['period']:%Y-%m}" for r in rows]
        add_chart(key, charts.mirror_bars(labels, [r["exports"] for r in rows], [r["imports"] for r in rows],
                                          title=f"{exporter} exports to {importer} vs {importer} imports from {exporter}",
                                          currency=rows[0]["currency"] if rows else currency, source_line=provenance.line),
                  f"Mirror: {exporter} → {importer}")
        add_table(key, gaps)
        for result in mirror_break(gaps, freq=freq):
            if result["ratio_before"] is not None:
                verdict = "a break" if result["break"] else "no clear break"
                parts.append(f"<p>{exporter} → {importer}: export/import ratio {result['ratio_before']:.2f} before March "
                             f"2022, {result['ratio_after']:.2f} after: {verdict}.</p>")
    return "".join(parts)


# ------------------------------------------------------------------ HTML

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.8em;margin:.5em 0}th,td{border:1px solid #ddd;padding:2px 6px}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
caption{caption-side:bottom;text-align:left;font-size:.85em;color:#555;padding-top:4px}
figure{margin:1em 0}img{max-width:100%}figcaption,.note{font-size:.85em;color:#555}
"""

_PRECISION = {"index": 1, "change_pct": 1, "intensity": 1, "uv_change_pct": 1, "ratio": 3, "growth": 2, "z_score": 2,
              "drop_direct": 2, "rise_transit": 2, "rise_relay": 2, "growth_log": 3, "shift": 2, "uv_base": 3,
              "uv_comp": 3}


def _cell(column: str, value) -> str:
    if value is None:
        return "<td class='n'>–</td>"
    if isinstance(value, bool):
        return f"<td>{'yes' if value else ''}</td>"
    if isinstance(value, (int, float)):
        digits = _PRECISION.get(column, 0)
        return f"<td class='n'>{value:,.{digits}f}</td>"
    return f"<td>{html.escape(str(value))}</td>"


def _html_table(table: Table, shown: int, source_line: str, csv_path: Path, intro: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(_cell(c, v) for c, v in zip(table.columns, row)) + "</tr>"
                   for row in table.rows[:shown])
    more = f" Showing {min(shown, len(table.rows))} of {len(table.rows)} rows; all in {csv_path}." if len(table.rows) > shown else f" Also in {csv_path}."
    notes = " ".join(table.notes)
    caption = html.escape(f"{table.title}. {notes}{more} {source_line}")
    intro_html = f"<p>{html.escape(intro)}</p>" if intro else ""
    return f"{intro_html}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody><caption>{caption}</caption></table>"


def _page(title, scope: Scope, baseline, comparison, provenance: Provenance, sections, report: Report) -> str:
    datasets = "".join(
        f"<li>{html.escape(d['name'])}: {html.escape(d['source'])}, file {html.escape(Path(d['source_file']).name)} "
        f"(sha256 {d['sha256'][:12]}…), extracted {d['extracted_on']} ({html.escape(d['extracted_note'] or '')}), "
        f"{d['rows']:,} rows, {d['suppressed_cells']:,} suppressed cells, currency {d['currency']}, "
        f"editions {html.escape(d['hs_editions'] or 'n/a')}</li>" for d in provenance.datasets)
    references = "".join(f"<li>{html.escape(name)}: {html.escape(text)}</li>" for name, text in reference_sources().items())
    timings = "".join(f"<tr><td>{html.escape(k)}</td><td class='n'>{v:.2f} s</td></tr>" for k, v in report.timings.items())
    scope_items = "".join(f"<li>{html.escape(k)}: {html.escape(', '.join(v) if isinstance(v, list) else str(v))}</li>"
                          for k, v in scope.describe().items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{_STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>Comparison window <b>{comparison.label}</b> against baseline <b>{baseline.label}</b>. Made by kordon on
{datetime.now():%Y-%m-%d %H:%M}. {html.escape(provenance.line)}</p>
<h2>Scope</h2><ul>{scope_items}</ul>
{''.join(sections)}
<h2>Data and method</h2>
<ul>{datasets}</ul>
<p>Reference data shipped with kordon:</p><ul>{references}</ul>
<p>Values are averaged per {'month' if scope.freq == 'M' else 'year'} in each window; months without a row count
as zero. Only one product level ({html.escape(scope.level)}) is used, so heading totals are never added to the lines
under them; values in different currencies are never added. Methods: see docs/trade.md.</p>
<h2>Timing</h2><table><tbody>{timings}</tbody><caption>Seconds per step of this report.</caption></table>
</body></html>"""
