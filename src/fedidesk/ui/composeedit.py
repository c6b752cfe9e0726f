"""The composer's text field: drop/paste of images becomes attachments; @/# autocomplete.

``ComposeEdit`` is a ``QPlainTextEdit`` (plain text is what Mastodon takes). Images
dropped or pasted into it are reported through ``mediaReceived`` instead of being inserted
as text. Typing ``@al`` or ``#ta`` asks ``search`` (debounced) for accounts or hashtags and
offers them in a ``QCompleter`` popup; Enter or Tab accepts. With the popup closed, Tab
and Shift+Tab move the keyboard focus like in any other field (no literal tabs).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit, QWidget

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.composemedia import media_from_mime, mime_has_media

# A token being typed right before the cursor: @user, @user@dom, #tag.
_TOKEN = re.compile(r"(?:^|(?<=[\s(]))([@#][\w.\-@]{1,60})$")
Search = Callable[[str, str], Awaitable[list[str]]]


def current_token(text_before_cursor: str) -> str | None:
    """The ``@…``/``#…`` word the cursor is in (prefix included), if long enough to look up."""
    match = _TOKEN.search(text_before_cursor)
    if not match:
        return None
    token = match.group(1)
    return token if len(token) >= 3 else None


class ComposeEdit(QPlainTextEdit):
    """Plain-text editor with attachment drops/pastes and mention/hashtag completion."""

    mediaReceived = Signal(list)
    submitRequested = Signal()

    def __init__(self, media_dir: Path, parent: QWidget | None = None, *,
                 debounce_ms: int = 300) -> None:
        super().__init__(parent)
        self.media_dir = media_dir
        self.search: Search | None = None
        self.setTabChangesFocus(True)
        self._seq = 0
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self.insert_completion)
        self._popup().setAccessibleName(_("Suggestions"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._lookup)
        self.textChanged.connect(self._schedule)

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None
        return popup

    # --- attachments ------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return mime_has_media(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if mime_has_media(source):
            paths = media_from_mime(source, self.media_dir)
            if paths:
                self.mediaReceived.emit(paths)
            return
        super().insertFromMimeData(source)

    # --- completion -------------------------------------------------------------

    def _token(self) -> str | None:
        cursor = self.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        return current_token(block)

    def _schedule(self) -> None:
        if self.search is not None and self._token():
            self._timer.start()
        else:
            self._timer.stop()
            self._popup().hide()

    def _lookup(self) -> None:
        token = self._token()
        if token is None or self.search is None:
            return
        self._seq += 1
        spawn(self._fetch(token, self._seq), owner=self)

    async def _fetch(self, token: str, seq: int) -> None:
        assert self.search is not None
        kind = "accounts" if token.startswith("@") else "hashtags"
        try:
            suggestions = await self.search(token[1:], kind)
        except FedideskError:
            return
        if seq != self._seq or self._token() != token:
            return  # the person kept typing; a newer lookup is on its way
        self.show_suggestions(token, suggestions)

    def show_suggestions(self, token: str, suggestions: list[str]) -> None:
        self._model.setStringList(suggestions)
        self.completer.setCompletionPrefix(token)
        if not suggestions or self.completer.completionCount() == 0:
            self._popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(max(260, self._popup().sizeHintForColumn(0) + 24))
        self._popup().setCurrentIndex(self.completer.completionModel().index(0, 0))
        self.completer.complete(rect)

    def insert_completion(self, completion: str) -> None:
        """Replace the token before the cursor with ``completion`` and a space."""
        token = self._token() or ""
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left,
                            QTextCursor.MoveMode.KeepAnchor, len(token))
        cursor.insertText(completion + " ")
        self.setTextCursor(cursor)
        self._popup().hide()

    def focusNextPrevChild(self, next: bool) -> bool:
        # Qt asks this before ``keyPressEvent`` on Tab: while suggestions are shown, Tab
        # accepts one instead of leaving the field.
        if self._popup().isVisible():
            return False
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        popup = self._popup()
        if popup.isVisible() and e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter,
                                             Qt.Key.Key_Tab, Qt.Key.Key_Escape,
                                             Qt.Key.Key_Backtab):
            if e.key() == Qt.Key.Key_Escape:
                popup.hide()
            else:
                index = popup.currentIndex()
                if index.isValid():
                    self.insert_completion(str(index.data()))
            e.accept()
            return
        if (e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and e.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.submitRequested.emit()
            e.accept()
            return
        super().keyPressEvent(e)
