"""Poll voting against mastodon-mock: alice asks, bob votes; results, errors, the menu entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton
from pytestqt.qtbot import QtBot

from fedidesk.core.entities import Account, Poll, PollOption, Status
from fedidesk.ui.pollvote import PollVoteDialog, can_vote, poll_closed
from tests.helpers.mockserver import add_fault
from tests.ui.conftest import LoopRunner
from tests.ui_actions.conftest import ApiFactory, Deck, screenshot, trigger

pytestmark = pytest.mark.integration

OPTIONS = ["Tea & biscuits", "<b>Coffee</b>", "Neither"]


def ask_poll(aloop: LoopRunner, api_for: ApiFactory, *, multiple: bool = False) -> Status:
    status: Status = aloop.run(api_for("alice").post_status(
        "Morning drink?", poll={"options": OPTIONS, "expires_in": 3600,
                                "multiple": multiple}))
    assert status.poll is not None and len(status.poll.options) == 3
    return status


def open_dialogs() -> list[PollVoteDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, PollVoteDialog) and w.isVisible()]


def test_api_vote_round_trip(aloop: LoopRunner, api_for: ApiFactory) -> None:
    status = ask_poll(aloop, api_for, multiple=True)
    assert status.poll is not None
    poll = aloop.run(api_for("bob").vote(status.poll.id, [0, 2]))
    assert poll.voted is True
    assert set(poll.own_votes) == {0, 2}
    assert [o.votes_count for o in poll.options] == [1, 0, 1]


def test_vote_from_menu_updates_the_row(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory,
        deck_for: Callable[[str], Deck]) -> None:
    deck = deck_for("bob")
    status = ask_poll(aloop, api_for)
    deck.add(status)
    menu = deck.menu(status)
    assert next(a.text() for a in menu.actions() if a.objectName() == "poll") == "Vote…"
    trigger(menu, "poll")
    aloop.until(lambda: bool(open_dialogs()))
    dialog = open_dialogs()[0]
    assert not dialog.results_only
    assert all(isinstance(b, QRadioButton) for b in dialog.choices)
    assert [b.text() for b in dialog.choices] == ["Tea && biscuits", "<b>Coffee</b>", "Neither"]
    assert [b.accessibleName() for b in dialog.choices] == OPTIONS
    assert not dialog.submit.isEnabled()
    dialog.choices[1].setChecked(True)
    assert dialog.submit.isEnabled()
    aloop.run(_settle())
    screenshot(dialog, "poll")
    with qtbot.waitSignal(dialog.voted, timeout=10000):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert dialog.results_only and not dialog.choices
    assert [b.value() for b in dialog.bars] == [0, 100, 0]
    assert dialog.submit.isHidden()
    assert "you voted" in dialog.summary.text()
    aloop.run(_settle())
    screenshot(dialog, "poll-results")

    shown = deck.shown(status.id)
    assert shown is not None and shown.poll is not None
    assert shown.poll.voted is True and shown.poll.own_votes == (1,)
    assert "Vote counted." in deck.messages
    menu = deck.menu(shown)
    assert next(a.text() for a in menu.actions() if a.objectName() == "poll") == \
        "Poll results…"
    # alice sees bob's vote
    again = aloop.run(api_for("alice").status(status.id))
    assert again.poll is not None and again.poll.votes_count == 1


def test_multiple_choice_uses_checkboxes(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory) -> None:
    status = ask_poll(aloop, api_for, multiple=True)
    dialog = PollVoteDialog(api_for("bob"), status)
    qtbot.addWidget(dialog)
    dialog.show()
    assert all(isinstance(b, QCheckBox) for b in dialog.choices)
    dialog.choices[0].setChecked(True)
    dialog.choices[2].setChecked(True)
    assert dialog.selected() == [0, 2]
    with qtbot.waitSignal(dialog.voted, timeout=10000) as blocker:
        dialog.vote()
    poll = blocker.args[0]
    assert isinstance(poll, Poll) and set(poll.own_votes) == {0, 2}


def test_vote_error_shows_server_message(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory, mock: MockServer) -> None:
    status = ask_poll(aloop, api_for)
    assert status.poll is not None
    add_fault(mock.base_url, {"match": {"path": f"/api/v1/polls/{status.poll.id}/votes"},
                              "effect": {"type": "status", "status": 422,
                                         "body": {"error": "Validation failed: You have "
                                                           "already voted on this poll"}},
                              "count": 5})
    dialog = PollVoteDialog(api_for("bob"), status)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choices[0].setChecked(True)
    with qtbot.waitSignal(dialog.failed, timeout=10000) as blocker:
        dialog.vote()
    assert "already voted on this poll" in blocker.args[0]
    assert dialog.error_box is not None and dialog.error_box.isVisible()
    assert not dialog.results_only and dialog.submit.isEnabled()
    dialog.error_box.close()


def test_expired_or_voted_polls_show_results_only(qtbot: QtBot) -> None:
    options = tuple(PollOption(title=t, votes_count=n) for t, n in zip(OPTIONS, (3, 1, 0),
                                                                       strict=True))
    past = datetime.now(UTC) - timedelta(minutes=1)
    expired = Poll(id="1", expires_at=past, options=options, votes_count=4, voters_count=4)
    voted = Poll(id="2", options=options, votes_count=4, voted=True, own_votes=(0,))
    open_ = Poll(id="3", expires_at=past + timedelta(hours=2), options=options)
    assert poll_closed(expired) and not can_vote(expired)
    assert not poll_closed(voted) and not can_vote(voted)
    assert can_vote(open_)
    for poll in (expired, voted):
        status = Status(id="5", account=Account(id="1", acct="alice"), poll=poll)
        dialog = PollVoteDialog(None, status)  # type: ignore[arg-type]  # never called
        qtbot.addWidget(dialog)
        assert dialog.results_only and not dialog.choices
        assert [b.value() for b in dialog.bars] == [75, 25, 0]
        assert dialog.submit.isHidden()
    assert "closed" in PollVoteDialog(None, Status(poll=expired)).summary.text()  # type: ignore[arg-type]


async def _settle() -> None:
    import asyncio

    await asyncio.sleep(0.05)
