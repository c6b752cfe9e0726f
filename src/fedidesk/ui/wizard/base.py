"""What every wizard page shares: a title, a short explanation, a body and saved values.

``Shared`` carries the dependencies (app context, login function, browser opener) and the
choices several pages need (server, signed-in handle, followed hashtags).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from fedidesk.core.api import MastodonApi
from fedidesk.core.context import AppContext
from fedidesk.core.directory import DirectoryClient
from fedidesk.core.errors import FedideskError
from fedidesk.core.server_details import ServerDetails
from fedidesk.ui.browserlogin import LoginFn
from fedidesk.ui.stepwindow import StepPage
from fedidesk.ui.stepwindow import error_text as error_text  # for the pages
from fedidesk.ui.stepwindow import number as number  # for the pages
from fedidesk.ui.wizard.state import WizardState


@dataclass
class Shared:
    """Dependencies and cross-page choices; ``state`` is what gets persisted."""

    ctx: AppContext
    login: LoginFn
    open_url: Callable[[str], object]
    directory: DirectoryClient
    details: Callable[[str], Awaitable[ServerDetails]]
    state: WizardState = field(default_factory=WizardState)

    def api(self) -> MastodonApi | None:
        """The signed-in account's API client, or ``None`` before signing in."""
        handle = self.state.handle
        if not handle or self.ctx.accounts.find(handle) is None:
            return None
        try:
            return self.ctx.accounts.api(handle)
        except FedideskError:
            return None

    @property
    def base_url(self) -> str:
        """The chosen server's base URL ("" when none)."""
        from fedidesk.core.probe import normalize_address

        try:
            return normalize_address(self.state.server) if self.state.server else ""
        except FedideskError:
            return ""


class WizardPage(StepPage):
    """One step of the wizard (see ``StepPage``); ``shared`` holds what pages need in common.

    Signals (from ``StepPage``):
        changed(): a value the user entered changed (the wizard saves its state).
        goTo(str): asks the wizard to show the page with this key.
    """

    def __init__(self, shared: Shared, parent: QWidget | None = None) -> None:
        super().__init__("wizardPage_", parent)
        self.shared = shared


def label(text: str = "", name: str = "") -> QLabel:
    """A word-wrapped label with rich text and clickable links."""
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setOpenExternalLinks(False)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    if name:
        widget.setObjectName(name)
    return widget
