"""Unit values (value per kilogram, or per supplementary unit) against the baseline, per corridor and product.

A unit value that jumps on a corridor while it stays put elsewhere points at a change of what is shipped
under the code (e.g. higher-end goods routed through a transit country) or at mis-declaration. Rows without
a positive mass (or quantity) are left out of both sums, so value and mass always cover the same rows.
"""

from __future__ import annotations

import duckdb

from kordon.trade.analyses.common import Scope, Table, Window, check_single_currency
from kordon.trade.analyses.indices import corridor_selection


def unit_values(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Window, comparison: Window, *,
                basis: str = "kg", flag_factor: float = 2.0) -> Table:
    """Unit values in both windows per corridor, country and product.

    Inputs: scope, windows, ``basis`` 'kg' (net mass) or 'quantity' (supplementary units, kept apart per
    unit), and the factor beyond which a change is flagged. Output columns: corridor, country, product_code,
    unit, base_value, base_amount, comp_value, comp_amount, uv_base, uv_comp, uv_change_pct, flag.
    """
    if basis not in ("kg", "quantity"):
        raise ValueError("basis must be 'kg' or 'quantity'")
    select, where = corridor_selection(scope, [baseline, comparison])
    currency = check_single_currency(con, where)
    amount = "f.net_mass_kg" if basis == "kg" else "f.quantity"
    unit = "'kg'" if basis == "kg" else "coalesce(f.quantity_unit, '?')"
    sql = f"""
        WITH tagged AS (SELECT {select}, f.product_code, f.period, f.value, {amount} AS amount, {unit} AS unit
                        FROM flows f WHERE {where} AND {amount} > 0 AND f.value IS NOT NULL),
        sums AS (SELECT corridor, country, product_code, unit,
                        sum(value) FILTER (WHERE {baseline.sql()}) AS base_value,
                        sum(amount) FILTER (WHERE {baseline.sql()}) AS base_amount,
                        sum(value) FILTER (WHERE {comparison.sql()}) AS comp_value,
                        sum(amount) FILTER (WHERE {comparison.sql()}) AS comp_amount
                 FROM tagged GROUP BY ALL)
        SELECT *, base_value / base_amount AS uv_base, comp_value / comp_amount AS uv_comp,
               (comp_value / comp_amount) / (base_value / base_amount) * 100 - 100 AS uv_change_pct,
               coalesce((comp_value / comp_amount) / (base_value / base_amount) >= {flag_factor!r}
                     OR (comp_value / comp_amount) / (base_value / base_amount) <= {1 / flag_factor!r}, FALSE) AS flag
        FROM sums ORDER BY flag DESC, comp_value DESC NULLS LAST"""
    return Table.from_query(con, sql, "Unit values", [
        f"value in {currency or 'n/a'} per {basis}; baseline {baseline.label}, comparison {comparison.label}; "
        f"flag: unit value changed by a factor of {flag_factor:g} or more"])
