"""The figures published for ../shared/data/trade (MANIFEST.md, issue 4), reproduced from the raw files."""

import pytest

from kordon.trade.analyses import Scope, corridor_indices, mirror_gaps, parse_window
from kordon.trade.goods import load_goods
from kordon.trade.loaders import load
from kordon.trade.store import connect

SANCTIONED = "trade/eurostat_comext_ruimpeks_export_sanctioned_monthly.csv"
_loaded = {}  # the 1.14-million-row load is done once per test session


@pytest.fixture
def sanctioned(shared_data, tmp_path_factory):
    if "con" not in _loaded:
        con = connect(tmp_path_factory.mktemp("trade") / "trade.duckdb")
        _loaded["report"] = load(con, shared_data(SANCTIONED))
        _loaded["con"] = con
    return _loaded["con"]


def test_the_sanctioned_extract_loads_completely(sanctioned):
    report = _loaded["report"]
    assert report.rows == 1_141_670
    assert report.levels == {"CN8": 997_559, "HS4": 144_111}
    assert report.currency == "EUR" and report.duplicates_dropped == 0


def test_eu_exports_of_sanctioned_goods_mar_nov_2022_against_2021(sanctioned):
    scope = Scope.build(coalition="eu27", transit="AM,BY,GE,KG,KZ,UZ", target="RU", level="CN8")
    table = corridor_indices(sanctioned, scope, parse_window("2021-03:2021-11"), parse_window("2022-03:2022-11"),
                             by_country=False)
    change = {row["corridor"]: round(row["change_pct"], 1) for row in table.to_dicts()}
    assert change == {"coalition→target": -71.6, "coalition→transit": 94.6}


def test_hs4_headings_are_not_added_to_cn8_lines(sanctioned):
    # the HS4 rows hold heading totals over CN8 lines: an HS4 question never sees CN8 rows and vice versa
    windows = parse_window("2021-03:2021-11"), parse_window("2022-03:2022-11")
    cn8 = corridor_indices(sanctioned, Scope.build(coalition="eu27", level="CN8"), *windows, by_country=False)
    both = sanctioned.execute("SELECT sum(value) FROM flows WHERE partner = 'RU' AND period BETWEEN DATE '2021-03-01' "
                              "AND DATE '2021-11-01'").fetchone()[0]
    direct = next(r for r in cn8.to_dicts() if r["corridor"] == "coalition→target")
    assert direct["base_total"] < both


def test_mirror_gap_kyrgyzstan_2023(shared_data, con):
    # The Eurostat yearly extract has one real conflict (Guinea 2016 under its English and French labels):
    # it is kept first and counted; it does not touch Kyrgyzstan.
    eurostat = load(con, shared_data("trade/eurostat_comext_marylev_eu27_export_by_partner_yearly_2010_2023.csv"),
                    duplicates="first")
    assert eurostat.conflicting_duplicates == 1
    load(con, shared_data("trade/national_stats_marylev_import_by_partner_yearly_AM_KZ_KG_UZ.csv"))
    rows = {r["period"].year: r for r in mirror_gaps(con, "EU27_2020", "KG").to_dicts()}
    assert round(rows[2023]["exports"] / 1e9, 2) == 2.73
    assert round(rows[2023]["imports"] / 1e9, 2) == 0.90
    assert rows[2023]["currency"] == "EUR"


@pytest.mark.parametrize("name, rows", [
    ("trade/eurostat_comext_ruimpeks_total_and_ch27_monthly.csv", 17_968),
    ("trade/eurostat_comext_marylev_eu_member_total_monthly_2019_2024.csv", 14_063),
    ("trade/national_stats_kyrgyz_import_by_partner_yearly_1994_2023.csv", 3_516),
    ("trade/national_stats_marylev_import_by_partner_yearly_AM_KZ_KG_UZ.csv", 2_873),
])
def test_other_shared_trade_files_load(shared_data, con, name, rows):
    assert load(con, shared_data(name)).rows == rows


def test_kyrgyz_table_is_in_dollars_times_thousand(shared_data, con):
    load(con, shared_data("trade/national_stats_kyrgyz_import_by_partner_yearly_1994_2023.csv"))
    value, currency = con.execute("SELECT value, currency FROM flows WHERE partner = 'EU27_2020' "
                                  "AND period = DATE '2023-01-01'").fetchone()
    assert currency == "USD" and value == pytest.approx(964_572_921)


def test_shared_goods_lists_load(shared_data, con):
    assert load_goods(con, "chp", shared_data("goods/chp_items.csv"))["rows"] == 50 + 6  # + HS2017 predecessors
    assert load_goods(con, "eu833", shared_data("goods/eu_833_sanctioned_cn8_2022-10-07.csv"))["rows"] == 2223
    assert load_goods(con, "hs", shared_data("goods/hs2017_nomenclature.csv"))["edition"] == "HS2017"
    tiers = dict(con.execute("SELECT tier, count(*) FROM goods_chp WHERE NOT via_correlation GROUP BY 1").fetchall())
    assert tiers == {"1": 4, "2": 5, "3.A": 16, "3.B": 9, "4.A": 11, "4.B": 5}
