"""``AppContext``: the object graph (paths, settings, database, secrets, accounts) in one place.

Both the CLI and the GUI build it with ``AppContext.create(...)`` and tear it down with
``await ctx.aclose()``. Creating it also sends fedidesk's log to the profile's log file
through the redacting filter.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from fedidesk.core.accounts import AccountManager
from fedidesk.core.paths import ProfilePaths, resolve_paths
from fedidesk.core.redact import RedactingFilter, install_redaction
from fedidesk.core.secrets import SecretStore
from fedidesk.core.settings import Settings
from fedidesk.core.storage import Database

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _ProfileLogHandler(logging.FileHandler):
    """The profile's log file (one per process; replaced when the profile changes).

    Remembers the ``fedidesk`` logger level it found, so closing restores it.
    """

    previous_level: int | None = None


def configure_logging(paths: ProfilePaths) -> logging.Handler:
    """Log ``fedidesk.*`` to ``paths.log_file`` with secrets redacted; returns the handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ProfileLogHandler)]:
        unconfigure_logging(old)
    handler = _ProfileLogHandler(paths.log_file, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    app_logger = logging.getLogger("fedidesk")
    if app_logger.level == logging.NOTSET:
        handler.previous_level = logging.NOTSET
        app_logger.setLevel(logging.DEBUG if os.environ.get("FEDIDESK_DEBUG") else logging.INFO)
    install_redaction(root)
    return handler


def unconfigure_logging(handler: logging.Handler) -> None:
    """Detach the profile log handler and restore the ``fedidesk`` logger level."""
    logging.getLogger().removeHandler(handler)
    handler.close()
    previous = getattr(handler, "previous_level", None)
    if previous is not None:
        logging.getLogger("fedidesk").setLevel(previous)


@dataclass
class AppContext:
    """Everything a front end needs, built once."""

    paths: ProfilePaths
    settings: Settings
    db: Database
    secrets: SecretStore
    accounts: AccountManager
    log_handler: logging.Handler | None = field(default=None, repr=False)

    @classmethod
    def create(cls, profile_dir: str | None = None, *,
               allow_session_only: bool = False) -> AppContext:
        """Open the profile; raises ``KeyringUnavailable`` unless session-only is allowed."""
        paths = resolve_paths(profile_dir).ensure()
        handler = configure_logging(paths)
        try:
            secrets = SecretStore.open(allow_session_only=allow_session_only)
            settings = Settings(paths.settings_file)
            db = Database(paths.database_file)
        except BaseException:
            unconfigure_logging(handler)
            raise
        accounts = AccountManager(settings, secrets, db)
        return cls(paths, settings, db, secrets, accounts, handler)

    async def aclose(self) -> None:
        await self.accounts.aclose_all()
        self.db.close()
        if self.log_handler is not None:
            unconfigure_logging(self.log_handler)
            self.log_handler = None
