"""The whole app starts in sandbox mode, signs in the demo accounts and shuts down cleanly."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from fedidesk.ui.app import run_gui

pytestmark = pytest.mark.integration


def test_sandbox_starts_shows_accounts_and_exits(qapp: QApplication, tmp_path: Path) -> None:
    shot = tmp_path / "sandbox.png"
    args = argparse.Namespace(sandbox=True, profile_dir=str(tmp_path / "p"), session_only=False,
                              screenshot=str(shot), screenshot_delay=1.5)
    assert run_gui(args) == 0
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800
    settings = (tmp_path / "p" / "config" / "settings.json").read_text()
    assert "ada@mock.local" in settings and "grace@mock.local" in settings
    assert "ada_token" not in settings
