"""``kordon screen``, ``kordon screen-file`` and ``kordon match-pairs``.

All three read the default list store (or ``--store``) through the persisted
screening index, which is built on first use after a list changes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from kordon.lists.cli import StoreOpt, fail, open_store
from kordon.screening.explain import explanation_line
from kordon.screening.files import (
    InputError,
    InputFile,
    InputRow,
    RowWriter,
    open_input,
    output_format,
)
from kordon.screening.query import ENTITY_TYPES, Hit, Query, QueryError

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EMPTY_STORE = "no lists loaded: run `kordon lists import ...` or `kordon demo`"
HIT_FIELDS = ("score", "source", "source_id", "entity_id", "listed_name", "matched_name", "explanation")
# FollowTheMoney schema names accepted in match-pairs' schema column
SCHEMAS = {"person": "person", "company": "company", "organization": "organization", "legalentity": "any",
           "vessel": "vessel", "airplane": "aircraft", "aircraft": "aircraft", "any": "any", "thing": "any"}

ThresholdOpt = typer.Option(None, "--threshold", help="Report hits scoring at least this (default: the documented one in screening/data/weights.yml).")
WeightOpt = typer.Option([], "--weight", help="Override a feature weight, e.g. dob_mismatch=-0.4 (repeatable).")


def parse_weights(pairs: list[str]) -> dict[str, float]:
    weights = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            fail(f"--weight {pair!r} must look like feature=number, e.g. dob_mismatch=-0.4", 2)
    return weights


def load_screener(store_path: Path | None, require_lists: bool = True):
    """The screener over the store's current lists (index loaded, or built with a notice)."""
    from kordon.screening.screener import Screener

    store = open_store(store_path)
    if require_lists and not store.current_versions():
        fail(EMPTY_STORE)
    status = err.status("building the screening index (first use after a list changed)") \
        if err.is_terminal else nullcontext()
    notes: list[str] = []
    with status:
        screener = Screener.from_store(store, progress=notes.append)
    if notes and not err.is_terminal:
        err.print(f"built the screening index: {'; '.join(notes)}", highlight=False)
    return screener


def hit_record(hit: Hit) -> dict[str, Any]:
    return {
        "score": round(hit.score, 4),
        "source": hit.source,
        "source_id": hit.source_id,
        "entity_id": hit.entity_id,
        "listed_name": hit.caption,
        "matched_name": hit.matched_name,
        "explanation": explanation_line(hit.explanation),
    }


# --- kordon screen ------------------------------------------------------------------


def screen(
    name: str = typer.Argument(..., help="The name to screen, in any script."),
    entity_type: str = typer.Option("any", "--type", help="person, company, organization, vessel, aircraft or any."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth or incorporation: YYYY, YYYY-MM or YYYY-MM-DD."),
    country: list[str] = typer.Option([], "--country", help="Country code or name (repeatable)."),
    ident: list[str] = typer.Option([], "--id", help="Passport, tax, registration or IMO number (repeatable)."),
    threshold: float | None = ThresholdOpt,
    limit: int = typer.Option(10, "--limit", min=1, help="At most this many hits."),
    weight: list[str] = WeightOpt,
    store: Path | None = StoreOpt,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable JSON output."),
) -> None:
    """Screen one name against the loaded lists and explain every hit."""
    weights = parse_weights(weight)
    query = Query(name, type=entity_type, dob=dob, countries=list(country), identifiers=list(ident))
    try:
        query.validate()
    except QueryError as exc:
        fail(str(exc), 2)
    screener = load_screener(store)
    try:
        hits = screener.screen(query, threshold=threshold, limit=limit, weights=weights)
    except QueryError as exc:
        fail(str(exc), 2)
    used = threshold if threshold is not None else screener.defaults.threshold
    if as_json:
        import json

        data = {"query": {"name": name, "type": entity_type, "dob": dob, "countries": list(country),
                          "identifiers": list(ident)},
                "threshold": used, "hits": [h.to_dict() for h in hits]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if not hits:
        console.print(f"No listed entity scores {used:.2f} or more for {name!r}.", highlight=False)
        return
    table = Table(title=f"{len(hits)} hit{'s' if len(hits) > 1 else ''} for {name!r} (threshold {used:.2f})")
    for col in ("#", "score", "listed name", "matched name", "type", "list", "id"):
        table.add_column(col, justify="right" if col in ("#", "score") else "left")
    for i, hit in enumerate(hits, 1):
        table.add_row(str(i), f"{hit.score:.2f}", hit.entity.caption, hit.matched_name, hit.entity.type.value,
                      hit.entity.source, hit.entity.source_id)
    console.print(table)
    for i, hit in enumerate(hits, 1):
        console.print(f"[bold]{i}.[/] " + hit.explanation.text().replace("\n", "\n   "), highlight=False)


# --- kordon screen-file -------------------------------------------------------------


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [v.strip() for v in str(value).replace(",", ";").split(";") if v.strip()]


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def _row_query(row: InputRow, cols: dict[str, str | None], default_type: str) -> Query:
    data = row.data
    name = data.get(cols["name"])
    return Query(
        name="" if name is None else str(name),
        type=_text(data.get(cols["type"])) or default_type if cols["type"] else default_type,
        dob=_text(data.get(cols["dob"])) if cols["dob"] else None,
        countries=_split(data.get(cols["country"])) if cols["country"] else [],
        identifiers=_split(data.get(cols["id"])) if cols["id"] else [],
        ref=row.line,  # results may come back from worker processes: match rows by line
    )


def _progress(total: int | None):
    if not err.is_terminal:
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, transient=True)
    progress.add_task("rows", total=total)
    return progress


def _own_columns(input_columns: list[str], names: list[str]) -> dict[str, str]:
    """Our output columns, renamed ``screen_...`` where the input already has a column of that name."""
    taken = set(input_columns)
    return {n: (f"screen_{n}" if n in taken else n) for n in names}


def screen_file(
    input: Path = typer.Argument(..., help="CSV, XLSX or JSON-lines file with one name per row."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .csv, .jsonl or .xlsx (chosen by extension)."),
    name_col: str = typer.Option("name", "--name-col", help="Column holding the name."),
    type_col: str | None = typer.Option(None, "--type-col", help="Column holding the entity type."),
    dob_col: str | None = typer.Option(None, "--dob-col", help="Column holding the date of birth."),
    country_col: str | None = typer.Option(None, "--country-col", help="Column with countries (; separated)."),
    id_col: str | None = typer.Option(None, "--id-col", help="Column with identifier numbers (; separated)."),
    entity_type: str = typer.Option("any", "--type", help="Entity type of rows without a type column."),
    threshold: float | None = ThresholdOpt,
    limit: int = typer.Option(3, "--limit", min=1, help="Hits kept per row, best first."),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet (default: the first)."),
    workers: int = typer.Option(0, "--workers", min=0, help="Processes (default: one per core, up to 4)."),
    weight: list[str] = WeightOpt,
    store: Path | None = StoreOpt,
) -> None:
    """Screen every row of a file; one output row per input row with its top hits."""
    if entity_type not in ENTITY_TYPES:
        fail(f"unknown entity type {entity_type!r}; use one of {', '.join(ENTITY_TYPES)}", 2)
    weights = parse_weights(weight)
    cols = {"name": name_col, "type": type_col, "dob": dob_col, "country": country_col, "id": id_col}
    try:
        output_format(out)
        infile = open_input(input, [c for c in cols.values() if c], sheet)
    except InputError as exc:
        fail(str(exc), 2)
    screener = load_screener(store)
    own = _own_columns(infile.columns, ["error", "hits"])
    hit_cols = [f"hit_{i}_{f}" for i in range(1, limit + 1) for f in HIT_FIELDS]
    columns = infile.columns + [own["error"], own["hits"]] + hit_cols
    if workers == 0:
        workers = min(os.cpu_count() or 1, 4) if (infile.total or 0) >= 2000 else 1
    counts = {"rows": 0, "hits": 0, "errors": 0}
    progress = _progress(infile.total)
    try:
        with RowWriter(out, columns) as writer, (progress or nullcontext()):
            for row, hits, error in _screen_rows(screener, infile, cols, entity_type, threshold, limit,
                                                 weights, workers):
                counts["rows"] += 1
                counts["errors"] += error is not None
                counts["hits"] += bool(hits)
                records = [hit_record(h) for h in hits]
                flat = {**row.data, own["error"]: error or "", own["hits"]: len(records)}
                for i, rec in enumerate(records, 1):
                    flat.update({f"hit_{i}_{k}": v for k, v in rec.items()})
                writer.write(flat, {**row.data, own["error"]: error, own["hits"]: records})
                if progress:
                    progress.advance(progress.task_ids[0])
    except QueryError as exc:  # a bad --threshold or --weight
        fail(str(exc), 2)
    finally:
        infile.close()
    err.print(f"screened {counts['rows']} rows: {counts['hits']} with hits, {counts['errors']} with errors "
              f"-> {out}", highlight=False)


def _screen_rows(screener, infile: InputFile, cols, default_type, threshold, limit, weights,
                 workers) -> Iterator[tuple[InputRow, list[Hit], str | None]]:
    """(row, hits, error) in input order; rows that cannot be read skip the screener."""
    pending: list[InputRow] = []

    def queries() -> Iterator[Query]:
        for row in infile.rows:
            pending.append(row)
            if row.error is None:
                yield _row_query(row, cols, default_type)

    results = screener.screen_many(queries(), threshold=threshold, limit=limit, weights=weights,
                                   workers=workers)
    for result in results:
        while pending and pending[0].line != result.query.ref:  # unreadable rows before this one
            bad = pending.pop(0)
            yield bad, [], bad.error
        row = pending.pop(0)
        yield row, result.hits, result.error
    for bad in pending:
        yield bad, [], bad.error or "not screened"


# --- kordon match-pairs -------------------------------------------------------------


def match_pairs(
    input: Path = typer.Argument(..., help="CSV, XLSX or JSON-lines file of name pairs."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .csv, .jsonl or .xlsx."),
    name1_col: str = typer.Option("name1", "--name1-col", help="Column with the first name (the query)."),
    name2_col: str = typer.Option("name2", "--name2-col", help="Column with the second name (the listed name)."),
    schema_col: str = typer.Option("schema", "--schema-col", help="Optional column: Person, Company, Vessel..."),
    threshold: float | None = ThresholdOpt,
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet (default: the first)."),
    weight: list[str] = WeightOpt,
    store: Path | None = StoreOpt,
) -> None:
    """Score given name pairs with the screening features, for evaluation and tuning."""
    weights = parse_weights(weight)
    try:
        output_format(out)
        infile = open_input(input, [name1_col, name2_col], sheet)
    except InputError as exc:
        fail(str(exc), 2)
    screener = load_screener(store, require_lists=False)
    if screener.is_empty:
        err.print("note: no lists loaded, so every name part weighs the same (load lists for rarity weights)")
    try:
        used = screener.defaults.threshold if threshold is None else float(threshold)
        if not 0 <= used <= 1:
            raise QueryError(f"threshold must be between 0 and 1, not {used}")
    except QueryError as exc:
        fail(str(exc), 2)
    own = _own_columns(infile.columns, ["score", "match", "explanation", "error"])
    counts = {"rows": 0, "match": 0, "errors": 0}
    has_schema = schema_col in infile.columns
    try:
        with RowWriter(out, infile.columns + list(own.values())) as writer:
            for row in infile.rows:
                score, match, explanation, error = None, None, None, row.error
                if error is None:
                    try:
                        kind = SCHEMAS.get(str(row.data.get(schema_col) or "any").strip().lower()) \
                            if has_schema else "any"
                        if kind is None:
                            raise QueryError(f"unknown schema {row.data.get(schema_col)!r}")
                        hit = screener.match_pair(str(row.data.get(name1_col) or ""),
                                                  str(row.data.get(name2_col) or ""), kind, threshold, weights)
                        if hit is None:
                            raise QueryError("nothing to match in the second name")
                        score, match = round(hit.score, 4), hit.score >= used
                        explanation = explanation_line(hit.explanation)
                    except QueryError as exc:
                        error = str(exc)
                counts["rows"] += 1
                counts["match"] += bool(match)
                counts["errors"] += error is not None
                values = {own["score"]: score, own["match"]: match, own["explanation"]: explanation,
                          own["error"]: error}
                writer.write({**row.data, **{k: ("" if v is None else v) for k, v in values.items()}},
                             {**row.data, **values})
    finally:
        infile.close()
    err.print(f"scored {counts['rows']} pairs: {counts['match']} match at {used:.2f}, "
              f"{counts['errors']} with errors -> {out}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``screen``, ``screen-file`` and ``match-pairs`` to the root app."""
    app.command("screen")(screen)
    app.command("screen-file")(screen_file)
    app.command("match-pairs")(match_pairs)
