"""Signed-in accounts: metadata in the settings file, tokens in the keyring.

Several accounts can be signed in at once; one is the default. Switching never signs
others out. An account whose token the keyring no longer returns is marked
"needs sign-in" rather than dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from fedidesk.core.api import MastodonApi
from fedidesk.core.auth.oauth import AppStore, OAuthClient, server_key
from fedidesk.core.errors import AuthExpiredError, FedideskError
from fedidesk.core.http import client_timeouts, make_client
from fedidesk.core.i18n import N_, _
from fedidesk.core.secrets import SecretStore, token_key
from fedidesk.core.settings import Settings
from fedidesk.core.storage import Database

log = logging.getLogger("fedidesk.accounts")


class UnknownAccountError(FedideskError):
    """No signed-in account matches the given handle."""

    user_message = N_("There is no signed-in account by that name.")


@dataclass(frozen=True)
class AccountEntry:
    """One signed-in account (no secrets)."""

    handle: str  # user@domain
    base_url: str
    account_id: str
    display_name: str = ""
    avatar: str = ""
    acct: str = ""
    scopes: tuple[str, ...] = ()
    needs_sign_in: bool = field(default=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AccountEntry:
        scopes = data.get("scopes") or ()
        return cls(
            handle=str(data["handle"]),
            base_url=str(data.get("base_url", "")),
            account_id=str(data.get("account_id", "")),
            display_name=str(data.get("display_name", "")),
            avatar=str(data.get("avatar", "")),
            acct=str(data.get("acct", "")),
            scopes=tuple(str(s) for s in scopes) if isinstance(scopes, list | tuple) else (),
            needs_sign_in=bool(data.get("needs_sign_in", False)),
        )


@dataclass(frozen=True)
class LogoutResult:
    """What ``logout`` managed: the local data is always gone; revoking may have failed."""

    handle: str
    revoked: bool
    problem: str = ""


def normalise_handle(handle: str) -> str:
    """``@Alice@Example.social`` → ``alice@example.social``."""
    return handle.strip().lstrip("@").lower()


class AccountManager:
    """List, add, switch and sign out accounts; hand out one ``MastodonApi`` per account."""

    def __init__(self, settings: Settings, secrets: SecretStore, db: Database, *,
                 http_factory: Callable[[], httpx.AsyncClient] | None = None) -> None:
        self.settings = settings
        self.secrets = secrets
        self.db = db
        self.apps = AppStore(db, secrets)
        self._http_factory = http_factory or make_client
        self._apis: dict[str, MastodonApi] = {}
        settings.on_change(self._setting_changed)

    def _timeout(self) -> float:
        return float(self.settings.get("network.timeout_s"))

    def _setting_changed(self, name: str, _value: object) -> None:
        if name == "network.timeout_s":  # applies to the next request of every account
            for api in self._apis.values():
                api.client.timeout = client_timeouts(self._timeout())

    def list(self) -> list[AccountEntry]:
        return [AccountEntry.from_json(a) for a in self.settings.accounts]

    def find(self, handle: str) -> AccountEntry | None:
        wanted = normalise_handle(handle)
        for entry in self.list():
            if normalise_handle(entry.handle) == wanted:
                return entry
        return None

    def get(self, handle: str) -> AccountEntry:
        entry = self.find(handle)
        if entry is None:
            raise UnknownAccountError(_("No signed-in account is called {name}.").format(
                name=repr(handle.strip())))
        return entry

    def add(self, entry: AccountEntry, token: str) -> AccountEntry:
        """Store ``token`` in the keyring, then the metadata; returns the stored entry."""
        self.secrets.set(token_key(entry.handle), token)
        stored = AccountEntry.from_json({**entry.to_json(), "needs_sign_in": False})
        self.settings.upsert_account(stored.to_json())
        self._apis.pop(entry.handle, None)
        return stored

    @property
    def default(self) -> AccountEntry | None:
        handle = self.settings.default_account
        return self.find(handle) if handle else None

    def set_default(self, handle: str) -> AccountEntry:
        entry = self.get(handle)
        self.settings.set_default_account(entry.handle)
        return entry

    def token(self, handle: str) -> str | None:
        """The account's token, or ``None`` (the account is then marked "needs sign-in")."""
        entry = self.get(handle)
        token = self.secrets.get(token_key(entry.handle))
        if token is None and not entry.needs_sign_in:
            log.warning("The keyring has no token for %s; it needs to sign in again", entry.handle)
            self.settings.upsert_account({**entry.to_json(), "needs_sign_in": True})
        return token

    def api(self, handle: str) -> MastodonApi:
        """The cached API client of ``handle``; ``AuthExpiredError`` if it must sign in."""
        entry = self.get(handle)
        api = self._apis.get(entry.handle)
        if api is None:
            token = self.token(entry.handle)
            if token is None:
                raise AuthExpiredError(
                    _("fedidesk no longer has the sign-in for {handle}. Please sign in again.")
                    .format(handle=entry.handle))
            api = MastodonApi(entry.base_url, token, timeout=self._timeout())
            self._apis[entry.handle] = api
        return api

    async def logout(self, handle: str) -> LogoutResult:
        """Revoke the token at the server (best effort), then forget the account locally."""
        entry = self.get(handle)
        revoked, problem = False, ""
        token = self.secrets.get(token_key(entry.handle))
        app = self.apps.get(entry.base_url)
        if token is None:
            problem = _("fedidesk had no token for this account, so there was nothing to revoke.")
        elif app is None:
            problem = _("fedidesk no longer knows its app registration, so it could not revoke.")
        else:
            try:
                async with self._http_factory() as http:
                    oauth = OAuthClient(http)
                    endpoints = await oauth.discover(entry.base_url)
                    await oauth.revoke(entry.base_url, app, token,
                                       endpoint=endpoints.revocation_endpoint)
                revoked = True
            except FedideskError as exc:
                problem = exc.user_message
                log.warning("Revoking the token of %s failed: %s", entry.handle, exc)
        api = self._apis.pop(entry.handle, None)
        if api is not None:
            await api.aclose()
        self.secrets.delete(token_key(entry.handle))
        self.settings.remove_account(entry.handle)
        if not any(server_key(a.base_url) == server_key(entry.base_url) for a in self.list()):
            self.apps.delete(entry.base_url)
        return LogoutResult(entry.handle, revoked, problem)

    async def aclose_all(self) -> None:
        apis, self._apis = list(self._apis.values()), {}
        for api in apis:
            try:
                await api.aclose()
            except Exception:  # closing must not stop closing the others
                log.debug("Closing an API client failed", exc_info=True)
