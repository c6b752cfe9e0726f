"""TimelineCache: bounded, ordered, survives reopening, tolerates bad rows."""

from __future__ import annotations

from pathlib import Path

from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Conversation, Notification, Status, from_dict
from fedidesk.core.storage import Database
from fedidesk.core.timelinecache import TimelineCache


def status(sid: str) -> TimelineItem:
    return TimelineItem.of(from_dict(Status, {"id": sid, "content": f"<p>{sid}</p>",
                                              "account": {"id": "1", "acct": "bob"}}))


def test_round_trip_bounded_and_ordered(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    cache = TimelineCache(Database(path), limit=3)
    items = [status(s) for s in ("1000", "999", "998", "997", "5")]
    assert cache.save("col", items) == 3
    loaded = TimelineCache(Database(path), limit=3).load("col")
    assert [i.id for i in loaded] == ["status:1000", "status:999", "status:998"]
    assert loaded[0].status is not None and loaded[0].status.content == "<p>1000</p>"
    assert loaded[0].status.account.acct == "bob"
    assert cache.load("other") == []


def test_notifications_kept_conversations_skipped(tmp_path: Path) -> None:
    cache = TimelineCache(Database(tmp_path / "db.sqlite"))
    note = TimelineItem.of(from_dict(Notification, {"id": "7", "type": "mention",
                                                   "account": {"id": "2"},
                                                   "status": {"id": "3"}}))
    convo = TimelineItem.of(from_dict(Conversation, {"id": "c", "last_status": {"id": "4"}}))
    cache.save("n", [note, convo])
    loaded = cache.load("n")
    assert [i.id for i in loaded] == ["notification:7"]
    assert loaded[0].status is not None and loaded[0].status.id == "3"


def test_unreadable_rows_are_skipped(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite")
    cache = TimelineCache(db)
    cache.save("c", [status("2")])
    db.execute("INSERT INTO timeline_cache VALUES ('c', 'x', '9999', '{broken')")
    assert [i.id for i in cache.load("c")] == ["status:2"]
    cache.clear("c")
    assert cache.load("c") == []
