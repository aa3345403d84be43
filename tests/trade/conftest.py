"""Fixtures of the trade tests: a fresh database and a helper to insert hand-made flows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kordon.trade.store import connect

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def con():
    connection = connect(":memory:")
    yield connection
    connection.close()


def insert_flows(con, rows, *, dataset: str = "synthetic", currency: str = "EUR", freq: str = "M", level: str = "CN8"):
    """rows: (reporter, partner, flow, product_code, 'YYYY-MM' or 'YYYY', value[, net_mass_kg]) tuples."""
    dataset_id = con.execute("SELECT coalesce(max(dataset_id), 0) + 1 FROM datasets").fetchone()[0]
    con.execute(
        "INSERT INTO datasets VALUES (?, ?, 'test source', 'test.csv', 'x', 'test', DATE '2024-01-31', 'test', "
        "now(), ?, 0, 0, ?, NULL, NULL)", [dataset_id, dataset, len(rows), currency])
    for row in rows:
        reporter, partner, flow, product, period, value, *mass = row
        year, month = (int(period[:4]), int(period[5:7])) if freq == "M" else (int(period), 1)
        con.execute(
            "INSERT INTO flows VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL, NULL, ?, FALSE)",
            [dataset_id, reporter, partner, flow, product, "TOTAL" if level == "TOTAL" else "CN", level, freq,
             date(year, month, 1), value, currency, mass[0] if mass else None])


@pytest.fixture
def add_flows():
    return insert_flows
