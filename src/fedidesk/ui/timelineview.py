"""``TimelineView``: the ``QListView`` of one deck column.

Pixel scrolling, non-uniform rows laid out in batches, and a scroll anchor: when rows are
inserted above what the user is reading, the top visible post stays where it was and the
"N new posts" count grows instead (``newPostsCountChanged``). j/k move between posts, Enter
opens the thread, clicks are routed to the delegate's hit targets.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QWidget

from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineroles import Role


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
        self._pending_value: int | None = None
        self._shift = 0
        self._shift_rows: tuple[int, int] | None = None
        self._removing = False
        self._count_queued = False
        self._seen_id = ""
        self._new_count = 0
        self.post_delegate = delegate if delegate is not None else PostDelegate(self)
        self.setItemDelegate(self.post_delegate)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(1000)
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
            self.post_delegate.toggleSpoiler.disconnect(old.set_expanded)
            self.post_delegate.revealMedia.disconnect(old.set_revealed)
        super().setModel(model)
        if model is None:
            return
        model.rowsAboutToBeInserted.connect(self._remember_anchor)
        model.rowsAboutToBeRemoved.connect(self._about_to_remove)
        model.rowsRemoved.connect(self._restore_anchor)
        self.post_delegate.watch(model)
        if isinstance(model, TimelineModel):
            self.post_delegate.toggleSpoiler.connect(model.set_expanded)
            self.post_delegate.revealMedia.connect(model.set_revealed)

    def timeline(self) -> TimelineModel | None:
        """The model, if it is a ``TimelineModel``."""
        model = self.model()
        return model if isinstance(model, TimelineModel) else None

    # --- scroll anchor ---------------------------------------------------------------------
    #
    # Nothing here asks QListView where rows are between a model change and the relayout
    # that follows it (its geometry is stale then): shifts are computed from the delegate's
    # cached heights and the scroll value is corrected once the layout has caught up.

    def _height(self, row: int) -> int:
        model = self.model()
        return self.sizeHintForIndex(model.index(row, 0)).height() + 2 * self.spacing()

    def _offset_of(self, row: int) -> int:
        return sum(self._height(r) for r in range(row))

    def _base(self) -> int:
        if self._pending_value is not None:
            return self._pending_value
        return self.verticalScrollBar().value()

    def _remember_anchor(self, _parent: QModelIndex, first: int, last: int) -> None:
        base = self._base()
        if base <= 0 and self._pending_value is None:
            return  # at the top: new posts simply appear
        start = self._offset_of(first)
        if start >= base:
            return
        if self._removing:
            end = start + sum(self._height(r) for r in range(first, last + 1))
            self._shift -= min(end, base) - start
        else:
            self._shift_rows = (first, last)

    def rowsInserted(self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int,
                     ) -> None:
        super().rowsInserted(parent, start, end)
        if self._shift_rows is not None:
            first, last = self._shift_rows
            self._shift_rows = None
            self._shift += sum(self._height(r) for r in range(first, last + 1))
        self._restore_anchor()

    def _about_to_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        self._removing = True
        try:
            self._remember_anchor(parent, first, last)
        finally:
            self._removing = False

    def _restore_anchor(self, *_args: object) -> None:
        if self._shift:
            self._pending_value = max(0, self._base() + self._shift)
            self._shift = 0
            QTimer.singleShot(0, self, self._apply_pending)
        self._schedule_count()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if self._pending_value is not None:
            QTimer.singleShot(0, self, self._apply_pending)

    def _apply_pending(self) -> None:
        if self._pending_value is None:
            return
        self.executeDelayedItemsLayout()
        bar = self.verticalScrollBar()
        target = self._pending_value
        bar.setValue(target)
        if bar.value() == target:
            self._pending_value = None
            self._schedule_count()

    # --- "N new posts" ---------------------------------------------------------------------

    @property
    def new_posts_count(self) -> int:
        """Posts above the newest one the user has seen."""
        return self._new_count

    def _on_scrolled(self, _value: int) -> None:
        self._schedule_count()

    def _schedule_count(self) -> None:
        if not self._count_queued:
            self._count_queued = True
            QTimer.singleShot(0, self, self._update_new_count)

    def _update_new_count(self) -> None:
        self._count_queued = False
        model = self.timeline()
        if model is None or self._pending_value is not None:
            return
        self.executeDelayedItemsLayout()
        top = self.indexAt(QPoint(4, 1))
        if self.verticalScrollBar().value() == 0 and model.rowCount():
            self._seen_id = str(model.index(0).data(Role.IdRole))
        elif top.isValid():
            seen_row = model.row_of(self._seen_id) if self._seen_id else -1
            if seen_row < 0 or top.row() < seen_row:
                self._seen_id = str(top.data(Role.IdRole))
        count = model.newer_count_since(self._seen_id) if self._seen_id else 0
        if count != self._new_count:
            self._new_count = count
            self.newPostsCountChanged.emit(count)

    def scroll_to_newest(self) -> None:
        """Jump to the top (the "N new posts" bar's action)."""
        self._pending_value = None
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
        anchor = None
        if event.oldSize().width() != event.size().width() and self._pending_value is None:
            top = self.indexAt(QPoint(4, 1))
            if top.isValid() and self.verticalScrollBar().value() > 0:
                anchor = (top.row(), self.visualRect(top).top())
        super().resizeEvent(event)
        if anchor is not None:
            self._pending_value = max(0, self._offset_of(anchor[0]) - anchor[1])
            QTimer.singleShot(0, self, self._apply_pending)

    def sizeHint(self) -> QSize:
        return QSize(420, 800)
