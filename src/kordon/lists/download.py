"""Downloading official lists from their publishers (used by ``kordon lists update``)."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

from kordon.lists.base import ListSource

USER_AGENT = "kordon (sanctions screening; +https://github.com/kordon)"


def fetch(url: str, dest: Path, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``dest`` atomically (a partial download never replaces a good file)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response, tmp.open("wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)
    tmp.replace(dest)
    return dest


def fetch_all(source: ListSource, dest: Path) -> Path:
    """Fetch every file of ``source.urls`` into ``dest``; return the folder or the single file."""
    if not source.urls:
        raise ValueError(f"source {source.name!r} has no official download address")
    dest.mkdir(parents=True, exist_ok=True)
    paths = [fetch(url, dest / filename) for filename, url in source.urls.items()]
    return dest if source.reads_folder or len(paths) > 1 else paths[0]
