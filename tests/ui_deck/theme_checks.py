"""Theme checks: follow the system or a manual choice; text size scales the font (run by
test_theme.py in a process of their own)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from fedidesk.core.settings import Settings
from fedidesk.ui.theme import EFFECTS, ThemeManager


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


def test_reduce_motion_turns_qt_animations_off_and_back(qapp: QApplication,
                                                        tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    settings = Settings(tmp_path / "s.json")
    before = {e: QApplication.isEffectEnabled(e) for e in EFFECTS}
    QApplication.setEffectEnabled(Qt.UIEffect.UI_General, True)
    QApplication.setEffectEnabled(Qt.UIEffect.UI_AnimateCombo, True)
    manager = ThemeManager(qapp, settings)
    try:
        assert QApplication.isEffectEnabled(Qt.UIEffect.UI_AnimateCombo)
        settings.set("appearance.reduce_motion", True)
        assert not any(QApplication.isEffectEnabled(e) for e in EFFECTS)
        settings.set("appearance.reduce_motion", False)
        assert QApplication.isEffectEnabled(Qt.UIEffect.UI_AnimateCombo)  # as it was
    finally:
        for effect, enabled in before.items():
            QApplication.setEffectEnabled(effect, enabled)
        manager.deleteLater()


def test_a_theme_switched_while_running_reaches_styled_widgets(qapp: QApplication,
                                                                tmp_path: Path) -> None:
    """A widget with a style sheet (the deck) kept its light background after "Dark"."""
    from PySide6.QtWidgets import QListView, QWidget

    settings = Settings(tmp_path / "s.json")
    original_palette = qapp.palette()
    manager = ThemeManager(qapp, settings)
    styled = QWidget()
    styled.setStyleSheet("QFrame { border: 1px solid palette(mid); }")
    view = QListView(styled)
    styled.resize(200, 200)
    view.resize(200, 200)
    styled.show()
    try:
        settings.set("appearance.theme", "light")
        QApplication.processEvents()
        light = view.grab().toImage().pixelColor(100, 100).lightness()
        settings.set("appearance.theme", "dark")
        QApplication.processEvents()
        dark = view.grab().toImage().pixelColor(100, 100).lightness()
        assert light > 150 and dark < 80, (light, dark)
    finally:
        settings.set("appearance.theme", "light")
        styled.close()
        qapp.setPalette(original_palette)
        manager.deleteLater()
