"""``PostDocument``: a ``QTextDocument`` that can never read files or URLs on its own.

``QTextDocument.loadResource`` falls back to decoding ``data:`` URLs and ``QFile::readAll``
on any other name (security.md item 10), so a post saying ``<img src="/dev/zero">`` could
hang or read local files. ``PostDocument`` overrides it, never calls the base, and serves
only images the app registered in an ``EmojiImages`` cache under the ``fedidesk-emoji:``
scheme; any other image name gets a blank image (a null one would make Qt's image handler
load the file itself, bypassing ``loadResource``). Content comes from ``SafeContent`` or plain text.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QFont, QFontMetrics, QImage, QTextDocument

from fedidesk.core.entities import CustomEmoji
from fedidesk.core.html import MAX_EMOJI, SafeContent, display_html, emojify_plan, escape_plain

EMOJI_SCHEME = "fedidesk-emoji"


class EmojiImages:
    """In-memory, count-bounded LRU of decoded emoji images, keyed by their URL."""

    def __init__(self, capacity: int = 512) -> None:
        self.capacity = capacity
        self._images: OrderedDict[str, QImage] = OrderedDict()

    @staticmethod
    def key(url: str) -> str:
        """The opaque resource key for ``url`` (no remote text ever reaches a resource name)."""
        return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def put(self, url: str, image: QImage) -> None:
        """Register a decoded image for ``url``."""
        if image.isNull():
            return
        key = self.key(url)
        self._images[key] = image
        self._images.move_to_end(key)
        while len(self._images) > self.capacity:
            self._images.popitem(last=False)

    def get(self, key: str) -> QImage | None:
        """The image stored under resource key ``key``."""
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def has(self, url: str) -> bool:
        """True if an image for ``url`` is loaded."""
        return self.key(url) in self._images


def blank_image() -> QImage:
    """The 1×1 transparent image served for every image fedidesk did not register."""
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    return image


def emoji_url(emoji: CustomEmoji) -> str:
    """The URL whose image stands for ``emoji`` (static, so nothing animates unasked)."""
    return emoji.static_url or emoji.url


class PostDocument(QTextDocument):
    """A rich-text document for one post; resources come only from ``images``."""

    def __init__(self, images: EmojiImages | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.images = images if images is not None else EmojiImages()
        self.setUndoRedoEnabled(False)

    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        """Serve registered emoji images; everything else (files, data:, http:, qrc:) is blank.

        Deliberately never calls ``QTextDocument.loadResource``. An image request that is
        not a registered emoji gets a 1×1 transparent image rather than nothing: when a
        resource comes back null, Qt's image handler "tries direct loading" with
        ``QImage::load(name)`` and would read and draw a local file itself.
        """
        url = QUrl(name) if isinstance(name, str) else name
        if int(type_) != QTextDocument.ResourceType.ImageResource.value:
            return None
        if url.scheme() == EMOJI_SCHEME:
            image = self.images.get(url.path())
            if image is not None:
                return image
        return blank_image()

    def _emoji_markup(self, emoji: CustomEmoji) -> str:
        size = QFontMetrics(self.defaultFont()).height()
        key = EmojiImages.key(emoji_url(emoji))
        alt = escape_plain(f":{emoji.shortcode}:")
        return (
            f'<img src="{EMOJI_SCHEME}:{key}" width="{size}" height="{size}" alt="{alt}"'
            f' title="{alt}">'
        )

    def _loaded(self, emojis: Sequence[CustomEmoji]) -> list[CustomEmoji]:
        # Emoji whose image is not here yet stay as ``:shortcode:`` text.
        return [e for e in emojis if self.images.has(emoji_url(e))]

    def set_content(self, safe: SafeContent, emojis: Sequence[CustomEmoji] = ()) -> None:
        """Show sanitized post HTML with the post's custom emoji as inline images."""
        self.setHtml(display_html(safe, self._loaded(emojis), self._emoji_markup))

    def set_plain(self, text: str, emojis: Sequence[CustomEmoji] = ()) -> None:
        """Show untrusted plain text (display name, CW, poll option, alt text) as text.

        With emoji, the text is escaped and only fedidesk's own ``<img>`` markup is added.
        """
        loaded = self._loaded(emojis)
        spans = emojify_plan(text, loaded, limit=MAX_EMOJI) if loaded else []
        if not spans:
            self.setPlainText(text)
            return
        parts: list[str] = []
        pos = 0
        for span in spans:
            parts.append(escape_plain(text[pos:span.start]))
            parts.append(self._emoji_markup(span.emoji))
            pos = span.end
        parts.append(escape_plain(text[pos:]))
        body = "".join(parts).replace("\n", "<br>")
        self.setHtml(f'<span style="white-space: pre-wrap">{body}</span>')

    def set_font_for_emoji(self, font: QFont) -> None:
        """Set the default font (emoji images are sized to its height on the next set_*)."""
        self.setDefaultFont(font)
