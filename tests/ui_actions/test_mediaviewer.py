"""MediaViewer against mastodon-mock: navigation, plain alt text, zoom, safe URLs only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from fedidesk.core.entities import Account, MediaAttachment, Status
from fedidesk.core.media import MediaFetcher
from fedidesk.ui import links
from fedidesk.ui.mediaviewer import NO_DESCRIPTION, MediaViewer
from tests.ui.conftest import LoopRunner
from tests.ui_actions.conftest import ApiFactory, screenshot

pytestmark = pytest.mark.integration

ALT = "<b>Bold?</b> A red square & <img src=x> on <i>grey</i>"


def png(width: int, height: int, color: str) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def post_with_images(aloop: LoopRunner, api_for: ApiFactory) -> Status:
    api = api_for("alice")

    async def go() -> Status:
        first = await api.upload_media(png(1600, 1200, "#c0392b"), filename="red.png",
                                       mime_type="image/png", description=ALT)
        second = await api.upload_media(png(300, 200, "#2980b9"), filename="blue.png",
                                        mime_type="image/png")
        return await api.post_status("Two squares", media_ids=[first.id, second.id])

    status: Status = aloop.run(go())
    return status


def test_viewer_navigates_and_shows_alt_text_as_plain_text(
        qtbot: QtBot, aloop: LoopRunner, api_for: ApiFactory, fetcher: MediaFetcher) -> None:
    status = post_with_images(aloop, api_for)
    assert len(status.media_attachments) == 2
    viewer = MediaViewer(status, fetcher, 0)
    qtbot.addWidget(viewer)
    viewer.resize(800, 640)
    with qtbot.waitSignal(viewer.imageLoaded, timeout=10000):
        viewer.show()
    assert viewer.alt.textFormat() == Qt.TextFormat.PlainText
    assert viewer.alt.text() == ALT  # literal: "<b>" stays as typed, nothing rendered
    assert viewer.counter.text() == "1 / 2"
    # Fit to window: the 1600×1200 image is scaled down into the viewport.
    room = viewer.area.viewport().size()
    shown = viewer.shown_size()
    assert shown.width() <= room.width() and shown.height() <= room.height()
    aloop.until(lambda: viewer.isVisible())
    screenshot(viewer, "viewer")

    viewer.toggle_zoom()  # 1:1
    assert viewer.shown_size() == QSize(1600, 1200)
    qtbot.keyClick(viewer, Qt.Key.Key_F)  # back to fit
    assert viewer.fit

    with qtbot.waitSignal(viewer.imageLoaded, timeout=10000):
        qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.index == 1
    assert viewer.alt.text() == NO_DESCRIPTION
    assert viewer.shown_size() == QSize(300, 200)  # smaller than the window: not enlarged
    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # already at the end
    assert viewer.index == 1
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    assert viewer.index == 0
    assert viewer.alt.text() == ALT
    assert viewer.previous_button.isEnabled() is False
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_viewer_shows_blurhash_and_never_requests_insecure_hosts(
        qtbot: QtBot, aloop: LoopRunner, tmp_path: Path) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return httpx.Response(404)

    fetcher = MediaFetcher(tmp_path / "m", transport=httpx.MockTransport(handler))
    media = (
        MediaAttachment(id="1", type="image", url="http://example.com/a.png",
                        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                        meta={"original": {"width": 400, "height": 300}}),
        MediaAttachment(id="2", type="image", url="ftp://example.com/b.png"),
        MediaAttachment(id="3", type="image", url="file:///etc/passwd"),
    )
    status = Status(id="9", account=Account(id="1", acct="eve"), media_attachments=media)
    viewer = MediaViewer(status, fetcher, 0)
    qtbot.addWidget(viewer)
    viewer.show()
    assert not viewer.shown_size().isEmpty()  # the blurhash placeholder, at once
    failed: list[int] = []
    viewer.imageFailed.connect(failed.append)
    aloop.until(lambda: failed == [0])
    assert "could not be loaded" in viewer.image.text()
    viewer.next()
    aloop.until(lambda: failed == [0, 1])
    viewer.next()
    aloop.until(lambda: failed == [0, 1, 2])
    assert requests == []
    viewer.close()
    aloop.run(fetcher.aclose())


def test_video_shows_placeholder_and_opens_only_web_urls(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, aloop: LoopRunner,
        fetcher: MediaFetcher) -> None:
    opened: list[str] = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toString()) or True)
    media = (
        MediaAttachment(id="1", type="video", url="https://media.example/v.mp4",
                        description="A <script>cat</script> video"),
        MediaAttachment(id="2", type="audio", url="javascript:alert(1)"),
    )
    status = Status(id="9", account=Account(id="1", acct="eve"), media_attachments=media)
    viewer = MediaViewer(status, fetcher, 0)
    qtbot.addWidget(viewer)
    viewer.show()
    assert "cannot be played" in viewer.image.text()
    assert viewer.alt.text() == "A <script>cat</script> video"
    assert viewer.open_button.isVisible() and viewer.open_button.isEnabled()
    qtbot.mouseClick(viewer.open_button, Qt.MouseButton.LeftButton)
    assert opened == ["https://media.example/v.mp4"]
    viewer.next()
    assert not viewer.open_button.isEnabled()
    assert viewer.open_in_browser() is False
    assert links.open_external("javascript:alert(1)") is False
    assert opened == ["https://media.example/v.mp4"]
