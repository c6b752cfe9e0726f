"""Grouped notifications: "Ada and 3 others favourited your post" as one row.

Servers with Mastodon's grouped notifications API (4.3+, ``/api/v2/notifications``) group
favourites, boosts and follows that share a target. fedidesk shows every notification
column grouped: from the v2 API where the server has it, and from the v1 API otherwise
(one group per notification, so the rows look the same). A group row's entity id is its
``group_key`` — stable while new notifications join it — and its ``sort_id`` is the newest
notification's id, which is what paging and gap filling use.

Live notifications arrive ungrouped over streaming; ``merge`` folds one into the row with
the same ``group_key``, as Mastodon's web UI does.
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from typing import Any

from fedidesk.core.api import MastodonApi, Page, Paging
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Account, Notification, Status, from_dict
from fedidesk.core.errors import NotFoundError, NotSupportedError

MAX_SAMPLES = 8
Json = dict[str, Any]

_v2_unsupported: weakref.WeakSet[MastodonApi] = weakref.WeakSet()


def group_item(notification: Notification) -> TimelineItem:
    """A single notification as a group row (used for v1 pages and live events)."""
    key = notification.group_key or f"ungrouped-{notification.id}"
    raw = {**notification.raw, "id": key, "group_key": key,
           "notifications_count": notification.notifications_count,
           "sample_accounts": [a.raw for a in notification.accounts if a.raw]}
    entity = replace(notification, id=key, group_key=key,
                     sample_accounts=notification.accounts, raw=raw)
    return TimelineItem("notification", entity, notification.id)


def groups_page(page: Page[Json]) -> Page[TimelineItem]:
    """Turn a ``/api/v2/notifications`` page into group rows."""
    body = page.raw if isinstance(page.raw, dict) else {}
    accounts = {str(a.get("id")): a for a in body.get("accounts", []) if isinstance(a, dict)}
    statuses = {str(s.get("id")): s for s in body.get("statuses", []) if isinstance(s, dict)}
    items = []
    for group in page.items:
        samples = [accounts[i] for i in map(str, group.get("sample_account_ids") or [])
                   if i in accounts][:MAX_SAMPLES]
        key = str(group.get("group_key") or f"ungrouped-{group.get('most_recent_notification_id')}")
        raw: Json = {
            "id": key, "group_key": key, "type": group.get("type", ""),
            "created_at": group.get("latest_page_notification_at"),
            "account": samples[0] if samples else {},
            "status": statuses.get(str(group.get("status_id"))),
            "notifications_count": group.get("notifications_count", 1),
            "sample_accounts": samples,
        }
        entity = from_dict(Notification, raw)
        items.append(TimelineItem("notification", entity,
                                  str(group.get("most_recent_notification_id") or key)))
    return Page(items, page.next_params, page.prev_params, page.raw)


async def fetch_grouped(api: MastodonApi, types: list[str] | None,
                        paging: Paging) -> Page[TimelineItem]:
    """A page of group rows: v2 where the server has it, else v1 notifications as groups."""
    if api not in _v2_unsupported:
        try:
            return groups_page(await api.notifications_grouped(types=types, **paging))
        except (NotSupportedError, NotFoundError):
            _v2_unsupported.add(api)
    page = await api.notifications(types=types, **paging)
    return Page([group_item(n) for n in page.items], page.next_params, page.prev_params,
                page.raw)


def merge(existing: Notification, incoming: Notification) -> Notification:
    """``existing`` group with ``incoming`` (newer) folded in: count up, newest author first."""
    samples: list[Account] = [incoming.account]
    samples += [a for a in existing.accounts if a.id != incoming.account.id]
    status: Status | None = incoming.status or existing.status
    merged = replace(existing, type=incoming.type, created_at=incoming.created_at,
                     account=incoming.account, status=status,
                     notifications_count=existing.notifications_count + 1,
                     sample_accounts=tuple(samples[:MAX_SAMPLES]))
    raw = {**existing.raw, "type": merged.type,
           "created_at": incoming.raw.get("created_at", existing.raw.get("created_at")),
           "account": incoming.account.raw, "status": incoming.raw.get("status"),
           "notifications_count": merged.notifications_count,
           "sample_accounts": [a.raw for a in merged.sample_accounts if a.raw]}
    return replace(merged, raw=raw)
