"""Theme: follow the system or a manual choice; text size scales the font."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from fedidesk.core.settings import Settings
from fedidesk.ui.theme import ThemeManager


def test_manual_dark_light_and_font_scale(qapp: QApplication, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.json")
    original_font = qapp.font()
    manager = ThemeManager(qapp, settings)
    try:
        settings.set("appearance.theme", "dark")
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert qapp.palette().color(QPalette.ColorRole.WindowText).lightness() > 180
        settings.set("appearance.theme", "light")
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 150
        base = qapp.font().pointSizeF()
        settings.set("appearance.font_scale", 1.5)
        assert abs(qapp.font().pointSizeF() - base * 1.5) < 0.6
    finally:
        settings.set("appearance.theme", "light")
        settings.set("appearance.font_scale", 1.0)
        qapp.setFont(original_font)
        manager.deleteLater()
