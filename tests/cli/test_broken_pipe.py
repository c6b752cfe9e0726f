"""``fedidesk … | head -1``: when the reader goes away, fedidesk stops quietly.

QA pass 4: ``fedidesk servers --offline | head -1`` printed a ``BrokenPipeError`` traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fedidesk.cli.main import run


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    env = {**os.environ, "FEDIDESK_HOME": str(tmp_path / "profile")}
    process = subprocess.Popen([sys.executable, "-m", "fedidesk", "servers", "--offline"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like ``head`` after its line: every write now fails
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception" not in err


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_guard_turns_a_broken_pipe_into_exit_1(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert run(["servers", "--offline"]) == 1
    assert "Traceback" not in capsys.readouterr().err
