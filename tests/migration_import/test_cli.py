"""``fedidesk migrate import | status | verify`` against mastodon-mock."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from tests.migration_import.conftest import write_folder

FOLLOWS = ("Account address,Show boosts,Notify on new posts,Languages\n"
           "ben@mock.local,true,false,\ndan@mock.local,false,true,\"en, de\"\n")


def _login(mig: MockServer, capsys: pytest.CaptureFixture[str],
           monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO("neo_token\n"))
    assert run(["login", mig.base_url, "--token-stdin"]) == 0
    return capsys.readouterr().out.split("Signed in as ")[1].strip().rstrip(".")


def test_dry_run_import_status_verify(mig: MockServer, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    handle = _login(mig, capsys, monkeypatch)
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": FOLLOWS,
                                                "blocked_domains.csv": "spam.example\n"})
    assert run(["migrate", "import", "--account", handle, "--from", str(folder),
                "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "follows: +1 to add, 1 already there" in out
    assert "+ follows: dan@mock.local" in out

    assert run(["migrate", "import", "--account", handle, "--from", str(folder),
                "--only", "follows", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["result"]["counts"] == {"follows": {"done": 2}}
    assert "domain_blocks" not in data["plan"]

    assert run(["migrate", "status", "--json"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert jobs[0]["open_rows"] == 0 and jobs[0]["state"] == "finished"

    assert run(["migrate", "verify", "--account", handle, "--from", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "Follows: 2 arrived" in out and "spam.example" in out  # domain block not imported
    assert (folder / "import-report.txt").is_file()

    assert run(["migrate", "import", "--account", handle, "--from", str(folder)]) == 0
    assert run(["migrate", "verify", "--account", handle, "--from", str(folder)]) == 0


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["migrate", "import", "--account", "a@b.c"]) == 2
    assert run(["migrate", "import", "--account", "a@b.c", "--from", "x",
                "--only", "follows,nonsense"]) == 2
    assert "nonsense" in capsys.readouterr().err
    assert run(["migrate", "status"]) == 0
    assert "No imports yet." in capsys.readouterr().out
