"""Substitution ratio: how much of the fall in direct exports to the target reappears as a rise in exports to
the transit countries.

Per product: ``ratio = (transit comp − transit base) / (direct base − direct comp)``, with window averages
per period and the transit countries taken together. 1.0 means the whole loss of direct exports is matched
by the rise to transit countries; it is NULL when direct exports did not fall. Overall: the same ratio on
the sums over all products in scope.
"""

from __future__ import annotations

import duckdb

from kordon.trade.analyses.common import Scope, Table, Window, check_single_currency, window_note
from kordon.trade.analyses.indices import corridor_selection, window_totals_sql


def substitution_ratios(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Window, comparison: Window, *,
                        limit: int | None = None) -> tuple[Table, dict]:
    """Per-product substitution ratios and the overall ratio.

    Output table columns: product_code, direct_base_avg, direct_comp_avg, transit_base_avg, transit_comp_avg,
    direct_fall, transit_rise, ratio; ordered by the direct fall (largest losses first). The dict holds the
    overall figures: direct_fall, transit_rise, ratio, products.
    """
    _, where = corridor_selection(scope, [baseline, comparison])
    currency = check_single_currency(con, where)
    totals = window_totals_sql(scope, baseline, comparison, by_country=False)
    per_product = f"""
        WITH totals AS ({totals})
        SELECT product_code,
               coalesce(max(base_avg) FILTER (WHERE corridor = 'coalition→target'), 0) AS direct_base_avg,
               coalesce(max(comp_avg) FILTER (WHERE corridor = 'coalition→target'), 0) AS direct_comp_avg,
               coalesce(max(base_avg) FILTER (WHERE corridor = 'coalition→transit'), 0) AS transit_base_avg,
               coalesce(max(comp_avg) FILTER (WHERE corridor = 'coalition→transit'), 0) AS transit_comp_avg
        FROM totals WHERE corridor <> 'transit→target' GROUP BY product_code"""
    sql = f"""
        SELECT *, direct_base_avg - direct_comp_avg AS direct_fall, transit_comp_avg - transit_base_avg AS transit_rise,
               CASE WHEN direct_base_avg > direct_comp_avg
                    THEN (transit_comp_avg - transit_base_avg) / (direct_base_avg - direct_comp_avg) END AS ratio
        FROM ({per_product}) ORDER BY direct_fall DESC, product_code {f'LIMIT {int(limit)}' if limit else ''}"""
    table = Table.from_query(con, sql, "Substitution ratios", [
        window_note(scope, baseline, comparison, currency),
        "ratio = rise of exports to transit countries / fall of direct exports to the target"])
    fall, rise, products = con.execute(
        f"SELECT sum(direct_base_avg - direct_comp_avg), sum(transit_comp_avg - transit_base_avg), count(*) "
        f"FROM ({per_product})").fetchone()
    overall = {"direct_fall": fall or 0.0, "transit_rise": rise or 0.0, "products": products,
               "ratio": (rise / fall) if fall and fall > 0 else None, "currency": currency}
    return table, overall
