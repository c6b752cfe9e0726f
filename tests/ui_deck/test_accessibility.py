"""Every control of the main window and the deck has a name a screen reader can say."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QWidget,
)

from fedidesk.core.columns import ColumnKind, ColumnSpec
from fedidesk.core.context import AppContext
from fedidesk.ui.app import make_login
from fedidesk.ui.deck import DeckWidget
from fedidesk.ui.mainwindow import MainWindow
from tests.ui_deck.test_deck_layout import _factory


def _spoken_name(widget: QWidget) -> str:
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton):
        return widget.text() or widget.toolTip()
    return ""


def test_every_control_is_named(ctx: AppContext, qtbot: object, tmp_path: Path) -> None:
    composed: list[str | None] = []
    deck = DeckWidget(ctx.settings, _factory)
    window = MainWindow(ctx, make_login(ctx, lambda: window), deck=deck,
                        compose=composed.append)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    for kind in (ColumnKind.HOME, ColumnKind.NOTIFICATIONS):
        deck.add_column(ColumnSpec(account="alice@a.example", kind=kind))
    deck.add_column(ColumnSpec(account="bob@b.example", kind=ColumnKind.HOME))
    menus = [c.menu_button.accessibleName() for c in deck.columns]
    assert len(set(menus)) == 3 and "bob@b.example" in menus[2]  # two Home columns differ
    window.show()
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in window.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QComboBox | QLineEdit | QAbstractItemView)
        and w.isVisibleTo(window) and not _spoken_name(w)
    ]
    assert not unnamed, unnamed
    # Anything that takes keyboard focus must say what it is (an unnamed scroll area did).
    silent_stops = [
        f"{type(w).__name__} {w.objectName()!r}" for w in window.findChildren(QWidget)
        if w.isVisibleTo(window) and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not _spoken_name(w) and not isinstance(w, QLineEdit | QComboBox)]
    assert not silent_stops, silent_stops

    # "n" asks for a new post from the window (not while typing in a text field).
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # type: ignore[attr-defined]
    deck.columns[0].view.setFocus()
    QTest.keyClick(deck.columns[0].view, Qt.Key.Key_N)
    assert composed == [None]
