"""``fedidesk migrate import --follows-via auto|api|server`` against mastodon-mock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from tests.migration_import.conftest import write_folder
from tests.migration_import.test_cli import FOLLOWS, _login


def test_follows_via_flag_is_planned_printed_and_kept(mig: MockServer, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    handle = _login(mig, capsys, monkeypatch)
    folder = write_folder(tmp_path / "export", {"following_accounts.csv": FOLLOWS})
    base = ["migrate", "import", "--account", handle, "--from", str(folder)]

    assert run([*base, "--dry-run", "--follows-via", "server", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["follows_via"], data["follow_path"]) == ("server", "server_import")
    assert "result" not in data

    assert run([*base, "--dry-run", "--follows-via", "api"]) == 0
    out = capsys.readouterr().out
    assert "Follows via: api (this time: the API)." in out
    assert "1 follow through the API: 1 today; about 1 day in all, up to 380 a day" in out
    assert "(20 a day are left for you)" in out

    assert run([*base, "--dry-run"]) == 0  # no job yet: auto
    assert "Follows via: auto (this time: the API)." in capsys.readouterr().out

    assert run([*base, "--follows-via", "server"]) == 0
    out = capsys.readouterr().out
    assert "Follows via: server (this time: a file for the new server's import page)." in out
    assert "Upload " in out and "following_accounts.csv" in out
    csv_lines = (folder / "for-server-import" / "following_accounts.csv").read_text()
    assert csv_lines.splitlines()[1:] == ['dan@mock.local,false,true,"en, de"']

    assert run(["migrate", "status", "--json"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert [(j["follows_via"], j["counts"]) for j in jobs] == [
        ("server", {"follows": {"done": 1, "requested": 1}})]

    assert run([*base, "--json"]) == 0  # resumed without the flag: keeps "server"
    data = json.loads(capsys.readouterr().out)
    assert data["follows_via"] == "server" and data["result"]["writes"] == 0

    assert run([*base, "--follows-via", "api", "--json"]) == 0  # switched: sent by the API
    data = json.loads(capsys.readouterr().out)
    assert (data["follows_via"], data["follow_path"], data["follow_reserve"]) == (
        "api", "api", 20)
    assert data["api_follows"] == 1 and data["api_days"] == 1
    assert data["result"]["counts"] == {"follows": {"done": 2}}
    assert data["result"]["writes"] == 1


def test_follows_via_rejects_unknown_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["migrate", "import", "--account", "a@b.c", "--from", "x",
                "--follows-via", "csv"]) == 2
    err = capsys.readouterr().err
    assert "--follows-via" in err and "csv" in err
