"""TimelineModel: Qt model contract, dedupe/order, gaps, exact dataChanged roles, filters, cap."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Account, Filter, FilterResult, Status
from fedidesk.core.feed import Gap
from fedidesk.ui.identities import IdentityCache
from fedidesk.ui.timelinemodel import BACKFILL_PAGE, LIVE_WINDOW_ROWS, TimelineModel
from fedidesk.ui.timelineroles import Role
from tests.ui_timeline.fakeposts import NOW, ListFeed, make_items, make_status


def _item(status: Status) -> TimelineItem:
    return TimelineItem.of(status)


def _plain(i: int, author: Account | None = None, **changes: Any) -> TimelineItem:
    status = dataclasses.replace(make_status(i), reblog=None, **changes)
    if author is not None:
        status = dataclasses.replace(status, account=author)
    return _item(status)


def test_qmodeltester_populated_and_mutating(qtmodeltester: Any, model: TimelineModel) -> None:
    model.append_older(make_items(0, 40))
    qtmodeltester.check(model)
    model.insert_newer(make_items(40, 10))
    model.remove(model.ids()[3])
    model.insert_gap(Gap("10", "12"))
    qtmodeltester.check(model)


def test_prepend_append_dedupe_and_order(model: TimelineModel) -> None:
    model.append_older(make_items(20, 10))
    model.insert_newer(make_items(30, 5))
    model.append_older(make_items(10, 10))
    model.insert_newer(make_items(28, 7))  # 30..34 are duplicates, 28..29 too
    ids = [int(i.split(":")[1]) for i in model.ids()]
    assert len(ids) == len(set(ids)) == 25
    assert ids == sorted(ids, reverse=True)


def test_gap_row_sits_between_its_ids(model: TimelineModel) -> None:
    model.append_older(make_items(0, 10))
    gap = Gap(str(100_004), str(100_007))
    model.insert_gap(gap)
    row = model.row_of(gap.id)
    assert model.index(row).data(Role.KindRole) == "gap"
    assert model.index(row - 1).data(Role.IdRole) == "status:100005"
    assert model.index(row + 1).data(Role.IdRole) == "status:100004"
    fresh = [_plain(100_006 - 100_000 + 0)]
    model.gap_filled(gap, fresh, None)
    assert model.row_of(gap.id) == -1


def test_replace_emits_exact_roles(qtbot: Any, model: TimelineModel) -> None:
    item = _plain(1, favourited=False, favourites_count=3)
    model.append_older([item, _plain(0)])
    assert item.status is not None
    faved = _item(dataclasses.replace(item.status, favourited=True, favourites_count=4))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.replace(faved)
    top, bottom, roles = blocker.args
    assert top.row() == bottom.row() == 0
    assert set(roles) == {Role.ItemRole, Role.FavouritedRole, Role.CountsRole}
    assert model.index(0).data(Role.FavouritedRole) is True


def test_replace_content_bumps_version_and_text(qtbot: Any, model: TimelineModel) -> None:
    item = _plain(1)
    model.append_older([item])
    assert item.status is not None
    edited = _item(dataclasses.replace(item.status, content="<p>new words</p>",
                                       edited_at=NOW))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.replace(edited)
    roles = set(blocker.args[2])
    assert {Role.ContentRole, Role.EditedRole, Role.VersionRole, Role.PlainTextRole} <= roles
    assert Role.CountsRole not in roles
    assert "new words" in model.index(0).data(Role.PlainTextRole)


def test_identity_update_propagates_to_every_row_of_the_author(qtbot: Any) -> None:
    cache = IdentityCache()
    model = TimelineModel(cache, now=lambda: NOW)
    alice = Account(id="7", username="alice", acct="alice", display_name="Alice")
    bob = Account(id="8", username="bob", acct="bob", display_name="Bob")
    model.append_older([_plain(5, alice), _plain(4, bob), _plain(3, alice)])
    changed: list[tuple[int, list[int]]] = []
    model.dataChanged.connect(lambda t, _b, roles: changed.append((t.row(), list(roles))))
    cache.update(dataclasses.replace(alice, display_name="Alice Renamed"))
    assert sorted(row for row, _ in changed) == [0, 2]
    assert all(Role.AuthorNameRole in roles for _, roles in changed)
    assert model.index(0).data(Role.AuthorNameRole) == "Alice Renamed"
    assert model.index(2).data(Role.AuthorRole) is model.index(0).data(Role.AuthorRole)
    assert model.index(1).data(Role.AuthorNameRole) == "Bob"
    changed.clear()
    cache.update(dataclasses.replace(alice, display_name="Alice Renamed", followers_count=9))
    assert changed == []  # nothing visible changed


def _filtered(i: int, action: str, title: str) -> TimelineItem:
    flt = Filter(id="f", title=title, context=("home",), filter_action=action)
    return _plain(i, filtered=(FilterResult(filter=flt),))


def test_filters_hide_and_warn() -> None:
    model = TimelineModel(filter_context="home", now=lambda: NOW)
    model.append_older([_filtered(3, "hide", "spam"), _filtered(2, "warn", "Sports"), _plain(1)])
    assert model.rowCount() == 2
    warn = model.index(0)
    assert warn.data(Role.FilterRole) == "Sports"
    assert "Filtered: Sports" in warn.data()
    model.set_expanded(warn.data(Role.IdRole))
    assert "Filtered" not in model.index(0).data()
    other_context = TimelineModel(filter_context="public", now=lambda: NOW)
    other_context.append_older([_filtered(3, "hide", "spam")])
    assert other_context.rowCount() == 1


def test_row_cap_drops_oldest_on_prepend() -> None:
    model = TimelineModel(max_rows=50, now=lambda: NOW)
    model.append_older(make_items(0, 50))
    model.insert_newer(make_items(50, 10))
    assert model.rowCount() == 50
    assert model.ids()[0] == "status:100059"
    assert model.row_of("status:100009") == -1


def _bound() -> tuple[TimelineModel, ListFeed]:
    model = TimelineModel(now=lambda: NOW)
    feed = ListFeed()
    model.bind_feed(feed)
    return model, feed


def test_live_column_keeps_a_window_and_gives_trimmed_rows_back() -> None:
    model, feed = _bound()
    feed.append(make_items(0, 100))
    model.set_live(True)
    feed.insert_top(make_items(100, LIVE_WINDOW_ROWS))  # newer posts stream in at the top
    assert model.rowCount() == LIVE_WINDOW_ROWS
    assert model.ids() == [row.id for row in feed.rows[:LIVE_WINDOW_ROWS]]
    model.set_state("end")  # the server has nothing older: the trimmed rows still come back
    model.set_live(False)  # the user scrolls down
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == LIVE_WINDOW_ROWS + BACKFILL_PAGE
    assert feed.older_loads == 0  # from the feed's memory, no request
    while model.canFetchMore():
        model.fetchMore()
    assert model.ids() == [row.id for row in feed.rows]  # nothing lost, same order


def test_window_only_while_live_and_only_with_a_feed() -> None:
    model, feed = _bound()
    feed.append(make_items(0, 100))
    feed.insert_top(make_items(100, LIVE_WINDOW_ROWS))  # not live: the user reads below
    assert model.rowCount() == LIVE_WINDOW_ROWS + 100
    unbound = TimelineModel(now=lambda: NOW)
    unbound.set_live(True)
    unbound.append_older(make_items(0, 100))
    unbound.insert_newer(make_items(100, LIVE_WINDOW_ROWS))
    assert unbound.rowCount() == LIVE_WINDOW_ROWS + 100  # no feed to give rows back


def test_backfill_to_brings_back_a_trimmed_row() -> None:
    model, feed = _bound()
    feed.append(make_items(0, 200))
    model.set_live(True)
    feed.insert_top(make_items(200, LIVE_WINDOW_ROWS))
    oldest = feed.rows[-1].id
    assert model.row_of(oldest) == -1
    assert model.backfill_to(oldest)
    assert model.ids() == [row.id for row in feed.rows]


def test_fetch_more_calls_loader_once_with_loading_flag() -> None:
    calls: list[bool] = []
    model = TimelineModel(now=lambda: NOW)

    def loader() -> None:
        calls.append(model.loading)
        assert not model.canFetchMore()

    model.loader = loader
    assert model.canFetchMore()
    model.fetchMore()  # outside an event loop: nothing starts
    assert calls == []

    async def inside_loop() -> None:
        model.fetchMore()

    asyncio.run(inside_loop())
    assert calls == [True] and not model.loading
    model.set_state("end")
    assert not model.canFetchMore()


def test_expanded_revealed_and_newer_count(model: TimelineModel) -> None:
    model.append_older(make_items(0, 10))
    first = model.ids()[0]
    model.set_expanded(first)
    model.set_revealed(first)
    assert model.index(0).data(Role.ExpandedRole) and model.index(0).data(
        Role.SensitiveRevealedRole)
    model.insert_newer(make_items(10, 4))
    assert model.newer_count_since(first) == 4
    assert model.remove(first) and model.row_of(first) == -1


def test_accessible_text_has_author_time_and_text(model: TimelineModel) -> None:
    item = _plain(1, content="<p>Hello <b>world</b></p>", spoiler_text="")
    model.append_older([item])
    text = model.index(0).data()
    assert ("Hello world" in text and "ago" in text) or "on " in text
    assert model.roleNames()[Role.AuthorNameRole] == b"authorName"


def test_streaming_coalesces_and_keeps_feed_order(qtbot: Any) -> None:
    model = TimelineModel(now=lambda: NOW, coalesce_ms=40)
    model.insert_newer(make_items(0, 5))
    assert model.rowCount() == 5  # the first rows of an empty column go in at once
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    for i in range(5, 8):
        model.insert_newer(make_items(i, 1))
    assert model.rowCount() == 5 and not inserts
    qtbot.waitUntil(lambda: model.rowCount() == 8)
    assert inserts == [(0, 2)]  # one insert for the batch
    # As if each arrival had been inserted on its own: the latest arrival on top.
    assert model.ids()[:4] == [make_items(i, 1)[0].id for i in (7, 6, 5, 4)]


def test_streaming_buffer_is_flushed_before_other_changes(qtbot: Any) -> None:
    model = TimelineModel(now=lambda: NOW, coalesce_ms=10_000)
    model.insert_newer(make_items(0, 3))
    newer = make_items(3, 1)[0]
    model.insert_newer([newer])
    assert model.rowCount() == 3
    edited = TimelineItem.of(dataclasses.replace(newer.status, content="<p>edited</p>"))
    model.replace(edited)  # the feed's on_replace for a row still buffered
    assert model.rowCount() == 4 and model.item(0) is edited
    model.insert_newer(make_items(4, 1))
    model.remove(make_items(4, 1)[0].id)
    assert model.rowCount() == 4 and model.find(make_items(4, 1)[0].id) is None
    model.insert_newer(make_items(5, 1))
    assert make_items(5, 1)[0].id in model.ids()  # lookups see buffered arrivals


def test_layout_key_at_matches_the_role(model: TimelineModel) -> None:
    model.append_older(make_items(0, 5))
    model.set_expanded(model.ids()[1])
    for row in range(5):
        assert model.layout_key_at(row) == model.index(row).data(Role.LayoutKeyRole)
    assert model.layout_key_at(5) is None
