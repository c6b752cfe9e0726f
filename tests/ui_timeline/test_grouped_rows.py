"""A grouped notification row says who and how many, and updates when someone joins."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtGui import QFont

from fedidesk.core import i18n
from fedidesk.core.entities import Account, Notification, Status
from fedidesk.core.notifgroups import group_item, merge
from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.timelinemodel import TimelineModel
from tests.ui_timeline.fakeposts import NOW


def _note(nid: str, who: str) -> Notification:
    account = Account(id=who, username=who, acct=who, display_name=who.title(),
                      raw={"id": who, "username": who})
    return Notification(id=nid, type="favourite", group_key="favourite-9", account=account,
                        status=Status(id="9", content="<p>My post</p>", account=account),
                        created_at=NOW, raw={"id": nid, "type": "favourite"})


def _header(delegate: PostDelegate, model: TimelineModel) -> str:
    layout = delegate.layout_for(model.index(0), 420, QFont())
    return " ".join(t.text for t in layout.texts if "favourited" in t.text)


def test_group_header_counts_everyone(qtbot: object) -> None:
    model = TimelineModel(now=lambda: NOW)
    delegate = PostDelegate(now=lambda: NOW)
    delegate.watch(model)  # as TimelineView.setModel does
    first = group_item(_note("10", "bob"))
    model.insert_newer([first])
    assert _header(delegate, model) == "Bob favourited your post"
    group = first.entity
    assert isinstance(group, Notification)
    joined = type(first)("notification", merge(group, _note("11", "carol")), "11")
    model.remove(first.id)
    model.insert_newer([joined])
    assert _header(delegate, model) == "Carol and 1 other favourited your post"


def _follow_header(count: int) -> str:
    account = Account(id="2", username="kj", acct="kj", display_name="Katherine Johnson",
                      raw={"id": "2", "username": "kj"})
    follow = Notification(id="20", type="follow", group_key="follow-1", account=account,
                          created_at=NOW, raw={"id": "20", "type": "follow"})
    model = TimelineModel(now=lambda: NOW)
    delegate = PostDelegate(now=lambda: NOW)
    delegate.watch(model)
    model.insert_newer([group_item(replace(follow, notifications_count=count))])
    layout = delegate.layout_for(model.index(0), 420, QFont())
    return layout.texts[0].text


@pytest.fixture
def english_afterwards() -> Iterator[None]:
    """Tests switch languages with ``i18n.install``; English again after each."""
    yield
    i18n.install("en")


def test_grouped_follow_header_is_one_sentence(qtbot: object) -> None:
    assert _follow_header(3) == "Katherine Johnson and 2 others followed you"
    assert _follow_header(2) == "Katherine Johnson and 1 other followed you"
    assert _follow_header(1) == "Katherine Johnson followed you"


@pytest.mark.parametrize(("code", "single", "group_of_3", "group_of_2"), [
    ("de", "Katherine Johnson folgt dir", "Katherine Johnson und 2 weitere folgen dir",
     "Katherine Johnson und 1 weitere Person folgen dir"),
    ("fr", "Katherine Johnson vous suit", "Katherine Johnson et 2 autres vous suivent",
     "Katherine Johnson et 1 autre vous suivent"),
    ("es", "Katherine Johnson te siguió", "Katherine Johnson y 2 más te siguieron",
     "Katherine Johnson y 1 más te siguieron"),
    ("ja", "Katherine Johnson さんにフォローされました",
     "Katherine Johnson さんと他 2 人にフォローされました",
     "Katherine Johnson さんと他 1 人にフォローされました"),
], ids=["de", "fr", "es", "ja"])
def test_grouped_follow_verb_agrees_with_everyone(qtbot: object, english_afterwards: None,
                                                  code: str, single: str, group_of_3: str,
                                                  group_of_2: str) -> None:
    assert i18n.install(code) == code
    assert _follow_header(3) == group_of_3
    assert _follow_header(2) == group_of_2
    assert _follow_header(1) == single  # n == 0 others: the single-person text


def test_screen_readers_hear_how_many_people(qtbot: object) -> None:
    model = TimelineModel(now=lambda: NOW)
    first = group_item(_note("10", "bob"))
    group = first.entity
    assert isinstance(group, Notification)
    joined = type(first)("notification", merge(group, _note("11", "carol")), "11")
    model.insert_newer([joined])
    spoken = model.accessible_text(model.item(0))
    assert spoken.startswith("Carol and 1 other favourited your post.")
    single = TimelineModel(now=lambda: NOW)
    single.insert_newer([group_item(_note("12", "dave"))])
    assert single.accessible_text(single.item(0)).startswith("Dave: favourite notification.")
