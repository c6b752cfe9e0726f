"""A popup grid of the server's custom emoji with a filter; picking inserts ``:shortcode:``.

The list comes from ``GET /api/v1/custom_emojis`` (``fedidesk.core.posting.custom_emojis``);
images are fetched lazily through the given ``fetch`` coroutine and decoded with the
pixel budget of ``fedidesk.ui.images``. Shortcodes show as text until their image arrives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.entities import CustomEmoji
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.images import decode_image

Fetch = Callable[[str], Awaitable[bytes]]
MAX_ICONS = 300


class EmojiPicker(QFrame):
    """Emits ``picked(":shortcode:")`` and hides."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("emojiPicker")
        self.setAccessibleName(_("Custom emoji"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Search emoji"))
        self.filter.setAccessibleName(_("Search custom emoji"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Custom emoji list"))
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(28, 28))
        self.list.setGridSize(QSize(44, 44))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.itemActivated.connect(self._activate)
        self.list.itemClicked.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.resize(340, 300)
        self.emojis: list[CustomEmoji] = []

    def set_emojis(self, emojis: Sequence[CustomEmoji], fetch: Fetch | None = None) -> None:
        self.list.clear()
        self.emojis = list(emojis)
        for emoji in self.emojis:
            item = QListWidgetItem(f":{emoji.shortcode}:" if fetch is None else "")
            item.setData(Qt.ItemDataRole.UserRole, emoji.shortcode)
            item.setToolTip(f":{emoji.shortcode}:")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, emoji.shortcode)
            self.list.addItem(item)
        if fetch is not None:
            spawn(self._load_icons(fetch), owner=self)

    async def _load_icons(self, fetch: Fetch) -> None:
        for row, emoji in enumerate(self.emojis[:MAX_ICONS]):
            try:
                data = await fetch(emoji.static_url or emoji.url)
            except FedideskError:
                data = b""
            image = decode_image(data, max_pixels=512 * 512) if data else None
            item = self.list.item(row)
            if item is None:
                return
            if image is None:
                item.setText(f":{emoji.shortcode}:")
            else:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower().strip(":")
        for row in range(self.list.count()):
            item = self.list.item(row)
            code = str(item.data(Qt.ItemDataRole.UserRole))
            item.setHidden(bool(needle) and needle not in code.lower())

    def _activate(self, item: QListWidgetItem) -> None:
        self.picked.emit(f":{item.data(Qt.ItemDataRole.UserRole)}:")
        self.hide()

    def popup_below(self, anchor: QWidget) -> None:
        self.move(anchor.mapToGlobal(anchor.rect().bottomLeft()))
        self.show()
        self.filter.setFocus()
