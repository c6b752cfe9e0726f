"""Loads the custom emoji that posts use, through fedidesk's own fetcher.

Post documents never load anything themselves (``PostDocument``); they show an emoji once
its image sits in the shared ``EmojiImages``. This loader watches timeline models for new
rows, fetches each emoji once (https only, size- and pixel-capped by ``MediaFetcher`` and
``decode_image``), stores it, and asks the rows that use it to lay out again.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex

from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import CustomEmoji, Notification
from fedidesk.core.errors import FedideskError
from fedidesk.core.media import MediaFetcher
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.images import decode_image
from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.postdocument import EmojiImages
from fedidesk.ui.timelinemodel import TimelineModel

log = logging.getLogger("fedidesk.ui.emoji")

MAX_EMOJI_PIXELS = 256 * 256
MAX_PER_POST = 50


def emojis_of(item: TimelineItem) -> list[CustomEmoji]:
    """The custom emoji a row's post (and its content warning, poll, quote) may show."""
    found: list[CustomEmoji] = []
    status = item.status
    if status is not None:
        original = status.original
        found += original.emojis
        if original.poll is not None:
            found += original.poll.emojis
    if isinstance(item.entity, Notification) and item.entity.status is None:
        found += item.entity.account.emojis
    return found[:MAX_PER_POST]


class EmojiLoader(QObject):
    """Fetches emoji for every attached model; shared by all columns."""

    def __init__(self, fetcher: MediaFetcher, images: EmojiImages,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fetcher = fetcher
        self.images = images
        self._users: dict[str, set[tuple[PostDelegate, TimelineModel, str]]] = defaultdict(set)
        self._pending: set[str] = set()
        self._failed: set[str] = set()

    def attach(self, model: TimelineModel, delegate: PostDelegate) -> None:
        model.rowsInserted.connect(
            lambda _parent, first, last: self.scan(model, delegate, first, last))

    def scan(self, model: TimelineModel, delegate: PostDelegate, first: int, last: int) -> None:
        for row in range(first, last + 1):
            item = model.item(row)
            if not isinstance(item, TimelineItem):
                continue
            for emoji in emojis_of(item):
                url = emoji.static_url or emoji.url
                if not url or self.images.has(url) or url in self._failed:
                    continue
                self._users[url].add((delegate, model, item.id))
                if url not in self._pending:
                    self._pending.add(url)
                    spawn(self._load(url), owner=self)

    async def _load(self, url: str) -> None:
        try:
            data = await self.fetcher.fetch(url)
        except FedideskError as exc:
            log.debug("Emoji %s not loaded: %s", url, exc)
            self._failed.add(url)
            return
        finally:
            self._pending.discard(url)
        image = decode_image(data, MAX_EMOJI_PIXELS)
        if image is None:
            self._failed.add(url)
            return
        self.images.put(url, image)
        for delegate, model, item_id in self._users.pop(url, set()):
            row = model.row_of(item_id)
            if row < 0:
                continue
            delegate.forget(item_id)
            index: QModelIndex | QPersistentModelIndex = model.index(row)
            delegate.sizeHintChanged.emit(index)
