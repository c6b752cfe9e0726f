"""Redaction of secrets from log records, exception texts and Qt messages.

A ``logging.Filter`` rewrites every record; ``redact()`` is usable anywhere text leaves the
process. Known secret values (tokens registered at runtime) are removed as well as anything
that looks like ``access_token=...``, ``Authorization: Bearer ...``, ``code=...`` and friends.
"""

from __future__ import annotations

import logging
import re
import threading

_KEYS = r"(?:access_token|client_secret|code_verifier|code|token|refresh_token|password|secret)"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bearer|basic)\s+)[^\s'\",}]+"),
     r"\1[REDACTED]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1[REDACTED]"),
    (re.compile(rf"(?i)([?&\s,{{]['\"]?{_KEYS}['\"]?\s*[=:]\s*['\"]?)[^&\s'\",}}]+"),
     r"\1[REDACTED]"),
    (re.compile(rf"(?i)^({_KEYS}\s*[=:]\s*)\S+"), r"\1[REDACTED]"),
]

_known_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value so it is scrubbed wherever it shows up verbatim."""
    if value and len(value) >= 6:
        with _lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every known or recognisable secret replaced by ``[REDACTED]``."""
    with _lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "[REDACTED]")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Logging filter that redacts the formatted message and any exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Attach the redacting filter to every handler of ``logger`` (root by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
