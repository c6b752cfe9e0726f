"""The deck: columns side by side, freely resizable, reorderable, persisted per profile.

Columns sit in a horizontal ``QSplitter`` inside a scroll area, so any number of columns
fits and each can be dragged to any width (a request open on Mastodon since 2018). The
layout (column specs and widths) is saved in the profile's settings and can be exported to
and imported from a JSON file. Keyboard: 1–9 focus a column, Ctrl+Shift+←/→ move it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QScrollArea, QSplitter, QVBoxLayout, QWidget

from fedidesk.core.columns import ColumnSpec
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.settings import Settings
from fedidesk.ui.column import COLUMN_MIME, ColumnWidget

log = logging.getLogger("fedidesk.ui.deck")

LAYOUT_VERSION = 1
DEFAULT_WIDTH = 380
MAX_LAYOUT_BYTES = 1_000_000
#: Columns a layout may hold; more are left out (a deck that wide helps nobody).
MAX_COLUMNS = 40


class LayoutFileError(FedideskError):
    """A layout file could not be read."""

    user_message = N_("This file is not a fedidesk deck layout.")


def layout_to_json(specs: list[ColumnSpec], widths: list[int]) -> dict[str, Any]:
    return {
        "fedidesk_layout": LAYOUT_VERSION,
        "columns": [{"spec": s.to_json(), "width": int(w)} for s, w in zip(specs, widths,
                                                                             strict=False)],
    }


def layout_from_json(data: Any) -> list[tuple[ColumnSpec, int]]:
    """Parse a layout; columns it cannot describe (unknown kinds from newer versions, or
    values of the wrong type) are skipped, not fatal; see ``read_layout`` for how many."""
    return read_layout(data)[0]


def read_layout(data: Any) -> tuple[list[tuple[ColumnSpec, int]], int]:
    """The columns of a layout and how many were skipped (unreadable, or beyond
    ``MAX_COLUMNS``); ``LayoutFileError`` when it is not a layout at all."""
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
        raise LayoutFileError(_(LayoutFileError.user_message))
    result: list[tuple[ColumnSpec, int]] = []
    skipped = 0
    for entry in data["columns"]:
        try:
            if not isinstance(entry, dict):
                raise TypeError("a column entry is an object")
            spec = ColumnSpec.from_json(entry["spec"])
            width = entry.get("width", DEFAULT_WIDTH)
            if isinstance(width, bool) or not isinstance(width, int | float) \
                    or not math.isfinite(width):
                raise ValueError("the width is not a number")
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("Skipping a column the layout could not describe: %s", exc)
            skipped += 1
            continue
        if len(result) >= MAX_COLUMNS:
            skipped += 1
            continue
        result.append((spec, max(200, min(int(width), 4000))))
    return result, skipped


class DeckWidget(QWidget):
    """The columns of all accounts.

    Signals:
        layoutChanged(): columns were added, removed, moved, resized or changed.
    """

    layoutChanged = Signal()

    def __init__(self, settings: Settings, factory: Callable[[ColumnSpec], ColumnWidget],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deck")
        self.settings = settings
        self.factory = factory
        self.columns: list[ColumnWidget] = []
        # The widths the user chose; the splitter may stretch them to fill a wide window.
        self._widths: list[int] = []
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(6)
        self.splitter.splitterMoved.connect(lambda *_: self._user_resized())
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.splitter)
        self.scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        # Not a Tab stop of its own: it has nothing to say and shows no focus.
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroller)
        self.setStyleSheet(
            "QFrame#column { border: 1px solid palette(mid); border-radius: 6px; }"
            "QFrame#column[focusedColumn=\"true\"] { border: 2px solid palette(highlight); }"
            "QPushButton#newPostsBar { padding: 4px; font-weight: bold; }")
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save)
        self._shortcuts()
        self.setAcceptDrops(True)

    # ---- building ----------------------------------------------------------------------
    def _shortcuts(self) -> None:
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(n)), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda n=n: self.focus_column(n - 1))
        for key, delta in (("Ctrl+Shift+Left", -1), ("Ctrl+Shift+Right", 1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda d=delta: self.move_focused(d))

    def add_column(self, spec: ColumnSpec, width: int = DEFAULT_WIDTH, *,
                   save: bool = True) -> ColumnWidget:
        column = self.factory(spec)
        column.removeRequested.connect(lambda c=column: self.remove_column(self.index_of(c)))
        column.moveRequested.connect(lambda d, c=column: self.move_column(self.index_of(c), d))
        column.optionsChanged.connect(
            lambda new, c=column: self.replace_spec(self.index_of(c), new))
        self.columns.append(column)
        self.splitter.addWidget(column)
        self._apply_widths([*self._widths, width])
        if save:
            self._changed()
        return column

    def index_of(self, column: ColumnWidget) -> int:
        return self.columns.index(column)

    def remove_column(self, index: int) -> None:
        column = self.columns.pop(index)
        self._widths.pop(index)
        column.hide()
        column.setParent(None)
        close = getattr(column, "close_feed", None)
        if callable(close):
            close()
        column.deleteLater()
        self._apply_widths(self._widths)  # the deck shrinks; the others keep their widths
        self._changed()

    def move_column(self, index: int, delta: int) -> None:
        target = index + delta
        if not (0 <= index < len(self.columns) and 0 <= target < len(self.columns)):
            return
        widths = self.widths()
        column = self.columns.pop(index)
        self.columns.insert(target, column)
        self.splitter.insertWidget(target, column)
        widths.insert(target, widths.pop(index))
        self._apply_widths(widths)
        column.focus_view()
        self._changed()

    def replace_spec(self, index: int, spec: ColumnSpec) -> None:
        widths = self.widths()
        old = self.columns[index]
        new = self.factory(spec)
        new.removeRequested.connect(lambda c=new: self.remove_column(self.index_of(c)))
        new.moveRequested.connect(lambda d, c=new: self.move_column(self.index_of(c), d))
        new.optionsChanged.connect(lambda s, c=new: self.replace_spec(self.index_of(c), s))
        self.columns[index] = new
        self.splitter.replaceWidget(index, new)
        close = getattr(old, "close_feed", None)
        if callable(close):
            close()
        old.deleteLater()
        self._apply_widths(widths)
        self._changed()

    def focus_column(self, index: int) -> None:
        if 0 <= index < len(self.columns):
            column = self.columns[index]
            self.scroller.ensureWidgetVisible(column)
            column.focus_view()

    def focused_index(self) -> int:
        for i, column in enumerate(self.columns):
            if column.property("focusedColumn"):
                return i
        return -1

    def move_focused(self, delta: int) -> None:
        index = self.focused_index()
        if index >= 0:
            self.move_column(index, delta)

    # ---- drag and drop ------------------------------------------------------------------
    def _dragged(self, mime: QMimeData) -> ColumnWidget | None:
        if not mime.hasFormat(COLUMN_MIME):
            return None
        token = bytes(mime.data(COLUMN_MIME).data()).decode()
        return next((c for c in self.columns if str(id(c)) == token), None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dragged(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dragged(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        column = self._dragged(event.mimeData())
        if column is None:
            return
        index = self.index_of(column)
        gap = self.drop_gap(event.position().toPoint().x())
        # The dragged column leaves its own place, so gaps to its right are one further on.
        self.move_to(index, gap - 1 if gap > index else gap)
        event.acceptProposedAction()

    def drop_gap(self, x: int) -> int:
        """Where a drop at ``x`` (deck coordinates) goes: before column ``n`` (``n`` = the
        number of columns: after the last one). A drop on a column's left half goes before
        it, on its right half after it."""
        for index, column in enumerate(self.columns):
            centre = column.mapTo(self, column.rect().center()).x()
            if x < centre:
                return index
        return len(self.columns)

    def move_to(self, index: int, target: int) -> None:
        """Move the column at ``index`` to position ``target``."""
        step = 1 if target > index else -1
        while index != target:
            self.move_column(index, step)
            index += step

    # ---- layout ------------------------------------------------------------------------
    def specs(self) -> list[ColumnSpec]:
        return [c.spec for c in self.columns]

    def widths(self) -> list[int]:
        """The chosen width of each column (what is saved and exported)."""
        return list(self._widths)

    def _apply_widths(self, widths: list[int]) -> None:
        widths = [max(c.minimumWidth(), int(w))
                  for c, w in zip(self.columns, widths, strict=False)]
        self._widths = widths
        self.splitter.setMinimumWidth(sum(widths) + self.splitter.handleWidth() * len(widths))
        self.splitter.setSizes(widths)

    def _user_resized(self) -> None:
        self._widths = [max(c.minimumWidth(), w)
                        for c, w in zip(self.columns, self.splitter.sizes(), strict=False)]
        self._save_soon()

    def _changed(self) -> None:
        self._save_soon()
        self.layoutChanged.emit()

    def _save_soon(self) -> None:
        self._save_timer.start()

    def to_json(self) -> dict[str, Any]:
        return layout_to_json(self.specs(), self.widths())

    def save(self) -> None:
        self._save_timer.stop()
        self.settings.set("deck.columns", self.to_json()["columns"])

    def load(self) -> None:
        """Build the columns saved in the settings."""
        saved = self.settings.get("deck.columns")
        entries = layout_from_json({"columns": saved})
        self.set_layout(entries, save=False)

    def set_layout(self, entries: list[tuple[ColumnSpec, int]], *, save: bool = True) -> None:
        while self.columns:
            column = self.columns.pop()
            close = getattr(column, "close_feed", None)
            if callable(close):
                close()
            column.setParent(None)
            column.deleteLater()
        self._apply_widths([])
        for spec, width in entries:
            self.add_column(spec, width, save=False)
        if save:
            self._changed()

    def export_layout(self, path: Path) -> None:
        """Write the layout as JSON, atomically."""
        text = json.dumps(self.to_json(), indent=2)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def import_layout(self, path: Path, known_accounts: set[str]) -> list[str]:
        """Replace the deck with the file's layout; returns warnings (e.g. unknown accounts)."""
        if path.stat().st_size > MAX_LAYOUT_BYTES:
            raise LayoutFileError(_("This layout file is too large."))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise LayoutFileError(_(LayoutFileError.user_message),
                                  detail=type(exc).__name__) from exc
        entries, skipped = read_layout(data)
        warnings = [_("Skipped a {title} column of {account}: that account is not signed in "
                      "here.").format(title=spec.display_title, account=spec.account)
                    for spec, _w in entries if spec.account not in known_accounts]
        if skipped:
            warnings.append(ngettext("Skipped {n} column the file could not describe.",
                                     "Skipped {n} columns the file could not describe.",
                                     skipped).format(n=skipped))
        usable = [(s, w) for s, w in entries if s.account in known_accounts]
        if not usable:  # never trade the deck for nothing
            raise LayoutFileError(_("This file has no column fedidesk can show; your deck is "
                                    "unchanged."), detail="; ".join(warnings))
        self.set_layout(usable)
        return warnings
