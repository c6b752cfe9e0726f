"""The post "more" menu and its actions against mastodon-mock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from fedidesk.core.entities import Status
from fedidesk.core.errors import NotFoundError
from fedidesk.ui.historydialog import HistoryDialog, TranslationDialog
from tests.helpers.mockserver import add_fault
from tests.ui.conftest import LoopRunner
from tests.ui_actions.conftest import ApiFactory, Deck, Sent, names, screenshot, trigger

pytestmark = pytest.mark.integration


def answer(parent: QWidget, aloop: LoopRunner, button: QMessageBox.StandardButton) -> None:
    """Wait for the confirmation box under ``parent`` and press ``button``."""
    boxes: list[QMessageBox] = []

    def shown() -> bool:
        boxes[:] = [b for b in parent.findChildren(QMessageBox) if b.isVisible()]
        return bool(boxes)

    aloop.until(shown)
    boxes[0].button(button).click()


def windows_of(kind: type) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_menu_entries_for_own_and_other_posts(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck]) -> None:
    deck = deck_for("alice")
    own = aloop.run(api_for("alice").post_status("Mine"))
    other = aloop.run(api_for("bob").post_status("Bob's"))
    mine = names(deck.menu(own))
    assert {"openThread", "openProfile", "copyLink", "openInBrowser", "boost:public",
            "boost:unlisted", "boost:private", "muteConversation", "edit", "redraft",
            "delete"} <= set(mine)
    assert "boost:direct" not in mine
    assert "editHistory" not in mine and "poll" not in mine
    theirs = names(deck.menu(other))
    assert not {"edit", "redraft", "delete"} & set(theirs)

    api = api_for("alice")
    rich = aloop.run(api.post_status("Poll?", poll={"options": ["a", "b"], "expires_in": 600}))
    aloop.run(api.edit_status(rich.id, "Poll!", poll={"options": ["a", "b"],
                                                      "expires_in": 600}))
    rich = aloop.run(api.status(rich.id))
    menu = deck.menu(rich, translation=True)
    assert {"poll", "translate", "editHistory", "delete"} <= set(names(menu))
    menu.popup(deck.parent.mapToGlobal(deck.parent.rect().center()))
    aloop.until(menu.isVisible)
    screenshot(menu, "postmenu")
    menu.close()


def test_translate_hidden_when_disabled_and_shown_with_provider(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory,
        deck_for: Callable[[str], Deck]) -> None:
    deck = deck_for("bob")
    status = aloop.run(api_for("alice").post_status("Hello <world> & friends"))
    # mastodon-mock advertises translation as disabled.
    assert aloop.run(deck.actions.translation_enabled("bob")) is False
    menu = aloop.run(deck.actions.show_menu(deck.parent, "bob", status))
    assert "translate" not in names(menu)
    menu.close()

    menu = deck.menu(status, translation=True)
    trigger(menu, "translate")
    aloop.until(lambda: bool(windows_of(TranslationDialog)))
    dialog = windows_of(TranslationDialog)[0]
    assert isinstance(dialog, TranslationDialog)
    assert dialog.source.text() == "Translated from English (en) by mastodon_mock"
    assert dialog.text.toPlainText().strip()
    assert dialog.text.toPlainText() != "Hello <world> & friends"


def test_delete_own_post_is_optimistic(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck]) -> None:
    deck = deck_for("alice")
    status = aloop.run(api_for("alice").post_status("Delete me"))
    deck.add(status)
    trigger(deck.menu(status), "delete")
    answer(deck.parent, aloop, QMessageBox.StandardButton.Yes)
    aloop.until(lambda: "Post deleted." in deck.messages)
    assert deck.model.rowCount() == 0
    with pytest.raises(NotFoundError):
        aloop.run(api_for("alice").status(status.id))


def test_delete_cancelled_keeps_the_post(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck],
        sent: Sent) -> None:
    deck = deck_for("alice")
    status = aloop.run(api_for("alice").post_status("Keep me"))
    deck.add(status)
    trigger(deck.menu(status), "delete")
    answer(deck.parent, aloop, QMessageBox.StandardButton.Cancel)
    aloop.run(_settle())
    assert deck.model.rowCount() == 1
    assert not [s for s in sent if s[0] == "DELETE"]


def test_delete_rolls_back_on_server_error(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck],
        mock: MockServer) -> None:
    deck = deck_for("alice")
    older = aloop.run(api_for("alice").post_status("Older"))
    status = aloop.run(api_for("alice").post_status("Survives"))
    newer = aloop.run(api_for("alice").post_status("Newer"))
    deck.model.insert_newer([*(_item(s) for s in (newer, status, older))])
    add_fault(mock.base_url, {"match": {"methods": ["DELETE"],
                                        "path": f"/api/v1/statuses/{status.id}"},
                              "effect": {"type": "status", "status": 500,
                                         "body": {"error": "Database on fire"}},
                              "count": 20})
    removed: list[int] = []
    deck.model.rowsRemoved.connect(lambda _p, first, _last: removed.append(first))
    trigger(deck.menu(status), "delete")
    answer(deck.parent, aloop, QMessageBox.StandardButton.Yes)
    aloop.until(lambda: any("Could not delete" in m for m in deck.messages), timeout=30)
    assert removed == [1]  # gone at once ...
    assert deck.model.ids() == [f"status:{s.id}" for s in (newer, status, older)]  # ... back
    assert any("Database on fire" in m for m in deck.messages)
    assert aloop.run(api_for("alice").status(status.id)).id == status.id


def test_delete_and_redraft_emits_the_source(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck]) -> None:
    deck = deck_for("alice")
    status = aloop.run(api_for("alice").post_status("Typo'd #post"))
    deck.add(status)
    drafts: list[tuple[str, Status]] = []
    deck.actions.redraftRequested.connect(lambda acc, s: drafts.append((acc, s)))
    edits: list[tuple[str, Status]] = []
    deck.actions.editRequested.connect(lambda acc, s: edits.append((acc, s)))
    trigger(deck.menu(status), "edit")
    assert [(a, s.id) for a, s in edits] == [("alice", status.id)]
    trigger(deck.menu(status), "redraft")
    answer(deck.parent, aloop, QMessageBox.StandardButton.Yes)
    aloop.until(lambda: bool(drafts))
    account, draft = drafts[0]
    assert account == "alice" and draft.id == status.id
    assert draft.text == "Typo'd #post"
    assert deck.model.rowCount() == 0


def test_boost_with_visibility_sends_it(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck],
        sent: Sent, mock: MockServer) -> None:
    deck = deck_for("bob")
    status = aloop.run(api_for("alice").post_status("Boost me quietly"))
    deck.add(status)
    add_fault(mock.base_url, {"match": {"path": f"/api/v1/statuses/{status.id}/reblog"},
                              "effect": {"type": "latency", "delay_ms": 500}, "count": 1})
    trigger(deck.menu(status), "boost:unlisted")
    aloop.run(_settle())
    shown = deck.shown(status.id)
    assert shown is not None and shown.reblogged is True  # optimistic, before the answer
    assert not deck.messages
    aloop.until(lambda: any(m.startswith("Boosted") for m in deck.messages))
    reblogs = [s for s in sent if s[0] == "POST" and s[1].endswith(f"{status.id}/reblog")]
    assert reblogs == [("POST", f"/api/v1/statuses/{status.id}/reblog",
                        {"visibility": "unlisted"})]
    shown = deck.shown(status.id)
    assert shown is not None and shown.reblogged and shown.reblogs_count == 1
    assert not {"boost:public", "boost:unlisted"} & set(names(deck.menu(shown)))


def test_boost_rolls_back_on_error(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck],
        mock: MockServer) -> None:
    deck = deck_for("bob")
    status = aloop.run(api_for("alice").post_status("Not boostable today"))
    deck.add(status)
    add_fault(mock.base_url, {"match": {"path": f"/api/v1/statuses/{status.id}/reblog"},
                              "effect": {"type": "status", "status": 422,
                                         "body": {"error": "Validation failed"}},
                              "count": 5})
    trigger(deck.menu(status), "boost:private")
    aloop.until(lambda: any("Could not boost" in m for m in deck.messages))
    shown = deck.shown(status.id)
    assert shown is not None and not shown.reblogged and shown.reblogs_count == 0


def test_mute_and_unmute_conversation(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck]) -> None:
    deck = deck_for("alice")
    status = aloop.run(api_for("alice").post_status("A noisy thread"))
    deck.add(status)
    trigger(deck.menu(status), "muteConversation")
    aloop.until(lambda: "Conversation muted." in deck.messages)
    shown = deck.shown(status.id)
    assert shown is not None and shown.muted is True
    assert aloop.run(api_for("alice").status(status.id)).muted is True
    menu = deck.menu(shown)
    assert "unmuteConversation" in names(menu) and "muteConversation" not in names(menu)
    trigger(menu, "unmuteConversation")
    aloop.until(lambda: "Conversation unmuted." in deck.messages)
    assert aloop.run(api_for("alice").status(status.id)).muted is False


def test_edit_history_lists_versions(
        aloop: LoopRunner, api_for: ApiFactory, deck_for: Callable[[str], Deck]) -> None:
    deck = deck_for("bob")
    api = api_for("alice")
    status = aloop.run(api.post_status("First <draft>"))
    assert "editHistory" not in names(deck.menu(status))
    aloop.run(api.edit_status(status.id, "Second take", spoiler_text="<b>spoilers</b>"))
    edited = aloop.run(api_for("bob").status(status.id))
    assert edited.edited_at is not None
    trigger(deck.menu(edited), "editHistory")
    aloop.until(lambda: bool(windows_of(HistoryDialog)))
    dialog = windows_of(HistoryDialog)[0]
    assert isinstance(dialog, HistoryDialog)
    aloop.until(lambda: len(dialog.versions) == 2)
    assert dialog.list.count() == 2
    assert dialog.list.item(0).text().startswith("Current")
    assert dialog.list.item(1).text().startswith("Original")
    assert "Second take" in dialog.text.toPlainText()
    assert dialog.cw.text() == "Content warning: <b>spoilers</b>"  # plain text, literal
    dialog.list.setCurrentRow(1)
    assert "First <draft>" in dialog.text.toPlainText()
    assert dialog.cw.isHidden()


def _item(status: Status) -> object:
    from fedidesk.core.columns import TimelineItem

    return TimelineItem.of(status)


async def _settle() -> None:
    import asyncio

    await asyncio.sleep(0.1)


def test_language_codes_read_as_language_names() -> None:
    from fedidesk.ui.historydialog import language_label

    assert language_label("fr") == "Français (fr)"
    assert language_label("ja") == "日本語 (ja)"
    assert language_label("en") == "English (en)"
    assert language_label("xx") == "xx"  # unknown: as the server said it
    assert language_label("") == ""
