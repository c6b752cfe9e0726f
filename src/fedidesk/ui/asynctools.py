"""Bridges between Qt signals/dialogs and asyncio coroutines, without nested event loops.

``dialog.exec()`` and the static ``QMessageBox`` helpers start a nested event loop, which
breaks qasync ("Cannot enter into task … while another task is being executed"). Here a
dialog is shown with ``open()`` and its ``finished`` signal resolves a future instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

log = logging.getLogger("fedidesk.ui")

_background: set[asyncio.Task[Any]] = set()


async def wait_signal(signal: SignalInstance) -> tuple[Any, ...]:
    """Resolve with the arguments of the next emission of ``signal``."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def on_emit(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(on_emit)
    try:
        return await future
    finally:
        signal.disconnect(on_emit)


async def run_dialog(dialog: QDialog) -> int:
    """Show ``dialog`` window-modally with ``open()`` and return its result code."""
    waiter = asyncio.ensure_future(wait_signal(dialog.finished))
    dialog.open()
    (result,) = await waiter
    return int(result)


async def ask(parent: QWidget | None, title: str, text: str,
              buttons: QMessageBox.StandardButton,
              default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
              icon: QMessageBox.Icon = QMessageBox.Icon.Question,
              informative: str = "") -> QMessageBox.StandardButton:
    """A non-blocking replacement for the static ``QMessageBox.question``."""
    box = QMessageBox(icon, title, text, buttons, parent)
    if informative:
        box.setInformativeText(informative)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)
    waiter = asyncio.ensure_future(wait_signal(box.finished))
    box.open()
    await waiter
    clicked = box.clickedButton()
    answer = (box.standardButton(clicked) if clicked is not None
              else QMessageBox.StandardButton.NoButton)
    box.deleteLater()
    return answer


def show_error(parent: QWidget | None, title: str, text: str, detail: str = "") -> QMessageBox:
    """Show an error box without blocking; returns it so tests can inspect and close it."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if detail:
        box.setDetailedText(detail)
    box.setObjectName("errorBox")
    box.open()
    return box


def spawn(coro: Coroutine[Any, Any, Any], *,
          owner: QObject | None = None) -> asyncio.Task[Any] | None:
    """Start a background task, keep a reference to it and log (not swallow) its failure.

    Called outside a running loop, the task goes to the thread's current loop (it starts
    when that loop runs). With no usable loop at all — the app is shutting down — the
    coroutine is dropped unstarted and ``None`` returned: it would never run.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            loop = None
        if loop is None or loop.is_closed():
            log.debug("Not starting %s: there is no event loop", coro)
            coro.close()
            return None
    assert loop is not None
    task = loop.create_task(coro)
    _background.add(task)

    def done(t: asyncio.Task[Any]) -> None:
        _background.discard(t)
        if not t.cancelled() and t.exception() is not None:
            import sys

            exc = t.exception()
            assert exc is not None
            sys.excepthook(type(exc), exc, exc.__traceback__)

    task.add_done_callback(done)
    if owner is not None:
        owner.destroyed.connect(lambda *_: task.cancel())
    return task
