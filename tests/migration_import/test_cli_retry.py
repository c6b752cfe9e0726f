"""``fedidesk migrate import`` says what is left and exits 1 until everything is finished."""

from __future__ import annotations

from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from tests.helpers.mockserver import add_fault, clear_faults
from tests.migration_import.conftest import write_folder
from tests.migration_import.test_cli import _login

MUTES = "Account address,Hide notifications\ndan@mock.local,true\n"


def test_server_errors_exit_1_and_the_next_run_finishes(mig: MockServer, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    handle = _login(mig, capsys, monkeypatch)
    folder = write_folder(tmp_path / "export", {"muted_accounts.csv": MUTES,
                                                "blocked_domains.csv": "spam.example\n"})
    add_fault(mig.base_url, {"match": {"methods": ["POST"], "path_regex": "/mute$"},
                             "effect": {"type": "status", "status": 500}, "count": 1})
    add_fault(mig.base_url, {"match": {"methods": ["POST"],
                                       "path_regex": "^/api/v1/domain_blocks$"},
                             "effect": {"type": "status", "status": 503}, "count": 30})
    base = ["migrate", "import", "--account", handle, "--from", str(folder)]

    assert run(base) == 1
    captured = capsys.readouterr()
    assert "Finished." not in captured.out
    assert "2 rows are not finished; run the same command again later." in captured.err

    clear_faults(mig.base_url)
    assert run(base) == 0
    captured = capsys.readouterr()
    assert "Finished. Check the result with: fedidesk migrate verify." in captured.out
    assert "not finished" not in captured.err


def test_a_refusal_exits_1_and_points_to_verify(mig: MockServer, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    handle = _login(mig, capsys, monkeypatch)
    folder = write_folder(tmp_path / "export", {"muted_accounts.csv": MUTES})
    add_fault(mig.base_url, {"match": {"methods": ["POST"], "path_regex": "/mute$"},
                             "effect": {"type": "status", "status": 422}, "count": 1})
    base = ["migrate", "import", "--account", handle, "--from", str(folder)]
    assert run([*base, "--json"]) == 1
    captured = capsys.readouterr()
    assert '"failed": 1' in captured.out
    assert ("1 row was refused by the new server; see why with: fedidesk migrate verify."
            in captured.err)
    assert run(base) == 1  # still refused: final, not sent again, still not a success
    assert "Finished." not in capsys.readouterr().out
