"""`kordon lists ...` and `kordon demo` as a user runs them."""

import json

from typer.testing import CliRunner

from kordon.cli import app
from kordon.lists.demo import demo_path

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_version_and_help():
    assert run("--version").output.startswith("kordon ")
    for cmd in (["lists", "--help"], ["lists", "import", "--help"], ["lists", "diff", "--help"]):
        assert run(*cmd).exit_code == 0


def test_demo_loads_the_bundled_list(kordon_home):
    result = run("demo", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["import"]["version"]["entity_count"] == 19
    status = json.loads(run("lists", "status", "--json").output)
    assert [v["source"] for v in status["lists"]] == ["demo"]


def test_import_status_diff_show(kordon_home, tmp_path):
    first = run("lists", "import", "kordon", str(demo_path()), "--json")
    assert first.exit_code == 0, first.output
    # a second version: one entity removed, one renamed
    lines = demo_path().read_text().splitlines()
    entity_lines = [l for l in lines if l.startswith('{"countries"') or l.startswith('{"dates"')]
    changed = [l for l in lines if l not in entity_lines[:1]]
    changed = [l.replace("SEVERNAYA ZVEZDA", "SEVERNAYA ZVEZDA II") for l in changed]
    second = tmp_path / "v2.jsonl"
    second.write_text("\n".join(changed) + "\n")
    result = run("lists", "import", "kordon", str(second), "--json")
    assert result.exit_code == 0, result.output
    diff = json.loads(run("lists", "diff", "kordon", "--json").output)
    assert len(diff["removed"]) == 1 and diff["added"] == []
    assert [c["entity_id"] for c in diff["changed"]] == ["demo-V1"]
    shown = json.loads(run("lists", "show", "demo-V1", "--json").output)
    assert shown["names"][0]["value"] == "SEVERNAYA ZVEZDA II"
    text = run("lists", "diff", "kordon").output
    assert "1 removed" in text and "1 changed" in text


def test_bad_file_exits_non_zero_and_keeps_previous(kordon_home, tmp_path):
    assert run("lists", "import", "kordon", str(demo_path())).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"_meta": {}}\n\xff\xfe not utf8\n')
    result = run("lists", "import", "kordon", str(bad))
    assert result.exit_code == 1
    assert "bad.jsonl, line 2" in result.output and "previous version stays current" in result.output
    status = json.loads(run("lists", "status", "--json").output)
    assert status["lists"][0]["entity_count"] == 19


def test_refused_shrink_exit_code(kordon_home, tmp_path):
    assert run("lists", "import", "kordon", str(demo_path())).exit_code == 0
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(demo_path().read_text().splitlines()[:3]) + "\n")
    result = run("lists", "import", "kordon", str(small))
    assert result.exit_code == 3 and "--force" in result.output
    assert run("lists", "import", "kordon", str(small), "--force").exit_code == 0


def test_unknown_source_and_missing_file(kordon_home, tmp_path):
    result = run("lists", "import", "nosuch", str(tmp_path))
    assert result.exit_code == 2 and "known:" in result.output
    result = run("lists", "import", "kordon", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 1 and "no such file" in result.output


def test_export_native_round_trip(kordon_home, tmp_path):
    assert run("lists", "import", "kordon", str(demo_path())).exit_code == 0
    out = tmp_path / "export.jsonl"
    assert run("lists", "export", str(out), "--format", "kordon").exit_code == 0
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    assert sum("relation" in r for r in rows) == 5 and len(rows) == 24


def test_rollback_and_prune_json(kordon_home, tmp_path):
    for _ in range(3):
        assert run("lists", "import", "kordon", str(demo_path()), "--force").exit_code == 0
    back = json.loads(run("lists", "rollback", "kordon", "1", "--json").output)
    assert back["id"] == 1 and back["current"] is True
    # keeps the newest version and the current one (1), deletes version 2
    pruned = json.loads(run("lists", "prune", "--keep", "1", "--json").output)
    assert pruned == {"deleted_versions": 1}
    assert [v["id"] for v in json.loads(run("lists", "versions", "--json").output)] == [1, 3]
    assert run("lists", "rollback", "kordon", "99").exit_code == 1
