"""``migrate import``/``verify`` from a folder without export files: an error, no job."""

from __future__ import annotations

from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from fedidesk.core.migration.source import NoExportFilesError, require_export_files
from tests.migration_import.conftest import write_folder
from tests.migration_import.test_cli import _login


def folders(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty"
    empty.mkdir()
    return {"missing": tmp_path / "nonexistent", "empty": empty,
            "unrelated": write_folder(tmp_path / "photos", {"notes.txt": "hello\n",
                                                            "posts.csv": "a,b\n"})}


@pytest.mark.parametrize("kind", ["missing", "empty", "unrelated"])
def test_import_and_verify_refuse_a_folder_without_export_files(
        kind: str, mig: MockServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    handle = _login(mig, capsys, monkeypatch)
    folder = folders(tmp_path)[kind]
    for extra in ([], ["--dry-run"], ["--json"]):
        assert run(["migrate", "import", "--account", handle, "--from", str(folder),
                    *extra]) == 1
        captured = capsys.readouterr()
        assert str(folder) in captured.err and "following_accounts.csv" in captured.err
        assert "Finished" not in captured.out and "Plan for" not in captured.out
    assert run(["migrate", "verify", "--account", handle, "--from", str(folder)]) == 1
    assert str(folder) in capsys.readouterr().err
    assert run(["migrate", "status"]) == 0
    assert "No imports yet." in capsys.readouterr().out  # no job was made


def test_any_known_file_is_enough(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "web", {"domain_blocks.csv": "spam.example\n"})
    assert [p.name for p in require_export_files(folder)] == ["domain_blocks.csv"]
    with pytest.raises(NoExportFilesError, match="No export files found in"):
        require_export_files(folders(tmp_path)["empty"])
