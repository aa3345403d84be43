"""A simple difference-in-differences on coalition exports.

Three contrasts, each a growth rate from the baseline to the comparison window (log of the ratio of window
averages):

* goods: sanctioned (treated) goods against other goods;
* destinations: transit countries (treated) against other destinations (control; by default every partner in
  the data that is neither a transit country nor the target nor an aggregate);
* time: before (baseline) against after (comparison).

``did_goods`` = growth[sanctioned → transit] − growth[other goods → transit]: did sanctioned goods to transit
countries grow faster than other goods to the same countries? ``did_destinations`` = growth[sanctioned →
transit] − growth[sanctioned → control]: faster than the same goods to other destinations? ``ddd`` (triple
difference) = did_goods − (growth[sanctioned → control] − growth[other → control]). Each is also given as a
percentage, ``exp(x) − 1``. A contrast is NULL when one of its cells has no trade in a window.
"""

from __future__ import annotations

import math

import duckdb

from kordon.trade.analyses.common import Scope, Table, Window, check_single_currency, in_list
from kordon.trade.codes import aggregate_labels
from kordon.trade.errors import TradeError


def difference_in_differences(con: duckdb.DuckDBPyConnection, scope: Scope, baseline: Window, comparison: Window,
                              *, treated_goods: str = "sanctioned", control_destinations: list[str] | None = None
                              ) -> tuple[Table, dict]:
    """2×2×2 difference-in-differences of coalition exports.

    Inputs: scope (coalition exporters, transit countries, level, filters applied to *both* goods groups),
    windows, ``treated_goods``: 'sanctioned' (on a loaded sanctioned goods list, narrowed by scope.annex /
    scope.sanctioned_list) or 'chp' (on the CHP list, narrowed by scope.chp_tiers), and optional control
    destinations. Output: a table of the cells (goods, destinations, base_avg, comp_avg, growth_log) and a
    dict with did_goods, did_destinations, ddd (log points), their percentages, and notes.
    """
    if treated_goods == "sanctioned":
        treated = Scope(sanctioned_list=scope.sanctioned_list, annex=scope.annex).sanctioned_condition(level=scope.level)
        if not con.execute("SELECT count(*) FROM goods_sanctioned").fetchone()[0]:
            raise TradeError("no sanctioned goods list loaded: run 'kordon trade goods load eu833 FILE'")
    elif treated_goods == "chp":
        tiers = scope.chp_tiers
        treated = Scope(chp_tiers=tiers or ["1", "2", "3", "4"]).product_filter(level=scope.level).split(" AND ", 1)[1]
        if not con.execute("SELECT count(*) FROM goods_chp").fetchone()[0]:
            raise TradeError("no CHP list loaded: run 'kordon trade goods load chp FILE'")
    else:
        raise TradeError(f"treated goods must be 'sanctioned' or 'chp', not {treated_goods!r}")
    goods_scope = Scope(level=scope.level, freq=scope.freq, products=scope.products, currency=scope.currency,
                        datasets=scope.datasets)
    excluded = set(scope.transit) | {scope.target} | set(aggregate_labels())
    if control_destinations is None:
        control = f"f.partner NOT IN {in_list(sorted(excluded))}"
    else:
        control = f"f.partner IN {in_list(control_destinations)}"
    where = f"""f.flow = 'export' AND {goods_scope.base_filter()} AND {goods_scope.product_filter()}
        AND f.reporter IN {in_list(scope.coalition)} AND ({baseline.sql('f.period')} OR {comparison.sql('f.period')})
        AND (f.partner IN {in_list(scope.transit)} OR {control})"""
    currency = check_single_currency(con, where)
    n_base, n_comp = baseline.units(scope.freq), comparison.units(scope.freq)
    sql = f"""
        WITH cells AS (
            SELECT CASE WHEN {treated} THEN 'treated' ELSE 'other' END AS goods,
                   CASE WHEN f.partner IN {in_list(scope.transit)} THEN 'transit' ELSE 'control' END AS destinations,
                   coalesce(sum(f.value) FILTER (WHERE {baseline.sql('f.period')}), 0) / {n_base} AS base_avg,
                   coalesce(sum(f.value) FILTER (WHERE {comparison.sql('f.period')}), 0) / {n_comp} AS comp_avg
            FROM flows f WHERE {where} GROUP BY ALL)
        SELECT goods, destinations, base_avg, comp_avg,
               CASE WHEN base_avg > 0 AND comp_avg > 0 THEN ln(comp_avg / base_avg) END AS growth_log
        FROM cells ORDER BY goods DESC, destinations DESC"""
    table = Table.from_query(con, sql, "Difference-in-differences cells", [
        f"treated goods: {treated_goods}; baseline {baseline.label}, comparison {comparison.label}; "
        f"averages per period in {currency or 'n/a'}"])
    growth = {(r["goods"], r["destinations"]): r["growth_log"] for r in table.to_dicts()}

    def diff(a, b):
        return None if a is None or b is None else a - b

    g = lambda goods, dest: growth.get((goods, dest))  # noqa: E731 - short local accessor
    result = {
        "did_goods": diff(g("treated", "transit"), g("other", "transit")),
        "did_destinations": diff(g("treated", "transit"), g("treated", "control")),
        "ddd": diff(diff(g("treated", "transit"), g("other", "transit")), diff(g("treated", "control"), g("other", "control"))),
        "treated_goods": treated_goods, "currency": currency,
    }
    for key in ("did_goods", "did_destinations", "ddd"):
        result[key + "_pct"] = None if result[key] is None else (math.exp(result[key]) - 1) * 100
    missing = [f"{goods} goods → {dest}" for goods in ("treated", "other") for dest in ("transit", "control")
               if g(goods, dest) is None]
    result["notes"] = [f"no trade in both windows for: {', '.join(missing)}"] if missing else []
    return table, result
