"""``kordon trade ...``: load trade statistics, run the analyses, write the report.

Thin layer: every command parses options, calls one function of the trade package and prints the result
(a rich table, or JSON with ``--json``). Errors the user can fix are printed as one line, exit code 2.
"""

from __future__ import annotations

import functools
import inspect
import json
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from kordon.trade import store
from kordon.trade.analyses import (
    Scope,
    Table,
    Window,
    anomaly_flags,
    baseline_for,
    corridor_indices,
    difference_in_differences,
    mirror_break,
    mirror_gaps,
    package_start,
    parse_window,
    roundabout_scores,
    substitution_ratios,
    unit_values,
)
from kordon.trade.analyses.common import break_date
from kordon.trade.errors import TradeError
from kordon.trade.goods import KINDS, load_goods
from kordon.trade.loaders import FORMATS, load
from kordon.trade.loaders.engine import DUPLICATE_POLICIES
from kordon.trade.refdata import country_groups, sanction_packages

app = typer.Typer(no_args_is_help=True, help="Trade-flow analytics: find roundabout trade in customs statistics.")
goods_app = typer.Typer(no_args_is_help=True, help="Goods reference lists (CHP tiers, EU sanctioned goods, HS).")
app.add_typer(goods_app, name="goods")
console = Console(width=160)

DbOption = Annotated[Optional[Path], typer.Option("--db", help="Trade database (default: $KORDON_TRADE_DB or $KORDON_HOME/trade.duckdb).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def handles_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except TradeError as exc:
            _fail(str(exc))
    return wrapper


def _pairs(items: list[str] | None, option: str) -> dict[str, str]:
    result = {}
    for item in items or []:
        if "=" not in item:
            raise TradeError(f"{option} expects FIELD=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        result[key.strip()] = value.strip()
    return result


def _print_json(data) -> None:
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def _print_table(table: Table, limit: int | None = None, columns: list[str] | None = None) -> None:
    columns = columns or table.columns
    rich = RichTable(title=table.title, caption=" ".join(table.notes), show_lines=False)
    for column in columns:
        rich.add_column(column, overflow="fold")
    for row in table.to_dicts()[:limit] if limit else table.to_dicts():
        rich.add_row(*[_fmt(c, row[c]) for c in columns])
    console.print(rich)


def _fmt(column: str, value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if column in {"index", "change_pct", "intensity", "uv_change_pct"}:
            return f"{value:,.1f}"
        if abs(value) < 100:
            return f"{value:.3f}"
        return f"{value:,.0f}"
    return str(value)


# ------------------------------------------------------------------ loading


@app.command("load")
@handles_errors
def load_command(
    files: Annotated[list[Path], typer.Argument(help="CSV files of trade statistics.")],
    fmt: Annotated[str, typer.Option("--format", help=f"auto, {', '.join(FORMATS)}.")] = "auto",
    name: Annotated[Optional[str], typer.Option(help="Dataset name (default: file name without extension).")] = None,
    extracted: Annotated[Optional[str], typer.Option(help="Date the data was extracted from its source (YYYY-MM-DD).")] = None,
    source: Annotated[Optional[str], typer.Option(help="Publisher shown on charts and tables.")] = None,
    map_: Annotated[Optional[list[str]], typer.Option("--map", help="FIELD=COLUMN, e.g. value=Value_EUR (repeatable).")] = None,
    const: Annotated[Optional[list[str]], typer.Option("--const", help="FIELD=VALUE for a field the file lacks, e.g. flow=export.")] = None,
    value_scale: Annotated[Optional[float], typer.Option(help="Multiply values (e.g. 1000 for thousands).")] = None,
    classification: Annotated[Optional[str], typer.Option(help="CN or HS: what the product codes are.")] = None,
    duplicates: Annotated[Optional[str], typer.Option(help=f"Conflicting duplicate rows: {', '.join(DUPLICATE_POLICIES)}.")] = None,
    skip_unknown: Annotated[bool, typer.Option(help="Leave out rows with unknown country/product codes (counted) instead of refusing the file.")] = False,
    replace: Annotated[bool, typer.Option(help="Replace a dataset of the same name.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
):
    """Load trade statistics: Comext bulk or extracts, UN Comtrade, national tables, or any CSV with --map.

    Each file is checked completely before anything is written; on any problem nothing is loaded.
    """
    extracted_on = date.fromisoformat(extracted) if extracted else None
    if len(files) > 1 and name:
        raise TradeError("--name applies to one file only")
    con = store.connect(db)
    reports = []
    for path in files:
        report = load(con, path, fmt, name=name, extracted_on=extracted_on, replace=replace, skip_unknown=skip_unknown,
                      columns=_pairs(map_, "--map"), constants=_pairs(const, "--const"), value_scale=value_scale,
                      classification=classification, duplicates=duplicates, source=source)
        reports.append(report.to_dict())
        if not as_json:
            console.print(
                f"[green]loaded[/green] {report.name}: {report.rows:,} rows ({report.loader}), {report.periods}, "
                f"{report.currency}; levels {report.levels}; suppressed cells {report.suppressed_cells:,}; "
                f"confidential product rows {report.confidential_product_rows:,}; duplicates dropped "
                f"{report.duplicates_dropped:,} (conflicting {report.conflicting_duplicates:,}); rows summed "
                f"{report.rows_summed:,}; out of scope {report.rows_out_of_scope:,}; unknown codes skipped "
                f"{report.skipped_rows:,}; editions {', '.join(report.hs_editions) or 'n/a'}", highlight=False)
    if as_json:
        _print_json(reports)


@app.command("datasets")
@handles_errors
def datasets_command(db: DbOption = None, as_json: JsonOption = False):
    """List the loaded datasets with source, extraction date, rows and suppressed cells."""
    rows = store.list_datasets(store.connect(db))
    if as_json:
        return _print_json(rows)
    columns = ["name", "loader", "source", "extracted_on", "rows", "suppressed_cells", "duplicates_dropped", "currency", "hs_editions"]
    _print_table(Table("Datasets", columns, [tuple(r[c] for c in columns) for r in rows]))


@app.command("drop")
@handles_errors
def drop_command(name: str, db: DbOption = None):
    """Remove a dataset and its flows."""
    removed = store.drop_dataset(store.connect(db), name)
    console.print(f"dropped {name}: {removed:,} rows")


@app.command("export-parquet")
@handles_errors
def export_parquet_command(out: Annotated[Path, typer.Argument(help="Folder to write flows.parquet and datasets.parquet.")],
                           db: DbOption = None):
    """Write all flows and datasets as Parquet (for other tools or engines)."""
    written = store.export_parquet(store.connect(db), out)
    console.print("wrote " + ", ".join(str(p) for p in written.values()))


@app.command("import-parquet")
@handles_errors
def import_parquet_command(folder: Annotated[Path, typer.Argument(help="Folder with flows.parquet and datasets.parquet.")],
                           db: DbOption = None):
    """Add flows and datasets from Parquet written by export-parquet."""
    count = store.import_parquet(store.connect(db), folder)
    console.print(f"imported {count:,} rows")


@goods_app.command("load")
@handles_errors
def goods_load_command(
    kind: Annotated[str, typer.Argument(help=f"One of {', '.join(KINDS)}.")],
    path: Path,
    name: Annotated[Optional[str], typer.Option(help="List name for eu833 (default: file name).")] = None,
    annex: Annotated[Optional[str], typer.Option(help="EU annex for every code of an eu833 file without an annex column.")] = None,
    edition: Annotated[Optional[str], typer.Option(help="HS edition of an hs file (default: from its name).")] = None,
    db: DbOption = None,
):
    """Load CHP tiers (chp), an EU sanctioned goods list (eu833) or the HS nomenclature (hs)."""
    summary = load_goods(store.connect(db), kind, path, list_name=name, annex=annex, edition=edition)
    console.print(f"loaded {summary['rows']:,} {kind} codes from {path}")


@app.command("packages")
def packages_command(as_json: JsonOption = False):
    """EU sanction packages and their dates (usable as --since-package N)."""
    packages = [p.__dict__ for p in sanction_packages()]
    if as_json:
        return _print_json(packages)
    _print_table(Table("EU sanction packages", ["number", "date", "act"], [(p["number"], str(p["date"]), p["act"]) for p in packages]))


@app.command("groups")
def groups_command():
    """Country groups usable in --coalition and --transit."""
    _print_table(Table("Country groups", ["group", "countries"], [(k, ", ".join(v)) for k, v in country_groups().items()]))


# ------------------------------------------------------------------ analyses

_SCOPE_OPTIONS = {
    "db": (Optional[Path], None, "--db", "Trade database."),
    "baseline": (str, "2019:2021", "--baseline", "Baseline: a range (2019:2021, 2021-03:2021-11) or same-months-last-year."),
    "comparison": (Optional[str], None, "--comparison", "Comparison range (default: 2022-03 to the last month in the data)."),
    "since_package": (Optional[int], None, "--since-package", "Start the comparison in the first full month after EU package N."),
    "coalition": (Optional[str], None, "--coalition", "Exporters: group name or codes (default: coalition)."),
    "transit": (Optional[str], None, "--transit", "Transit countries: group name or codes (default: neighbours)."),
    "target": (Optional[str], None, "--target", "Target country (default: RU)."),
    "level": (str, "CN8", "--level", "Product level compared: CN8, HS6, HS4, HS2 or TOTAL (never mixed)."),
    "freq": (str, "M", "--freq", "M (monthly data) or Y (yearly data)."),
    "products": (Optional[str], None, "--products", "Comma-separated code prefixes, e.g. 8542,8471."),
    "chp_tier": (Optional[list[str]], None, "--chp-tier", "CHP tier(s): 1, 2, 3, 3.A... (repeatable)."),
    "sanctioned_list": (Optional[str], None, "--sanctioned-list", "Only goods on this loaded eu833 list."),
    "annex": (Optional[str], None, "--annex", "Only goods of this EU annex."),
    "currency": (Optional[str], None, "--currency", "Currency to use when the data holds several."),
    "dataset": (Optional[list[str]], None, "--dataset", "Only these datasets (repeatable)."),
}


class Question:
    """The parsed scope options of an analysis command: connection, scope and windows."""

    def __init__(self, options: dict):
        self.con = store.connect(options["db"])
        chp = options["chp_tier"]
        self.scope = Scope.build(
            coalition=options["coalition"], transit=options["transit"], target=options["target"],
            level=options["level"].upper(), freq=options["freq"].upper(),
            products=options["products"].split(",") if options["products"] else None,
            chp_tiers=chp or None, sanctioned_list=options["sanctioned_list"], annex=options["annex"],
            currency=options["currency"], datasets=options["dataset"] or None)
        first, last = self.con.execute(f"SELECT min(period), max(period) FROM flows f WHERE {self.scope.base_filter()}").fetchone()
        if first is None:
            raise TradeError(f"no {'monthly' if self.scope.freq == 'M' else 'yearly'} data loaded (see 'kordon trade datasets')")
        if options["comparison"]:
            comparison = parse_window(options["comparison"])
        else:
            comparison = Window(break_date(self.scope.freq), last if self.scope.freq == "M" else last.replace(month=12))
        if options["since_package"]:
            comparison = Window(package_start(options["since_package"]), comparison.end)
        baseline = baseline_for(options["baseline"], comparison)
        # Months outside the data would count as zero trade: clip both windows to the data's span.
        self.baseline, self.comparison = _clip(baseline, first, last), _clip(comparison, first, last)


def _clip(window: Window, first: date, last: date) -> Window:
    clipped = Window(max(window.start, first), min(window.end, last if last.month != 1 or window.end.month != 12 else window.end))
    if clipped.end < clipped.start:
        raise TradeError(f"window {window.label} lies outside the data ({first:%Y-%m} to {last:%Y-%m})")
    return clipped


def analysis_command(name: str):
    """Register an analysis command taking the shared scope options; the function receives a Question."""
    def decorate(func):
        own = [p for p in inspect.signature(func, eval_str=True).parameters.values() if p.name != "question"]
        shared = [inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=default,
                                    annotation=Annotated[kind, typer.Option(flag, help=help_text)])
                  for key, (kind, default, flag, help_text) in _SCOPE_OPTIONS.items()]

        @functools.wraps(func)
        def wrapper(**kwargs):
            options = {key: kwargs.pop(key) for key in _SCOPE_OPTIONS}
            try:
                return func(Question(options), **kwargs)
            except TradeError as exc:
                _fail(str(exc))

        wrapper.__signature__ = inspect.Signature(own + shared)
        wrapper.__annotations__ = {p.name: p.annotation for p in own + shared}
        del wrapper.__wrapped__  # typer must read the new signature, not the wrapped function's
        return app.command(name)(wrapper)
    return decorate


def _show(table: Table, as_json: bool, limit: int | None = None, extra: dict | None = None,
          columns: list[str] | None = None) -> None:
    if as_json:
        payload = {"title": table.title, "notes": table.notes, "rows": table.to_dicts()[:limit] if limit else table.to_dicts()}
        return _print_json({**payload, **(extra or {})})
    _print_table(table, limit, columns)
    if extra:
        console.print(extra, highlight=False)


@analysis_command("top")
def top_command(question: Question,
                limit: Annotated[int, typer.Option("-n", "--limit", help="Rows to show.")] = 20,
                min_rerouted: Annotated[float, typer.Option(help="Minimum rerouted value per period.")] = 0.0,
                as_json: JsonOption = False):
    """Ranked roundabout corridors (product × transit country) in the terminal."""
    table = roundabout_scores(question.con, question.scope, question.baseline, question.comparison,
                              min_rerouted=min_rerouted, limit=limit)
    _show(table, as_json, columns=["rank", "product_code", "transit", "direct_base_avg", "direct_comp_avg",
                                   "transit_base_avg", "transit_comp_avg", "intensity", "rerouted_avg", "score"])


@analysis_command("index")
def index_command(question: Question,
                  by_product: Annotated[bool, typer.Option(help="One row per product.")] = False,
                  by_country: Annotated[bool, typer.Option(help="One row per transit country.")] = True,
                  limit: Annotated[Optional[int], typer.Option("-n", "--limit")] = None,
                  as_json: JsonOption = False):
    """Corridor indices (coalition → transit, transit → target, coalition → target) against the baseline."""
    table = corridor_indices(question.con, question.scope, question.baseline, question.comparison,
                             by_country=by_country, by_product=by_product)
    _show(table, as_json, limit)


@analysis_command("substitution")
def substitution_command(question: Question, limit: Annotated[int, typer.Option("-n", "--limit")] = 20,
                         as_json: JsonOption = False):
    """Substitution ratio: rise of exports to transit countries against the fall of direct exports."""
    table, overall = substitution_ratios(question.con, question.scope, question.baseline, question.comparison)
    _show(table, as_json, limit, {"overall": overall})


@analysis_command("anomalies")
def anomalies_command(question: Question, limit: Annotated[int, typer.Option("-n", "--limit")] = 30,
                      near_zero: Annotated[float, typer.Option(help="Per-period value counted as no trade.")] = 1000.0,
                      material: Annotated[float, typer.Option(help="Per-period value of a new flow worth flagging.")] = 10000.0,
                      as_json: JsonOption = False):
    """Anomaly flags: doubling, new flows from near zero, structural breaks after February 2022."""
    table = anomaly_flags(question.con, question.scope, question.baseline, question.comparison,
                          near_zero=near_zero, material=material)
    _show(table, as_json, limit)


@analysis_command("unit-values")
def unit_values_command(question: Question,
                        basis: Annotated[str, typer.Option(help="kg (net mass) or quantity (supplementary units).")] = "kg",
                        limit: Annotated[int, typer.Option("-n", "--limit")] = 30, as_json: JsonOption = False):
    """Unit values (value per kg or per unit) against the baseline."""
    _show(unit_values(question.con, question.scope, question.baseline, question.comparison, basis=basis), as_json, limit)


@analysis_command("did")
def did_command(question: Question,
                treated: Annotated[str, typer.Option(help="Treated goods: sanctioned (eu833 list) or chp.")] = "sanctioned",
                control: Annotated[Optional[str], typer.Option(help="Control destinations (codes; default: all other partners).")] = None,
                as_json: JsonOption = False):
    """Difference-in-differences: sanctioned vs other goods, transit vs other destinations, before vs after."""
    table, result = difference_in_differences(question.con, question.scope, question.baseline, question.comparison,
                                              treated_goods=treated, control_destinations=control.split(",") if control else None)
    _show(table, as_json, extra={"result": result})


@analysis_command("report")
def report_command(question: Question,
                   out: Annotated[Path, typer.Option("--out", help="Folder for index.html, tables/ and charts/.")],
                   top: Annotated[int, typer.Option(help="Rows per table in the HTML (CSV has all).")] = 25):
    """Write the offline HTML report with charts, plus every table as CSV and every chart as PNG."""
    from kordon.trade.report import build_report

    report = build_report(question.con, out, question.scope, question.baseline, question.comparison, top=top)
    console.print(f"wrote {report.html} ({len(report.tables)} tables, {len(report.charts)} charts) in "
                  f"{report.timings['total']:.1f} s", highlight=False)


@app.command("mirror")
@handles_errors
def mirror_command(
    exporter: Annotated[str, typer.Argument(help="Exporting country or aggregate, e.g. EU27_2020.")],
    importer: Annotated[str, typer.Argument(help="Importing country, e.g. KG.")],
    freq: Annotated[str, typer.Option(help="Y or M.")] = "Y",
    level: Annotated[str, typer.Option(help="Product level (TOTAL by default).")] = "TOTAL",
    currency: Annotated[Optional[str], typer.Option(help="Currency, when the data holds several.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
):
    """Mirror gap: exporter's recorded exports against the importer's recorded imports, and its break after Feb 2022."""
    con = store.connect(db)
    table = mirror_gaps(con, exporter, importer, scope=Scope(freq=freq.upper(), currency=currency), level=level.upper())
    breaks = mirror_break(table, freq=freq.upper())
    _show(table, as_json, extra={"break_after_feb_2022": breaks})
