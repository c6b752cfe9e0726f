"""Shared bits for the deck-core integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fedidesk.core.columns import TimelineItem
from fedidesk.core.feed import Gap, TimelineFeed

Row = TimelineItem | Gap


class UiModel:
    """What a UI model would do with the feed's callbacks: a flat list of rows."""

    def __init__(self, feed: TimelineFeed) -> None:
        self.rows: list[Row] = []
        self.inserted: list[str] = []  # every item id ever inserted, to count duplicates
        self.states: list[str] = []
        self.errors: list[Exception] = []
        self.gaps: list[Gap] = []
        feed.on_insert_newer = self.insert_newer
        feed.on_append_older = self.append_older
        feed.on_remove = self.remove
        feed.on_replace = self.replace
        feed.on_gap = self.gap
        feed.on_gap_filled = self.gap_filled
        feed.on_state = self.states.append
        feed.on_error = self.errors.append

    def insert_newer(self, items: list[TimelineItem]) -> None:
        self.rows[:0] = items
        self.inserted.extend(i.id for i in items)

    def append_older(self, items: list[TimelineItem]) -> None:
        self.rows.extend(items)
        self.inserted.extend(i.id for i in items)

    def remove(self, item_id: str) -> None:
        self.rows = [r for r in self.rows if r.id != item_id]

    def replace(self, item: TimelineItem) -> None:
        self.rows = [item if r.id == item.id else r for r in self.rows]

    def gap(self, gap: Gap) -> None:
        self.gaps.append(gap)
        self.rows.insert(0, gap)

    def gap_filled(self, gap: Gap, items: list[TimelineItem], rest: Gap | None) -> None:
        index = self.rows.index(gap)
        self.rows[index:index + 1] = [*([rest] if rest else []), *items]
        self.inserted.extend(i.id for i in items)

    @property
    def status_ids(self) -> list[str]:
        return [r.entity_id for r in self.rows if isinstance(r, TimelineItem)]


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)
