"""Mirror gaps: what one country records as exports to a partner against what the partner records as imports
from it, period by period, and whether that gap broke after February 2022.

Exports are usually valued FOB and imports CIF, so imports run a few percent above exports; an importer
recording far *less* than its partner's exports (ratio well above 1) means goods declared for it did not
arrive as declared: transit onward, under-declaration, or misrouted statistics.

Break test: the export/import ratio before the break (periods before March 2022; for yearly data the years
up to 2021) against after. ``shift`` = mean ratio after / mean ratio before; the break is flagged when the
shift is at least ``min_shift`` (or at most its inverse) and, where the before-period varies, the after-mean
lies more than ``z`` standard deviations from the before-mean.
"""

from __future__ import annotations

import duckdb

from kordon.trade.analyses.common import Scope, Table, break_date, lit
from kordon.trade.errors import MixedCurrencyError


def mirror_gaps(con: duckdb.DuckDBPyConnection, exporter: str, importer: str, *, scope: Scope | None = None,
                level: str = "TOTAL") -> Table:
    """Exporter's recorded exports to ``importer`` against ``importer``'s recorded imports from ``exporter``.

    Inputs: the two country codes (aggregates such as EU27_2020 allowed when both sides use them), product
    level (TOTAL by default; with HS6/CN8 the comparison is per product), the scope's frequency, currency and
    product filters. Output columns: exporter, importer, product_code, period, exports, imports, gap
    (exports − imports), ratio (exports / imports), currency.
    """
    scope = scope or Scope(level=level, freq="Y")
    scope.level = level
    selection = f"{scope.base_filter()} AND {scope.product_filter()}"
    exporter, importer = lit(exporter.upper()), lit(importer.upper())
    sides = f"""
        SELECT 'exports' AS side, f.product_code, f.period, f.currency, f.value FROM flows f
        WHERE {selection} AND f.flow = 'export' AND f.reporter = {exporter} AND f.partner = {importer}
        UNION ALL
        SELECT 'imports', f.product_code, f.period, f.currency, f.value FROM flows f
        WHERE {selection} AND f.flow = 'import' AND f.reporter = {importer} AND f.partner = {exporter}"""
    currencies = con.execute(f"SELECT side, string_agg(DISTINCT currency, ', ') FROM ({sides}) GROUP BY side").fetchall()
    if len({c for _, c in currencies}) > 1 or any("," in c for _, c in currencies):
        listed = "; ".join(f"{side} in {c}" for side, c in currencies)
        raise MixedCurrencyError(f"mirror comparison needs one currency on both sides, found {listed}: load the "
                                 "partner's statistics in the same currency, or pick one with --currency")
    sql = f"""
        SELECT {exporter} AS exporter, {importer} AS importer, product_code, period,
               sum(value) FILTER (WHERE side = 'exports') AS exports,
               sum(value) FILTER (WHERE side = 'imports') AS imports,
               sum(value) FILTER (WHERE side = 'exports') - sum(value) FILTER (WHERE side = 'imports') AS gap,
               sum(value) FILTER (WHERE side = 'exports') / nullif(sum(value) FILTER (WHERE side = 'imports'), 0) AS ratio,
               any_value(currency) AS currency
        FROM ({sides}) GROUP BY product_code, period ORDER BY product_code, period"""
    return Table.from_query(con, sql, f"Mirror: {exporter.strip(chr(39))} exports vs {importer.strip(chr(39))} imports",
                            ["ratio > 1: the importer records less than the exporter sent"])


def mirror_break(table: Table, *, freq: str = "Y", min_shift: float = 1.5, z: float = 2.0) -> list[dict]:
    """Break in the export/import ratio after February 2022, per product, from a :func:`mirror_gaps` table.

    Output (one dict per product): product_code, periods_before, periods_after, ratio_before, ratio_after,
    shift, z_score, break (bool).
    """
    split = break_date(freq)
    records = table.to_dicts()
    results = []
    for product in sorted(set(table.column("product_code"))):
        rows = [r for r in records if r["product_code"] == product and r["ratio"] is not None]
        before = [r["ratio"] for r in rows if r["period"] < split]
        after = [r["ratio"] for r in rows if r["period"] >= split]
        result = {"product_code": product, "periods_before": len(before), "periods_after": len(after),
                  "ratio_before": None, "ratio_after": None, "shift": None, "z_score": None, "break": False}
        if before and after:
            mean_before, mean_after = sum(before) / len(before), sum(after) / len(after)
            shift = mean_after / mean_before if mean_before else None
            sd = _stdev(before)
            z_score = (mean_after - mean_before) / sd if sd else None
            big = shift is not None and (shift >= min_shift or shift <= 1 / min_shift)
            result.update(ratio_before=mean_before, ratio_after=mean_after, shift=shift, z_score=z_score,
                          **{"break": bool(big and (z_score is None or abs(z_score) >= z))})
        results.append(result)
    return results


def _stdev(values: list[float]) -> float | None:
    if len(values) < 2:
        return None
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
