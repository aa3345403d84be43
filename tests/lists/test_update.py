"""`kordon lists update` downloads from the publisher's address (here a local HTTP server)."""

import functools
import http.server
import json
import threading

import pytest
from typer.testing import CliRunner

from kordon.cli import app
from kordon.lists import cli as lists_cli
from kordon.lists.demo import demo_path
from kordon.lists.native import NativeSource


@pytest.fixture
def http_root(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the server's log out of the CLI output
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_update_downloads_imports_and_skips_unchanged(kordon_home, http_root, monkeypatch):
    root, base = http_root
    (root / "list.jsonl").write_bytes(demo_path().read_bytes())

    class Published(NativeSource):
        name = "kordon"
        urls = {"list.jsonl": f"{base}/list.jsonl"}

    monkeypatch.setattr(lists_cli, "get_source", lambda name: Published())
    runner = CliRunner()
    first = runner.invoke(app, ["lists", "update", "kordon", "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["imported"][0]["version"]["entity_count"] == 19
    again = json.loads(runner.invoke(app, ["lists", "update", "kordon", "--json"]).output)
    assert again["imported"][0]["unchanged"] is True


def test_update_reports_unreachable_publisher(kordon_home, http_root, monkeypatch):
    _, base = http_root

    class Missing(NativeSource):
        name = "kordon"
        urls = {"list.jsonl": f"{base}/no-such-file.jsonl"}

    monkeypatch.setattr(lists_cli, "get_source", lambda name: Missing())
    result = CliRunner().invoke(app, ["lists", "update", "kordon"])
    assert result.exit_code == 1
    assert "download failed" in result.output and "404" in result.output
