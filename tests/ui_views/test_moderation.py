"""ModerationWindow against mastodon-mock: mutes, blocks, domains, filters, hashtag filters."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from fedidesk.core.api import MastodonApi
from fedidesk.core.entities import Filter
from fedidesk.ui.moderation import FilterDialog, FilterDraft, ModerationWindow, is_hashtag_filter
from fedidesk.ui.profileview import MuteChoice, ProfileWindow
from tests.ui.conftest import LoopRunner
from tests.ui_views.conftest import ApiFactory, screenshot

pytestmark = pytest.mark.integration


def open_window(qtbot: QtBot, aloop: LoopRunner, api: MastodonApi,
                opened: list[str] | None = None) -> ModerationWindow:
    window = ModerationWindow(api, open_profile=(opened if opened is not None else []).append)
    qtbot.addWidget(window)
    window.show()
    aloop.until(lambda: window.mutes.loaded and window.blocks.loaded and window.domains.loaded)
    return window


def confirm(aloop: LoopRunner, window: ModerationWindow) -> None:
    aloop.until(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    box.button(QMessageBox.StandardButton.Yes).click()


def test_mute_from_profile_then_unmute_here(qtbot: QtBot, aloop: LoopRunner,
                                           api_for: ApiFactory) -> None:
    api = api_for("alice")
    carol = aloop.run(api.lookup("carol")).id
    profile = ProfileWindow(api, carol, open_profile=lambda _i: None,
                            open_thread=lambda _i: None)
    qtbot.addWidget(profile)
    aloop.until(lambda: profile.relationship is not None)
    assert aloop.run(profile.mute(MuteChoice(duration=300, notifications=False)))

    opened: list[str] = []
    window = open_window(qtbot, aloop, api, opened)
    assert window.mutes.list.count() == 1
    assert "@carol" in window.mutes.list.item(0).text()
    window.mutes.list.setCurrentRow(0)
    window.mutes.list.itemActivated.emit(window.mutes.list.item(0))
    assert opened == [carol]

    window.mutes.undo_button.click()
    confirm(aloop, window)
    aloop.until(lambda: window.mutes.list.count() == 0)
    assert aloop.run(api.mutes()).items == []
    assert window.mutes.empty.isVisible()


def test_blocks_and_domains_undo(qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    api = api_for("alice")
    bob = aloop.run(api.lookup("bob")).id
    aloop.run(api.block(bob))
    aloop.run(api.domain_block("spam.example"))
    window = open_window(qtbot, aloop, api)
    assert [a.id for a in window.blocks.items] == [bob]
    assert window.domains.items == ["spam.example"]

    window.blocks.list.setCurrentRow(0)
    window.blocks.undo_button.click()
    confirm(aloop, window)
    aloop.until(lambda: not window.blocks.items)
    assert not aloop.run(api.relationships([bob]))[0].blocking

    window.domains.list.setCurrentRow(0)
    window.domains.undo_button.click()
    confirm(aloop, window)
    aloop.until(lambda: not window.domains.items)
    assert aloop.run(api.domain_blocks()).items == []


def test_filter_create_edit_delete_round_trip(qtbot: QtBot, aloop: LoopRunner,
                                              api_for: ApiFactory) -> None:
    api = api_for("alice")
    window = open_window(qtbot, aloop, api)
    dialog = FilterDialog(None, window)
    dialog.title.setText("Spoilers")
    dialog.add_keyword("finale", True)
    dialog.add_keyword("season 3", False)
    dialog.contexts["public"].setChecked(False)
    dialog.hide_completely.setChecked(True)
    dialog.expiry.setCurrentIndex(dialog.expiry.findText("1 day"))
    draft = dialog.draft()
    assert draft.context == ("home", "notifications", "thread")
    created = aloop.run(window.save(draft))
    assert isinstance(created, Filter)
    server = aloop.run(api.filters())
    assert [(f.title, f.filter_action) for f in server] == [("Spoilers", "hide")]
    assert {(k.keyword, k.whole_word) for k in server[0].keywords} == {
        ("finale", True), ("season 3", False)}
    assert server[0].expires_at is not None
    assert window.filter_list.count() == 1 and "Spoilers" in window.filter_list.item(0).text()

    edit = FilterDialog(server[0], window)
    assert edit.title.text() == "Spoilers" and edit.keywords.rowCount() == 2
    edit.title.setText("TV spoilers")
    edit.keywords.removeRow(1)
    edit.add_keyword("cliffhanger", True)
    edit.warn.setChecked(True)
    edit.contexts["public"].setChecked(True)
    updated = aloop.run(window.save(edit.draft(), server[0]))
    assert updated is not None
    server = aloop.run(api.filters())
    assert server[0].title == "TV spoilers" and server[0].filter_action == "warn"
    assert "public" in server[0].context
    assert {k.keyword for k in server[0].keywords} == {"finale", "cliffhanger"}

    window.filter_list.setCurrentRow(0)
    window._with_selected(window.filter_list, window._delete)
    confirm(aloop, window)
    aloop.until(lambda: window.filter_list.count() == 0)
    assert aloop.run(api.filters()) == []


def test_filter_dialog_validates(qtbot: QtBot) -> None:
    dialog = FilterDialog()
    qtbot.addWidget(dialog)
    dialog._accept()
    assert "title" in dialog.error.text()
    dialog.title.setText("x")
    dialog._accept()
    assert "keyword" in dialog.error.text()


def test_mute_hashtag_quick_form(qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    api = api_for("alice")
    aloop.run(api.create_filter("Politics", ["home"], keywords=[("election", True)]))
    window = open_window(qtbot, aloop, api)
    aloop.until(lambda: window.filter_list.count() == 1)
    form = window.tag_input.parentWidget()
    assert form is not None
    assert window.tag_input.width() >= form.width() * 0.8  # a line of its own, any language
    window.tag_input.setText("#Eurovision")
    window.tag_expiry.setCurrentIndex(window.tag_expiry.findText("1 week"))
    created = aloop.run(window.mute_hashtag())
    assert created is not None and is_hashtag_filter(created)
    assert window.tag_list.count() == 1 and "#Eurovision" in window.tag_list.item(0).text()
    assert window.filter_list.count() == 1  # keyword filters stay on their own tab
    assert window.tag_input.text() == ""

    window.tag_input.setText("two words")
    assert aloop.run(window.mute_hashtag()) is None
    assert "one hashtag" in window.message.text

    aloop.run(api.mute(aloop.run(api.lookup("bob")).id))
    aloop.run(window.reload())
    window.tabs.setCurrentIndex(0)
    window.message.hide()
    window.resize(680, 480)
    screenshot(window, "moderation")
    window.tabs.setCurrentIndex(4)
    screenshot(window, "moderation_tags")


def test_draft_keep_expiry() -> None:
    draft = FilterDraft("t", (("a", True),), ("home",), "warn", -1)
    assert draft.expires_in == -1
