"""Shared test helpers.

Tests that need the real data in ``../shared/data`` use the ``shared_data``
fixture. Outside CI they skip when it is missing; under CI (``CI=true``) they
fail, so that a missing data folder can never turn into a green run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No time limit per example: tests assert behaviour, not speed (and the first call of a compiled
# screening loop includes its compilation on a fresh checkout).
settings.register_profile("kordon", deadline=None)
settings.load_profile("kordon")

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_file(relpath: str) -> Path:
    """Path of a file under ../shared/data; fail under CI, skip elsewhere, when missing."""
    path = SHARED / relpath
    if not path.exists():
        message = f"real data missing: {path} (see ../shared/data/MANIFEST.md)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared_data():
    return shared_file


@pytest.fixture
def kordon_home(tmp_path, monkeypatch):
    """An empty kordon home folder for one test."""
    monkeypatch.setenv("KORDON_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KORDON_STORE", raising=False)
    monkeypatch.delenv("KORDON_TRADE_DB", raising=False)
    return tmp_path / "home"
