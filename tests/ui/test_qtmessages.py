"""Qt's own warnings reach the log redacted, not stderr verbatim."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning

from fedidesk.core.redact import register_secret
from fedidesk.ui import qtmessages


def test_qt_messages_are_logged_without_secrets(caplog: pytest.LogCaptureFixture,
                                                capfd: pytest.CaptureFixture[str]) -> None:
    register_secret("tok-qt-0123456789")
    previous = qtmessages.install()
    try:
        with caplog.at_level(logging.DEBUG, logger="fedidesk.qt"):
            qWarning("QNetworkReply: https://x.example/?access_token=abc123secret failed")
            qWarning("token tok-qt-0123456789 in a Qt message")
            qWarning("This plugin does not support propagateSizeHints()")
    finally:
        qInstallMessageHandler(previous)  # type: ignore[arg-type]
    texts = [r.getMessage() for r in caplog.records if r.name == "fedidesk.qt"]
    assert len(texts) == 2 and all(r.levelname == "WARNING" for r in caplog.records
                                   if r.name == "fedidesk.qt")
    joined = "\n".join(texts) + capfd.readouterr().err
    assert "abc123secret" not in joined and "tok-qt-0123456789" not in joined
    assert "[REDACTED]" in texts[0] and "[REDACTED]" in texts[1]
