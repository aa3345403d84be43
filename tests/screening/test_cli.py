"""``kordon screen``, ``kordon screen-file`` and ``kordon match-pairs`` end to end."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from kordon.cli import app
from kordon.lists.base import ImportReport, ListSource
from kordon.model import Entity
from kordon.store import Store

runner = CliRunner()


class FixtureSource(ListSource):
    name = "fixture"
    title = "test fixture"

    def read(self, path, report: ImportReport, **options):
        for line in path.read_text(encoding="utf-8").splitlines():
            yield Entity.from_dict(json.loads(line))


@pytest.fixture
def loaded(kordon_home, tmp_path, listed_entities):
    path = tmp_path / "list.jsonl"
    path.write_text("\n".join(e.to_json() for e in listed_entities), encoding="utf-8")
    with Store.open() as store:
        store.import_list(FixtureSource(), path)
    return kordon_home


def run(*args: str):
    return runner.invoke(app, list(args))


def test_screen_with_no_lists_says_so(kordon_home):
    result = run("screen", "Ivan Petrov")
    assert result.exit_code == 1
    assert "no lists loaded" in result.output and "kordon demo" in result.output


def test_screen_prints_hits_with_explanations(loaded):
    result = run("screen", "Alexander Volkov", "--type", "person", "--dob", "1968", "--country", "Russia")
    assert result.exit_code == 0, result.output
    assert "Aleksandr Petrovich VOLKOV" in result.output
    assert "parts:" in result.output and "volkov=volkov (exact)" in result.output
    assert (loaded / "index").is_dir()  # the index was persisted for the next start


def test_screen_json(loaded):
    result = run("screen", "Volkov Aleksandr", "--json", "--limit", "1")
    data = json.loads(result.stdout)
    assert data["threshold"] == pytest.approx(0.8, abs=0.2)
    assert [h["entity_id"] for h in data["hits"]] == ["test-P1"]
    hit = data["hits"][0]
    assert hit["explanation"].startswith(f"{hit['score']:.2f} ≥") and "petrovich not in query" in hit["explanation"]


def test_screen_by_identifier_and_threshold(loaded):
    result = run("screen", "Unknown Name", "--id", "IMO 9123456", "--json")
    assert json.loads(result.stdout)["hits"][0]["entity_id"] == "test-V1"
    result = run("screen", "Ivan", "--threshold", "0.3", "--limit", "3", "--json")
    assert len(json.loads(result.stdout)["hits"]) == 3


def test_screen_no_hit(loaded):
    result = run("screen", "Jane Smith")
    assert result.exit_code == 0 and "No listed entity" in result.output


@pytest.mark.parametrize("args, message", [
    (["   "], "empty name"),
    (["x" * 10_000], "too long"),
    (["Ivan", "--type", "planet"], "unknown entity type"),
    (["Ivan", "--dob", "soon"], "not a date"),
    (["Ivan", "--threshold", "2"], "threshold"),
    (["Ivan", "--weight", "nonsense"], "feature=number"),
    (["Ivan", "--weight", "shoe=1"], "unknown feature"),
])
def test_screen_bad_input_is_a_clear_error(loaded, args, message):
    result = run("screen", *args)
    assert result.exit_code == 2
    assert message in result.output


def write_csv(path, rows, header=("customer_id", "name", "dob")):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_screen_file_csv(loaded, tmp_path):
    src = write_csv(tmp_path / "in.csv", [("c1", "Aleksandr Volkov", "1968"), ("c2", "", ""),
                                           ("c3", "Jane Smith", "1980"), ("c4", "Юрий Козлов", "")])
    result = run("screen-file", str(src), "--out", str(tmp_path / "out.csv"), "--dob-col", "dob")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["customer_id"] for r in rows] == ["c1", "c2", "c3", "c4"]  # one row per input row, in order
    assert rows[0]["hit_1_entity_id"] == "test-P1" and float(rows[0]["hit_1_score"]) >= 0.8
    assert rows[0]["hit_1_source"] == "test" and rows[0]["hit_1_source_id"] == "P1"
    assert rows[0]["hit_1_listed_name"] == "Aleksandr Petrovich VOLKOV" and rows[0]["hit_1_explanation"]
    assert rows[1]["error"] == "empty name" and rows[1]["hits"] == "0"
    assert rows[2]["hits"] == "0" and rows[2]["error"] == ""
    assert rows[3]["hit_1_entity_id"] == "test-P2"
    assert "4 rows" in result.output


def test_screen_file_xlsx_to_jsonl_with_mapped_columns(loaded, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["ref", "Full name", "Kind", "Country"])
    ws.append(["a", "Steppe Electronics", "company", "KZ"])
    ws.append(["b", "Ivan Petrov", "company", ""])
    wb.save(tmp_path / "in.xlsx")
    result = run("screen-file", str(tmp_path / "in.xlsx"), "--out", str(tmp_path / "out.jsonl"),
                 "--name-col", "Full name", "--type-col", "Kind", "--country-col", "Country")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["ref"] == "a" and rows[0]["hits"][0]["entity_id"] == "test-C1"
    assert rows[1]["hits"] == []  # a person's name screened as a company


def test_screen_file_jsonl_to_xlsx_with_bad_rows(loaded, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"name": "Yuri Kozlov", "id": 1}\n{oops\n{"name": "\xff\xfe", "id": 3}\n{"id": 4}\n')
    result = run("screen-file", str(src), "--out", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 0, result.output
    values = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    header, rows = values[0], values[1:]
    assert len(rows) == 4
    error = header.index("error")
    assert rows[0][header.index("hit_1_entity_id")] == "test-P2" and not rows[0][error]
    assert "invalid JSON" in rows[1][error] and "invalid UTF-8" in rows[2][error] and rows[3][error] == "empty name"


def test_screen_file_missing_column_fails_clearly(loaded, tmp_path):
    src = write_csv(tmp_path / "in.csv", [("c1", "Ivan")], header=("customer_id", "full_name"))
    result = run("screen-file", str(src), "--out", str(tmp_path / "out.csv"))
    assert result.exit_code == 2
    assert "in.csv" in result.output and "'name'" in result.output and "'full_name'" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_screen_file_keeps_an_input_column_called_error(loaded, tmp_path):
    src = write_csv(tmp_path / "in.csv", [("Ivan Petrov", "was wrong")], header=("name", "error"))
    run("screen-file", str(src), "--out", str(tmp_path / "out.csv"))
    row = next(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert row["error"] == "was wrong" and row["screen_error"] == ""


def test_screen_file_in_worker_processes(loaded, tmp_path):
    names = [(f"c{i}", n, "") for i, n in enumerate(["Aleksandr Volkov", "Jane Smith", ""] * 800)]
    src = write_csv(tmp_path / "in.csv", names)
    result = run("screen-file", str(src), "--out", str(tmp_path / "out.csv"), "--workers", "2")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["customer_id"] for r in rows] == [c for c, _, _ in names]
    assert {r["hit_1_entity_id"] for r in rows[0::3]} == {"test-P1"}
    assert {r["error"] for r in rows[2::3]} == {"empty name"}


def test_match_pairs(loaded, tmp_path):
    src = tmp_path / "pairs.csv"
    src.write_text("pair,name1,name2,schema\n1,Alexander Volkov,VOLKOV Aleksandr Petrovich,Person\n"
                   "2,Ivan Petrov,Steppe Electronics,Company\n3,Ivan,,Person\n4,A,B,Planet\n", encoding="utf-8")
    result = run("match-pairs", str(src), "--out", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["pair"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["match"] == "True" and float(rows[0]["score"]) >= 0.8
    assert rows[1]["match"] == "False" and float(rows[1]["score"]) < 0.5
    assert rows[2]["error"] and rows[2]["score"] == ""
    assert "unknown schema" in rows[3]["error"]


def test_match_pairs_without_lists_still_scores(kordon_home, tmp_path):
    src = tmp_path / "pairs.csv"
    src.write_text("name1,name2\nIvan Petrov,Petrov Ivan\n", encoding="utf-8")
    result = run("match-pairs", str(src), "--out", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["match"] is True
    assert "no lists loaded" in result.output
