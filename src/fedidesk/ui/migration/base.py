"""What every assistant page shares: dependencies, the saved state, a title and a body."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from fedidesk.core.api import MastodonApi
from fedidesk.core.context import AppContext
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.ui.logindialog import LoginFn
from fedidesk.ui.migration.state import GONE, MOVE, MigrationState
from fedidesk.ui.stepwindow import StepPage
from fedidesk.ui.stepwindow import error_text as error_text  # for the pages
from fedidesk.ui.stepwindow import number as number  # for the pages


@dataclass
class Shared:
    """Dependencies and the persisted choices (``state``)."""

    ctx: AppContext
    login: LoginFn
    open_url: Callable[[str], object]
    open_file: Callable[[str], object]
    state: MigrationState

    def api(self, handle: str) -> MastodonApi | None:
        """The API client of a signed-in ``handle``, or ``None``."""
        if not handle or self.ctx.accounts.find(handle) is None:
            return None
        try:
            return self.ctx.accounts.api(handle)
        except FedideskError:
            return None

    def base_url(self, handle: str) -> str:
        entry = self.ctx.accounts.find(handle) if handle else None
        return entry.base_url.rstrip("/") if entry is not None else ""

    @property
    def moving(self) -> bool:
        return self.state.mode == MOVE

    @property
    def server_gone(self) -> bool:
        return self.state.mode == GONE


def red(text: str) -> str:
    return f"<span style='color:#c00'>{html.escape(text)}</span>"


def label(text: str = "", name: str = "") -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.RichText)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    widget.setOpenExternalLinks(False)
    if name:
        widget.setObjectName(name)
    return widget


class MigrationPage(StepPage):
    """One step of the assistant (see ``StepPage``); ``shared`` holds the dependencies and
    the saved choices. ``applies`` greys a step that the chosen mode does not need;
    ``ready`` keeps Next disabled until the step is done.

    Signals (from ``StepPage``):
        changed(): a choice changed (the assistant saves its state and updates buttons).
        goTo(str): asks the assistant to show the page with this key.
    """

    def __init__(self, shared: Shared, parent: QWidget | None = None) -> None:
        super().__init__("migrationPage_", parent, links=True)
        self.shared = shared

    @property
    def state(self) -> MigrationState:
        return self.shared.state

    def new_account_api(self, message: QLabel) -> Any:
        """The new account's API, or ``None`` after saying in ``message`` that it is missing."""
        api = self.shared.api(self.state.new)
        if api is None:
            message.setText(red(_("fedidesk is not signed in to {account}.")
                                .format(account=self.state.new)))
        return api
