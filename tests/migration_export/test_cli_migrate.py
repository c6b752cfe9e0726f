"""``fedidesk migrate export``, in-process against mastodon-mock."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run


@pytest.mark.integration
def test_migrate_export_cli(mock: MockServer, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("alice_token\n"))
    assert run(["login", mock.base_url, "--token-stdin"]) == 0
    handle = capsys.readouterr().out.split("Signed in as ")[1].strip().rstrip(".")
    dest = tmp_path / "out"
    assert run(["migrate", "export", "--account", handle, "--to", str(dest),
                "--only", "follows,blocks", "--json"]) == 0
    captured = capsys.readouterr()
    manifest = json.loads(captured.out)
    assert manifest["complete"] is True
    assert set(manifest["counts"]) == {"following_accounts.csv", "blocked_accounts.csv"}
    assert "follows" in captured.err
    assert (dest / "following_accounts.csv").read_text().startswith("Account address,")

    assert run(["migrate", "export", "--account", handle, "--to", str(dest)]) == 0
    out = capsys.readouterr().out
    assert "bookmarks.csv: 0" in out and "Import the CSV files" in out


def test_migrate_export_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["migrate", "export", "--account", "x@nowhere.social", "--to",
                str(tmp_path), "--only", "posts"]) == 2
    assert "unknown: posts" in capsys.readouterr().err
    assert run(["migrate", "export", "--account", "x@nowhere.social", "--to",
                str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fedidesk: ") and err.count("\n") == 1
