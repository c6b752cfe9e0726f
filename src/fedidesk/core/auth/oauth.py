"""OAuth 2 against a Mastodon-compatible server: discovery, app registration, code exchange.

PKCE is done by hand (Mastodon.py has none). The client secret is always sent as well,
because some servers (Takahē) ignore PKCE and require it.

Scopes (``SCOPES``), and what needs them:

* ``read``                 timelines, notifications, search, lists, filters, exports.
* ``profile``              ``verify_credentials`` on 4.3+ servers that honour it.
* ``write:statuses``       post, edit, delete, boost, pin, vote.
* ``write:media``          upload attachments and alt text.
* ``write:favourites``     favourite; ``write:bookmarks`` bookmark.
* ``write:follows``        follow people and hashtags (onboarding, migration).
* ``write:mutes``, ``write:blocks``   mute/block (and migration of both).
* ``write:lists``          lists (deck columns, migration); ``write:filters`` filters.
* ``write:accounts``       profile fields, avatar, preferences (onboarding).
* ``write:conversations``  mark or remove direct conversations.
* ``write:reports``        report posts or accounts.
* ``write:notifications``  dismiss/clear notifications.

No ``push`` (no web push), no deprecated ``follow``, no ``admin:*``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from fedidesk.core.errors import InsecureUrlError, LoginError, NetworkError
from fedidesk.core.http import is_loopback_host, require_secure_url
from fedidesk.core.i18n import _
from fedidesk.core.secrets import SecretStore, client_secret_key
from fedidesk.core.storage import Database

log = logging.getLogger("fedidesk.auth")

CLIENT_NAME = "fedidesk"
WEBSITE = "https://github.com/fedidesk/fedidesk"
SCOPES = (
    "read write:statuses write:media write:favourites write:bookmarks write:follows "
    "write:mutes write:blocks write:lists write:filters write:accounts write:conversations "
    "write:reports write:notifications profile"
)
OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"
LOOPBACK_REDIRECT = "http://127.0.0.1/callback"
DEFAULT_REDIRECTS = (LOOPBACK_REDIRECT, OOB_REDIRECT)
METADATA_PATH = "/.well-known/oauth-authorization-server"
_KV_NAMESPACE = "oauth_app"


def check_secure(url: str) -> str:
    """Return ``url`` if it is https (or http on loopback), else raise ``InsecureUrlError``."""
    try:
        return require_secure_url(url)
    except InsecureUrlError as exc:
        raise InsecureUrlError(
            _("The server gave an address for signing in that is not https, so fedidesk "
              "stopped. Nothing was sent."), detail=exc.detail) from exc


def server_key(base_url: str) -> str:
    """The name a server is cached under: ``host[:port]`` in lower case."""
    return (urlsplit(base_url).netloc or base_url).lower()


@dataclass(frozen=True)
class ServerEndpoints:
    """Where a server's OAuth endpoints are.

    ``foreign_authorization_host`` is set when the authorize page lives on another host
    than the API: the caller must ask the user before opening it.
    """

    base_url: str
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str
    from_metadata: bool = False
    foreign_authorization_host: bool = False

    @property
    def authorization_host(self) -> str:
        return urlsplit(self.authorization_endpoint).netloc


@dataclass(frozen=True)
class OAuthApp:
    """A registered client on one server."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: tuple[str, ...] = DEFAULT_REDIRECTS
    scopes: str = SCOPES

    def allows(self, redirect_uri: str) -> bool:
        """Whether ``redirect_uri`` matches a registered one (loopback: any port)."""
        if redirect_uri in self.redirect_uris:
            return True
        wanted = urlsplit(redirect_uri)
        if not is_loopback_host(wanted.hostname or "") or wanted.hostname == "localhost":
            return False
        for registered in map(urlsplit, self.redirect_uris):
            if (registered.scheme, registered.hostname, registered.path) == (
                    wanted.scheme, wanted.hostname, wanted.path) and registered.port is None:
                return True
        return False


@dataclass(frozen=True)
class TokenGrant:
    """The answer of the token endpoint."""

    access_token: str = field(repr=False)
    scope: str = ""
    token_type: str = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)


class AppStore:
    """App registrations per server: client id etc. in SQLite ``kv``, the secret in the keyring."""

    def __init__(self, db: Database, secrets: SecretStore) -> None:
        self._db = db
        self._secrets = secrets

    def get(self, base_url: str) -> OAuthApp | None:
        key = server_key(base_url)
        rows = self._db.execute(
            "SELECT value FROM kv WHERE namespace = ? AND key = ?", (_KV_NAMESPACE, key))
        if not rows:
            return None
        secret = self._secrets.get(client_secret_key(key))
        if not secret:
            return None
        try:
            data = json.loads(rows[0]["value"])
            return OAuthApp(base_url=data["base_url"], client_id=data["client_id"],
                            client_secret=secret,
                            redirect_uris=tuple(data["redirect_uris"]), scopes=data["scopes"])
        except (ValueError, KeyError, TypeError):
            log.warning("Ignoring a broken app registration for %s", key)
            return None

    def put(self, app: OAuthApp) -> None:
        key = server_key(app.base_url)
        self._secrets.set(client_secret_key(key), app.client_secret)
        value = json.dumps({"base_url": app.base_url, "client_id": app.client_id,
                            "redirect_uris": list(app.redirect_uris), "scopes": app.scopes})
        self._db.execute(
            "INSERT OR REPLACE INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)",
            (_KV_NAMESPACE, key, value, time.time()))

    def delete(self, base_url: str) -> None:
        key = server_key(base_url)
        self._db.execute("DELETE FROM kv WHERE namespace = ? AND key = ?", (_KV_NAMESPACE, key))
        self._secrets.delete(client_secret_key(key))


class OAuthClient:
    """The OAuth calls, over a caller-owned ``httpx.AsyncClient``."""

    def __init__(self, http: httpx.AsyncClient, *, client_name: str = CLIENT_NAME,
                 website: str = WEBSITE) -> None:
        self._http = http
        self._client_name = client_name
        self._website = website

    async def discover(self, base_url: str) -> ServerEndpoints:
        """Read RFC 8414 metadata; fall back to Mastodon's default paths when there is none."""
        base = check_secure(base_url.rstrip("/"))
        defaults = ServerEndpoints(base, f"{base}/oauth/authorize", f"{base}/oauth/token",
                                   f"{base}/oauth/revoke")
        response = await self._send("GET", f"{base}{METADATA_PATH}")
        if response.status_code != 200:
            return defaults
        try:
            meta = response.json()
        except ValueError:
            return defaults
        if not isinstance(meta, dict):
            return defaults
        authorize = _str(meta.get("authorization_endpoint")) or defaults.authorization_endpoint
        token = _str(meta.get("token_endpoint")) or defaults.token_endpoint
        revoke = _str(meta.get("revocation_endpoint")) or defaults.revocation_endpoint
        for url in (authorize, token, revoke):
            check_secure(url)
        api_host = urlsplit(base).netloc.lower()
        foreign = urlsplit(authorize).netloc.lower() != api_host
        if foreign:
            log.warning("The authorization page of %s is on another host: %s",
                        api_host, urlsplit(authorize).netloc)
        return ServerEndpoints(base, authorize, token, revoke, from_metadata=True,
                               foreign_authorization_host=foreign)

    async def register_app(self, base_url: str, redirect_uris: tuple[str, ...] | list[str],
                           scopes: str = SCOPES) -> OAuthApp:
        """``POST /api/v1/apps``; ``redirect_uris`` goes as a newline-separated string."""
        base = check_secure(base_url.rstrip("/"))
        form = {"client_name": self._client_name, "redirect_uris": "\n".join(redirect_uris),
                "scopes": scopes, "website": self._website}
        response = await self._send("POST", f"{base}/api/v1/apps", data=form)
        data = _json_or_raise(response, _("The server did not accept fedidesk as an app."))
        client_id, secret = _str(data.get("client_id")), _str(data.get("client_secret"))
        if not client_id or not secret:
            raise LoginError(_("The server did not accept fedidesk as an app."),
                             detail="app registration without client credentials")
        return OAuthApp(base, client_id, secret, tuple(redirect_uris), scopes)

    def authorize_url(self, endpoints: ServerEndpoints, app: OAuthApp, *, redirect_uri: str,
                      state: str, code_challenge: str, scopes: str | None = None,
                      force_login: bool = False, lang: str | None = None) -> str:
        """The URL to open in the user's browser."""
        params = {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "scope": scopes or app.scopes,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        if force_login:
            params["force_login"] = "true"
        if lang:
            params["lang"] = lang
        sep = "&" if "?" in endpoints.authorization_endpoint else "?"
        return f"{endpoints.authorization_endpoint}{sep}{urlencode(params)}"

    async def exchange_code(self, endpoints: ServerEndpoints, app: OAuthApp, *, code: str,
                            redirect_uri: str, code_verifier: str,
                            scopes: str | None = None) -> TokenGrant:
        """Trade the authorization code for a token (sends the verifier and the secret)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "code_verifier": code_verifier,
            "scope": scopes or app.scopes,
        }
        response = await self._send("POST", endpoints.token_endpoint, data=form)
        data = _json_or_raise(response, _("The server did not accept the sign-in code."))
        token = _str(data.get("access_token"))
        if not token:
            raise LoginError(_("The server did not hand out an access token."))
        return TokenGrant(token, _str(data.get("scope")) or "",
                          _str(data.get("token_type")) or "Bearer")

    async def revoke(self, base_url: str, app: OAuthApp, token: str, *,
                     endpoint: str | None = None) -> None:
        """``POST /oauth/revoke`` with the client credentials and the token."""
        url = check_secure(endpoint or f"{base_url.rstrip('/')}/oauth/revoke")
        form = {"client_id": app.client_id, "client_secret": app.client_secret, "token": token}
        response = await self._send("POST", url, data=form)
        if response.status_code >= 400:
            raise LoginError(_("The server did not confirm that the sign-in was revoked."),
                             detail=f"revoke answered HTTP {response.status_code}")

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._http.request(method, url, follow_redirects=False, **kwargs)
        except httpx.HTTPError as exc:
            raise NetworkError(detail=type(exc).__name__) from exc


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _json_or_raise(response: httpx.Response, message: str) -> dict[str, Any]:
    if response.status_code >= 400:
        reason = ""
        try:
            body = response.json()
            if isinstance(body, dict):
                reason = str(body.get("error_description") or body.get("error") or "")[:200]
        except ValueError:
            pass
        raise LoginError(message, detail=f"HTTP {response.status_code} {reason}".strip())
    try:
        data = response.json()
    except ValueError as exc:
        raise LoginError(message, detail="the answer was not JSON") from exc
    if not isinstance(data, dict):
        raise LoginError(message, detail="unexpected answer")
    return data
