"""``kordon lists ...``: import, update, inspect and compare list versions.

A thin layer over :class:`kordon.store.Store` and the sources in
:mod:`kordon.lists.registry`; every command takes ``--json``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from kordon.lists.base import ListFormatError
from kordon.lists.registry import SOURCE_MODULES, UnknownSource, get_source
from kordon.store import DEFAULT_MAX_SHRINK, ImportRefused, Store, StoreError

app = typer.Typer(no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

StoreOpt = typer.Option(None, "--store", help="List store file (default: $KORDON_STORE or $KORDON_HOME/lists.sqlite).")
JsonOpt = typer.Option(False, "--json", help="Machine-readable JSON output.")


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def parse_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"option {pair!r} must look like key=value")
        options[key.strip()] = value
    return options


def open_store(path: Optional[Path]) -> Store:
    try:
        return Store.open(path)
    except StoreError as exc:
        fail(str(exc))
        raise  # unreachable


def run_import(store: Store, source_name: str, path: Path, *, published: str | None, force: bool,
               max_shrink: float, options: dict[str, Any], as_json: bool) -> dict[str, Any]:
    """Import one file and print the result; exits non-zero when the import cannot go on."""
    try:
        source = get_source(source_name)
    except UnknownSource as exc:
        fail(str(exc), 2)
    quiet = as_json or not sys.stderr.isatty()
    try:
        with err.status(f"importing {source_name} from {path}", spinner="dots") if not quiet else _null():
            result = store.import_list(source, path, published=published, force=force,
                                       max_shrink=max_shrink, options=options)
    except ListFormatError as exc:
        fail(f"{source_name}: {exc}; nothing was imported, the previous version stays current")
    except ImportRefused as exc:
        fail(str(exc), 3)
    except (TypeError, ValueError) as exc:
        fail(f"{source_name}: {exc}; nothing was imported")
    data = result.to_dict()
    if as_json:
        return data
    if result.unchanged:
        console.print(f"{source_name}: unchanged (same file as version {result.previous.id}); nothing to do")
        return data
    v = result.version
    assert v is not None
    counts = ", ".join(f"{n} {k}" for k, n in v.counts.items() if not k.startswith("relation:"))
    console.print(f"[green]imported[/] {source_name} version {v.id}: {v.entity_count} entities ({counts})"
                  + (f", published {v.published}" if v.published else ""))
    if result.previous:
        console.print(f"  previous version {result.previous.id}: {result.previous.entity_count} entities")
    if v.problems:
        console.print(f"  [yellow]{sum(v.problems.values())} row problems[/] recovered: "
                      + ", ".join(f"{n} {k}" for k, n in v.problems.items()))
        for sample in result.problem_samples[:5]:
            console.print(f"    {sample}", highlight=False)
        console.print(f"  all of them: kordon lists problems {v.id}")
    return data


class _null:
    def __enter__(self): return self
    def __exit__(self, *a): return False


@app.command("import")
def import_(
    source: str = typer.Argument(..., help=f"Source format: {', '.join(SOURCE_MODULES)}."),
    path: Path = typer.Argument(..., help="The list file, or the folder for folder sources (ofac)."),
    published: Optional[str] = typer.Option(None, help="Publication date (ISO) when the file carries none."),
    force: bool = typer.Option(False, "--force", help="Accept an empty or much smaller list; re-import an unchanged file."),
    max_shrink: float = typer.Option(DEFAULT_MAX_SHRINK, help="Largest share of entities a new version may lose."),
    option: list[str] = typer.Option([], "--option", "-o", help="Source option key=value (e.g. -o alt=PATH for ofac, -o mapping=FILE.yml for internal)."),
    store: Optional[Path] = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Import a local list file as a new version; all or nothing."""
    with open_store(store) as st:
        data = run_import(st, source, path, published=published, force=force, max_shrink=max_shrink,
                          options=parse_options(option), as_json=as_json)
    if as_json:
        emit_json(data)


@app.command()
def update(
    sources: list[str] = typer.Argument(None, help="Sources to update (default: every source with an official address)."),
    force: bool = typer.Option(False, "--force"),
    max_shrink: float = typer.Option(DEFAULT_MAX_SHRINK),
    store: Optional[Path] = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Download the current official lists and import those that changed."""
    names = sources or [n for n in SOURCE_MODULES if get_source(n).urls]
    results, failed = [], []
    with open_store(store) as st:
        for name in names:
            try:
                src = get_source(name)
            except UnknownSource as exc:
                fail(str(exc), 2)
            with tempfile.TemporaryDirectory(prefix=f"kordon-{name}-") as tmp:
                try:
                    path = src.download(Path(tmp))
                except Exception as exc:  # network, HTTP, missing address: report and go on
                    failed.append({"source": name, "error": f"download failed: {exc}"})
                    err.print(f"[red]{name}[/]: download failed: {exc}", highlight=False)
                    continue
                try:
                    results.append(run_import(st, name, path, published=None, force=force,
                                              max_shrink=max_shrink, options={}, as_json=as_json))
                except typer.Exit:
                    failed.append({"source": name, "error": "import failed (see above)"})
    if as_json:
        emit_json({"imported": results, "failed": failed})
    if failed:
        raise typer.Exit(1)


@app.command()
def status(store: Optional[Path] = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Show the current version of every loaded list."""
    with open_store(store) as st:
        versions = st.current_versions()
        if as_json:
            emit_json({"store": str(st.path), "fingerprint": st.fingerprint(),
                       "lists": [v.to_dict() for v in versions]})
            return
        if not versions:
            console.print(f"no lists loaded in {st.path}; try `kordon demo` or `kordon lists import ...`")
            return
        table = Table(title=f"Lists in {st.path}")
        for col in ("source", "version", "published", "imported", "entities", "by type", "relations", "problems"):
            table.add_column(col, overflow="fold")
        for v in versions:
            by_type = ", ".join(f"{n} {k}" for k, n in v.counts.items() if not k.startswith("relation:"))
            table.add_row(v.source, str(v.id), v.published or "-", v.imported_at[:16].replace("T", " "),
                          str(v.entity_count), by_type, str(v.relation_count), str(sum(v.problems.values())))
        console.print(table)


@app.command()
def versions(source: Optional[str] = typer.Argument(None), store: Optional[Path] = StoreOpt,
             as_json: bool = JsonOpt) -> None:
    """List every stored version (of one source, or of all)."""
    with open_store(store) as st:
        vs = st.versions(source)
    if as_json:
        emit_json([v.to_dict() for v in vs])
        return
    table = Table()
    for col in ("version", "source", "current", "published", "imported", "entities", "checksum"):
        table.add_column(col)
    for v in vs:
        table.add_row(str(v.id), v.source, "yes" if v.current else "", v.published or "-", v.imported_at,
                      str(v.entity_count), v.checksum[:12])
    console.print(table)


@app.command()
def diff(
    source: str,
    old: Optional[int] = typer.Argument(None, help="Older version id (default: the one before NEW)."),
    new: Optional[int] = typer.Argument(None, help="Newer version id (default: current)."),
    limit: int = typer.Option(50, help="Rows to print per section (all with --json)."),
    store: Optional[Path] = StoreOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Entities added, removed and changed between two versions of a list."""
    with open_store(store) as st:
        try:
            d = st.diff(source, old, new)
        except StoreError as exc:
            fail(str(exc))
    if as_json:
        emit_json(d.to_dict())
        return
    console.print(f"{source}: version {d.old.id} ({d.old.published or d.old.imported_at}, {d.old.entity_count}) "
                  f"→ {d.new.id} ({d.new.published or d.new.imported_at}, {d.new.entity_count}): "
                  f"[green]+{len(d.added)} added[/], [red]-{len(d.removed)} removed[/], "
                  f"[yellow]{len(d.changed)} changed[/]")
    for title, rows in (("added", d.added), ("removed", d.removed), ("changed", d.changed)):
        if not rows:
            continue
        console.print(f"\n[bold]{title}[/]")
        for c in rows[:limit]:
            extra = f"  ({', '.join(c.fields)})" if c.fields else ""
            console.print(f"  {c.entity_id}  {c.caption}{extra}", highlight=False)
        if len(rows) > limit:
            console.print(f"  … {len(rows) - limit} more (--limit or --json)")


@app.command()
def show(entity_id: str, version: Optional[int] = typer.Option(None), store: Optional[Path] = StoreOpt,
         as_json: bool = JsonOpt) -> None:
    """Show one listed entity with everything the list says about it."""
    with open_store(store) as st:
        entity = st.get_entity(entity_id, version)
    if entity is None:
        fail(f"no entity {entity_id!r} in the current lists")
    assert entity is not None
    if as_json:
        emit_json(entity.to_dict())
        return
    console.print_json(entity.to_json())


@app.command()
def problems(version: int, limit: int = typer.Option(100), store: Optional[Path] = StoreOpt,
             as_json: bool = JsonOpt) -> None:
    """The row problems recorded while importing one version."""
    with open_store(store) as st:
        try:
            st.version(version)
        except StoreError as exc:
            fail(str(exc))
        rows = st.problems(version, None if as_json else limit)
    if as_json:
        emit_json(rows)
        return
    for p in rows:
        where = (p["path"] or "") + (f":{p['line']}" if p["line"] else "") + (f" [{p['field']}]" if p["field"] else "")
        console.print(f"{p['kind']:<18} {where}: {p['message']}", highlight=False)


@app.command()
def sources(as_json: bool = JsonOpt) -> None:
    """The list formats kordon reads, with their official addresses."""
    rows = []
    for name in SOURCE_MODULES:
        try:
            src = get_source(name)
            rows.append({"source": name, "title": src.title, "publisher": src.publisher,
                         "input": "folder" if src.reads_folder else "file", "urls": src.urls})
        except ImportError as exc:
            rows.append({"source": name, "title": f"(unavailable: {exc})", "publisher": "", "input": "", "urls": {}})
    if as_json:
        emit_json(rows)
        return
    table = Table()
    for col in ("source", "title", "input", "official address"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["source"], r["title"], r["input"], "\n".join(r["urls"].values()) or "-")
    console.print(table)


@app.command()
def export(
    out: Path = typer.Argument(..., help="Output file (.jsonl); '-' for standard output."),
    fmt: str = typer.Option("ftm", "--format", help="ftm (FollowTheMoney JSON lines) or kordon (native)."),
    source: list[str] = typer.Option([], "--source", help="Only these sources (default: all current)."),
    store: Optional[Path] = StoreOpt,
) -> None:
    """Export the current lists as FollowTheMoney or kordon JSON lines."""
    from kordon.model import relation_to_dict

    with open_store(store) as st:
        entities = st.iter_entities(source or None)
        relations = st.iter_relations(source or None)
        fh = sys.stdout if str(out) == "-" else None
        tmp = None if fh else out.with_suffix(out.suffix + ".part")
        handle = fh or tmp.open("w", encoding="utf-8")  # type: ignore[union-attr]
        try:
            if fmt == "kordon":
                for e in entities:
                    handle.write(e.to_json() + "\n")
                for r in relations:
                    handle.write(json.dumps({"relation": relation_to_dict(r)}, ensure_ascii=False) + "\n")
            elif fmt == "ftm":
                from kordon.ftm import write_ftm_lines

                write_ftm_lines(list(entities) + list(relations), handle)
            else:
                fail(f"unknown format {fmt!r}: use ftm or kordon", 2)
        finally:
            if tmp:
                handle.close()
        if tmp:
            tmp.replace(out)


@app.command()
def rollback(source: str, version: int, store: Optional[Path] = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Make an older stored version of a list current again."""
    with open_store(store) as st:
        try:
            st.set_current(source, version)
        except StoreError as exc:
            fail(str(exc))
        current = st.current_version(source)
    if as_json:
        emit_json(current.to_dict() if current else None)
        return
    console.print(f"{source}: version {version} is current")


@app.command()
def prune(keep: int = typer.Option(5, help="Versions to keep per source."), store: Optional[Path] = StoreOpt,
          as_json: bool = JsonOpt) -> None:
    """Delete old versions, keeping the newest KEEP of each list (and the current one)."""
    with open_store(store) as st:
        n = st.prune(keep)
    if as_json:
        emit_json({"deleted_versions": n})
        return
    console.print(f"deleted {n} old versions")
