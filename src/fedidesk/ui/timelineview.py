"""``TimelineView``: the ``QListView`` of one deck column.

Pixel scrolling, non-uniform rows laid out in one pass, and a scroll anchor: when rows are
inserted above what the user is reading, the top visible post stays where it was and the
"N new posts" count grows instead (``newPostsCountChanged``). j/k move between posts, Enter
opens the thread, clicks are routed to the delegate's hit targets.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyleOptionViewItem,
    QWidget,
)

from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineroles import Role, Row


class TimelineView(QListView):
    """A list of posts drawn by a ``PostDelegate``.

    Signals:
        openThread(str): Enter on a post (its id).
        newPostsCountChanged(int): posts inserted above the newest post the user has seen.
    """

    openThread = Signal(str)
    newPostsCountChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None, delegate: PostDelegate | None = None,
                 ) -> None:
        super().__init__(parent)
        self._anchor: tuple[QPersistentModelIndex, int] | None = None
        self._restore_queued = False
        self._removing = False
        self._count_queued = False
        self._seen_id = ""
        self._new_count = 0
        self.post_delegate = delegate if delegate is not None else PostDelegate(self)
        self.setItemDelegate(self.post_delegate)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Row layouts are cached per viewport width: a scroll bar that appears with the
        # first screenful of rows would change the width and re-lay out every row.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # One pass: QListView paints nothing while a batched layout is still running, and
        # streaming inserts would restart it before it ever finishes. A relayout only asks
        # for cached heights (a few µs a row); rows are laid out once, when first measured.
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        self.verticalScrollBar().setSingleStep(24)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    # --- model wiring ----------------------------------------------------------------------

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if isinstance(old, TimelineModel):
            old.rowsAboutToBeInserted.disconnect(self._remember_anchor)
            old.rowsAboutToBeRemoved.disconnect(self._about_to_remove)
            old.rowsRemoved.disconnect(self._restore_anchor)
            old.rowsBuffered.disconnect(self._prepare_arrivals)
        super().setModel(model)
        if model is None:
            return
        model.rowsAboutToBeInserted.connect(self._remember_anchor)
        model.rowsAboutToBeRemoved.connect(self._about_to_remove)
        model.rowsRemoved.connect(self._restore_anchor)
        if isinstance(model, TimelineModel):
            model.rowsBuffered.connect(self._prepare_arrivals)
            model.set_live(self.verticalScrollBar().value() == 0)
        self.post_delegate.watch(model)

    def changeEvent(self, event: QEvent) -> None:
        # A new font (the text size setting, or the system's) or new colours (a theme
        # switched while running): every post is laid out, measured and drawn again,
        # whichever settings listener runs first.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange,
                            QEvent.Type.PaletteChange):
            self.post_delegate.clear()
            self.scheduleDelayedItemsLayout()
            self.viewport().update()
        super().changeEvent(event)

    def timeline(self) -> TimelineModel | None:
        """The model, if it is a ``TimelineModel``."""
        model = self.model()
        return model if isinstance(model, TimelineModel) else None

    # --- scroll anchor ---------------------------------------------------------------------
    #
    # Before a model change (when QListView's geometry still matches the model) the top
    # visible row and its offset are remembered in a persistent index; after the relayout
    # that follows the change, the scroll value is corrected so that row is back in place.
    # Nothing asks QListView for geometry in between (its geometry is stale then).

    def _remember_anchor(self, _parent: QModelIndex, first: int, last: int) -> None:
        if self._anchor is not None:
            return  # a correction is already pending: keep the first anchor
        if self.verticalScrollBar().value() <= 0:
            return  # at the top: new posts simply appear
        self.executeDelayedItemsLayout()
        top = self.indexAt(QPoint(4, 1))
        if not top.isValid() or top.row() < first:
            return
        if self._removing and top.row() <= last:
            top = top.siblingAtRow(last + 1)
            if not top.isValid():
                return
        self._anchor = (QPersistentModelIndex(top), self.visualRect(top).top())

    def rowsInserted(self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int,
                     ) -> None:
        super().rowsInserted(parent, start, end)
        self._measure(start, end)
        self._restore_anchor()

    def _measure(self, start: int, end: int) -> None:
        # Lay out the new rows now (in the event-loop pass of the insert) so the relayout
        # QListView runs next only reads cached heights: two short stalls, not one long one.
        if not self.isVisible() or end - start >= 64:
            return
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        model = self.model()
        for row in range(start, end + 1):
            self.post_delegate.sizeHint(option, model.index(row, 0))

    def _prepare_arrivals(self, rows: list[Row]) -> None:
        # Streaming arrivals wait for the model's next coalesced insert: lay each out now
        # (and, when the column shows its top, draw it) so that insert and its repaint only
        # read caches. One row per event costs ~1–2 ms; a batch at once would stall a frame.
        model = self.timeline()
        if model is None or not self.isVisible():
            return
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        # Only what will be on screen is drawn: the newest rows, down to the viewport's
        # height (a burst of arrivals pushes the rest below it before any paint).
        room = self.viewport().height() if self.verticalScrollBar().value() == 0 else 0
        dpr = self.viewport().devicePixelRatioF()
        for row in rows:
            index = model.detached(row)
            room -= self.post_delegate.prepare(option, index, dpr, render=room > 0)

    def _about_to_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        self._removing = True
        try:
            self._remember_anchor(parent, first, last)
        finally:
            self._removing = False

    def _restore_anchor(self, *_args: object) -> None:
        if self._anchor is not None and not self._restore_queued:
            self._restore_queued = True
            QTimer.singleShot(0, self, self._apply_anchor)
        self._schedule_count()

    def _apply_anchor(self) -> None:
        self._restore_queued = False
        anchor, self._anchor = self._anchor, None
        if anchor is None or not anchor[0].isValid():
            return
        self.executeDelayedItemsLayout()
        index = self.model().index(anchor[0].row(), 0)
        rect = self.visualRect(index)
        bar = self.verticalScrollBar()
        if rect.isValid():
            bar.setValue(bar.value() + rect.top() - anchor[1])
        self._schedule_count()

    # --- "N new posts" ---------------------------------------------------------------------

    @property
    def new_posts_count(self) -> int:
        """Posts above the newest one the user has seen."""
        return self._new_count

    def _on_scrolled(self, value: int) -> None:
        model = self.timeline()
        if model is not None:
            model.set_live(value == 0)
        self._schedule_count()

    def _schedule_count(self) -> None:
        if not self._count_queued:
            self._count_queued = True
            QTimer.singleShot(0, self, self._update_new_count)

    def _update_new_count(self) -> None:
        self._count_queued = False
        model = self.timeline()
        if model is None or self._anchor is not None:
            return
        if self.verticalScrollBar().value() == 0 and model.rowCount():
            # At the top (the streaming case): no geometry needed, so no forced relayout.
            self._seen_id = str(model.index(0).data(Role.IdRole))
        elif (top := self._top_index()).isValid():
            seen_row = model.row_of(self._seen_id) if self._seen_id else -1
            if seen_row < 0 or top.row() < seen_row:
                self._seen_id = str(top.data(Role.IdRole))
        count = model.newer_count_since(self._seen_id) if self._seen_id else 0
        if count != self._new_count:
            self._new_count = count
            self.newPostsCountChanged.emit(count)

    def _top_index(self) -> QModelIndex:
        self.executeDelayedItemsLayout()
        return self.indexAt(QPoint(4, 1))

    def scroll_to_newest(self) -> None:
        """Jump to the top (the "N new posts" bar's action)."""
        self._anchor = None
        self.scrollToTop()
        self._schedule_count()

    # --- input -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_J, Qt.Key.Key_K) and not event.modifiers() & ~(
                Qt.KeyboardModifier.KeypadModifier):
            self.move_by(1 if key == Qt.Key.Key_J else -1)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activate_current()
            return
        super().keyPressEvent(event)

    def move_by(self, step: int) -> None:
        """Select the next (``step`` = 1) or previous (-1) post and bring it into view."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        current = self.currentIndex()
        row = current.row() + step if current.isValid() else 0
        row = max(0, min(model.rowCount() - 1, row))
        index = model.index(row, 0)
        self.setCurrentIndex(index)
        rect = self.visualRect(index)
        if rect.top() < 0 or rect.bottom() > self.viewport().height():
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    def activate_current(self) -> None:
        """Enter: load a gap, or open the current post's thread."""
        index = self.currentIndex()
        if not index.isValid():
            return
        item_id = str(index.data(Role.IdRole))
        if index.data(Role.KindRole) == "gap":
            self.post_delegate.loadGap.emit(item_id)
        else:
            self.openThread.emit(item_id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        pos = event.position().toPoint()
        index = self.indexAt(pos)
        hit = index.isValid() and self.post_delegate.hit_test(
            index, pos, self.visualRect(index)).kind != "none"
        cursor = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
        if self.viewport().cursor().shape() != cursor:
            self.viewport().setCursor(cursor)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if event.oldSize().width() != event.size().width() and self._anchor is None:
            top = self.indexAt(QPoint(4, 1))
            if top.isValid() and self.verticalScrollBar().value() > 0:
                self._anchor = (QPersistentModelIndex(top), self.visualRect(top).top())
        super().resizeEvent(event)
        self._restore_anchor()

    def sizeHint(self) -> QSize:
        return QSize(420, 800)
