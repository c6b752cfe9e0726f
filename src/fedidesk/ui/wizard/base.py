"""What every wizard page shares: a title, a short explanation, a body and saved values.

``Shared`` carries the dependencies (app context, login function, browser opener) and the
choices several pages need (server, signed-in handle, followed hashtags).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from fedidesk.core.api import MastodonApi
from fedidesk.core.context import AppContext
from fedidesk.core.directory import DirectoryClient
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.server_details import ServerDetails
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.logindialog import LoginFn
from fedidesk.ui.stepwindow import page_header
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


def number(value: int) -> str:
    """``value`` for people, in the user's locale (with thousands separators, also in "C")."""
    locale = QLocale()
    locale.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions)
    return locale.toString(value)


def error_text(exc: BaseException) -> str:
    """A sentence for people from any failure."""
    if isinstance(exc, FedideskError):
        return exc.user_message
    return _("Something went wrong: {error}").format(error=exc)


class WizardPage(QWidget):
    """One step. Subclasses set ``key``/``title``/``intro`` (marked with ``N_``; translated
    here when shown) and fill ``self.body``.

    Signals:
        changed(): a value the user entered changed (the wizard saves its state).
        goTo(str): asks the wizard to show the page with this key.
    """

    changed = Signal()
    goTo = Signal(str)
    key = ""
    title = ""
    intro = ""

    def __init__(self, shared: Shared, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shared = shared
        self.setObjectName(f"wizardPage_{self.key}")
        self._tasks: set[asyncio.Task[Any]] = set()
        self.body = page_header(self, self.title, self.intro)

    # ---- persistence -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The non-secret values to keep when the wizard is left."""
        return {}

    def restore(self, values: dict[str, Any]) -> None:
        """Put saved values back (the inverse of ``values``)."""

    def entered(self) -> None:
        """Called each time the page is shown."""

    # ---- async helpers ------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        task = spawn(coro, owner=self)
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return task

    def busy(self) -> bool:
        return any(not t.done() for t in self._tasks)

    def cancel_work(self) -> None:
        for task in list(self._tasks):
            task.cancel()


def label(text: str = "", name: str = "") -> QLabel:
    """A word-wrapped label with rich text and clickable links."""
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setOpenExternalLinks(False)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    if name:
        widget.setObjectName(name)
    return widget
