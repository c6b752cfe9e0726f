"""A grouped notification row says who and how many, and updates when someone joins."""

from __future__ import annotations

from PySide6.QtGui import QFont

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
