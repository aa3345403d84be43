"""Versions of a real list: the 2021-07 and 2024-05 OFAC SDN files, imported and compared."""

import csv
import json

from typer.testing import CliRunner

from kordon.cli import app


def entry_numbers(path) -> set[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {row[0] for row in csv.reader(fh) if row and row[0].strip().isdigit()}


def test_ofac_2021_to_2024_diff(shared_data, kordon_home):
    old_dir = shared_data("sanctions/ofac/2021-07")
    new_sdn = shared_data("sanctions/ofac/sdn_2024-05-03.csv")
    side = shared_data("sanctions/ofac/2025-01")
    runner = CliRunner()
    first = runner.invoke(app, ["lists", "import", "ofac", str(old_dir), "--published", "2021-07-01", "--json"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["lists", "import", "ofac", str(side), "-o", f"sdn={new_sdn}", "--json"])
    assert second.exit_code == 0, second.output
    v2 = json.loads(second.output)["version"]
    assert v2["entity_count"] == 14965 and v2["published"] == "2024-05-03"
    assert v2["problems"]["orphan_alias"] == 945 and v2["problems"]["orphan_address"] == 2111

    diff = json.loads(runner.invoke(app, ["lists", "diff", "ofac", "--json"]).output)
    old_ids, new_ids = entry_numbers(old_dir / "sdn.csv"), entry_numbers(new_sdn)
    assert {c["entity_id"] for c in diff["added"]} == {f"ofac-{n}" for n in new_ids - old_ids}
    assert {c["entity_id"] for c in diff["removed"]} == {f"ofac-{n}" for n in old_ids - new_ids}
    # Entries kept over three years mostly changed somewhere (addresses, remarks, programs).
    assert 0 < len(diff["changed"]) <= len(old_ids & new_ids)

    status = json.loads(runner.invoke(app, ["lists", "status", "--json"]).output)
    assert [(v["source"], v["entity_count"]) for v in status["lists"]] == [("ofac", 14965)]
    # Roll back to 2021 and the old version is what screening would see again.
    assert runner.invoke(app, ["lists", "rollback", "ofac", str(first_version(first))]).exit_code == 0
    status = json.loads(runner.invoke(app, ["lists", "status", "--json"]).output)
    assert status["lists"][0]["entity_count"] == 8976


def first_version(result) -> int:
    return json.loads(result.output)["version"]["id"]
