"""Secrets (access tokens, client secrets, TOTP seeds) in the OS keyring and nowhere else.

``SecretStore.open()`` checks that the keyring really works (write, read back, delete) and
detects the ``fail``/``null`` backends that would silently lose or refuse data. Without a
working keyring the caller must explicitly choose session-only mode, where secrets live in
memory for this run only. There is no plaintext fallback.
"""

from __future__ import annotations

import logging
import secrets as pysecrets
from enum import Enum

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from fedidesk.core.errors import FedideskError, SecretStoreUnavailableError
from fedidesk.core.i18n import _
from fedidesk.core.redact import register_secret

log = logging.getLogger("fedidesk.secrets")

SERVICE = "fedidesk"
# Windows Credential Manager caps blobs at 2560 bytes (1280 UTF-16 chars); stay far below.
MAX_SECRET_BYTES = 1000


class SecretMode(Enum):
    """Where secrets go for this run."""

    KEYRING = "keyring"
    SESSION_ONLY = "session-only"


def token_key(account: str) -> str:
    """Keyring entry name of an account's access token (``user@server``)."""
    return f"token:{account}"


def client_secret_key(server: str) -> str:
    """Keyring entry name of the OAuth client secret registered on ``server``."""
    return f"client-secret:{server}"


def totp_key(account: str) -> str:
    """Keyring entry name of a locally kept TOTP seed."""
    return f"totp:{account}"


class KeyringUnavailable(SecretStoreUnavailableError):
    """Raised by ``SecretStore.open`` when the keyring fails its check; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(detail=reason)


def probe_keyring(backend: KeyringBackend | None = None) -> str | None:
    """Return ``None`` when the keyring works, else a short human-readable reason."""
    backend = backend or keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return f"the keyring backend is disabled ({type(backend).__module__})"
    probe_name = f"probe:{pysecrets.token_hex(4)}"
    probe_value = pysecrets.token_urlsafe(12)
    try:
        backend.set_password(SERVICE, probe_name, probe_value)
        read_back = backend.get_password(SERVICE, probe_name)
        try:
            backend.delete_password(SERVICE, probe_name)
        except keyring.errors.PasswordDeleteError:
            pass
    except keyring.errors.KeyringLocked:
        return "the keyring is locked (the unlock prompt was dismissed)"
    except (keyring.errors.KeyringError, RuntimeError, OSError) as exc:
        return f"the keyring refused access: {type(exc).__name__}: {exc}"
    if read_back != probe_value:
        return "the keyring does not keep what is stored in it"
    return None


class SecretStore:
    """Get, set and delete fedidesk's secrets.

    Attributes:
        mode: ``KEYRING`` normally; ``SESSION_ONLY`` keeps secrets in memory for this run.
    """

    def __init__(self, mode: SecretMode, backend: KeyringBackend | None = None) -> None:
        self.mode = mode
        self._backend = backend
        self._memory: dict[str, str] = {}

    @classmethod
    def open(cls, *, allow_session_only: bool = False) -> SecretStore:
        """Check the keyring; on failure raise ``KeyringUnavailable`` or go session-only."""
        backend = keyring.get_keyring()
        reason = probe_keyring(backend)
        if reason is None:
            return cls(SecretMode.KEYRING, backend)
        log.warning("Keyring unavailable: %s", reason)
        if not allow_session_only:
            raise KeyringUnavailable(reason)
        return cls(SecretMode.SESSION_ONLY)

    @classmethod
    def session_only(cls) -> SecretStore:
        """A store that keeps secrets in memory only."""
        return cls(SecretMode.SESSION_ONLY)

    @property
    def persistent(self) -> bool:
        """Whether secrets survive a restart."""
        return self.mode is SecretMode.KEYRING

    def get(self, key: str) -> str | None:
        if self.mode is SecretMode.SESSION_ONLY:
            value = self._memory.get(key)
        else:
            assert self._backend is not None
            try:
                value = self._backend.get_password(SERVICE, key)
            except keyring.errors.KeyringLocked as exc:
                raise SecretStoreUnavailableError(
                    _("The system keyring is locked. Unlock it to use your accounts.")) from exc
            except keyring.errors.KeyringError as exc:
                raise SecretStoreUnavailableError(detail=type(exc).__name__) from exc
        register_secret(value)
        return value

    def set(self, key: str, value: str) -> None:
        if len(value.encode("utf-8")) > MAX_SECRET_BYTES:
            raise FedideskError(
                _("This secret is too long to keep in the system keyring "
                  "(more than {count} bytes).").format(count=MAX_SECRET_BYTES)
            )
        register_secret(value)
        if self.mode is SecretMode.SESSION_ONLY:
            self._memory[key] = value
            return
        assert self._backend is not None
        try:
            self._backend.set_password(SERVICE, key, value)
        except keyring.errors.KeyringLocked as exc:
            raise SecretStoreUnavailableError(
                _("The system keyring is locked. Unlock it and try again.")) from exc
        except keyring.errors.KeyringError as exc:
            raise SecretStoreUnavailableError(detail=type(exc).__name__) from exc

    def delete(self, key: str) -> None:
        """Remove ``key``; missing keys are fine."""
        if self.mode is SecretMode.SESSION_ONLY:
            self._memory.pop(key, None)
            return
        assert self._backend is not None
        try:
            self._backend.delete_password(SERVICE, key)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise SecretStoreUnavailableError(detail=type(exc).__name__) from exc
