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
    QLocale,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.api import MastodonApi
from fedidesk.core.columns import TimelineItem
from fedidesk.core.entities import Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _, ngettext
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.identities import IdentityCache
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineroles import Role
from fedidesk.ui.timelineview import TimelineView

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
        self.closed = False

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        """``asynctools.spawn`` owned by the window, remembered until done."""
        task = spawn(coro, owner=self.owner)
        if task is not None:
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return task

    def cancel(self) -> None:
        """Cancel every task still running; ``closed`` tells callers to start no more."""
        self.closed = True
        for task in list(self.tasks):
            # Cancelling schedules a callback: never on a loop that is already closed.
            if not task.get_loop().is_closed():
                task.cancel()


def avatar_color(seed: str) -> QColor:
    """A stable, pleasant colour for an account's placeholder avatar."""
    hue = sum(seed.encode("utf-8")) * 37 % 360
    return QColor.fromHsl(hue, 120, 150)


class PostListView(TimelineView):
    """The deck's ``TimelineView`` plus the id of the post to emphasise (a thread's focus).

    The emphasis is the view's selection: ``set_highlighted`` selects and shows that row.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.highlighted_id: str | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)

    def set_highlighted(self, item_id: str | None) -> None:
        """Select and scroll to the row with ``item_id``."""
        self.highlighted_id = item_id
        model = self.timeline()
        row = model.row_of(item_id) if model is not None and item_id else -1
        if model is not None and row >= 0:
            self.setCurrentIndex(model.index(row))
            self.scrollTo(model.index(row), QAbstractItemView.ScrollHint.PositionAtCenter)


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
        self.setWindowTitle(_("Conversation"))
        self.setObjectName("threadWindow")
        self.setAccessibleName(_("Conversation"))
        self.resize(560, 720)

        self.title = QLabel(_("Conversation"), self)
        self.title.setObjectName("windowHeading")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subtitle = QLabel("", self)
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")
        self.refresh_button = QPushButton(_("Refresh"), self)
        self.refresh_button.setAccessibleName(_("Reload the conversation"))
        self.refresh_button.clicked.connect(self.reload)
        self.message = MessageBar(self)
        self.message.actionClicked.connect(self.reload)

        self.model = TimelineModel(identities, filter_context="thread", parent=self)
        self.view = make_post_view(self.model, self)
        self.view.setAccessibleName(_("Posts in this conversation"))
        self.view.openThread.connect(self._on_open_thread)
        self.view.post_delegate.authorActivated.connect(self._on_author)
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
        self.message.show_info(_("Loading the conversation…"))
        self.refresh_button.setEnabled(False)
        self._task = self.jobs.spawn(self._load())

    async def _load(self) -> None:
        try:
            status, context = await asyncio.gather(
                self.api.status(self.status_id), self.api.context(self.status_id))
        except FedideskError as exc:
            text = _("Could not load this conversation. {reason}").format(
                reason=exc.user_message)
            self.message.show_error(text, _("Retry"))
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
            _("Post by {name} (@{acct})").format(name=author.name, acct=author.acct) + " · "
            + ngettext("{n} reply", "{n} replies", replies).format(
                n=QLocale().toString(replies)))
        self.setWindowTitle(_("Conversation – {name}").format(name=author.name))
        self._select_focus()
        self.loaded.emit(count)

    def _select_focus(self) -> None:
        row = self.row_of_focus()
        if row < 0:
            return
        self.view.set_highlighted(self.model.data(self.model.index(row), int(Role.IdRole)))

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

    def _row_status(self, item_id: str) -> Status | None:
        status = getattr(self.model.find(item_id), "status", None)
        return status.original if isinstance(status, Status) else None

    def _on_open_thread(self, item_id: str) -> None:
        status = self._row_status(item_id)
        if status is not None and status.id != self.status_id:
            self.open_thread(status.id)

    def _on_author(self, item_id: str) -> None:
        status = self._row_status(item_id)
        if status is not None:
            self.open_profile(status.account.id)

    def _context_menu(self, pos: QPoint) -> None:
        status = self._status_at(self.view.indexAt(pos))
        if status is None:
            return
        menu = QMenu(self)
        menu.setAccessibleName(_("Post actions"))
        profile = menu.addAction(_("Open profile of {name}").format(name=status.account.name))
        profile.triggered.connect(lambda: self.open_profile(status.account.id))
        if status.id != self.status_id:
            thread = menu.addAction(_("Open this post's conversation"))
            thread.triggered.connect(lambda: self.open_thread(status.id))
        menu.popup(self.view.viewport().mapToGlobal(pos))
