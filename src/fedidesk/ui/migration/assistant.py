"""``MigrationAssistant``: move to another server, step by step, resumable.

The same structure as the onboarding wizard (both are ``ui/stepwindow.py``'s
``StepWindow``): the steps in a list on the left, one page at a time, Back / Skip / Next /
Continue later. Steps that do not apply to the chosen mode (no download when the old server
is gone, no move when copying) are greyed and skipped. The choices (no secrets) are saved
in the ``kv`` table, namespace ``migration``, whenever they change; the import's own
progress is in the core's journal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from fedidesk.core.context import AppContext
from fedidesk.core.i18n import N_, _
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
from fedidesk.ui.migration.state import MigrationState, MigrationStore
from fedidesk.ui.stepwindow import StepWindow

PAGES: tuple[type[MigrationPage], ...] = (AccountsPage, ChoosePage, ExportPage, MovePage,
                                          PlanPage, ImportPage, ReportPage)


def open_local_file(path: str) -> object:
    """Open a file fedidesk wrote itself (the report) with the desktop's default app."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


class MigrationAssistant(StepWindow[MigrationPage, MigrationState]):
    """The "Move to another server" window (the page loop and saving are ``StepWindow``'s;
    the first step cannot be skipped, the last one reads "Done" and closes the window)."""

    last_step_label = N_("Done")
    first_step_skippable = False
    not_applicable_tip = N_("Not needed for the way you chose to move.")

    def __init__(self, ctx: AppContext, login: LoginFn,
                 open_url: Callable[[str], object] = open_external,
                 open_file: Callable[[str], object] = open_local_file,
                 parent: QWidget | None = None) -> None:
        super().__init__(MigrationStore(ctx.db), parent)
        self.ctx = ctx
        self.shared = Shared(ctx, login, open_url, open_file, self.progress)
        self.setObjectName("migrationAssistant")
        self.setWindowTitle(_("Move to another server — fedidesk"))
        self.resize(940, 660)
        self.set_up_steps([cls(self.shared) for cls in PAGES], steps_name="migrationSteps",
                          later_tooltip=_("Close this window; it opens again where you left "
                                          "off."))

    def values(self) -> dict[str, Any]:
        return self.shared.state.to_json()
