"""``OnboardingWizard``: the steps in a sidebar, one page at a time, resumable.

Every page explains itself, can be skipped, and keeps what was entered: the wizard saves
its state (non-secret) to the database whenever the step changes, a value changes, or the
window closes, and restores it on the next start.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QWidget

from fedidesk.core.columns import ColumnSpec
from fedidesk.core.context import AppContext
from fedidesk.core.directory import DirectoryClient
from fedidesk.core.i18n import _
from fedidesk.core.server_details import ServerDetails, fetch_server_details
from fedidesk.ui.logindialog import LoginFn
from fedidesk.ui.stepwindow import StepFrame
from fedidesk.ui.wizard.accountpage import AccountPage
from fedidesk.ui.wizard.base import Shared, WizardPage
from fedidesk.ui.wizard.contactspage import ContactsPage
from fedidesk.ui.wizard.finishpage import FinishPage
from fedidesk.ui.wizard.followpage import FollowPage
from fedidesk.ui.wizard.linkspage import LinksPage
from fedidesk.ui.wizard.securitypage import SecurityPage
from fedidesk.ui.wizard.serverpage import ServerPage
from fedidesk.ui.wizard.state import WizardStore

log = logging.getLogger("fedidesk.ui.wizard")

PAGES: tuple[type[WizardPage], ...] = (ServerPage, AccountPage, SecurityPage, LinksPage,
                                       FollowPage, ContactsPage, FinishPage)


def _open_in_browser(url: str) -> object:
    return QDesktopServices.openUrl(QUrl(url))


@dataclass
class WizardDeps:
    """What the wizard needs from the app (all injectable for tests)."""

    ctx: AppContext
    login: LoginFn
    on_finished: Callable[[list[ColumnSpec]], object]
    open_url: Callable[[str], object] = _open_in_browser
    directory: DirectoryClient | None = None
    details: Callable[[str], Awaitable[ServerDetails]] = field(
        default=fetch_server_details)


class OnboardingWizard(QWidget):
    """The onboarding window.

    Signals:
        finished(list): the chosen columns, once Finish is pressed.
    """

    finished = Signal(list)

    def __init__(self, deps: WizardDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.store = WizardStore(deps.ctx.db)
        directory = deps.directory or DirectoryClient(cache_dir=deps.ctx.paths.cache_dir)
        self.shared = Shared(deps.ctx, deps.login, deps.open_url, directory, deps.details,
                             self.store.load())
        self.setObjectName("onboardingWizard")
        self.setWindowTitle(_("Welcome to Mastodon — fedidesk"))
        self.resize(920, 640)

        frame = StepFrame(self, "wizardSteps",
                          _("Close the wizard; it opens again where you left off."))
        self.steps = frame.steps
        self.stack = frame.stack
        self.pages: list[WizardPage] = []
        for number, cls in enumerate(PAGES, start=1):
            page = cls(self.shared)
            page.changed.connect(self._schedule_save)
            page.goTo.connect(lambda key: self.go_to([p.key for p in self.pages].index(key)))
            self.pages.append(page)
            self.stack.addWidget(page)
            # TRANSLATORS: a step in the wizard's sidebar, e.g. "1. Choose a server".
            self.steps.addItem(_("{number}. {title}").format(number=number, title=_(cls.title)))
        self.steps.currentRowChanged.connect(self.go_to)

        self.back_button = frame.back_button
        self.back_button.clicked.connect(lambda: self.go_to(self.current_index - 1))
        self.skip_button = frame.skip_button
        self.skip_button.clicked.connect(lambda: self.go_to(self.current_index + 1))
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
                    log.warning("Ignoring saved values of wizard page %s", page.key)
        self._restoring = False
        keys = [p.key for p in self.pages]
        start = keys.index(self.shared.state.step) if self.shared.state.step in keys else 0
        self.go_to(start)

    # ---- navigation ----------------------------------------------------------------------
    @property
    def current_index(self) -> int:
        return self.stack.currentIndex()

    @property
    def current_page(self) -> WizardPage:
        return self.pages[self.current_index]

    def page(self, key: str) -> WizardPage:
        return next(p for p in self.pages if p.key == key)

    def go_to(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        self.stack.setCurrentIndex(index)
        self.steps.blockSignals(True)
        self.steps.setCurrentRow(index)
        self.steps.blockSignals(False)
        last = index == len(self.pages) - 1
        self.back_button.setEnabled(index > 0)
        self.skip_button.setVisible(not last)
        self.next_button.setText(_("Finish") if last else _("Next"))
        self.shared.state.step = self.pages[index].key
        self.pages[index].entered()
        self.save()

    def next(self) -> None:
        if self.current_index == len(self.pages) - 1:
            self.finish()
        else:
            self.go_to(self.current_index + 1)

    def finish(self) -> None:
        page = self.current_page
        columns = page.chosen() if isinstance(page, FinishPage) else []
        self.shared.state.finished = True
        self.save()
        self.deps.on_finished(columns)
        self.finished.emit(columns)
        self.close()

    # ---- persistence -----------------------------------------------------------------------
    def _schedule_save(self) -> None:
        if not self._restoring:
            self._save_timer.start()

    def save(self) -> None:
        if self._restoring:
            return
        self._save_timer.stop()
        state = self.shared.state
        state.pages = {p.key: p.values() for p in self.pages}
        self.store.save(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save()
        for page in self.pages:
            page.cancel_work()
        super().closeEvent(event)

    def values(self) -> dict[str, Any]:
        """Every page's values (for tests and debugging)."""
        return {p.key: p.values() for p in self.pages}
