"""One deck column: a header, the "N new posts" bar and the timeline view.

The column does not fetch anything itself: its ``TimelineFeed`` (Qt-free, ``core.feed``)
delivers rows to the ``TimelineModel`` through the callbacks that ``bind_feed`` sets up.
The header shows the feed state (live, polling, offline, signed out) in words, so a person
always knows whether what they see is current.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QLocale, QMimeData, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QDrag, QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.columns import ColumnSpec
from fedidesk.core.i18n import N_, _, ngettext

STATE_TEXT = {
    "loading": (N_("Loading…"), N_("The column is being loaded.")),
    # TRANSLATORS: column state; the column receives posts as they are published
    "live": (N_("● Live"), N_("New posts arrive as they are published.")),
    # TRANSLATORS: column state; the column checks for new posts regularly
    "polling": (N_("◌ Checking"),
                N_("No live connection; fedidesk checks for new posts regularly.")),
    # TRANSLATORS: column state
    "offline": (N_("○ Offline"), N_("The server cannot be reached; fedidesk keeps trying.")),
    # TRANSLATORS: column state
    "paused": (N_("Paused"), N_("Updates are paused.")),
    # TRANSLATORS: column state
    "auth_expired": (N_("Signed out"),
                     N_("Sign in to this account again to update the column.")),
    # TRANSLATORS: column state
    "closed": (N_("Closed"), ""),
    # TRANSLATORS: column state
    "unsupported": (N_("Not supported"), N_("This server does not offer this kind of column.")),
}


COLUMN_MIME = "application/x-fedidesk-column"


class _DragHandle(QWidget):
    """The column's title area: dragging it moves the column within the deck."""

    def __init__(self, column: ColumnWidget) -> None:
        super().__init__(column)
        self.column = column
        self._press: QPoint | None = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip(_("Drag to move the column"))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or (event.position().toPoint() - self._press).manhattanLength() \
                < QApplication.startDragDistance():
            return
        self._press = None
        drag = QDrag(self)
        mime = QMimeData()
        mime.setData(COLUMN_MIME, QByteArray(str(id(self.column)).encode()))
        drag.setMimeData(mime)
        drag.setPixmap(self.column.grab().scaledToWidth(160))
        drag.exec(Qt.DropAction.MoveAction)


class ColumnWidget(QFrame):
    """A column of the deck.

    Signals:
        removeRequested(): the user chose "Remove column".
        moveRequested(int): -1 to move left, +1 to move right.
        optionsChanged(object): a new ``ColumnSpec`` with changed display options.
        focused(): keyboard focus entered the column.
    """

    removeRequested = Signal()
    moveRequested = Signal(int)
    optionsChanged = Signal(object)
    focused = Signal()

    def __init__(self, spec: ColumnSpec, model: Any, view: QWidget,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.model = model
        self.view = view
        self.state = "loading"
        self.new_posts = 0
        self.feed: Any = None
        self.close_feed: Any = None
        self.setObjectName("column")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(280)
        self.setProperty("focusedColumn", False)

        self.title = QLabel(spec.display_title)
        self.title.setObjectName("columnTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(spec.account)
        self.subtitle.setObjectName("columnAccount")
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setEnabled(False)
        self.state_label = QLabel()
        self.state_label.setObjectName("columnState")
        self.menu_button = QToolButton()
        self.menu_button.setText("⋯")
        self.menu_button.setAccessibleName(  # two Home columns differ by their account
            _("Options for column {title} of {account}").format(
                title=spec.display_title, account=spec.account))
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setMenu(self._build_menu())

        header = QHBoxLayout()
        self.drag_handle = _DragHandle(self)
        names = QVBoxLayout(self.drag_handle)
        names.setContentsMargins(0, 0, 0, 0)
        names.setSpacing(0)
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        header.addWidget(self.drag_handle, 1)
        header.addWidget(self.state_label)
        header.addWidget(self.menu_button)

        self.new_posts_bar = QPushButton()
        self.new_posts_bar.setObjectName("newPostsBar")
        self.new_posts_bar.hide()
        self.new_posts_bar.clicked.connect(self.scroll_to_top)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.new_posts_bar)
        layout.addWidget(view, 1)
        self.setAccessibleName(_("Column {title} of {account}").format(
            title=spec.display_title, account=spec.account))
        if not view.accessibleName():
            view.setAccessibleName(_("{title} posts of {account}").format(
                title=spec.display_title, account=spec.account))
        self.set_state("loading")
        view.installEventFilter(self)

    # ---- header ------------------------------------------------------------------------
    def _build_menu(self) -> QMenu:
        menu = QMenu(self)
        self.hide_boosts_action = self._toggle(menu, _("Hide boosts"), "hide_boosts")
        self.hide_replies_action = self._toggle(menu, _("Hide replies"), "hide_replies")
        self.media_only_action = self._toggle(menu, _("Only posts with media"), "media_only")
        menu.addSeparator()
        menu.addAction(_("Move left"), lambda: self.moveRequested.emit(-1))
        menu.addAction(_("Move right"), lambda: self.moveRequested.emit(1))
        menu.addSeparator()
        menu.addAction(_("Remove column"), self.removeRequested.emit)
        return menu

    def _toggle(self, menu: QMenu, text: str, option: str) -> QAction:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(bool(getattr(self.spec, option)))
        action.toggled.connect(lambda on: self.optionsChanged.emit(
            self.spec.with_options(**{option: bool(on)})))
        return action

    def set_state(self, state: str) -> None:
        self.state = str(state)
        text, tip = STATE_TEXT.get(self.state, (self.state, ""))
        text, tip = (_(text), _(tip) if tip else "") if self.state in STATE_TEXT else (text, tip)
        self.state_label.setText(text)
        self.state_label.setToolTip(tip)
        self.state_label.setAccessibleName(
            _("Column state: {state}. {explanation}").format(state=text, explanation=tip))

    # ---- new posts bar -----------------------------------------------------------------
    def set_new_posts(self, count: int) -> None:
        """Show "N new posts" while the reader is scrolled down; hide it at the top."""
        self.new_posts = int(count)
        if count <= 0:
            self.new_posts_bar.hide()
            return
        self.new_posts_bar.setText("↑ " + ngettext("{n} new post", "{n} new posts", count).format(
            n=QLocale().toString(count)))
        self.new_posts_bar.setAccessibleName(self.new_posts_bar.text())
        self.new_posts_bar.show()

    def scroll_to_top(self) -> None:
        scroll = getattr(self.view, "scroll_to_newest", None) or getattr(
            self.view, "scrollToTop", None)
        if callable(scroll):
            scroll()
        self.new_posts_bar.hide()

    # ---- focus ring --------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self._set_focused(True)
            self.focused.emit()
        elif event.type() == QEvent.Type.FocusOut:
            self._set_focused(False)
        return super().eventFilter(watched, event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.view.setFocus()
        super().focusInEvent(event)

    def _set_focused(self, on: bool) -> None:
        self.setProperty("focusedColumn", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def focus_view(self) -> None:
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
