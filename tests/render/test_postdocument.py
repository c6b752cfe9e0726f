"""PostDocument never reads files or URLs; hostile posts lay out quickly within budgets."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QImage, QPainter, QTextDocument, QTextImageFormat
from PySide6.QtWidgets import QApplication

from fedidesk.core.entities import CustomEmoji
from fedidesk.core.html import sanitize
from fedidesk.ui.postdocument import EMOJI_SCHEME, EmojiImages, PostDocument

IMAGE = QTextDocument.ResourceType.ImageResource.value
HOSTILE_NAMES = [
    "file:///etc/passwd",
    "/dev/zero",
    "../../x",
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "http://tracker.example/pixel.gif",
    "qrc:/qt-project.org/styles/commonstyle/images/file-16.png",
    "fedidesk-emoji:not-registered",
]


class CanaryDocument(QTextDocument):
    """What a naive subclass does: defer to Qt's default resource loading."""

    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        return super().loadResource(type_, name)


class NoneDocument(QTextDocument):
    """A subclass that only returns "nothing" for every resource, without calling the base."""

    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        return None


class RecordingPostDocument(PostDocument):
    def __init__(self, images: EmojiImages | None = None) -> None:
        super().__init__(images)
        self.calls: list[tuple[str, Any]] = []

    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        result = super().loadResource(type_, name)
        self.calls.append((QUrl(name).toString(), result))
        return result


def _is_empty(result: Any) -> bool:
    if result is None:
        return True
    if isinstance(result, QByteArray):
        return result.isEmpty()
    if isinstance(result, QImage):
        # PostDocument's blank image: 1×1, fully transparent.
        return result.isNull() or (result.size().width() == result.size().height() == 1
                                   and result.pixelColor(0, 0).alpha() == 0)
    return False


def _image_names(doc: QTextDocument) -> list[str]:
    names = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(QTextImageFormat(fmt).name())
            it += 1
        block = block.next()
    return names


def test_canary_default_loadresource_reads_local_files(qapp: QApplication,
                                                       tmp_path: Path) -> None:
    """Proves the threat on the pinned Qt: the base class reads whatever file it is named."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"canary-secret")
    doc = CanaryDocument()
    data = doc.loadResource(IMAGE, QUrl.fromLocalFile(str(secret)))
    assert isinstance(data, QByteArray)
    assert bytes(data.data()) == b"canary-secret"
    if Path("/etc/hostname").is_file():
        hostname = doc.loadResource(IMAGE, QUrl("file:///etc/hostname"))
        assert isinstance(hostname, QByteArray)
        assert not hostname.isEmpty()


def _red_canary(tmp_path: Path) -> Path:
    path = tmp_path / "canary.png"
    image = QImage(50, 40, QImage.Format.Format_ARGB32)
    image.fill(0xFFFF0000)
    assert image.save(str(path))
    return path


def _draws_red(doc: QTextDocument) -> bool:
    target = QImage(200, 200, QImage.Format.Format_ARGB32)
    target.fill(0)
    painter = QPainter(target)
    doc.drawContents(painter)
    painter.end()
    return any(target.pixel(x, y) == 0xFFFF0000 for x in range(0, 60, 3) for y in range(0, 50, 3))


def test_canary_returning_none_still_lets_qt_load_the_file(qapp: QApplication,
                                                          tmp_path: Path) -> None:
    """Second threat: on a null resource Qt's image handler calls QImage::load(name) itself."""
    path = _red_canary(tmp_path)
    doc = NoneDocument()
    doc.setHtml(f'<img src="{path}">')
    assert _draws_red(doc)


def test_postdocument_draws_no_local_file(qapp: QApplication, tmp_path: Path) -> None:
    path = _red_canary(tmp_path)
    for name in (str(path), QUrl.fromLocalFile(str(path)).toString()):
        doc = PostDocument()
        doc.setHtml(f'<img src="{name}">')
        assert not _draws_red(doc)
        assert doc.size().width() < 40


@pytest.mark.timeout(5)
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_postdocument_loads_nothing_directly(qapp: QApplication, name: str) -> None:
    doc = PostDocument()
    start = time.perf_counter()
    for type_ in (IMAGE, QTextDocument.ResourceType.StyleSheetResource.value,
                  QTextDocument.ResourceType.HtmlResource.value):
        assert _is_empty(doc.loadResource(type_, QUrl(name)))
        assert _is_empty(doc.loadResource(type_, name))
    assert time.perf_counter() - start < 1.0


@pytest.mark.timeout(5)
def test_raw_hostile_html_loads_nothing_even_without_sanitizing(qapp: QApplication) -> None:
    """Defence in depth: feed img tags straight to setHtml, bypassing sanitize()."""
    doc = RecordingPostDocument()
    start = time.perf_counter()
    doc.setHtml("".join(f'<img src="{name}">' for name in HOSTILE_NAMES)
                + '<link rel="stylesheet" href="file:///etc/passwd">')
    doc.size()  # forces layout
    assert time.perf_counter() - start < 1.0
    assert doc.calls, "Qt should have asked for the images"
    assert all(_is_empty(result) for _name, result in doc.calls)
    for name in _image_names(doc):
        assert _is_empty(doc.resource(IMAGE, QUrl(name)))


@pytest.mark.timeout(5)
def test_sanitized_content_has_no_images(qapp: QApplication) -> None:
    doc = RecordingPostDocument()
    html = "".join(f'<p><img src="{name}">text</p>' for name in HOSTILE_NAMES)
    doc.set_content(sanitize(html))
    doc.size()
    assert _image_names(doc) == []
    assert doc.calls == []


def test_registered_emoji_is_served_and_sized_to_font(qapp: QApplication) -> None:
    images = EmojiImages()
    emoji = CustomEmoji("blob", "https://cdn.example/blob.gif", "https://cdn.example/blob.png")
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(0xFF00FF00)
    images.put(emoji.static_url, image)
    doc = RecordingPostDocument(images)
    doc.set_content(sanitize("<p>hi :blob: :missing:</p>"), [emoji, CustomEmoji("missing")])
    names = _image_names(doc)
    assert names == [f"{EMOJI_SCHEME}:{EmojiImages.key(emoji.static_url)}"]
    served = doc.resource(IMAGE, QUrl(names[0]))
    assert isinstance(served, QImage)
    assert served.size() == image.size()
    assert ":missing:" in doc.toPlainText()
    block = doc.begin()
    it = block.begin()
    while not it.atEnd() and not it.fragment().charFormat().isImageFormat():
        it += 1
    fmt = QTextImageFormat(it.fragment().charFormat())
    assert 0 < fmt.height() < 64


def test_plain_fields_are_never_html(qapp: QApplication) -> None:
    doc = PostDocument()
    doc.set_plain('<b>Bold?</b> <img src="file:///etc/passwd"> &amp;')
    assert doc.toPlainText() == '<b>Bold?</b> <img src="file:///etc/passwd"> &amp;'
    assert _image_names(doc) == []
    images = EmojiImages()
    emoji = CustomEmoji("cat", "https://cdn.example/cat.png")
    images.put(emoji.url, QImage(8, 8, QImage.Format.Format_ARGB32))
    doc = PostDocument(images)
    doc.set_plain("<i>name</i> :cat:", [emoji])
    assert doc.toPlainText().startswith("<i>name</i> ")
    assert len(_image_names(doc)) == 1


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<p>" + "word " * 1_100_000 + "</p>", id="5MB"),
        pytest.param("<blockquote>" * 10_000 + "x" + "</blockquote>" * 10_000, id="nested"),
        pytest.param("".join(f'<a href="https://e{i}.example/">l</a> ' for i in range(10_000)),
                     id="links"),
        pytest.param('<span style="font-size:100000px">' + "<font size=7>x" * 5000, id="fonts"),
    ],
)
def test_hostile_posts_sanitize_and_lay_out_quickly(qapp: QApplication, html: str) -> None:
    start = time.perf_counter()
    safe = sanitize(html)
    doc = PostDocument()
    doc.setTextWidth(400)
    doc.set_content(safe)
    height = doc.size().height()
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{elapsed:.3f}s"
    assert height < 100_000
    assert len(safe.html) <= 64 * 1024
    assert len(safe.links) <= 200
