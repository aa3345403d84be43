"""Roundabout score per product and transit country.

For each product and transit country T, three signals in [0, 1], all comparing window averages:

* ``drop_direct``: how much of the coalition's direct exports to the target were lost:
  ``(base − comp) / base`` of coalition→target, floored at 0 (0 when there was no direct trade);
* ``rise_transit``: how strongly coalition exports to T grew: ``log(comp / base) / log(4)`` clipped to
  [0, 1], so that a fourfold rise is full strength (1 when trade starts from zero);
* ``rise_relay``: the same for T's own exports of the product to the target, only where the data has them.

``intensity`` = 100 × geometric mean of the available signals: 0 unless every signal points the same way.
``rerouted_avg`` = min(rise of coalition→T, fall of coalition→target) per period: the value that could have
been rerouted through T. ``score`` = intensity / 100 × rerouted_avg, the ranking key: a clear pattern on a
large value ranks first; a tiny flow cannot top the list by its growth rate alone.
"""

from __future__ import annotations

import math

import duckdb

from kordon.trade.analyses.common import Scope, Table, Window, check_single_currency, window_note
from kordon.trade.analyses.indices import corridor_selection, window_totals_sql

FULL_RISE = 4.0  # a rise by this factor counts as a full-strength signal


def _signal_rise(base: str, comp: str) -> str:
    return (f"CASE WHEN {comp} <= 0 OR {comp} IS NULL THEN 0.0 WHEN {base} <= 0 OR {base} IS NULL THEN 1.0 "
            f"ELSE least(1.0, greatest(0.0, ln({comp} / {base}) / {math.log(FULL_RISE)!r})) END")


def roundabout_scores(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Window, comparison: Window, *,
                      min_rerouted: float = 0.0, limit: int | None = None) -> Table:
    """Rank (product, transit country) pairs by how much they look like roundabout trade.

    Inputs: scope (corridors, product level and filters), baseline and comparison windows, a minimum
    rerouted value per period to list a pair, and an optional row limit. Output columns: rank, product_code,
    transit, direct_base_avg, direct_comp_avg, transit_base_avg, transit_comp_avg, relay_base_avg,
    relay_comp_avg (NULL when T's exports to the target are not in the data), drop_direct, rise_transit,
    rise_relay, intensity (0-100), rerouted_avg, score. See the module docstring for the method.
    """
    _, where = corridor_selection(scope, [baseline, comparison])
    currency = check_single_currency(con, where)
    totals = window_totals_sql(scope, baseline, comparison)
    sql = f"""
        WITH totals AS ({totals}),
        direct AS (SELECT product_code, base_avg, comp_avg FROM totals WHERE corridor = 'coalition→target'),
        via AS (SELECT product_code, country, base_avg, comp_avg FROM totals WHERE corridor = 'coalition→transit'),
        relay AS (SELECT product_code, country, base_avg, comp_avg FROM totals WHERE corridor = 'transit→target'),
        signals AS (
            SELECT via.product_code, via.country AS transit,
                   coalesce(d.base_avg, 0) AS direct_base_avg, coalesce(d.comp_avg, 0) AS direct_comp_avg,
                   via.base_avg AS transit_base_avg, via.comp_avg AS transit_comp_avg,
                   r.base_avg AS relay_base_avg, r.comp_avg AS relay_comp_avg,
                   CASE WHEN coalesce(d.base_avg, 0) > 0
                        THEN greatest(0.0, (d.base_avg - d.comp_avg) / d.base_avg) ELSE 0.0 END AS drop_direct,
                   {_signal_rise('via.base_avg', 'via.comp_avg')} AS rise_transit,
                   CASE WHEN r.product_code IS NOT NULL THEN {_signal_rise('r.base_avg', 'r.comp_avg')} END AS rise_relay,
                   least(greatest(via.comp_avg - via.base_avg, 0), greatest(coalesce(d.base_avg - d.comp_avg, 0), 0))
                       AS rerouted_avg
            FROM via LEFT JOIN direct d USING (product_code)
            LEFT JOIN relay r ON r.product_code = via.product_code AND r.country = via.country),
        scored AS (
            SELECT *, CASE WHEN drop_direct = 0 OR rise_transit = 0 OR coalesce(rise_relay, 1) = 0 THEN 0.0
                           ELSE 100 * pow(drop_direct * rise_transit * coalesce(rise_relay, 1),
                                          1.0 / CASE WHEN rise_relay IS NULL THEN 2 ELSE 3 END) END AS intensity
            FROM signals)
        SELECT row_number() OVER (ORDER BY intensity / 100 * rerouted_avg DESC, intensity DESC, product_code, transit) AS rank,
               *, intensity / 100 * rerouted_avg AS score
        FROM scored WHERE rerouted_avg >= {float(min_rerouted)!r} AND intensity > 0
        ORDER BY rank {f'LIMIT {int(limit)}' if limit else ''}"""
    notes = [window_note(scope, baseline, comparison, currency),
             "score = intensity/100 × rerouted value per period; intensity = geometric mean of the fall of direct "
             "exports, the rise of exports to the transit country and (where known) the transit country's "
             "exports to the target"]
    return Table.from_query(con, sql, "Roundabout ranking", notes)
