"""``MigrationAssistant``: move to another server, step by step, resumable.

The same structure as the onboarding wizard (``ui/wizard/wizard.py``): the steps in a list
on the left, one page at a time, Back / Skip / Next / Continue later. Steps that do not
apply to the chosen mode (no download when the old server is gone, no move when copying)
are greyed and skipped. The choices (no secrets) are saved in the ``kv`` table, namespace
``migration``, whenever they change; the import's own progress is in the core's journal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QWidget

from fedidesk.core.context import AppContext
from fedidesk.core.i18n import _
from fedidesk.ui.links import open_external
from fedidesk.ui.logindialog import LoginFn
from fedidesk.ui.migration.accountspage import AccountsPage
from fedidesk.ui.migration.base import MigrationPage, Shared
from fedidesk.ui.migration.choosepage import ChoosePage
from fedidesk.ui.migration.exportpage import ExportPage
from fedidesk.ui.migration.importpage import ImportPage
from fedidesk.ui.migration.movepage import MovePage
from fedidesk.ui.migration.planpage import PlanPage
from fedidesk.ui.migration.reportpage import ReportPage
from fedidesk.ui.migration.state import MigrationStore
from fedidesk.ui.stepwindow import StepFrame

log = logging.getLogger("fedidesk.ui.migration")

PAGES: tuple[type[MigrationPage], ...] = (AccountsPage, ChoosePage, ExportPage, MovePage,
                                          PlanPage, ImportPage, ReportPage)


def open_local_file(path: str) -> object:
    """Open a file fedidesk wrote itself (the report) with the desktop's default app."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


class MigrationAssistant(QWidget):
    """The "Move to another server" window."""

    def __init__(self, ctx: AppContext, login: LoginFn,
                 open_url: Callable[[str], object] = open_external,
                 open_file: Callable[[str], object] = open_local_file,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = MigrationStore(ctx.db)
        self.shared = Shared(ctx, login, open_url, open_file, self.store.load())
        self.setObjectName("migrationAssistant")
        self.setWindowTitle(_("Move to another server — fedidesk"))
        self.resize(940, 660)

        frame = StepFrame(self, "migrationSteps",
                          _("Close this window; it opens again where you left off."))
        self.steps = frame.steps
        self.stack = frame.stack
        self.pages: list[MigrationPage] = []
        for number, cls in enumerate(PAGES, start=1):
            page = cls(self.shared)
            page.changed.connect(self._page_changed)
            page.goTo.connect(lambda key: self.go_to([p.key for p in self.pages].index(key)))
            self.pages.append(page)
            self.stack.addWidget(page)
            # TRANSLATORS: a step in the assistant's sidebar, e.g. "1. Your accounts".
            self.steps.addItem(_("{number}. {title}").format(number=number, title=_(cls.title)))
        self.steps.currentRowChanged.connect(self._step_clicked)

        self.back_button = frame.back_button
        self.back_button.clicked.connect(self.back)
        self.skip_button = frame.skip_button
        self.skip_button.clicked.connect(lambda: self.go_to(self._neighbour(+1)))
        self.next_button = frame.next_button
        self.next_button.clicked.connect(self.next)
        self.later_button = frame.later_button
        frame.lay_out()

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)
        self._save_timer.timeout.connect(self.save)
        self._restoring = True
        for page in self.pages:
            saved = self.shared.state.pages.get(page.key)
            if saved:
                try:
                    page.restore(saved)
                except (TypeError, ValueError):
                    log.warning("Ignoring saved values of migration page %s", page.key)
        self._restoring = False
        keys = [p.key for p in self.pages]
        step = self.shared.state.step
        self.go_to(keys.index(step) if step in keys else 0)

    # ---- navigation ----------------------------------------------------------------------
    @property
    def current_index(self) -> int:
        return self.stack.currentIndex()

    @property
    def current_page(self) -> MigrationPage:
        return self.pages[self.current_index]

    def page(self, key: str) -> MigrationPage:
        return next(p for p in self.pages if p.key == key)

    def _neighbour(self, direction: int) -> int:
        index = self.current_index + direction
        while 0 <= index < len(self.pages) and not self.pages[index].applies():
            index += direction
        return index

    def _step_clicked(self, row: int) -> None:
        if 0 <= row < len(self.pages) and self.pages[row].applies():
            self.go_to(row)
        else:
            self._sync_list()

    def go_to(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        if not self.pages[index].applies():
            forward = self._first_applicable(index, +1)
            index = forward if forward is not None else index
        self.stack.setCurrentIndex(index)
        self.shared.state.step = self.pages[index].key
        self.pages[index].entered()
        self._sync_list()
        self._update_buttons()
        self.save()

    def _first_applicable(self, start: int, direction: int) -> int | None:
        index = start
        while 0 <= index < len(self.pages):
            if self.pages[index].applies():
                return index
            index += direction
        return None

    def back(self) -> None:
        self.go_to(self._neighbour(-1))

    def next(self) -> None:
        ok, _why = self.current_page.ready()
        if not ok:
            return
        target = self._neighbour(+1)
        if target >= len(self.pages):
            self.close()
        else:
            self.go_to(target)

    def _sync_list(self) -> None:
        self.steps.blockSignals(True)
        for row, page in enumerate(self.pages):
            item = self.steps.item(row)
            flags = item.flags()
            if page.applies():
                item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip("")
            else:
                item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(_("Not needed for the way you chose to move."))
        self.steps.setCurrentRow(self.current_index)
        self.steps.blockSignals(False)

    def _update_buttons(self) -> None:
        index = self.current_index
        last = self._neighbour(+1) >= len(self.pages)
        ok, why = self.current_page.ready()
        self.back_button.setEnabled(self._neighbour(-1) >= 0)
        self.skip_button.setVisible(not last and index > 0)
        self.next_button.setText(_("Done") if last else _("Next"))
        self.next_button.setEnabled(ok)
        self.next_button.setToolTip(why)

    def _page_changed(self) -> None:
        self._sync_list()
        self._update_buttons()
        if not self._restoring:
            self._save_timer.start()

    # ---- persistence -----------------------------------------------------------------------
    def save(self) -> None:
        if self._restoring:
            return
        self._save_timer.stop()
        state = self.shared.state
        state.pages = {p.key: v for p in self.pages if (v := p.values())}
        self.store.save(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save()
        for page in self.pages:
            page.cancel_work()
        super().closeEvent(event)

    def values(self) -> dict[str, Any]:
        return self.shared.state.to_json()
