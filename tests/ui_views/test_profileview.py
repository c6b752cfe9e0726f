"""ProfileWindow against mastodon-mock: follow, mute, block, failures, hostile names."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from fedidesk.core.api import MastodonApi
from fedidesk.core.entities import Account, Field, Relationship
from fedidesk.ui.profileview import MuteDialog, ProfileWindow, ReportChoice
from tests.helpers.mockserver import add_fault
from tests.ui.conftest import LoopRunner
from tests.ui_views.conftest import ApiFactory, screenshot

pytestmark = pytest.mark.integration

HOSTILE = "<b>x</b><img src=file:///etc/passwd>"


def account_id(aloop: LoopRunner, api: MastodonApi, acct: str) -> str:
    return str(aloop.run(api.lookup(acct)).id)


def relationship(aloop: LoopRunner, api: MastodonApi, target: str) -> Relationship:
    return aloop.run(api.relationships([target]))[0]


def open_profile(qtbot: QtBot, aloop: LoopRunner, api: MastodonApi, target: str,
                 **kw: object) -> ProfileWindow:
    window = ProfileWindow(api, target, open_profile=lambda _i: None,
                           open_thread=lambda _i: None, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    # Wait for every request the window started (profile, relationship, first posts page),
    # so none is left half-way when the test hands control back to Qt.
    aloop.until(lambda: window.relationship is not None and not window.loading
                and not window.jobs.tasks)
    return window


def click_when_ready(aloop: LoopRunner, window: ProfileWindow, button_text: str) -> None:
    aloop.until(lambda: not window.busy)
    buttons = {b.text(): b for b in (window.follow_button, window.mute_button,
                                     window.block_button, window.domain_button)}
    buttons[button_text].click()


def answer(aloop: LoopRunner, window: ProfileWindow, button: QMessageBox.StandardButton) -> str:
    aloop.until(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    text = box.text()
    box.button(button).click()
    return text


def test_follow_and_unfollow(qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    api = api_for("alice")
    bob = account_id(aloop, api, "dave@remote.example")
    window = open_profile(qtbot, aloop, api, bob)
    assert window.name.text() == "Dave"
    assert window.handle.text() == "@dave@remote.example"
    assert window.domain_button.isVisible()
    assert window.follow_button.text() == "Follow"
    assert window.follow_button.accessibleName()

    window.follow_button.click()
    assert window.follow_button.text() == "Unfollow"  # optimistic, before the answer
    aloop.until(lambda: not window.busy)
    assert window.relationship is not None and window.relationship.following
    assert relationship(aloop, api, bob).following
    assert "Following" in window.relation.text()

    click_when_ready(aloop, window, "Unfollow")
    aloop.until(lambda: not window.busy)
    assert window.follow_button.text() == "Follow"
    assert not relationship(aloop, api, bob).following


def test_follow_failure_rolls_back_with_message(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory, mock: MockServer) -> None:
    api = api_for("alice")
    bob = account_id(aloop, api, "dave@remote.example")
    add_fault(mock.base_url, {"match": {"path": f"/api/v1/accounts/{bob}/follow"},
                              "effect": {"type": "status", "status": 500,
                                         "body": {"error": "Database on fire"}}, "count": 1})
    window = open_profile(qtbot, aloop, api, bob)
    with qtbot.waitSignal(window.failed, timeout=10000) as failed:
        window.follow_button.click()
        aloop.until(lambda: not window.busy)
    assert window.follow_button.text() == "Follow"
    assert window.relationship is not None and not window.relationship.following
    assert "Could not follow" in window.message.text
    assert "Database on fire" in window.message.text
    assert failed.args is not None and "Database on fire" in failed.args[0]
    assert not relationship(aloop, api, bob).following


def test_locked_account_gets_a_request(qtbot: QtBot, aloop: LoopRunner,
                                       api_for: ApiFactory) -> None:
    api = api_for("alice")
    carol = account_id(aloop, api, "carol")
    window = open_profile(qtbot, aloop, api, carol)
    assert "Locked" in window.badges.text()
    assert not window.domain_button.isVisible()
    assert window.follow_button.text() == "Request to follow"
    window.follow_button.click()
    aloop.until(lambda: not window.busy)
    assert relationship(aloop, api, carol).requested
    assert window.follow_button.text() == "Cancel request"
    assert "Follow requested" in window.relation.text()


def test_mute_dialog_with_duration_and_notifications(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    api = api_for("alice")
    carol = account_id(aloop, api, "carol")
    window = open_profile(qtbot, aloop, api, carol)
    confirmed: list[object] = []
    window.relationshipConfirmed.connect(confirmed.append)
    window.mute_button.click()
    aloop.until(lambda: any(d.isVisible() for d in window.findChildren(MuteDialog)))
    dialog = window.findChild(MuteDialog)
    assert dialog is not None
    dialog.duration.setCurrentIndex(dialog.duration.findText("1 hour"))
    dialog.hide_notifications.setChecked(False)
    assert dialog.choice().duration == 3600
    dialog.accept()
    aloop.until(lambda: window.mute_button.text() == "Unmute" and not window.busy)
    rel = relationship(aloop, api, carol)
    assert rel.muting and not rel.muting_notifications
    assert [a.id for a in aloop.run(api.mutes()).items] == [carol]
    assert [(r.id, r.muting) for r in confirmed] == [(carol, True)]  # type: ignore[attr-defined]

    window.mute_button.click()
    aloop.until(lambda: window.mute_button.text() == "Mute…" and not window.busy)
    assert not relationship(aloop, api, carol).muting


def test_block_and_unblock_confirmed(qtbot: QtBot, aloop: LoopRunner,
                                     api_for: ApiFactory) -> None:
    api = api_for("alice")
    bob = account_id(aloop, api, "bob")
    window = open_profile(qtbot, aloop, api, bob)

    window.block_button.click()
    assert "Block @bob" in answer(aloop, window, QMessageBox.StandardButton.No)
    aloop.until(lambda: not window.busy)
    assert not relationship(aloop, api, bob).blocking

    window.block_button.click()
    answer(aloop, window, QMessageBox.StandardButton.Yes)
    aloop.until(lambda: window.block_button.text() == "Unblock" and not window.busy)
    assert relationship(aloop, api, bob).blocking
    assert not window.follow_button.isEnabled()

    window.block_button.click()
    answer(aloop, window, QMessageBox.StandardButton.Yes)
    aloop.until(lambda: window.block_button.text() == "Block" and not window.busy)
    assert not relationship(aloop, api, bob).blocking


def test_hostile_display_name_is_plain_text(qtbot: QtBot, aloop: LoopRunner,
                                            api_for: ApiFactory) -> None:
    bob_api = api_for("bob")
    aloop.run(bob_api.request("PATCH", "/api/v1/accounts/update_credentials", data={
        "display_name": HOSTILE, "fields_attributes[0][name]": "<i>site</i>",
        "fields_attributes[0][value]": '<a href="file:///etc/passwd">click</a>'}))
    api = api_for("alice")
    window = open_profile(qtbot, aloop, api, account_id(aloop, api, "bob"))
    assert window.name.text() == HOSTILE
    assert window.name.textFormat().name == "PlainText"
    assert HOSTILE in window.windowTitle()
    labels = [w for w in window.findChildren(QLabel) if w.text() == "<i>site</i>"]
    assert labels and labels[0].textFormat().name == "PlainText"
    rich = [w for w in window.findChildren(QLabel) if w.textFormat() == Qt.TextFormat.RichText]
    assert rich and not any("file:" in w.text() for w in rich)


def test_report_sends(qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    api = api_for("alice")
    window = open_profile(qtbot, aloop, api, account_id(aloop, api, "bob"))
    assert aloop.run(window.report(ReportChoice("spam links", False, "spam", ())))
    assert "report was sent" in window.message.text


def test_profile_screenshot(qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    bob_api = api_for("bob")
    aloop.run(bob_api.request("PATCH", "/api/v1/accounts/update_credentials", data={
        "display_name": "Bob Builder",
        "note": '<p>Builds things with Python and Qt. Writes about <a href="https://example.'
                'com/tags/desktop" class="hashtag">#<span>desktop</span></a> apps.</p>'}))
    for text in ("Shipped a new release of my deck client today!",
                 "Reminder: alt text on every image, please.",
                 "Qt 6 styles look great on every desktop."):
        aloop.run(bob_api.post_status(text))
    api = api_for("alice")
    window = open_profile(qtbot, aloop, api, account_id(aloop, api, "bob"))
    assert window.account is not None
    verified = datetime(2024, 5, 1, tzinfo=UTC)
    window.show_account(replace(window.account, bot=True, followers_count=1234, fields=(
        Field("Website", '<a href="https://bob.example">bob.example</a>', verified),
        Field("Pronouns", "he/him"))))
    window.set_relationship(replace(window.relationship or Relationship(), followed_by=True))
    aloop.until(lambda: window.tab_pages[0].model.rowCount() == 3)
    assert window.findChild(QLabel, "verifiedTick") is not None

    async def shoot() -> None:
        # Inside the loop, as in the app: a resize may make the posts tab fetch more.
        window.resize(620, 760)
        screenshot(window, "profile")
        await asyncio.sleep(0)

    aloop.run(shoot())
    aloop.until(lambda: not window.jobs.tasks)
    assert isinstance(window.account, Account)
