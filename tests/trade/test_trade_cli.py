"""The ``kordon trade`` commands, run through typer's CliRunner on the hand-made fixtures."""

import json
import re

import pytest
from typer.testing import CliRunner

from kordon.trade.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path, fixtures):
    path = tmp_path / "trade.duckdb"
    result = runner.invoke(app, ["load", str(fixtures / "comext_bulk_sample.dat"), "--db", str(path),
                                 "--extracted", "2024-05-01"])
    assert result.exit_code == 0, result.output
    return path


def test_load_reports_what_it_loaded(db):
    result = runner.invoke(app, ["datasets", "--db", str(db), "--json"])
    (dataset,) = json.loads(result.output)
    assert dataset["name"] == "comext_bulk_sample" and dataset["extracted_on"] == "2024-05-01"
    assert dataset["rows"] == 5


def test_bad_file_fails_with_one_clear_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("")
    result = runner.invoke(app, ["load", str(bad), "--db", str(tmp_path / "t.duckdb")])
    assert result.exit_code == 2
    assert "empty file" in result.output and "bad.csv" in result.output


def test_mapped_load_from_the_command_line(tmp_path, fixtures):
    args = ["load", str(fixtures / "mapped_sample.csv"), "--format", "csv", "--db", str(tmp_path / "t.duckdb"),
            "--map", "reporter=Land", "--map", "partner=Partnerland", "--map", "period=Jahr-Monat",
            "--map", "product_code=Warennummer", "--map", "value=Wert", "--map", "currency=Waehrung",
            "--const", "flow=export", "--classification", "CN", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["rows"] == 3


def test_top_and_index(tmp_path, fixtures):
    path = tmp_path / "t.duckdb"
    runner.invoke(app, ["load", str(fixtures / "mapped_sample.csv"), "--format", "csv", "--db", str(path),
                        "--map", "reporter=Land", "--map", "partner=Partnerland", "--map", "period=Jahr-Monat",
                        "--map", "product_code=Warennummer", "--map", "value=Wert", "--map", "currency=Waehrung",
                        "--const", "flow=export", "--classification", "CN"])
    common = ["--db", str(path), "--baseline", "2022-03:2022-03", "--comparison", "2022-03:2022-03", "--json"]
    index = json.loads(runner.invoke(app, ["index", *common]).output)
    assert {(r["corridor"], r["country"]) for r in index["rows"]} == {
        ("coalition→transit", "KZ"), ("coalition→transit", "AM"), ("coalition→target", "RU")}
    top = runner.invoke(app, ["top", *common])
    assert top.exit_code == 0 and json.loads(top.output)["rows"] == []  # nothing changed: nothing to rank


def test_mirror_command(tmp_path, fixtures):
    path = tmp_path / "t.duckdb"
    runner.invoke(app, ["load", str(fixtures / "comtrade_legacy_sample.csv"), "--db", str(path)])
    result = runner.invoke(app, ["mirror", "KG", "RU", "--level", "HS6", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["rows"][0]["exports"] == 450000 and payload["rows"][0]["imports"] is None


def test_goods_load_and_packages(tmp_path, fixtures):
    path = tmp_path / "t.duckdb"
    result = runner.invoke(app, ["goods", "load", "chp", str(fixtures / "chp_sample.csv"), "--db", str(path)])
    assert result.exit_code == 0 and "loaded 3 chp codes" in result.output  # 854800 brings its HS2017 predecessor
    packages = json.loads(runner.invoke(app, ["packages", "--json"]).output)
    assert packages[5]["number"] == 6 and packages[5]["date"] == "2022-06-03"


def test_parquet_round_trip(db, tmp_path):
    out = tmp_path / "parquet"
    assert runner.invoke(app, ["export-parquet", str(out), "--db", str(db)]).exit_code == 0
    other = tmp_path / "other.duckdb"
    result = runner.invoke(app, ["import-parquet", str(out), "--db", str(other)])
    assert result.exit_code == 0 and "imported 5 rows" in result.output
    again = runner.invoke(app, ["import-parquet", str(out), "--db", str(other)])
    assert again.exit_code == 2 and "already in the database" in again.output


def test_report_is_offline_and_labelled(tmp_path, fixtures, add_flows):
    from kordon.trade.store import connect

    db = tmp_path / "report.duckdb"
    con = connect(db)
    months = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)]
    add_flows(con, [("DE", "RU", "export", "85423190", m, 100 if m < "2022-03" else 10) for m in months]
              + [("DE", "KZ", "export", "85423190", m, 20 if m < "2022-03" else 90) for m in months])
    add_flows(con, [("EU27_2020", "KZ", "export", "TOTAL", "2021", 100), ("KZ", "EU27_2020", "import", "TOTAL", "2021", 80)],
              dataset="yearly", freq="Y", level="TOTAL")
    con.close()
    runner.invoke(app, ["goods", "load", "eu833", str(fixtures / "eu833_sample.csv"), "--db", str(db)])
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--out", str(out), "--db", str(db), "--baseline", "same-months-last-year",
                                 "--comparison", "2022-03:2022-12", "--coalition", "DE", "--transit", "KZ"])
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text()
    assert not re.search(r"(src|href)=\"https?://", page)  # nothing loaded from the internet
    charts = list((out / "charts").glob("*.png"))
    assert {c.stem for c in charts} >= {"monthly_series", "flow_picture", "roundabout_top"}
    assert page.count("data:image/png;base64,") == len(charts)
    source = "Source: test source (test.csv, extracted 2024-01-31)"
    figcaptions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert len(figcaptions) == len(charts) and all(source in c for c in figcaptions)
    captions = re.findall(r"<caption>(.*?)</caption>", page)
    assert all(source in c for c in captions if not c.startswith("Seconds"))
    tables = list((out / "tables").glob("*.csv"))
    assert {"corridor_indices", "roundabout", "substitution", "anomalies", "did_cells"} <= {t.stem for t in tables}
    for csv_file in tables:
        lines = csv_file.read_text().splitlines()
        assert lines[0].endswith("source,extracted")
        assert all(line.endswith("2024-01-31") for line in lines[1:])
    assert "Timing" in page and "total" in page
