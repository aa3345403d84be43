"""The screening half of ``kordon demo``: sample names screened against the loaded lists."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from kordon.screening.query import Query
from kordon.screening.screener import Screener


def screen_samples(store: Any, samples: list[tuple[str, str, str | None, str | None]],
                   console: Console | None = None) -> list[dict[str, Any]]:
    """Screen ``(name, type, dob, country)`` samples; print a table with explanations when ``console``."""
    screener = Screener.from_store(store)
    results = []
    for name, kind, dob, country in samples:
        query = Query(name, type=kind, dob=dob, countries=[country] if country else [])
        hits = screener.screen(query, limit=3)
        results.append({"query": {"name": name, "type": kind, "dob": dob, "country": country},
                        "hits": [h.to_dict() for h in hits]})
    if console is not None:
        table = Table(title=f"Screening sample names (threshold {screener.defaults.threshold:.2f})",
                      show_lines=True)
        for col in ("query", "best hit", "score", "why"):
            table.add_column(col, overflow="fold")
        for row in results:
            q = row["query"]
            label = q["name"] + "".join(f"\n{k}: {q[k]}" for k in ("type", "dob", "country") if q[k])
            if not row["hits"]:
                table.add_row(label, "[green]no hit[/]", "", "")
                continue
            best = row["hits"][0]
            table.add_row(label, f"{best['caption']}\n{best['entity_id']} ({best['source']})",
                          f"{best['score']:.2f}", best["explanation"])
        console.print(table)
    return results
