"""Indices of corridor trade against a baseline.

The three corridors of roundabout trade, all read from exporters' statistics (flow = export):

* ``coalition→transit``: coalition exporters to each transit country (or the transit group);
* ``transit→target``: each transit country to the target (Russia), where the data has it;
* ``coalition→target``: coalition exporters directly to the target.

Windows of different lengths are made comparable by their average per period (month or year): the index is
``comparison average / baseline average × 100`` and ``change_pct`` is ``index − 100``. A month without a row
counts as zero trade (statistics omit zero cells).
"""

from __future__ import annotations

import duckdb

from kordon.trade.analyses.common import Scope, Table, Window, check_single_currency, in_list, lit, window_note

CORRIDORS = ("coalition→transit", "transit→target", "coalition→target")


def corridor_selection(scope: Scope, windows: list[Window], product_level: str | None = None) -> tuple[str, str]:
    """SQL (select list, where clause) tagging each export row of ``flows f`` with its corridor and country.

    ``country`` is the transit country for the first two corridors and the target for the third.
    """
    coalition, transit, target = in_list(scope.coalition), in_list(scope.transit), lit(scope.target)
    select = f"""
        CASE WHEN f.reporter IN {coalition} AND f.partner IN {transit} THEN 'coalition→transit'
             WHEN f.reporter IN {transit} AND f.partner = {target} THEN 'transit→target'
             ELSE 'coalition→target' END AS corridor,
        CASE WHEN f.reporter IN {transit} THEN f.reporter ELSE f.partner END AS country"""
    in_window = " OR ".join(w.sql("f.period") for w in windows)
    where = f"""f.flow = 'export' AND {scope.base_filter()} AND {scope.product_filter(level=product_level)}
        AND ({in_window})
        AND ((f.reporter IN {coalition} AND (f.partner IN {transit} OR f.partner = {target}))
             OR (f.reporter IN {transit} AND f.partner = {target}))"""
    return select, where


def window_totals_sql(scope: Scope, baseline: Window, comparison: Window, *, by_country: bool = True,
                      by_product: bool = True, product_level: str | None = None) -> str:
    """SQL of corridor totals per window: corridor, country, product_code, base_total, comp_total, base_avg,
    comp_avg (averages per month or year). Shared by indices, roundabout, substitution and anomalies."""
    select, where = corridor_selection(scope, [baseline, comparison], product_level)
    country = "country" if by_country else "CASE WHEN corridor = 'coalition→target' THEN country ELSE 'all transit' END"
    product = "product_code" if by_product else "'all'"
    n_base, n_comp = baseline.units(scope.freq), comparison.units(scope.freq)
    return f"""
        WITH tagged AS (SELECT {select}, f.product_code, f.period, f.value FROM flows f WHERE {where})
        SELECT corridor, {country} AS country, {product} AS product_code,
               coalesce(sum(value) FILTER (WHERE {baseline.sql()}), 0) AS base_total,
               coalesce(sum(value) FILTER (WHERE {comparison.sql()}), 0) AS comp_total,
               coalesce(sum(value) FILTER (WHERE {baseline.sql()}), 0) / {n_base} AS base_avg,
               coalesce(sum(value) FILTER (WHERE {comparison.sql()}), 0) / {n_comp} AS comp_avg
        FROM tagged GROUP BY ALL"""


def corridor_indices(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Window, comparison: Window, *,
                     by_country: bool = True, by_product: bool = False) -> Table:
    """Index of each corridor's trade in ``comparison`` against ``baseline``.

    Inputs: the scope (corridor countries, product level and filters), two windows, and whether to split by
    transit country and by product. Output columns: corridor, country, product_code, base_total,
    comp_total, base_avg, comp_avg (per month or year), index (baseline = 100), change_pct. Rows are ordered
    by corridor, then by comparison value.
    """
    _, where = corridor_selection(scope, [baseline, comparison])
    currency = check_single_currency(con, where)
    order = ", ".join(f"'{c}'" for c in CORRIDORS)
    sql = f"""
        SELECT *, CASE WHEN base_avg > 0 THEN comp_avg / base_avg * 100 END AS "index",
               CASE WHEN base_avg > 0 THEN (comp_avg / base_avg - 1) * 100 END AS change_pct
        FROM ({window_totals_sql(scope, baseline, comparison, by_country=by_country, by_product=by_product)})
        ORDER BY list_position([{order}], corridor), comp_total DESC, country, product_code"""
    return Table.from_query(con, sql, "Corridor indices", [window_note(scope, baseline, comparison, currency)])
