"""Qt's own messages go through fedidesk's logging, where secrets are redacted.

By default Qt writes its warnings straight to stderr, past the logging filter that removes
tokens and codes (``core.redact``). ``install()`` routes them into the ``fedidesk.qt``
logger instead, at the matching level, with the text redacted once more on the way.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

from fedidesk.core.redact import redact

log = logging.getLogger("fedidesk.qt")

LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
#: Harmless noise of the offscreen and minimal platforms (tests, the bundle's smoke test).
QUIET = ("This plugin does not support propagateSizeHints()",)


def _handle(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if message in QUIET:
        return
    log.log(LEVELS.get(kind, logging.WARNING), "%s", redact(message))


def install() -> object:
    """Send every Qt message to the ``fedidesk.qt`` logger (redacted); returns the handler
    that was installed before (for ``qInstallMessageHandler`` to put back)."""
    return qInstallMessageHandler(_handle)
