"""The main window opens the onboarding wizard and its end fills the deck."""

from __future__ import annotations

from PySide6.QtGui import QAction

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.columns import ColumnKind, ColumnSpec
from fedidesk.core.context import AppContext
from fedidesk.ui.app import make_login
from fedidesk.ui.deck import DeckWidget
from fedidesk.ui.mainwindow import MainWindow
from tests.ui_deck.test_deck_layout import _factory


def test_wizard_finish_adds_its_columns_and_starters(ctx: AppContext, qtbot: object) -> None:
    deck = DeckWidget(ctx.settings, _factory)
    window = MainWindow(ctx, make_login(ctx, lambda: window), deck=deck)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    wizard = window.open_wizard()
    qtbot.addWidget(wizard)  # type: ignore[attr-defined]
    assert wizard.isVisible()
    ctx.accounts.add(AccountEntry("ada@a.example", "https://a.example", "1"), "tok-123456")
    tag = ColumnSpec(account="ada@a.example", kind=ColumnKind.HASHTAG, tags=("python",))
    home = ColumnSpec(account="ada@a.example", kind=ColumnKind.HOME)
    wizard.deps.on_finished([home, tag])
    kinds = [s.kind for s in deck.specs()]
    assert kinds == [ColumnKind.HOME, ColumnKind.HASHTAG]  # what the user chose, no more
    assert window.stack.currentWidget() is deck


def test_account_menu_opens_the_migration_assistant(ctx: AppContext, qtbot: object) -> None:
    window = MainWindow(ctx, make_login(ctx, lambda: window))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    action = window.findChild(QAction, "actionMigrate")
    assert action is not None
    action.trigger()
    assistant = window._migration
    qtbot.addWidget(assistant)  # type: ignore[attr-defined]
    assert assistant.isVisible()
