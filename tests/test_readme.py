"""The README's two quickstart commands exist, and CI runs exactly the test one."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quickstart_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = text.split("```bash\n")[1:3]
    return [b.split("```")[0].strip() for b in blocks]


def test_readme_opens_with_two_commands_and_ci_runs_the_test_one():
    setup_and_run, test = quickstart_commands()
    assert "kordon demo" in setup_and_run
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci
