"""Every analysis on a small synthetic table whose answers are worked out by hand in the comments."""

import math

import pytest

from kordon.trade.analyses import (
    Scope,
    anomaly_flags,
    corridor_indices,
    difference_in_differences,
    mirror_break,
    mirror_gaps,
    parse_window,
    roundabout_scores,
    substitution_ratios,
    unit_values,
)
from kordon.trade.errors import MixedCurrencyError

P1, P2 = "85423100", "10011000"  # P1 sanctioned (and CHP tier 1 via 854231), P2 not
BASE, COMP = parse_window("2021-03:2021-04"), parse_window("2022-03:2022-04")
# reporter, partner, flow, product, month, value[, net mass]
ROWS = [
    # direct P1: base 100+100 (DE) + 100 (FR) -> avg 150; comp 10+10 -> avg 10
    ("DE", "RU", "export", P1, "2021-03", 100), ("DE", "RU", "export", P1, "2021-04", 100),
    ("FR", "RU", "export", P1, "2021-03", 100),
    ("DE", "RU", "export", P1, "2022-03", 10), ("DE", "RU", "export", P1, "2022-04", 10),
    # via KZ P1: avg 50 -> 150 (x3); unit value 5 -> 15 per kg
    ("DE", "KZ", "export", P1, "2021-03", 50, 10), ("DE", "KZ", "export", P1, "2021-04", 50, 10),
    ("DE", "KZ", "export", P1, "2022-03", 150, 10), ("DE", "KZ", "export", P1, "2022-04", 150, 10),
    # via AM P1: 0 -> avg 10 (new)
    ("DE", "AM", "export", P1, "2022-03", 20),
    # relay KZ -> RU P1: avg 10 -> 40 (x4)
    ("KZ", "RU", "export", P1, "2021-03", 10), ("KZ", "RU", "export", P1, "2021-04", 10),
    ("KZ", "RU", "export", P1, "2022-03", 40), ("KZ", "RU", "export", P1, "2022-04", 40),
    # P2: direct 100 -> 50, KZ flat 100, CN 100 -> 120; P1 to CN flat 100
    ("DE", "RU", "export", P2, "2021-03", 100), ("DE", "RU", "export", P2, "2021-04", 100),
    ("DE", "RU", "export", P2, "2022-03", 50), ("DE", "RU", "export", P2, "2022-04", 50),
    ("DE", "KZ", "export", P2, "2021-03", 100), ("DE", "KZ", "export", P2, "2021-04", 100),
    ("DE", "KZ", "export", P2, "2022-03", 100), ("DE", "KZ", "export", P2, "2022-04", 100),
    ("DE", "CN", "export", P2, "2021-03", 100), ("DE", "CN", "export", P2, "2021-04", 100),
    ("DE", "CN", "export", P2, "2022-03", 120), ("DE", "CN", "export", P2, "2022-04", 120),
    ("DE", "CN", "export", P1, "2021-03", 100), ("DE", "CN", "export", P1, "2021-04", 100),
    ("DE", "CN", "export", P1, "2022-03", 100), ("DE", "CN", "export", P1, "2022-04", 100),
]


@pytest.fixture
def scope():
    return Scope.build(coalition="DE,FR", transit="KZ,AM")


@pytest.fixture
def data(con, add_flows):
    add_flows(con, ROWS)
    con.execute(f"INSERT INTO goods_sanctioned VALUES ('test', '{P1}', 'CN8', 'XXIII', 'chips', 'x')")
    con.execute("INSERT INTO goods_chp VALUES ('854231', '1', 'chips', FALSE, 'x')")
    return con


def _row(table, **match):
    return next(r for r in table.to_dicts() if all(r[k] == v for k, v in match.items()))


def test_indices_per_corridor(data, scope):
    table = corridor_indices(data, scope, BASE, COMP, by_product=True)
    direct = _row(table, corridor="coalition→target", product_code=P1)
    assert (direct["base_avg"], direct["comp_avg"]) == (150, 10)
    assert direct["change_pct"] == pytest.approx(10 / 150 * 100 - 100)
    assert _row(table, corridor="coalition→transit", country="KZ", product_code=P1)["index"] == pytest.approx(300)
    assert _row(table, corridor="coalition→transit", country="AM", product_code=P1)["index"] is None  # from zero
    assert _row(table, corridor="transit→target", country="KZ", product_code=P1)["change_pct"] == pytest.approx(300)


def test_indices_for_the_transit_group_and_same_months_baseline(data, scope):
    table = corridor_indices(data, scope, COMP.shifted(-12), COMP, by_country=False)
    group = _row(table, corridor="coalition→transit")
    # P1 KZ 50 + P2 KZ 100 = 150 -> P1 KZ 150 + AM 10 + P2 KZ 100 = 260
    assert (group["country"], group["base_avg"], group["comp_avg"]) == ("all transit", 150, 260)


def test_product_filters(data, scope):
    scope.sanctioned_list = "test"
    assert {r["product_code"] for r in corridor_indices(data, scope, BASE, COMP, by_product=True).to_dicts()} == {P1}
    chp = Scope.build(coalition="DE,FR", transit="KZ,AM", chp_tiers=["1"])
    assert {r["product_code"] for r in corridor_indices(data, chp, BASE, COMP, by_product=True).to_dicts()} == {P1}
    other_tier = Scope.build(coalition="DE,FR", transit="KZ,AM", chp_tiers=["2"])
    assert corridor_indices(data, other_tier, BASE, COMP).rows == []


def test_roundabout_ranking(data, scope):
    table = roundabout_scores(data, scope, BASE, COMP)
    first, second = table.to_dicts()[:2]
    drop = 140 / 150
    assert (first["product_code"], first["transit"]) == (P1, "KZ")
    assert first["drop_direct"] == pytest.approx(drop)
    assert first["rise_transit"] == pytest.approx(math.log(3) / math.log(4))
    assert first["rise_relay"] == pytest.approx(1.0)
    assert first["intensity"] == pytest.approx(100 * (drop * math.log(3) / math.log(4)) ** (1 / 3))
    assert first["rerouted_avg"] == pytest.approx(100)  # min(rise 100, fall 140)
    assert first["score"] == pytest.approx(first["intensity"])
    assert (second["transit"], second["rise_relay"]) == ("AM", None)
    assert second["intensity"] == pytest.approx(100 * math.sqrt(drop))
    assert second["rerouted_avg"] == pytest.approx(10)
    # P2 did not rise to KZ: no pattern, not listed
    assert all(r["product_code"] == P1 for r in table.to_dicts())


def test_substitution_ratio(data, scope):
    table, overall = substitution_ratios(data, scope, BASE, COMP)
    p1 = _row(table, product_code=P1)
    assert (p1["direct_fall"], p1["transit_rise"]) == (140, 110)  # KZ +100, AM +10
    assert p1["ratio"] == pytest.approx(110 / 140)
    assert _row(table, product_code=P2)["ratio"] == 0
    assert overall["ratio"] == pytest.approx(110 / 190) and overall["products"] == 2


def test_difference_in_differences(data, scope):
    cells, result = difference_in_differences(data, scope, BASE, COMP)
    assert result["did_goods"] == pytest.approx(math.log(160 / 50) - 0)
    assert result["did_destinations"] == pytest.approx(math.log(160 / 50) - 0)
    assert result["ddd"] == pytest.approx(math.log(3.2) - (0 - math.log(1.2)))
    assert result["ddd_pct"] == pytest.approx(284.0)
    assert len(cells.rows) == 4 and result["notes"] == []


def test_unit_values(data, scope):
    table = unit_values(data, scope, BASE, COMP)
    row = _row(table, corridor="coalition→transit", country="KZ", product_code=P1)
    assert (row["uv_base"], row["uv_comp"]) == (5, 15) and row["uv_change_pct"] == pytest.approx(200) and row["flag"]
    assert len(table.rows) == 1  # rows without mass are left out


def test_anomaly_flags_growth_and_new_flows(data, scope):
    table = anomaly_flags(data, scope, BASE, COMP, near_zero=1, material=5)
    assert _row(table, corridor="coalition→transit", country="KZ", product_code=P1)["growth_2x"]
    am = _row(table, corridor="coalition→transit", country="AM", product_code=P1)
    assert am["new_flow"] and not am["growth_2x"]
    assert not any(r["country"] == "KZ" and r["product_code"] == P2 for r in table.to_dicts())


def test_structural_break(con, add_flows):
    # 14 months at 100 ± 10 before March 2022, then 400 for 10 months: mean shift of ~29 sd
    before = [("DE", "KZ", "export", P1, f"{2021 + (m // 12)}-{m % 12 + 1:02d}", 100 + (10 if m % 2 else -10))
              for m in range(0, 14)]
    after = [("DE", "KZ", "export", P1, f"{2022 + (m // 12)}-{m % 12 + 1:02d}", 400) for m in range(2, 12)]
    add_flows(con, before + after)
    scope = Scope.build(coalition="DE", transit="KZ")
    table = anomaly_flags(con, scope, parse_window("2021-03:2021-12"), parse_window("2022-03:2022-12"),
                          series=parse_window("2021-01:2022-12"))
    row = _row(table, country="KZ")
    assert row["structural_break"] and row["mean_before"] == pytest.approx(100) and row["z_score"] > 20


def test_mirror_gaps_and_break(con, add_flows):
    exports = [("EU27_2020", "KG", "export", "TOTAL", str(y), v)
               for y, v in zip(range(2019, 2024), (100, 110, 105, 300, 400))]
    imports = [("KG", "EU27_2020", "import", "TOTAL", str(y), v) for y, v in zip(range(2019, 2024), (95, 100, 100, 100, 100))]
    add_flows(con, exports + imports, freq="Y", level="TOTAL")
    table = mirror_gaps(con, "EU27_2020", "KG")
    last = table.to_dicts()[-1]
    assert (last["exports"], last["imports"], last["gap"], last["ratio"]) == (400, 100, 300, 4)
    (result,) = mirror_break(table)
    assert result["ratio_before"] == pytest.approx((100 / 95 + 1.1 + 1.05) / 3)
    assert result["ratio_after"] == pytest.approx(3.5) and result["break"]


def test_sums_never_mix_currencies(con, add_flows, scope):
    add_flows(con, [("DE", "RU", "export", P1, "2021-03", 1)], dataset="eur")
    add_flows(con, [("DE", "KZ", "export", P1, "2022-03", 1)], dataset="usd", currency="USD")
    with pytest.raises(MixedCurrencyError, match="EUR, USD"):
        corridor_indices(con, scope, BASE, COMP)
    scope.currency = "EUR"
    assert len(corridor_indices(con, scope, BASE, COMP).rows) == 1
