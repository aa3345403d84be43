"""The small demo list that ships with kordon (fictional entities, for the quickstart and tests)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Iterator

from kordon.lists.base import ImportReport
from kordon.lists.native import NativeSource
from kordon.model import Entity, Relation


def demo_path() -> Path:
    return Path(str(resources.files("kordon") / "data" / "demo_list.jsonl"))


class DemoSource(NativeSource):
    name = "demo"
    title = "kordon demo list (fictional)"

    def read(self, path: Path, report: ImportReport, **options) -> Iterator[Entity | Relation]:
        return super().read(path or demo_path(), report, **options)


SOURCE = DemoSource()
