"""The composer's attachments: one tile per file (thumbnail, alt text, progress, remove).

``media_from_mime`` turns a drop or a paste (local file URLs or raw image data) into local
file paths; raw images are written as PNG into the drafts' media folder so a draft that
survives a crash still has its pictures.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.drafts import DraftMedia
from fedidesk.core.entities import MediaAttachment
from fedidesk.core.i18n import _
from fedidesk.ui.composeicons import compose_icon

THUMB = QSize(112, 84)
MEDIA_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".heic", ".heif",
    ".mp4", ".m4v", ".mov", ".webm", ".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".flac",
})


def _local_media(mime: QMimeData) -> list[str]:
    paths = []
    for url in mime.urls() if mime.hasUrls() else ():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in MEDIA_SUFFIXES and path.is_file():
                paths.append(str(path))
    return paths


def mime_has_media(mime: QMimeData) -> bool:
    """Whether a drop or paste carries something we can attach."""
    return bool(mime.hasImage() or _local_media(mime))


def media_from_mime(mime: QMimeData, save_dir: Path) -> list[str]:
    """Local files to attach from ``mime``: file URLs, else raw image data saved as PNG."""
    paths = _local_media(mime)
    if paths or not mime.hasImage():
        return paths
    image = mime.imageData()
    if not isinstance(image, QImage) or image.isNull():
        return []
    save_dir.mkdir(parents=True, exist_ok=True)
    target = save_dir / f"pasted-{uuid.uuid4().hex[:12]}.png"
    return [str(target)] if image.save(str(target)) else []


def thumbnail(path: str, size: QSize = THUMB) -> QPixmap:
    """A cropped thumbnail of an image file (a blank tile for video, audio or broken files)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    source = reader.size()
    if source.isValid() and source.width() * source.height() > 0:
        reader.setScaledSize(source.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding))
    image = reader.read()
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.darkGray)
    if image.isNull():
        return pixmap
    x = max(0, (image.width() - size.width()) // 2)
    y = max(0, (image.height() - size.height()) // 2)
    return QPixmap.fromImage(image.copy(x, y, size.width(), size.height()))


class MediaTile(QFrame):
    """One attachment: thumbnail, alt-text field, upload state and a remove button."""

    removeRequested = Signal(object)
    descriptionChanged = Signal()

    def __init__(self, item: DraftMedia, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = item.path
        self.preview_url = item.preview_url
        self.on_server_only = item.on_server_only
        self.media_id = item.media_id
        self.uploaded_description = item.uploaded_description
        self.state = "ready" if item.media_id else "pending"
        self._error = ""
        self.setObjectName("mediaTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        name = Path(item.path).name
        self.setAccessibleName(_("Attachment {name}").format(name=name))

        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB)
        self.thumb.setPixmap(thumbnail(item.path))
        self.thumb.setAccessibleName(_("Preview of {name}").format(name=name))
        self.remove = QToolButton(self.thumb)
        self.remove.setIcon(compose_icon("remove"))
        self.remove.setAutoRaise(True)
        self.remove.setObjectName("removeMedia")
        self.remove.setToolTip(_("Remove this attachment"))
        self.remove.setAccessibleName(_("Remove {name}").format(name=name))
        self.remove.move(THUMB.width() - 26, 2)
        self.remove.resize(24, 24)
        self.remove.clicked.connect(lambda: self.removeRequested.emit(self))

        self.alt = QLineEdit(item.description)
        self.alt.setPlaceholderText(_("Describe it for people who can't see it"))
        self.alt.setAccessibleName(_("Alt text for {name}").format(name=name))
        self.alt.setToolTip(_("Alt text: a description for blind and low-vision people"))
        self.alt.textChanged.connect(self._alt_changed)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(_("Upload progress of {name}").format(name=name))
        self.note = QLabel()
        self.note.setObjectName("mediaNote")
        self.note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.progress)
        layout.addWidget(self.alt)
        layout.addWidget(self.note)
        self.setFixedWidth(THUMB.width() + 80)
        self._refresh()

    @property
    def description(self) -> str:
        return self.alt.text().strip()

    def to_draft(self) -> DraftMedia:
        return DraftMedia(self.path, self.description, self.media_id, self.uploaded_description,
                          self.preview_url)

    def set_preview(self, data: bytes) -> None:
        """Show ``data`` (an image file's bytes) as the thumbnail; ignored if unreadable."""
        image = QImage.fromData(data)
        if image.isNull():
            return
        scaled = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                              Qt.TransformationMode.SmoothTransformation)
        x = max(0, (scaled.width() - THUMB.width()) // 2)
        y = max(0, (scaled.height() - THUMB.height()) // 2)
        self.thumb.setPixmap(QPixmap.fromImage(
            scaled.copy(x, y, THUMB.width(), THUMB.height())))

    def set_state(self, state: str, message: str = "") -> None:
        """``pending``, ``uploading``, ``processing``, ``ready`` or ``failed`` (with why)."""
        self.state = state
        self._error = message
        self._refresh()

    def set_uploaded(self, media: MediaAttachment, description: str) -> None:
        self.media_id = media.id
        self.uploaded_description = description
        self.set_state("ready")

    def forget_upload(self) -> None:
        """The upload belongs to another server (the account changed): upload again."""
        self.media_id = None
        self.uploaded_description = None
        self.set_state("pending")

    def _alt_changed(self) -> None:
        self._refresh()
        self.descriptionChanged.emit()

    def _refresh(self) -> None:
        busy = self.state in ("pending", "uploading", "processing")
        self.progress.setVisible(busy)
        if self.state == "failed":
            text, style = _("Upload failed: {reason}").format(reason=self._error), "error"
        elif self.state == "processing":
            text, style = _("Processing on the server…"), "info"
        elif busy:
            text, style = _("Uploading…"), "info"
        elif not self.description:
            text, style = _("No alt text yet"), "warning"
        else:
            # TRANSLATORS: state of an uploaded attachment
            text, style = _("Ready"), "ok"
        self.note.setText(text)
        self.note.setProperty("kind", style)
        self.note.setAccessibleName(
            _("Status of {name}: {state}").format(name=Path(self.path).name, state=text))
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)


class MediaStrip(QWidget):
    """The row of attachment tiles under the text."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Attachments"))
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.setVisible(False)

    def tiles(self) -> list[MediaTile]:
        return [t for t in self.findChildren(MediaTile) if not t.property("removed")]

    def add(self, item: DraftMedia) -> MediaTile:
        tile = MediaTile(item, self)
        tile.removeRequested.connect(self.remove)
        tile.descriptionChanged.connect(self.changed)
        self._layout.insertWidget(self._layout.count() - 1, tile)
        self.setVisible(True)
        self.changed.emit()
        return tile

    def remove(self, tile: MediaTile) -> None:
        tile.setProperty("removed", True)
        self._layout.removeWidget(tile)
        tile.hide()
        tile.deleteLater()
        self.setVisible(bool(self.tiles()))
        self.changed.emit()

    def clear(self) -> None:
        for tile in self.tiles():
            self.remove(tile)
