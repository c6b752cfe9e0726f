"""Grouped notifications: v2 groups, the v1 fallback, and live notifications folded in."""

from __future__ import annotations

import asyncio

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.columns import ColumnKind, ColumnSpec, TimelineItem, fetch_page
from fedidesk.core.entities import Account, Notification, Status
from fedidesk.core.feed import TimelineFeed
from fedidesk.core.notifgroups import group_item, merge
from tests.deck_core.helpers import UiModel
from tests.deck_core.test_feed_integration import api
from tests.helpers.mockserver import add_fault

NOTES = ColumnSpec("alice@mock", ColumnKind.NOTIFICATIONS)


async def _favourited_by_two(server: MockServer) -> str:
    alice = api(server, "alice")
    post = await alice.post_status("A post worth favouriting")
    for name in ("bob", "carol"):
        await api(server, name).favourite(post.id)
    return post.id


@pytest.mark.integration
def test_v2_groups_favourites_of_one_post(mock: MockServer) -> None:
    async def go() -> list[TimelineItem]:
        await _favourited_by_two(mock)
        page = await fetch_page(api(mock, "alice"), NOTES, {"limit": 20})
        return page.items

    items = asyncio.run(go())
    favourites = [i for i in items if isinstance(i.entity, Notification)
                  and i.entity.type == "favourite"]
    assert len(favourites) == 1
    group = favourites[0].entity
    assert isinstance(group, Notification)
    assert group.notifications_count == 2
    assert [a.username for a in group.accounts] == ["carol", "bob"]
    assert group.status is not None and "worth favouriting" in group.status.content
    assert favourites[0].id == f"notification:{group.group_key}"


@pytest.mark.integration
def test_servers_without_v2_get_the_same_rows_from_v1(mock: MockServer) -> None:
    add_fault(mock.base_url, {"match": {"path": "/api/v2/notifications"},
                              "effect": {"type": "status", "status": 404,
                                         "body": "<html>Not found</html>"}})

    async def go() -> list[TimelineItem]:
        await _favourited_by_two(mock)
        return (await fetch_page(api(mock, "alice"), NOTES, {"limit": 20})).items

    items = asyncio.run(go())
    favourites = [i.entity for i in items if isinstance(i.entity, Notification)
                  and i.entity.type == "favourite"]
    assert len(favourites) == 2
    assert all(n.notifications_count == 1 and n.group_key for n in favourites)


def _notification(nid: str, who: str, key: str = "favourite-9") -> Notification:
    account = Account(id=who, username=who, acct=who, raw={"id": who, "username": who})
    return Notification(id=nid, type="favourite", group_key=key, account=account,
                        status=Status(id="9"), raw={"id": nid, "type": "favourite"})


def test_merge_counts_up_and_puts_the_newest_first() -> None:
    group = group_item(_notification("10", "bob")).entity
    assert isinstance(group, Notification)
    merged = merge(group, _notification("11", "carol"))
    assert merged.notifications_count == 2
    assert [a.id for a in merged.accounts] == ["carol", "bob"]
    again = merge(merged, _notification("12", "bob"))
    assert again.notifications_count == 3
    assert [a.id for a in again.accounts] == ["bob", "carol"]


def test_live_notification_joins_its_group_row_at_the_top() -> None:
    feed = TimelineFeed(api_stub(), NOTES, streaming=False)
    ui = UiModel(feed)
    first = group_item(_notification("10", "bob"))
    other = group_item(_notification("8", "dave", key="ungrouped-8"))
    feed.rows = [first, other]
    ui.rows = [first, other]
    feed._merge_notification(group_item(_notification("11", "carol")), _notification("11", "carol"))
    assert [r.id for r in ui.rows] == [first.id, other.id]
    top = ui.rows[0]
    assert isinstance(top, TimelineItem) and top.sort_id == "11"
    assert isinstance(top.entity, Notification) and top.entity.notifications_count == 2
    # The same notification again (REST and stream both delivered it): not counted twice.
    feed._merge_notification(group_item(_notification("11", "carol")), _notification("11", "carol"))
    top = ui.rows[0]
    assert isinstance(top, TimelineItem) and isinstance(top.entity, Notification)
    assert top.entity.notifications_count == 2


def api_stub() -> MastodonApi:
    return MastodonApi("https://example.social", "token")

