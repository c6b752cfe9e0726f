"""Avatars and media previews for the deck, fetched only through fedidesk's own fetcher.

``provider(url, size)`` is what the post delegate calls while painting: it answers from
memory at once (or ``None``, so the delegate draws a placeholder) and starts one download
in the background; when the image arrives, the registered views repaint. Nothing is ever
loaded by Qt itself, and media previews respect the "load remote images" privacy setting.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QPixmap

from fedidesk.core.errors import FedideskError
from fedidesk.core.media import MediaFetcher
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.images import decode_image

log = logging.getLogger("fedidesk.ui.images")


class RemoteImages(QObject):
    """A bounded pixmap cache in front of ``MediaFetcher``.

    Signals:
        imageReady(str): the image of that URL is now available.
    """

    imageReady = Signal(str)

    def __init__(self, fetcher: MediaFetcher, *, allowed: Callable[[], bool] = lambda: True,
                 max_items: int = 600, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fetcher = fetcher
        self.allowed = allowed
        self.max_items = max_items
        self._pixmaps: OrderedDict[tuple[str, int, int], QPixmap] = OrderedDict()
        self._originals: OrderedDict[str, QPixmap] = OrderedDict()
        self._pending: set[str] = set()
        self._failed: set[str] = set()

    def provider(self, url: str, size: QSize) -> QPixmap | None:
        key = (url, size.width(), size.height())
        cached = self._pixmaps.get(key)
        if cached is not None:
            self._pixmaps.move_to_end(key)
            return cached
        original = self._originals.get(url)
        if original is None:
            self._request(url)
            return None
        scaled = original.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                 Qt.TransformationMode.SmoothTransformation)
        self._pixmaps[key] = scaled
        while len(self._pixmaps) > self.max_items:
            self._pixmaps.popitem(last=False)
        return scaled

    def media_provider(self, url: str, size: QSize) -> QPixmap | None:
        """Like ``provider`` but only when the privacy setting allows remote media."""
        if url not in self._originals and not self.allowed():
            return None
        return self.provider(url, size)

    def _request(self, url: str) -> None:
        if url in self._pending or url in self._failed:
            return
        self._pending.add(url)
        spawn(self._fetch(url), owner=self)

    async def _fetch(self, url: str) -> None:
        try:
            data = await self.fetcher.fetch(url)
        except FedideskError as exc:
            log.debug("Image %s not loaded: %s", url, exc)
            self._failed.add(url)
            return
        finally:
            self._pending.discard(url)
        image = decode_image(data)
        if image is None:
            self._failed.add(url)
            return
        self._originals[url] = QPixmap.fromImage(image)
        while len(self._originals) > self.max_items // 2:
            self._originals.popitem(last=False)
        self.imageReady.emit(url)
