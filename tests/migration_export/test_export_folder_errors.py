"""An export folder that cannot be created or written gives one clear line, not a traceback.

QA pass 4: ``migrate export --to <an existing file>`` crashed with ``NotADirectoryError``
from ``ExportJournal.open``.
"""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from fedidesk.core.errors import FedideskError
from fedidesk.core.migration.journal import ExportFolderError, ExportJournal

SERVER = "https://example.social"


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("fedidesk: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.integration
@pytest.mark.parametrize("below", [None, "sub/folder"])
def test_export_to_a_file_says_so(mock: MockServer, tmp_path: Path, below: str | None,
                                  capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("alice_token\n"))
    assert run(["login", mock.base_url, "--token-stdin"]) == 0
    handle = capsys.readouterr().out.split("Signed in as ")[1].strip().rstrip(".")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder\n")
    dest = a_file / below if below else a_file
    assert run(["migrate", "export", "--account", handle, "--to", str(dest),
                "--only", "follows"]) == 1
    err = _one_line_error(capsys)
    assert f"{a_file} is a file, not a folder" in err
    assert a_file.read_text() == "not a folder\n"


def test_open_reports_permission_problem_with_the_path(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    dest = tmp_path / "export"
    with pytest.raises(ExportFolderError) as err:
        ExportJournal.open(dest, "alice@example.social", SERVER)
    assert err.value.user_message == f"Could not write to the folder {dest}: Permission denied."
    assert isinstance(err.value, FedideskError)


def test_append_reports_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = ExportJournal.open(tmp_path, "alice@example.social", SERVER)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    with pytest.raises(ExportFolderError) as err:
        journal.append("follows", [{"acct": "bob@example.social"}], None)
    assert "No space left on device" in err.value.user_message
    assert str(journal.folder) in err.value.user_message
