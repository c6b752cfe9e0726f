"""Custom emoji are fetched once, through fedidesk's fetcher, and the row re-laid out."""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QFont, QImage

from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Account, CustomEmoji, Status
from fedidesk.core.media import MediaFetcher
from fedidesk.ui.emojiloader import EmojiLoader
from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.postdocument import EmojiImages
from fedidesk.ui.timelinemodel import TimelineModel
from tests.ui.conftest import (
    LoopRunner,
    aloop,  # noqa: F401
)
from tests.ui_timeline.fakeposts import NOW


def _png() -> bytes:
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    image.fill(QColor("orange"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_emoji_fetched_once_and_row_relaid(aloop: LoopRunner, tmp_path: Path) -> None:  # noqa: F811
    requests: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return httpx.Response(200, content=_png(), headers={"content-type": "image/png"})

    fetcher = MediaFetcher(tmp_path, transport=httpx.MockTransport(serve))
    images = EmojiImages()
    loader = EmojiLoader(fetcher, images)
    model = TimelineModel(now=lambda: NOW)
    delegate = PostDelegate(now=lambda: NOW, emoji_images=images)
    delegate.watch(model)
    loader.attach(model, delegate)
    blob = CustomEmoji(shortcode="blob", url="https://emoji.example/blob.png",
                       static_url="https://emoji.example/blob.png")
    bad = CustomEmoji(shortcode="bad", url="http://tracker.example/x.png",
                      static_url="http://tracker.example/x.png")
    posts = [TimelineItem.of(Status(id=str(i), content="<p>hi :blob: :bad:</p>",
                                    emojis=(blob, bad), created_at=NOW,
                                    account=Account(id="a", username="a")))
             for i in (1, 2)]
    model.insert_newer(posts)
    delegate.layout_for(model.index(0), 400, QFont())
    before = delegate.layout_count
    aloop.until(lambda: images.has(blob.url))
    aloop.run(fetcher.aclose())
    assert requests == ["https://emoji.example/blob.png"]  # once, and never over http
    delegate.layout_for(model.index(0), 400, QFont())
    assert delegate.layout_count > before  # the row was laid out again with the image
