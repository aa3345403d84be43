"""kordon's own JSON-lines format: one entity per line as written by ``Entity.to_json``.

Lines may also be ``{"relation": {...}}`` or a first ``{"_meta": {...}}`` line
carrying ``published`` and a ``title``. ``kordon lists export --format kordon``
writes this format, so a store can be moved or archived losslessly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from kordon.lists.base import ImportReport, ListFormatError, ListSource
from kordon.model import Entity, Relation, relation_from_dict


class NativeSource(ListSource):
    name = "kordon"
    title = "kordon JSON lines"
    publisher = "kordon"

    def read(self, path: Path, report: ImportReport, **options) -> Iterator[Entity | Relation]:
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise ListFormatError(path, f"cannot open: {exc.strerror}") from exc
        with fh:
            for line_no, raw in enumerate(fh, start=1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ListFormatError(path, f"not UTF-8 text ({exc.reason} at column {exc.start + 1})",
                                          line=line_no) from None
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ListFormatError(path, f"not a JSON line: {exc.msg}", line=line_no) from None
                if not isinstance(data, dict):
                    raise ListFormatError(path, "each line must be a JSON object", line=line_no)
                if "_meta" in data:
                    report.published = data["_meta"].get("published") or report.published
                    continue
                try:
                    if "relation" in data:
                        yield relation_from_dict(data["relation"])
                    else:
                        yield Entity.from_dict(data)
                except (KeyError, TypeError, ValueError) as exc:
                    report.warn(f"not a kordon record: {exc!r}", line=line_no, kind="bad_record")


SOURCE = NativeSource()
