"""``kordon demo``: the README's first command, offline on the embedded default.

Loads the demo list that ships with kordon into the store, shows what is
loaded, then screens a few sample names against it with explanations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from kordon.lists.demo import DemoSource, demo_path

console = Console()

SAMPLE_QUERIES = [
    # (name, type, dob, country) — spelled the way real queries arrive
    ("Alexandr Volkov", "person", "1968", None),  # transliteration variant, no patronymic
    ("ВОЛКОВ Александр", "person", None, None),  # Cyrillic, reordered
    ("Nurlan Zhaksybekov", "person", None, "kz"),  # Kazakh name, Russian-style spelling
    ("TOO Steppe Electronics", "company", None, None),  # Kazakh legal form, name truncated
    ("Ala-Too Komponents OsOO", "company", None, None),  # typo + Kyrgyz legal form
    ("Jane Smith", "person", "1980", "gb"),  # should not hit
]


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        store: Optional[Path] = typer.Option(None, "--store", help="List store file (default location otherwise)."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Load the bundled demo list, show what is loaded and screen sample names (offline)."""
        from kordon.lists.cli import emit_json, open_store, run_import, status

        with open_store(store) as st:
            result = run_import(st, DemoSource.name, demo_path(), published=None, force=False,
                                max_shrink=0.1, options={}, as_json=as_json)
            if not as_json:
                status(store=store, as_json=False)
            screening = _screen_samples(st, as_json)
        if as_json:
            emit_json({"import": result, "screening": screening})


def _screen_samples(store, as_json: bool):
    """Screen SAMPLE_QUERIES against everything loaded in the store."""
    from kordon.screening.demo import screen_samples

    return screen_samples(store, SAMPLE_QUERIES, console=None if as_json else console)
