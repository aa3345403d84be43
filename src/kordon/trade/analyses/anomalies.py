"""Anomaly flags per corridor series (corridor, country, product).

* ``growth_2x``: the comparison average is at least ``growth`` (2) times the baseline average, from a
  baseline above ``near_zero``;
* ``new_flow``: the baseline average is at most ``near_zero`` (per period) and the comparison average at
  least ``material``: trade that appears from nothing;
* ``structural_break``: over the whole series, the mean after the break (March 2022) lies more than ``z``
  (3) standard deviations of the before-period away from the mean before. Periods without a row count as
  zero, computed from sums and sums of squares (no densified series is needed, so it scales).
"""

from __future__ import annotations

import duckdb

from kordon.trade.analyses.common import Scope, Table, Window, break_date, check_single_currency, previous_period
from kordon.trade.analyses.indices import corridor_selection, window_totals_sql

MIN_PERIODS = 6  # periods needed on each side of the break before it is tested


def anomaly_flags(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Window, comparison: Window, *,
                  growth: float = 2.0, near_zero: float = 1_000.0, material: float = 10_000.0, z: float = 3.0,
                  series: Window | None = None) -> Table:
    """Flag the corridor series that jumped, appeared from near zero, or broke structurally.

    Inputs: scope and windows as for the indices; thresholds (per-period values in the data's currency);
    ``series``: the span tested for breaks (default: from the baseline start to the comparison end).
    Output columns: corridor, country, product_code, base_avg, comp_avg, growth, growth_2x, new_flow,
    mean_before, mean_after, z_score, structural_break, flags (comma-separated). Only flagged series.
    """
    series = series or Window(min(baseline.start, comparison.start), max(baseline.end, comparison.end))
    split = break_date(scope.freq)
    before = Window(series.start, previous_period(split))
    after = Window(split, series.end)
    n_before, n_after = before.units(scope.freq), after.units(scope.freq)
    select, series_where = corridor_selection(scope, [series])
    currency = check_single_currency(con, series_where)
    totals = window_totals_sql(scope, baseline, comparison)
    sql = f"""
        WITH totals AS ({totals}),
        per_period AS (SELECT {select}, f.product_code, f.period, sum(f.value) AS value
                       FROM flows f WHERE {series_where} GROUP BY ALL),
        moments AS (
            SELECT corridor, country, product_code,
                   coalesce(sum(value) FILTER (WHERE period < DATE '{split}'), 0) AS s_before,
                   coalesce(sum(value * value) FILTER (WHERE period < DATE '{split}'), 0) AS q_before,
                   coalesce(sum(value) FILTER (WHERE period >= DATE '{split}'), 0) AS s_after
            FROM per_period GROUP BY ALL),
        tested AS (
            SELECT corridor, country, product_code, s_before / {n_before} AS mean_before, s_after / {n_after} AS mean_after,
                   sqrt(greatest((q_before - s_before * s_before / {n_before}) / {max(n_before - 1, 1)}, 0)) AS sd_before
            FROM moments),
        flagged AS (
            SELECT t.corridor, t.country, t.product_code, t.base_avg, t.comp_avg,
                   CASE WHEN t.base_avg > 0 THEN t.comp_avg / t.base_avg END AS growth,
                   t.base_avg > {near_zero!r} AND t.comp_avg >= {growth!r} * t.base_avg AS growth_2x,
                   t.base_avg <= {near_zero!r} AND t.comp_avg >= {material!r} AS new_flow,
                   m.mean_before, m.mean_after,
                   CASE WHEN m.sd_before > 0 THEN (m.mean_after - m.mean_before) / m.sd_before END AS z_score,
                   coalesce({n_before} >= {MIN_PERIODS} AND {n_after} >= {MIN_PERIODS}
                            AND abs((m.mean_after - m.mean_before) / nullif(m.sd_before, 0)) >= {z!r}, FALSE) AS structural_break
            FROM totals t LEFT JOIN tested m USING (corridor, country, product_code))
        SELECT *, concat_ws(', ', CASE WHEN growth_2x THEN 'growth ≥{growth:g}x' END, CASE WHEN new_flow THEN 'new flow' END,
                            CASE WHEN structural_break THEN 'structural break' END) AS flags
        FROM flagged WHERE growth_2x OR new_flow OR structural_break
        ORDER BY comp_avg - base_avg DESC"""
    return Table.from_query(con, sql, "Anomaly flags", [
        f"baseline {baseline.label}, comparison {comparison.label}; break tested {before.label} against "
        f"{after.label}; values per period in {currency or 'n/a'}; near zero ≤ {near_zero:,.0f}, "
        f"material ≥ {material:,.0f}"])
