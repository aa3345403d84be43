"""Each file shape loads into the tidy model with the right values, levels, currency and counts."""

from kordon.trade.loaders import detect_format, load
from kordon.trade.loaders.engine import read_header


def _rows(con, where="TRUE"):
    cursor = con.execute(f"SELECT * FROM flows WHERE {where} ORDER BY reporter, partner, flow, product_code, period")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def test_formats_are_recognised_by_their_header(fixtures):
    expected = {"comext_bulk_sample.dat": "comext-bulk", "comtrade_api_sample.csv": "comtrade",
                "comtrade_legacy_sample.csv": "comtrade", "national_sample.csv": "national"}
    for name, fmt in expected.items():
        assert detect_format(read_header(fixtures / name)) == fmt


def test_comext_bulk_sums_regimes_and_keeps_confidential_codes_apart(con, fixtures):
    report = load(con, fixtures / "comext_bulk_sample.dat")
    de_ru = _rows(con, "reporter = 'DE' AND partner = 'RU'")
    assert len(de_ru) == 1 and de_ru[0]["value"] == 1500 and de_ru[0]["net_mass_kg"] == 15
    assert de_ru[0]["currency"] == "EUR" and de_ru[0]["hs_edition"] == "CN2022" and de_ru[0]["product_level"] == "CN8"
    assert report.rows_summed == 1
    assert report.confidential_product_rows == 1
    yearly = _rows(con, "freq = 'Y'")
    assert yearly[0]["period"].isoformat() == "2021-01-01" and yearly[0]["value"] == 9000
    assert {r["flow"] for r in _rows(con, "reporter = 'FR'")} == {"import", "export"}


def test_comtrade_api_keeps_totals_and_main_flows_only(con, fixtures):
    report = load(con, fixtures / "comtrade_api_sample.csv")
    rows = _rows(con)
    # the mode-of-transport breakdown row and the processing flow are out of scope
    assert report.rows_out_of_scope == 2
    assert sorted((r["flow"], r["partner"], r["value"]) for r in rows if r["period"].month == 3) == [
        ("export", "RU", 250000), ("import", "DE", 260000)]
    assert all(r["currency"] == "USD" and r["hs_edition"] == "HS2022" and r["product_level"] == "HS6" for r in rows)
    # an empty primaryValue is a suppressed cell, kept and counted
    assert report.suppressed_cells == 1
    assert [r["suppressed"] for r in rows if r["period"].month == 4] == [True]


def test_comtrade_legacy(con, fixtures):
    load(con, fixtures / "comtrade_legacy_sample.csv")
    rows = _rows(con)
    assert [(r["reporter"], r["partner"], r["flow"], r["value"], r["hs_edition"]) for r in rows] == [
        ("KG", "CN", "import", 520000, "HS2017"), ("KG", "RU", "export", 450000, "HS2017")]
    assert rows[1]["net_mass_kg"] == 300 and rows[1]["quantity"] == 120


def test_national_table_reads_names_marks_suppressed_cells_and_skips_other_procedures(con, fixtures):
    report = load(con, fixtures / "national_sample.csv")
    rows = _rows(con)
    assert {r["partner"] for r in rows} == {"DE", "RU", "EU27_2020", "WORLD"}
    assert report.suppressed_cells == 1 and report.rows_out_of_scope == 1 and report.currency == "USD"
    assert next(r for r in rows if r["partner"] == "DE")["value"] == 1500000.5


def test_mapped_csv(con, fixtures):
    columns = {"reporter": "Land", "partner": "Partnerland", "period": "Jahr-Monat", "product_code": "Warennummer",
               "value": "Wert", "currency": "Waehrung"}
    report = load(con, fixtures / "mapped_sample.csv", "csv", columns=columns, constants={"flow": "export"},
                  classification="CN")
    assert report.rows == 3
    assert {(r["reporter"], r["partner"]) for r in _rows(con)} == {("DE", "KZ"), ("DE", "AM"), ("FR", "RU")}


def test_datasets_table_records_the_load(con, fixtures):
    load(con, fixtures / "national_sample.csv", name="kg", extracted_on=__import__("datetime").date(2024, 5, 1))
    name, loader, extracted, rows, suppressed, currency, sha = con.execute(
        "SELECT name, loader, extracted_on, rows, suppressed_cells, currency, sha256 FROM datasets").fetchone()
    assert (name, loader, extracted.isoformat(), rows, suppressed, currency) == ("kg", "national", "2024-05-01", 4, 1, "USD")
    assert len(sha) == 64
