"""Opening the trade database (DuckDB, embedded) and moving flows in and out as Parquet."""

from __future__ import annotations

from pathlib import Path

import duckdb

from kordon.config import trade_db_path
from kordon.trade.errors import TradeError
from kordon.trade.model import DATASETS_DDL, FLOWS_DDL


def connect(db: Path | str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create if needed) the trade database; ``db`` defaults to ``kordon.config.trade_db_path()``.

    ``":memory:"`` gives a throw-away database (tests, quick looks).
    """
    target = str(db) if db is not None else str(trade_db_path())
    if target != ":memory:":
        path = Path(target)
        if read_only and not path.exists():
            raise TradeError(f"{path}: no trade database yet; load data first with 'kordon trade load FILE'")
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target, read_only=read_only)
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(FLOWS_DDL)
    con.execute(DATASETS_DDL)
    # Goods reference tables exist from the start so that filters can always join them.
    from kordon.trade.goods import GOODS_DDL

    for ddl in GOODS_DDL:
        con.execute(ddl)


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, Path]:
    """Write ``flows`` and ``datasets`` as Parquet files into the folder ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for table in ("flows", "datasets"):
        path = out / f"{table}.parquet"
        con.execute(f"COPY {table} TO '{_sql_path(path)}' (FORMAT parquet, COMPRESSION zstd)")
        written[table] = path
    return written


def import_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Add the ``flows.parquet`` and ``datasets.parquet`` written by :func:`export_parquet` (atomically).

    Dataset ids are renumbered after the existing ones; a dataset whose name already exists is refused.
    """
    flows, datasets = folder / "flows.parquet", folder / "datasets.parquet"
    for path in (flows, datasets):
        if not path.exists():
            raise TradeError(f"{path}: missing (expected flows.parquet and datasets.parquet from 'export-parquet')")
    clash = con.execute(
        f"SELECT string_agg(name, ', ') FROM read_parquet('{_sql_path(datasets)}') WHERE name IN (SELECT name FROM datasets)"
    ).fetchone()[0]
    if clash:
        raise TradeError(f"{datasets}: datasets already in the database: {clash} (nothing was imported)")
    offset = con.execute("SELECT coalesce(max(dataset_id), 0) FROM datasets").fetchone()[0]
    con.execute("BEGIN")
    try:
        con.execute(
            f"INSERT INTO datasets SELECT * REPLACE (dataset_id + {offset} AS dataset_id) FROM read_parquet('{_sql_path(datasets)}')"
        )
        con.execute(
            f"INSERT INTO flows BY NAME SELECT * REPLACE (dataset_id + {offset} AS dataset_id) FROM read_parquet('{_sql_path(flows)}')"
        )
        count = con.execute(f"SELECT count(*) FROM read_parquet('{_sql_path(flows)}')").fetchone()[0]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return count


def drop_dataset(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """Remove one dataset and its flows; returns the number of flow rows removed."""
    row = con.execute("SELECT dataset_id FROM datasets WHERE name = ?", [name]).fetchone()
    if row is None:
        raise TradeError(f"no dataset named {name!r} (see 'kordon trade datasets')")
    con.execute("BEGIN")
    removed = con.execute("SELECT count(*) FROM flows WHERE dataset_id = ?", [row[0]]).fetchone()[0]
    con.execute("DELETE FROM flows WHERE dataset_id = ?", [row[0]])
    con.execute("DELETE FROM datasets WHERE dataset_id = ?", [row[0]])
    con.execute("COMMIT")
    return removed


def list_datasets(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cursor = con.execute("SELECT * FROM datasets ORDER BY dataset_id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
