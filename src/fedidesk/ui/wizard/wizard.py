"""``OnboardingWizard``: the steps in a sidebar, one page at a time, resumable.

Every page explains itself, can be skipped, and keeps what was entered: the wizard saves
its state (non-secret) to the database whenever the step changes, a value changes, or the
window closes, and restores it on the next start (``fedidesk.ui.stepwindow.StepWindow``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from fedidesk.core.columns import ColumnSpec
from fedidesk.core.context import AppContext
from fedidesk.core.directory import DirectoryClient
from fedidesk.core.i18n import _
from fedidesk.core.server_details import ServerDetails, fetch_server_details
from fedidesk.ui.browserlogin import LoginFn
from fedidesk.ui.stepwindow import StepWindow
from fedidesk.ui.wizard.accountpage import AccountPage
from fedidesk.ui.wizard.base import Shared, WizardPage
from fedidesk.ui.wizard.contactspage import ContactsPage
from fedidesk.ui.wizard.finishpage import FinishPage
from fedidesk.ui.wizard.followpage import FollowPage
from fedidesk.ui.wizard.linkspage import LinksPage
from fedidesk.ui.wizard.securitypage import SecurityPage
from fedidesk.ui.wizard.serverpage import ServerPage
from fedidesk.ui.wizard.state import WizardState, WizardStore

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


class OnboardingWizard(StepWindow[WizardPage, WizardState]):
    """The onboarding window (the page loop and saving are ``StepWindow``'s).

    Signals:
        finished(list): the chosen columns, once Finish is pressed.
    """

    finished = Signal(list)

    def __init__(self, deps: WizardDeps, parent: QWidget | None = None) -> None:
        super().__init__(WizardStore(deps.ctx.db), parent)
        self.deps = deps
        directory = deps.directory or DirectoryClient(cache_dir=deps.ctx.paths.cache_dir)
        self.shared = Shared(deps.ctx, deps.login, deps.open_url, directory, deps.details,
                             self.progress)
        self.setObjectName("onboardingWizard")
        self.setWindowTitle(_("Welcome to Mastodon — fedidesk"))
        self.resize(920, 640)
        self.set_up_steps([cls(self.shared) for cls in PAGES], steps_name="wizardSteps",
                          later_tooltip=_("Close the wizard; it opens again where you left "
                                          "off."))

    def finish(self) -> None:
        page = self.current_page
        columns = page.chosen() if isinstance(page, FinishPage) else []
        self.shared.state.finished = True
        self.save()
        self.deps.on_finished(columns)
        self.finished.emit(columns)
        self.close()

    def values(self) -> dict[str, Any]:
        """Every page's values (for tests and debugging)."""
        return {p.key: p.values() for p in self.pages}
