"""The real entry point starts in sandbox mode, shows a live deck and shuts down cleanly.

Runs ``python -m fedidesk`` in its own process, as a user would, offscreen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.integration


def test_sandbox_starts_shows_a_deck_and_exits(qapp: object, tmp_path: Path) -> None:
    shot = tmp_path / "sandbox.png"
    profile = tmp_path / "p"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "fedidesk", "--sandbox", "--profile-dir", str(profile),
         "--screenshot", str(shot), "--screenshot-delay", "3"],
        env=env, capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800, result.stderr[-3000:]
    settings = (profile / "config" / "settings.json").read_text()
    assert "ada@mock.local" in settings and "grace@mock.local" in settings
    # Two starter columns per demo account, and no token in any file of the profile.
    assert settings.count('"kind": "home"') == 2
    for path in profile.rglob("*"):
        if path.is_file():
            assert b"ada_token" not in path.read_bytes(), path


def test_qt_standard_buttons_speak_the_app_language(qapp: QApplication) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from fedidesk.ui.app import install_qt_translations

    def cancel_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                               | QDialogButtonBox.StandardButton.Close)
        texts = (box.button(QDialogButtonBox.StandardButton.Cancel).text(),
                 box.button(QDialogButtonBox.StandardButton.Close).text())
        box.deleteLater()
        return " / ".join(t.replace("&", "") for t in texts)

    try:
        assert install_qt_translations(qapp, "de")
        assert cancel_text() == "Abbrechen / Schließen"
        assert install_qt_translations(qapp, "fr")  # a new language replaces the old one
        assert cancel_text() == "Annuler / Fermer"
        assert not install_qt_translations(qapp, "xx")
        assert cancel_text() == "Cancel / Close"
    finally:
        install_qt_translations(qapp, "en")
    assert cancel_text() == "Cancel / Close"
