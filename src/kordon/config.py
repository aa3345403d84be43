"""Where kordon keeps its files.

Everything lives under one home folder so that an operator can back it up,
move it or point a test at a temporary one:

- ``$KORDON_HOME`` if set, else ``$XDG_DATA_HOME/kordon``, else ``~/.local/share/kordon``.
- ``lists.sqlite``: the versioned list store (override: ``$KORDON_STORE``).
- ``index/``: the screening index built from the store.
- ``trade.duckdb``: the trade-flow database (override: ``$KORDON_TRADE_DB``).
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("KORDON_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "kordon"


def store_path() -> Path:
    env = os.environ.get("KORDON_STORE")
    return Path(env).expanduser() if env else home() / "lists.sqlite"


def index_dir() -> Path:
    return home() / "index"


def trade_db_path() -> Path:
    env = os.environ.get("KORDON_TRADE_DB")
    return Path(env).expanduser() if env else home() / "trade.duckdb"
