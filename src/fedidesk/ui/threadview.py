"""``ThreadWindow``: a post's whole conversation in its own non-modal window.

Loads ``api.status`` and ``api.context`` together and shows ancestors, the post itself
(selected and scrolled to) and descendants in one ``TimelineModel``. The model keeps rows
newest first by ``sort_id``; a thread reads top-down in reply order instead, so each row
gets a synthetic, descending ``sort_id`` from its position.

Also home to two small pieces the profile window reuses: ``MessageBar`` (inline loading
and error state) and ``make_post_view`` (the list view for ``TimelineModel`` rows).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.api import MastodonApi
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.html import plain_text
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.identities import IdentityCache
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineroles import Role

_TOP = 10**9  # synthetic sort ids count down from here, all the same width


class MessageBar(QFrame):
    """A one-line inline message (info or error) with an optional action button."""

    actionClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setObjectName("messageText")
        self.button = QPushButton(self)
        self.button.setObjectName("messageAction")
        self.button.clicked.connect(self.actionClicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.setAccessibleName("Status message")
        self.hide()

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return "" if self.isHidden() else self.label.text()

    def show_info(self, text: str) -> None:
        """A neutral message (e.g. "Loading…") without an action."""
        self._show(text, error=False, action="")

    def show_error(self, text: str, action: str = "") -> None:
        """An error message, with an action button (e.g. "Retry") if ``action`` is given."""
        self._show(text, error=True, action=action)

    def _show(self, text: str, *, error: bool, action: str) -> None:
        self.label.setText(text)
        self.setProperty("error", error)
        background, border = ("#fdecea", "#f5c2bd") if error else ("#eef3fb", "#c9d8f0")
        self.setStyleSheet(
            f"#messageBar {{ background: {background}; border: 1px solid {border};"
            " border-radius: 6px; } #messageText { color: #202124; }")
        self.button.setText(action)
        self.button.setAccessibleName(action)
        self.button.setVisible(bool(action))
        self.label.setAccessibleName(text)
        self.show()


class TaskGroup:
    """The tasks a window started; ``cancel`` stops them all when it closes."""

    def __init__(self, owner: QObject) -> None:
        self.owner = owner
        self.tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """``asynctools.spawn`` owned by the window, remembered until done."""
        task = spawn(coro, owner=self.owner)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def cancel(self) -> None:
        """Cancel every task still running."""
        for task in list(self.tasks):
            task.cancel()


def avatar_color(seed: str) -> QColor:
    """A stable, pleasant colour for an account's placeholder avatar."""
    hue = sum(seed.encode("utf-8")) * 37 % 360
    return QColor.fromHsl(hue, 120, 150)


class _PostDelegate(QStyledItemDelegate):
    """Paints one post: placeholder avatar, name, handle, time and the plain text."""

    AVATAR = 40
    PAD = 10

    def __init__(self, view: PostListView) -> None:
        super().__init__(view)
        self.view = view

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def _body(self, index: QModelIndex | QPersistentModelIndex) -> str:
        spoiler = str(index.data(int(Role.SpoilerRole)) or "")
        filtered = str(index.data(int(Role.FilterRole)) or "")
        if filtered:
            return f"Filtered: {filtered}"
        if spoiler:
            return f"Content warning: {spoiler}"
        content = index.data(int(Role.ContentRole))
        return plain_text(content.html) if content is not None else ""

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        width = option.rect.width() or self.view.viewport().width()
        return max(80, width - self.AVATAR - 3 * self.PAD)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        bold, normal = self._fonts(option)
        width = self._text_width(option)
        body = QFontMetrics(normal).boundingRect(
            QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), self._body(index))
        height = QFontMetrics(bold).height() + 6 + body.height() + 2 * self.PAD
        return QSize(width, max(height, self.AVATAR + 2 * self.PAD))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        rect: QRect = option.rect
        palette = option.palette
        bold, normal = self._fonts(option)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        highlighted = index.data(int(Role.IdRole)) == self.view.highlighted_id
        if highlighted:
            painter.fillRect(rect, QColor("#e8f0fe"))
            painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), QColor("#1a73e8"))
        elif option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.alternateBase())
        painter.setPen(QColor("#e3e3e3"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())

        name = str(index.data(int(Role.AuthorNameRole)) or "")
        handle = str(index.data(int(Role.AuthorHandleRole)) or "")
        avatar = QRect(rect.left() + self.PAD + 2, rect.top() + self.PAD, self.AVATAR, self.AVATAR)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(avatar_color(handle or name))
        painter.drawEllipse(avatar)
        painter.setPen(QColor("white"))
        painter.setFont(bold)
        painter.drawText(avatar, int(Qt.AlignmentFlag.AlignCenter), (name[:1] or "?").upper())

        left = avatar.right() + self.PAD
        width = rect.right() - self.PAD - left
        line = QFontMetrics(bold).height()
        created = index.data(int(Role.CreatedAtRole))
        stamp = created.strftime("%d %b %Y, %H:%M") if created is not None else ""
        painter.setFont(normal)
        painter.setPen(palette.placeholderText().color())
        stamp_width = QFontMetrics(normal).horizontalAdvance(stamp)
        painter.drawText(QRect(rect.right() - self.PAD - stamp_width, rect.top() + self.PAD,
                               stamp_width, line), int(Qt.AlignmentFlag.AlignRight), stamp)
        painter.setFont(bold)
        painter.setPen(palette.text().color())
        name_room = width - stamp_width - self.PAD
        shown_name = QFontMetrics(bold).elidedText(name, Qt.TextElideMode.ElideRight, name_room)
        painter.drawText(QRect(left, rect.top() + self.PAD, name_room, line),
                         int(Qt.TextFlag.TextSingleLine), shown_name)
        handle_left = left + QFontMetrics(bold).horizontalAdvance(shown_name) + 6
        painter.setFont(normal)
        painter.setPen(palette.placeholderText().color())
        painter.drawText(QRect(handle_left, rect.top() + self.PAD,
                               max(0, left + name_room - handle_left), line),
                         int(Qt.TextFlag.TextSingleLine),
                         QFontMetrics(normal).elidedText(
                             handle, Qt.TextElideMode.ElideRight,
                             max(0, left + name_room - handle_left)))
        painter.setPen(palette.text().color())
        painter.drawText(QRect(left, rect.top() + self.PAD + line + 6, width,
                               rect.height() - line - 6 - 2 * self.PAD),
                         int(Qt.TextFlag.TextWordWrap), self._body(index))
        painter.restore()


class PostListView(QListView):
    """A plain list of posts drawn by ``_PostDelegate``; ``highlighted_id`` is emphasised."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.highlighted_id: str | None = None
        self.setItemDelegate(_PostDelegate(self))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QListView { background: palette(base); }")

    def set_highlighted(self, item_id: str | None) -> None:
        """Emphasise the row with ``item_id`` (the opened post of a thread)."""
        self.highlighted_id = item_id
        self.viewport().update()


def make_post_view(model: TimelineModel, parent: QWidget | None = None) -> PostListView:
    """The list view for a ``TimelineModel``: one post per row, variable height."""
    view = PostListView(parent)
    view.setModel(model)
    return view


def thread_items(context_ancestors: Sequence[Status], focus: Status,
                 descendants: Sequence[Status]) -> list[TimelineItem]:
    """Rows of a thread in reading order, with sort ids that keep that order newest-first."""
    ordered = [*context_ancestors, focus, *descendants]
    return [TimelineItem("status", s, str(_TOP - i)) for i, s in enumerate(ordered)]


class ThreadWindow(QWidget):
    """The conversation around one post, as a top-level window. Esc closes it.

    Args:
        api: the signed-in account's API.
        status_id: the post to open (its id on ``api``'s server).
        open_profile: called with an account id ("Open profile" on a row).
        open_thread: called with a status id (activating another post of the thread).
        identities: the account's shared author cache (a private one otherwise).

    Signals:
        loaded(int): the thread is shown; the number of posts.
        failed(str): loading failed; the message shown.
    """

    loaded = Signal(int)
    failed = Signal(str)

    def __init__(self, api: MastodonApi, status_id: str, *,
                 open_profile: Callable[[str], None], open_thread: Callable[[str], None],
                 identities: IdentityCache | None = None, parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.api = api
        self.status_id = status_id
        self.open_profile = open_profile
        self.open_thread = open_thread
        self.focus_status: Status | None = None
        self.jobs = TaskGroup(self)
        self.setWindowTitle("Conversation")
        self.setObjectName("threadWindow")
        self.setAccessibleName("Conversation")
        self.resize(560, 720)

        self.title = QLabel("Conversation", self)
        self.title.setObjectName("windowHeading")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subtitle = QLabel("", self)
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setAccessibleName("Reload the conversation")
        self.refresh_button.clicked.connect(self.reload)
        self.message = MessageBar(self)
        self.message.actionClicked.connect(self.reload)

        self.model = TimelineModel(identities, filter_context="thread", parent=self)
        self.view = make_post_view(self.model, self)
        self.view.setAccessibleName("Posts in this conversation")
        self.view.activated.connect(self._on_activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)

        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.activated.connect(self.close)
        self._task: asyncio.Task[object] | None = None
        self.reload()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.jobs.cancel()
        super().closeEvent(event)

    # --- loading -------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while the conversation is being fetched."""
        return self._task is not None and not self._task.done()

    def reload(self) -> None:
        """(Re)load the post and its context."""
        if self.loading:
            return
        self.message.show_info("Loading the conversation…")
        self.refresh_button.setEnabled(False)
        self._task = self.jobs.spawn(self._load())

    async def _load(self) -> None:
        try:
            status, context = await asyncio.gather(
                self.api.status(self.status_id), self.api.context(self.status_id))
        except FedideskError as exc:
            text = f"Could not load this conversation. {exc.user_message}"
            self.message.show_error(text, "Retry")
            self.failed.emit(text)
            return
        finally:
            self.refresh_button.setEnabled(True)
        self.focus_status = status
        self.model.clear()
        self.model.append_older(thread_items(context.ancestors, status, context.descendants))
        self.message.hide()
        count = self.model.rowCount()
        replies = len(context.descendants)
        author = status.original.account
        self.subtitle.setText(
            f"Post by {author.name} (@{author.acct}) · "
            f"{replies} {'reply' if replies == 1 else 'replies'}")
        self.setWindowTitle(f"Conversation – {author.name}")
        self._select_focus()
        self.loaded.emit(count)

    def _select_focus(self) -> None:
        row = self.row_of_focus()
        if row < 0:
            return
        index = self.model.index(row)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.view.set_highlighted(self.model.data(index, int(Role.IdRole)))

    def row_of_focus(self) -> int:
        """Row of the opened post (-1 before it is loaded)."""
        return self.model.row_of(f"status:{self.status_id}")

    def statuses(self) -> list[Status]:
        """The posts shown, top to bottom."""
        rows = (self.model.item(i) for i in range(self.model.rowCount()))
        return [s for r in rows if (s := getattr(r, "status", None)) is not None]

    # --- interaction ---------------------------------------------------------------------

    def _status_at(self, index: QModelIndex) -> Status | None:
        status = self.model.data(index, int(Role.StatusRole))
        return status if isinstance(status, Status) else None

    def _on_activated(self, index: QModelIndex) -> None:
        status = self._status_at(index)
        if status is not None and status.id != self.status_id:
            self.open_thread(status.id)

    def _context_menu(self, pos: QPoint) -> None:
        status = self._status_at(self.view.indexAt(pos))
        if status is None:
            return
        menu = QMenu(self)
        menu.setAccessibleName("Post actions")
        profile = menu.addAction(f"Open profile of {status.account.name}")
        profile.triggered.connect(lambda: self.open_profile(status.account.id))
        if status.id != self.status_id:
            thread = menu.addAction("Open this post's conversation")
            thread.triggered.connect(lambda: self.open_thread(status.id))
        menu.popup(self.view.viewport().mapToGlobal(pos))
