"""Editing (or redrafting) a post with a poll keeps its time left and its hidden totals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fedidesk.core.entities import Poll, PollOption, Status, from_dict
from fedidesk.core.posting import draft_for_edit, hides_totals, poll_seconds_left
from fedidesk.core.probe import Limits
from fedidesk.ui.compose import ComposeWindow
from fedidesk.ui.composepoll import PollEditor, duration_label
from tests.compose.conftest import Run, Server, until

NOW = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)


def _poll(left: timedelta | None, *, hidden: bool = False, expired: bool = False) -> Poll:
    votes = None if hidden else 0
    return Poll(id="p", expires_at=None if left is None else NOW + left, expired=expired,
                options=(PollOption("yes", votes), PollOption("no", votes)))


@pytest.mark.parametrize(("left", "expected"), [
    (timedelta(days=1) - timedelta(minutes=3), 86_400),  # a minute-old one-day poll
    (timedelta(days=2, hours=5, minutes=20), 2 * 86_400 + 5 * 3600),
    (timedelta(hours=5, minutes=12, seconds=40), 5 * 3600 + 13 * 60),
    (timedelta(minutes=10), 600),
    (timedelta(minutes=4), 300),  # never below Mastodon's five minutes
    (timedelta(minutes=-30), 300),  # an ended poll
    (None, 86_400),
])
def test_time_left(left: timedelta | None, expected: int) -> None:
    assert poll_seconds_left(_poll(left), NOW) == expected


def test_hidden_totals_are_read_from_null_vote_counts() -> None:
    assert hides_totals(_poll(timedelta(hours=1), hidden=True))
    assert not hides_totals(_poll(timedelta(hours=1)))
    assert not hides_totals(_poll(timedelta(hours=-1), hidden=True, expired=True))


def test_draft_for_edit_keeps_duration_and_hidden_totals() -> None:
    status = Status(id="s", poll=_poll(timedelta(hours=5, minutes=12), hidden=True))
    draft = draft_for_edit("alice@mock.local", status, {"text": "vote"}, now=NOW)
    assert draft.poll is not None
    assert draft.poll.expires_in == 5 * 3600 + 12 * 60
    assert draft.poll.hide_totals
    assert draft.poll.to_api()["hide_totals"] is True


def test_duration_labels() -> None:
    assert duration_label(86_400) == "1 day"
    assert duration_label(2 * 86_400 + 5 * 3600) == "2 days 5 hours"
    assert duration_label(5 * 3600 + 13 * 60) == "5 hours 13 minutes"
    assert duration_label(1800) == "30 minutes"
    assert duration_label(90) == "90 seconds"


def test_editor_shows_an_unusual_duration(qtbot: Any) -> None:
    from fedidesk.core.drafts import DraftPoll

    editor = PollEditor(Limits())
    qtbot.addWidget(editor)
    editor.set_poll(DraftPoll(("a", "b"), expires_in=5 * 3600 + 13 * 60, hide_totals=True))
    assert editor.duration.currentText() == "5 hours 13 minutes"
    seconds = [int(editor.duration.itemData(i)) for i in range(editor.duration.count())]
    assert seconds == sorted(seconds)
    poll = editor.poll()
    assert poll.expires_in == 5 * 3600 + 13 * 60 and poll.hide_totals
    editor.set_poll(DraftPoll(("a", "b"), expires_in=60))  # below the server's minimum
    assert editor.poll().expires_in == 300


@pytest.mark.integration
def test_editing_a_poll_keeps_its_end(server: Server, run: Run,
                                      make_window: Callable[..., ComposeWindow]) -> None:
    created = server.post_as("alice", status="Tea or coffee?",
                             poll={"options": ["tea", "coffee"], "expires_in": 3 * 86_400,
                                   "hide_totals": True})
    # As Mastodon sends a hide_totals poll (the mock does not): no vote counts yet.
    created["poll"]["options"] = [{"title": o["title"], "votes_count": None}
                                  for o in created["poll"]["options"]]
    status = from_dict(Status, created)
    assert status.poll is not None and status.poll.expires_at is not None
    two_hours_later = status.poll.expires_at - timedelta(days=2, hours=22)
    source = run(server.api_for(server.alice.handle).status_source(status.id))
    window = make_window(api_for=server.api_for, draft=draft_for_edit(
        server.alice.handle, status, source, now=two_hours_later))
    assert window.poll_button.isChecked()
    assert window.poll_editor.duration.currentText() == "2 days 22 hours"
    window.editor.setPlainText("Tea or coffee, really?")
    posted: list[Status] = []
    window.posted.connect(posted.append)
    window.post()
    run(until(lambda: bool(posted)))
    sent = [json.loads(body) for method, path, body in server.requests
            if method == "PUT" and path.startswith("/api/v1/statuses/")]
    assert sent[-1]["poll"] == {"options": ["tea", "coffee"], "expires_in": 2 * 86_400 + 22 * 3600,
                                "multiple": False, "hide_totals": True}
