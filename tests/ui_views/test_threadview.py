"""ThreadWindow against mastodon-mock: a reply chain, the highlighted post, errors, Esc."""

from __future__ import annotations

import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fedidesk.ui.threadview import ThreadWindow
from tests.helpers.mockserver import add_fault
from tests.ui.conftest import LoopRunner
from tests.ui_views.conftest import ApiFactory, screenshot

pytestmark = pytest.mark.integration


def make_chain(aloop: LoopRunner, api_for: ApiFactory) -> list[str]:
    alice, bob = api_for("alice"), api_for("bob")

    async def go() -> list[str]:
        root = await alice.post_status("Which text editor do you all use for Python?")
        one = await bob.post_status("@alice Mostly Kate, sometimes vim.", in_reply_to_id=root.id)
        two = await alice.post_status("@bob Kate is underrated! Which plugins?",
                                      in_reply_to_id=one.id)
        three = await bob.post_status("@alice LSP client and the terminal panel.",
                                      in_reply_to_id=two.id)
        side = await bob.post_status("@alice Also: ruff on save.", in_reply_to_id=one.id)
        return [root.id, one.id, two.id, three.id, side.id]

    return list(aloop.run(go()))


def test_thread_shows_ancestors_focus_and_descendants(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    root, one, two, three, side = make_chain(aloop, api_for)
    opened: list[str] = []
    window = ThreadWindow(api_for("alice"), one, open_profile=lambda _i: None,
                          open_thread=opened.append)
    qtbot.addWidget(window)
    window.show()
    aloop.until(lambda: window.focus_status is not None)

    ids = [s.id for s in window.statuses()]
    assert ids[0] == root
    assert ids[1] == one
    assert set(ids[2:]) == {two, three, side}
    assert ids.index(two) < ids.index(three)
    assert window.row_of_focus() == 1
    assert window.view.currentIndex().row() == 1
    assert window.view.highlighted_id == f"status:{one}"
    assert window.message.isHidden()
    assert "3 replies" in window.subtitle.text()
    aloop.run(_settle())
    screenshot(window, "thread")

    window.view.openThread.emit(f"status:{root}")
    assert opened == [root]


async def _settle() -> None:
    import asyncio

    await asyncio.sleep(0.05)


def test_thread_error_shows_server_message_and_retry(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory, mock: MockServer) -> None:
    root = aloop.run(api_for("alice").post_status("hello")).id
    add_fault(mock.base_url, {"match": {"path": f"/api/v1/statuses/{root}/context"},
                              "effect": {"type": "status", "status": 403,
                                         "body": {"error": "This action is not allowed"}},
                              "count": 1})
    window = ThreadWindow(api_for("alice"), root, open_profile=lambda _i: None,
                          open_thread=lambda _i: None)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.failed, timeout=10000):
        window.show()
        aloop.until(lambda: not window.loading)
    assert "This action is not allowed" in window.message.text
    assert window.message.button.text() == "Retry"

    window.message.button.click()
    aloop.until(lambda: window.focus_status is not None)
    assert window.message.isHidden()
    assert [s.id for s in window.statuses()] == [root]


def test_escape_closes(qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    root = aloop.run(api_for("alice").post_status("hello")).id
    window = ThreadWindow(api_for("alice"), root, open_profile=lambda _i: None,
                          open_thread=lambda _i: None)
    qtbot.addWidget(window)
    window.show()
    aloop.until(lambda: not window.loading)
    window.activateWindow()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.isVisible()
