"""Composer fixes from QA pass 3: title of restored replies, default post language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from fedidesk.core import i18n
from fedidesk.core.drafts import Draft, DraftStore
from fedidesk.core.entities import Status, from_dict
from tests.compose.conftest import Run, until


@pytest.fixture
def german() -> Iterator[None]:
    """The app runs in German for the test."""
    before = i18n.current_language()
    i18n.install("de")
    try:
        yield
    finally:
        i18n.install(before)


def test_restored_reply_draft_is_titled_a_reply(make_window: Any, drafts: DraftStore) -> None:
    drafts.save(Draft(account="alice@mock.local", text="@bob agreed", in_reply_to_id="42"))
    window = make_window()
    assert window.windowTitle() == "New post"
    window.restore_button.click()
    assert window.reply_banner.isVisible()
    assert window.windowTitle() == "Reply"


def test_restoring_a_new_post_in_a_reply_window_drops_the_reply(
        make_window: Any, drafts: DraftStore) -> None:
    drafts.save(Draft(account="alice@mock.local", text="unrelated idea"))
    target = from_dict(Status, {"id": "7", "content": "<p>hi</p>",
                                "account": {"id": "2", "acct": "bob", "display_name": "Bob"}})
    window = make_window(reply_to=target)
    assert window.windowTitle() == "Reply to @bob"
    window.restore_button.click()
    assert window.editor.toPlainText() == "unrelated idea"
    assert window.windowTitle() == "New post"
    assert not window.reply_banner.isVisible()
    assert window.current_draft().in_reply_to_id is None


def test_new_post_language_is_the_apps_language(make_window: Any, german: None) -> None:
    window = make_window()
    assert window.language.currentData() == "de"


def test_restored_draft_keeps_its_own_language(make_window: Any, drafts: DraftStore,
                                               german: None) -> None:
    drafts.save(Draft(account="alice@mock.local", text="bonjour", language="fr"))
    window = make_window()
    window.restore_button.click()
    assert window.language.currentData() == "fr"


def test_tab_moves_focus_out_of_the_text(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.activateWindow()
    window.editor.setFocus()
    qtbot.waitUntil(window.editor.hasFocus)
    window.editor.setPlainText("hello")
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "hello"
    assert not window.editor.hasFocus()
    window.editor.setFocus()
    qtbot.waitUntil(window.editor.hasFocus)
    qtbot.keyClick(window.editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert window.editor.toPlainText() == "hello"
    assert not window.editor.hasFocus()


def test_tab_still_accepts_a_suggestion(make_window: Any, run: Run, qtbot: Any) -> None:
    window = make_window()
    window.activateWindow()
    window.editor.setFocus()
    popup = window.editor.completer.popup()

    async def scenario() -> None:
        window.editor.insertPlainText("hi @bo")
        await until(lambda: popup is not None and popup.isVisible())

    run(scenario())
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "hi @bob "
    assert window.editor.hasFocus()
