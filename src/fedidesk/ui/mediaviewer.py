"""``MediaViewer``: a non-modal window showing a post's attachments one at a time.

Images load through ``MediaFetcher`` only (https, or http to loopback; no credentials; byte
and pixel caps) and decode with ``decode_image``; the attachment's blurhash is shown while
the full image loads. Alt text is untrusted and shown as plain text. Video, gifv and audio
get a placeholder with an "Open in browser" button that only opens http(s) URLs.
Opening the viewer is the user's explicit request to see the media, so it does not consult
the "load remote images" preference that guards previews painted in timelines.

Keys: ←/→ previous/next, Esc closes, F or Z toggles fit-to-window and 1:1.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.entities import MediaAttachment, Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.html import is_web_url
from fedidesk.core.i18n import N_, _
from fedidesk.core.media import MediaFetcher
from fedidesk.ui import links
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.images import blurhash_image, decode_image

log = logging.getLogger("fedidesk.ui.mediaviewer")

PLAYABLE = frozenset({"video", "gifv", "audio"})
NO_DESCRIPTION = N_("No description")
DEFAULT_PLACEHOLDER = QSize(640, 400)


def image_url(media: MediaAttachment) -> str | None:
    """The URL of the full image (``url``, else the preview)."""
    return media.url or media.preview_url or None


def external_url(media: MediaAttachment) -> str | None:
    """An http(s) URL to open a non-image attachment in the browser, if it has one."""
    for url in (media.url, media.remote_url, media.preview_url):
        if url and is_web_url(url):
            return url
    return None


def original_size(media: MediaAttachment) -> QSize:
    """The attachment's pixel size from ``meta.original`` (a default when missing)."""
    original = media.meta.get("original") if isinstance(media.meta, dict) else None
    if isinstance(original, dict):
        try:
            width, height = int(original.get("width", 0)), int(original.get("height", 0))
        except (TypeError, ValueError):
            width = height = 0
        if width > 0 and height > 0:
            return QSize(width, height)
    return QSize(DEFAULT_PLACEHOLDER)


class MediaViewer(QWidget):
    """A window over ``status``'s attachments, starting at ``index``.

    Signals:
        indexChanged(int): the shown attachment changed.
        imageLoaded(int): the full image of that attachment is shown.
        imageFailed(int): it could not be loaded (refused URL, network, not an image).
    """

    indexChanged = Signal(int)
    imageLoaded = Signal(int)
    imageFailed = Signal(int)

    def __init__(self, status: Status, fetcher: MediaFetcher, index: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.status = status.original
        self.media: tuple[MediaAttachment, ...] = self.status.media_attachments
        self.fetcher = fetcher
        self.index = -1
        self.fit = True
        self._pixmaps: dict[str, QPixmap] = {}
        self._failed: set[str] = set()
        self._pending: set[str] = set()
        self._shown: QPixmap | None = None
        self.setWindowTitle(_("Media from @{acct}").format(acct=self.status.account.acct))
        self.resize(900, 700)
        self._build()
        if self.media:
            self.show_index(max(0, min(index, len(self.media) - 1)))
        else:
            self.image.setText(_("This post has no media."))

    # ---- widgets -----------------------------------------------------------------------
    def _build(self) -> None:
        self.image = QLabel()
        self.image.setObjectName("mediaImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setTextFormat(Qt.TextFormat.PlainText)
        self.area = QScrollArea()
        self.area.setWidget(self.image)
        self.area.setWidgetResizable(True)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.open_button = QPushButton(_("Open in browser"))
        self.open_button.setObjectName("openInBrowser")
        self.open_button.clicked.connect(self.open_in_browser)

        self.alt = QLabel()
        self.alt.setObjectName("altText")
        self.alt.setTextFormat(Qt.TextFormat.PlainText)
        self.alt.setWordWrap(True)
        self.alt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.previous_button = QPushButton(_("◀ Previous"))
        self.previous_button.clicked.connect(self.previous)
        self.next_button = QPushButton(_("Next ▶"))
        self.next_button.clicked.connect(self.next)
        self.zoom_button = QPushButton(_("Actual size (1:1)"))
        self.zoom_button.setObjectName("zoomButton")
        self.zoom_button.setToolTip(_("Toggle fit to window / actual size (F)"))
        self.zoom_button.clicked.connect(self.toggle_zoom)
        self.counter = QLabel()
        self.counter.setObjectName("mediaCounter")
        for button in (self.previous_button, self.next_button, self.zoom_button,
                       self.open_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.counter)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.zoom_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.alt)
        layout.addLayout(bar)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # ---- navigation --------------------------------------------------------------------
    @property
    def current(self) -> MediaAttachment | None:
        return self.media[self.index] if 0 <= self.index < len(self.media) else None

    def show_index(self, index: int) -> None:
        """Show attachment ``index`` (clamped to the list)."""
        if not self.media:
            return
        index = max(0, min(index, len(self.media) - 1))
        changed = index != self.index
        self.index = index
        media = self.media[index]
        # TRANSLATORS: which attachment of how many is shown ("2 / 4").
        self.counter.setText(_("{index} / {count}").format(
            index=QLocale().toString(index + 1), count=QLocale().toString(len(self.media))))
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.media) - 1)
        description = (media.description or "").strip()
        self.alt.setText(description or _(NO_DESCRIPTION))
        self.alt.setAccessibleDescription(description or _(NO_DESCRIPTION))
        playable = media.type in PLAYABLE
        self.open_button.setVisible(playable or media.type == "unknown")
        self.open_button.setEnabled(external_url(media) is not None)
        self.zoom_button.setEnabled(not playable)
        if playable:
            self._shown = None
            self.image.setPixmap(QPixmap())
            cannot = {"gifv": _("This animated GIF cannot be played here."),
                      "audio": _("This audio cannot be played here.")}.get(
                media.type, _("This video cannot be played here."))
            self.image.setText(cannot + "\n"
                               + _("Use “Open in browser” to watch or listen to it."))
        else:
            self._show_image(index, media)
        if changed:
            self.indexChanged.emit(index)

    def next(self) -> None:
        self.show_index(self.index + 1)

    def previous(self) -> None:
        self.show_index(self.index - 1)

    def toggle_zoom(self) -> None:
        """Switch between fit-to-window and actual size (1:1)."""
        self.fit = not self.fit
        self.zoom_button.setText(_("Actual size (1:1)") if self.fit else _("Fit to window"))
        self._render()

    def open_in_browser(self) -> bool:
        """Open the current attachment in the browser (http/https only)."""
        media = self.current
        url = external_url(media) if media is not None else None
        return links.open_external(url) if url else False

    # ---- images ------------------------------------------------------------------------
    def _show_image(self, index: int, media: MediaAttachment) -> None:
        url = image_url(media)
        pixmap = self._pixmaps.get(url) if url else None
        if pixmap is not None:
            self._shown = pixmap
            self._render()
            return
        if not url or url in self._failed:
            self._shown = None
            self.image.setPixmap(QPixmap())
            self.image.setText(_("This image could not be loaded."))
            return
        size = original_size(media)
        self._shown = QPixmap.fromImage(blurhash_image(media.blurhash or "", size.width(),
                                                       size.height()))
        self._render()
        if url not in self._pending:
            self._pending.add(url)
            spawn(self._load(index, url), owner=self)

    async def _load(self, index: int, url: str) -> None:
        try:
            data = await self.fetcher.fetch(url)
            image = decode_image(data)
        except FedideskError as exc:
            log.info("Media not loaded: %s", exc)
            image = None
        finally:
            self._pending.discard(url)
        if image is None:
            self._failed.add(url)
            if self.index == index:
                self._show_image(index, self.media[index])
            self.imageFailed.emit(index)
            return
        self._pixmaps[url] = QPixmap.fromImage(image)
        if self.index == index:
            self._show_image(index, self.media[index])
        self.imageLoaded.emit(index)

    def _render(self) -> None:
        pixmap = self._shown
        if pixmap is None or pixmap.isNull():
            return
        if self.fit:
            room = self.area.viewport().size()
            if pixmap.width() > room.width() or pixmap.height() > room.height():
                pixmap = pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
        self.image.setText("")
        self.image.setPixmap(pixmap)
        self.area.setWidgetResizable(self.fit)
        if not self.fit:
            self.image.resize(pixmap.size())

    def shown_size(self) -> QSize:
        """Size of the pixmap on screen (for tests and zoom checks)."""
        pixmap = self.image.pixmap()
        return pixmap.size() if pixmap is not None and not pixmap.isNull() else QSize()

    # ---- events ------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key == Qt.Key.Key_Right:
            self.next()
        elif key == Qt.Key.Key_Left:
            self.previous()
        elif key in (Qt.Key.Key_F, Qt.Key.Key_Z):
            self.toggle_zoom()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit:
            self._render()
