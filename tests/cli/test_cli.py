"""The ``fedidesk`` command line, in-process, against mastodon-mock."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk import __version__
from fedidesk.cli.main import run
from tests.cli.conftest import MockBrowser
from tests.helpers.keyrings import MemoryKeyring


def _accounts_json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert run(["accounts", "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"fedidesk {__version__}"
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("login", "accounts", "logout", "default", "server-info", "--profile-dir",
                 "--session-only"):
        assert word in out


def test_version_as_a_process() -> None:
    done = subprocess.run([sys.executable, "-m", "fedidesk", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"fedidesk {__version__}"
    assert "PySide6" not in done.stderr


def test_full_browser_login_accounts_default_logout(
        mock: MockServer, mock_browser: MockBrowser, capsys: pytest.CaptureFixture[str],
        memory_keyring: MemoryKeyring, profile_dir: Path) -> None:
    assert run(["login", mock.base_url]) == 0
    mock_browser.join()
    out = capsys.readouterr().out
    assert "Signed in as alice@" in out
    assert mock_browser.final_status == [200]
    opened = mock_browser.opened[0]
    assert opened.startswith(f"{mock.base_url}/oauth/authorize?")
    assert "code_challenge_method=S256" in opened

    listed = _accounts_json(capsys)
    assert len(listed) == 1
    handle = str(listed[0]["handle"])
    assert handle.startswith("alice@")
    assert listed[0]["default"] is True
    token = next(v for (_, k), v in memory_keyring.store.items() if k == f"token:{handle}")
    # The token is in the keyring only: not in any file of the profile, log included.
    for path in profile_dir.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    assert (profile_dir / "logs" / "fedidesk.log").exists()

    assert run(["default", handle]) == 0
    assert run(["logout", handle]) == 0
    assert "Signed out" in capsys.readouterr().out
    assert _accounts_json(capsys) == []
    assert not [k for (_, k) in memory_keyring.store if k.startswith("token:")]
    # The revoked token no longer works at the server.
    import httpx
    response = httpx.get(f"{mock.base_url}/api/v1/accounts/verify_credentials",
                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_login_with_token_from_stdin(mock: MockServer, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("bob_token\n"))
    assert run(["login", mock.base_url, "--token-stdin"]) == 0
    assert "Signed in as bob@" in capsys.readouterr().out
    assert next(a["handle"] for a in _accounts_json(capsys)).startswith("bob@")  # type: ignore[union-attr]


def test_bad_token_fails_with_one_line(mock: MockServer, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("not-a-real-token\n"))
    assert run(["login", mock.base_url, "--token-stdin"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("fedidesk: ")
    assert "not-a-real-token" not in err


def test_insecure_server_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["login", "http://example.org"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "https" in err


def test_unknown_account(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["logout", "nobody@nowhere.example"]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_no_keyring_suggests_session_only(capsys: pytest.CaptureFixture[str],
                                          profile_dir: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert run(["accounts"]) == 1
    err = capsys.readouterr().err
    assert "--session-only" in err
    assert err.count("\n") == 1
    assert run(["--session-only", "accounts"]) == 0


def test_session_only_token_login_persists_nothing_secret(
        mock: MockServer, capsys: pytest.CaptureFixture[str], profile_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setattr("sys.stdin", io.StringIO("carol_token\n"))
    assert run(["--session-only", "login", mock.base_url, "--token-stdin"]) == 0
    for path in profile_dir.rglob("*"):
        if path.is_file():
            assert b"carol_token" not in path.read_bytes(), path


def test_usage_error_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["login"]) == 2


def test_server_info_json(mock: MockServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["server-info", mock.base_url, "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), dict)
