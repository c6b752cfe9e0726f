"""The crash handler: unhandled exceptions are logged (redacted) and shown, never lost.

qasync routes exceptions from ``@asyncSlot`` coroutines to ``sys.excepthook``, so this is
where they all land. A ``FedideskError`` is an expected failure and shows its human message;
anything else is a bug and shows a report the user can copy.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.redact import redact

log = logging.getLogger("fedidesk.crash")


class CrashHandler(QObject):
    """Installs itself as ``sys.excepthook``.

    Signals:
        crashed(str, str): (summary, redacted traceback) for every unexpected exception.
    """

    crashed = Signal(str, str)

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self.boxes: list[QMessageBox] = []
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            for widget in QApplication.topLevelWidgets():
                widget.close()
            return
        text = redact("".join(traceback.format_exception(exc_type, exc, tb)))
        if isinstance(exc, FedideskError):
            log.warning("%s", text)
            summary = exc.user_message
            detail = redact(exc.detail)
        else:
            log.error("Unhandled exception:\n%s", text)
            summary = _("fedidesk ran into a problem it did not expect. Your data is safe.")
            detail = text
        self.crashed.emit(summary, detail)
        if QApplication.instance() is not None:
            self._show(summary, detail)

    def _show(self, summary: str, detail: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "fedidesk", summary,
                          QMessageBox.StandardButton.Ok, self.parent_widget)
        box.setObjectName("crashBox")
        if detail:
            box.setDetailedText(detail)
        box.finished.connect(lambda *_: self._forget(box))
        self.boxes.append(box)
        box.open()

    def _forget(self, box: QMessageBox) -> None:
        if box in self.boxes:
            self.boxes.remove(box)
        box.deleteLater()
