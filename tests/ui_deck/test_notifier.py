"""Desktop notifications: only new ones, only chosen types, grouped wording, unread count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fedidesk.core import i18n
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Account, Notification, Status
from fedidesk.core.settings import Settings
from fedidesk.ui.notifier import Notifier, describe

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _note(nid: str, kind: str, minutes_ago: float, count: int = 1) -> TimelineItem:
    entity = Notification(
        id=nid, type=kind, created_at=NOW - timedelta(minutes=minutes_ago),
        account=Account(id="1", username="ada", display_name="Ada <b>L</b>"),
        status=Status(id="5", content="<p>Hello <a href='https://x'>there</a></p>"),
        notifications_count=count)
    return TimelineItem("notification", entity, nid)


def test_only_new_chosen_notifications_pop_up(qtbot: object, tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.json")
    notifier = Notifier(settings, now=lambda: NOW)
    shown: list[tuple[str, str]] = []
    counts: list[int] = []
    notifier.shown.connect(lambda t, b: shown.append((t, b)))
    notifier.unreadChanged.connect(counts.append)

    notifier.handle([_note("1", "mention", 0)])  # opt-in is off: counted, not shown
    assert shown == [] and counts == [1]
    settings.set("notifications.desktop", True)
    notifier.handle([_note("2", "mention", 30)])  # history from before start: ignored
    notifier.handle([_note("3", "favourite", 0)])  # type not chosen: counted only
    notifier.handle([_note("4", "mention", 0), _note("4", "mention", 0)])  # duplicate
    assert shown == [("Ada <b>L</b> mentioned you", "Hello there")]
    assert counts[-1] == 3
    notifier.mark_read()
    assert counts[-1] == 0


def test_grouped_wording() -> None:
    item = _note("9", "favourite", 0, count=3)
    assert isinstance(item.entity, Notification)
    assert describe(item.entity)[0] == "Ada <b>L</b> and 2 others favourited your post"


@pytest.fixture
def german() -> Iterator[None]:
    i18n.install("de")
    yield
    i18n.install("en")


def _follow(count: int) -> Notification:
    return Notification(id="7", type="follow", created_at=NOW, notifications_count=count,
                        account=Account(id="2", username="kj", display_name="Katherine Johnson"))


def test_grouped_follow_is_one_sentence_with_the_right_number() -> None:
    assert describe(_follow(3)) == ("Katherine Johnson and 2 others followed you", "")
    assert describe(_follow(2))[0] == "Katherine Johnson and 1 other followed you"
    assert describe(_follow(1))[0] == "Katherine Johnson followed you"


def test_grouped_follow_verb_agrees_in_german(german: None) -> None:
    assert describe(_follow(3))[0] == "Katherine Johnson und 2 weitere folgen dir"
    assert describe(_follow(2))[0] == "Katherine Johnson und 1 weitere Person folgen dir"
    assert describe(_follow(1))[0] == "Katherine Johnson folgt dir"  # one person: singular
    favourites = _note("9", "favourite", 0, count=4).entity
    assert isinstance(favourites, Notification)
    assert describe(favourites)[0] == "Ada <b>L</b> und 3 weitere haben deinen Beitrag favorisiert"
