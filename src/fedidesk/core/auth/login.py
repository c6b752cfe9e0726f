"""The sign-in flow shared by the CLI and the GUI (no Qt here).

``browser_login``: normalise the server address (https only, except loopback) → discover
the OAuth endpoints → reuse or register the app → start the loopback listener → open the
user's browser → wait for the code (or a pasted one) → exchange it with PKCE and the client
secret → verify the token → store it. Falls back to the out-of-band code when no loopback
redirect is possible. ``token_login`` stores an existing token after verifying it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

import httpx

from fedidesk.core.accounts import AccountEntry, AccountManager
from fedidesk.core.api import MastodonApi
from fedidesk.core.auth.loopback import LoopbackListener
from fedidesk.core.auth.oauth import (
    DEFAULT_REDIRECTS,
    OOB_REDIRECT,
    SCOPES,
    OAuthApp,
    OAuthClient,
    ServerEndpoints,
)
from fedidesk.core.auth.pkce import Pkce
from fedidesk.core.entities import Account
from fedidesk.core.errors import (
    AuthExpiredError,
    ForbiddenError,
    InsecureUrlError,
    LoginError,
    NotSupportedError,
)
from fedidesk.core.http import make_client, require_secure_url
from fedidesk.core.i18n import _
from fedidesk.core.redact import register_secret
from fedidesk.core.secrets import SecretStore

log = logging.getLogger("fedidesk.auth")

#: Server software that rejects a loopback redirect on another port than the registered one
#: (mastodon.md §10). For these the app is registered with the exact port for each login.
EXACT_PORT_SOFTWARE = ("takahe",)
#: How long an awaitable browser opener may keep running once the code has arrived.
BROWSER_GRACE_S = 2.0

OpenBrowser = Callable[[str], object]
PromptCode = Callable[[], Awaitable[str]]
ConfirmHost = Callable[[str], Awaitable[bool]]


def normalise_server(server: str) -> str:
    """``Mastodon.Social/`` → ``https://mastodon.social``; http only for loopback hosts."""
    text = server.strip().rstrip("/")
    if text.startswith("@") or ("@" in text and "://" not in text):
        text = text.rsplit("@", 1)[-1]  # a handle was given: use its domain
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
        raise InsecureUrlError(_("That is not a valid server address."), detail="unparsable")
    if parts.path not in ("", "/"):
        raise LoginError(_("Enter just the server's address, like mastodon.social."))
    netloc = parts.hostname.lower() + (f":{parts.port}" if parts.port else "")
    if ":" in parts.hostname:
        netloc = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    return require_secure_url(f"{parts.scheme.lower()}://{netloc}")


def make_handle(account: Account, base_url: str) -> str:
    """``user@domain`` from a verified account (domain: acct, profile URL, then the API host)."""
    if "@" in account.acct:
        return account.acct.lower()
    domain = urlsplit(account.url).netloc or urlsplit(base_url).netloc
    return f"{(account.username or account.acct).lower()}@{domain.lower()}"


def extract_code(text: str, expected_state: str) -> str:
    """Accept a pasted code or a pasted redirect URL (whose ``state`` must match)."""
    text = text.strip()
    if "?" not in text and "=" not in text:
        if not text:
            raise LoginError(_("No code was entered."))
        return text
    query = parse_qs(urlsplit(text).query if "?" in text else text)
    states = query.get("state")
    state = states[0] if states else None
    if state is not None and not hmac.compare_digest(state, expected_state):
        raise LoginError(_("That address belongs to another sign-in attempt. Start again."))
    if "error" in query:
        raise LoginError(_("You declined the sign-in request in the browser."))
    code = (query.get("code") or [""])[0]
    if not code:
        raise LoginError(_("No code was found in what was pasted."))
    return code


async def browser_login(server: str, *, open_browser: OpenBrowser, secrets: SecretStore,
                        accounts: AccountManager, prompt_code: PromptCode | None = None,
                        timeout: float = 300,  # noqa: ASYNC109 (the documented signature)
                        http: httpx.AsyncClient | None = None,
                        confirm_host: ConfirmHost | None = None,
                        use_loopback: bool = True) -> AccountEntry:
    """Sign in through the user's browser and return the stored account."""
    del secrets  # the account manager stores through the same SecretStore
    base = normalise_server(server)
    async with _client(http) as client:
        oauth = OAuthClient(client)
        software = await _software(client, base)
        endpoints = await oauth.discover(base)
        if endpoints.foreign_authorization_host and not (
                confirm_host is not None and await confirm_host(endpoints.authorization_host)):
            raise LoginError(
                _("Signing in would continue on another site ({host}); fedidesk stopped "
                  "because this was not confirmed.").format(host=endpoints.authorization_host))
        pkce = Pkce.generate()
        listener = await _listener() if use_loopback else None
        try:
            if listener is None:
                if prompt_code is None:
                    raise LoginError("fedidesk could not receive the sign-in answer on this "
                                     "computer and has no way to ask for a code.")
                redirect, app = OOB_REDIRECT, await _app(oauth, accounts, base, OOB_REDIRECT, False)
            else:
                exact = any(name in software for name in EXACT_PORT_SOFTWARE)
                redirect = listener.redirect_uri
                try:
                    app = await _app(oauth, accounts, base, redirect, exact)
                except LoginError:
                    if prompt_code is None:
                        raise
                    log.warning("%s rejected the loopback redirect; using a pasted code", base)
                    await listener.close()
                    listener = None
                    redirect = OOB_REDIRECT
                    app = await _app(oauth, accounts, base, OOB_REDIRECT, False)
            url = oauth.authorize_url(endpoints, app, redirect_uri=redirect, state=pkce.state,
                                      code_challenge=pkce.challenge)
            code = await _obtain_code(url, open_browser, listener, prompt_code, pkce, timeout)
        finally:
            if listener is not None:
                await listener.close()
        grant = await oauth.exchange_code(endpoints, app, code=code, redirect_uri=redirect,
                                          code_verifier=pkce.verifier)
        register_secret(grant.access_token)
        return await _store(client, accounts, base, grant.access_token, grant.scope or app.scopes)


async def token_login(server: str, token: str, *, accounts: AccountManager,
                      http: httpx.AsyncClient | None = None) -> AccountEntry:
    """Store an existing access token once ``verify_credentials`` accepts it."""
    token = token.strip()
    if not token:
        raise LoginError(_("No access token was given."))
    register_secret(token)
    base = normalise_server(server)
    async with _client(http) as client:
        scopes = await _token_scopes(client, base, token)
        return await _store(client, accounts, base, token, scopes)


# -- steps -----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _client(http: httpx.AsyncClient | None) -> AsyncIterator[httpx.AsyncClient]:
    if http is not None:
        yield http
        return
    async with make_client() as client:
        yield client


async def _software(client: httpx.AsyncClient, base: str) -> str:
    """The lower-cased ``version`` string of ``/api/v1/instance`` ("" when unknown)."""
    try:
        response = await client.get(f"{base}/api/v1/instance")
        data = response.json() if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        log.info("Could not read %s/api/v1/instance", base)
        return ""
    return str(data.get("version", "")).lower() if isinstance(data, dict) else ""


async def _listener() -> LoopbackListener | None:
    try:
        return await LoopbackListener().start()
    except OSError as exc:
        log.warning("Could not listen on 127.0.0.1: %s", exc)
        return None


async def _app(oauth: OAuthClient, accounts: AccountManager, base: str, redirect: str,
               exact_port: bool) -> OAuthApp:
    """Reuse the cached registration when it fits, else register (and cache) a new one."""
    cached = accounts.apps.get(base)
    reusable = cached is not None and cached.scopes == SCOPES and cached.allows(redirect)
    if cached is not None and reusable and not exact_port:
        return cached
    if redirect == OOB_REDIRECT:
        uris: tuple[str, ...] = (OOB_REDIRECT,)
    elif exact_port:
        uris = (redirect, OOB_REDIRECT)
    else:
        uris = DEFAULT_REDIRECTS
    app = await oauth.register_app(base, uris, SCOPES)
    accounts.apps.put(app)
    return app


async def _obtain_code(url: str, open_browser: OpenBrowser, listener: LoopbackListener | None,
                       prompt_code: PromptCode | None, pkce: Pkce, timeout: float) -> str:  # noqa: ASYNC109
    """Open the browser and wait for the first code: loopback callback or pasted."""
    if listener is not None:
        listener.expect_state(pkce.state)
    opened = open_browser(url)
    browser_task = asyncio.ensure_future(opened) if inspect.isawaitable(opened) else None
    waiters: list[asyncio.Future[str]] = []
    if listener is not None:
        waiters.append(asyncio.ensure_future(listener.wait_for_code(pkce.state, timeout)))
    if prompt_code is not None:
        waiters.append(asyncio.ensure_future(_pasted(prompt_code, pkce.state)))
    try:
        done, _pending = await asyncio.wait(waiters, timeout=timeout + 1,
                                     return_when=asyncio.FIRST_COMPLETED)
        if not done:
            raise LoginError(_("Signing in took too long. Start again."))
        return next(iter(done)).result()
    finally:
        for waiter in waiters:
            waiter.cancel()
        if browser_task is not None:  # let an async opener finish briefly, then stop it
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(browser_task, BROWSER_GRACE_S)


async def _pasted(prompt_code: PromptCode, state: str) -> str:
    return extract_code(await prompt_code(), state)


async def _token_scopes(client: httpx.AsyncClient, base: str, token: str) -> str:
    """Scopes of ``token`` via ``/api/v1/apps/verify_credentials`` (best effort)."""
    try:
        response = await client.get(f"{base}/api/v1/apps/verify_credentials",
                                    headers={"Authorization": f"Bearer {token}"})
        data = response.json() if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return ""
    scopes = data.get("scopes") if isinstance(data, dict) else None
    return " ".join(str(s) for s in scopes) if isinstance(scopes, list) else ""


async def _store(client: httpx.AsyncClient, accounts: AccountManager, base: str, token: str,
                 scopes: str) -> AccountEntry:
    api = MastodonApi(base, token, client=client)
    try:
        account = await api.verify_credentials()
    except (AuthExpiredError, ForbiddenError) as exc:  # a refusal: bad, revoked or weak token
        raise LoginError(_("The server did not accept the sign-in."),
                         detail=exc.user_message) from exc
    except NotSupportedError as exc:  # a web server, but no Mastodon API behind it
        raise LoginError(_("{host} does not offer the Mastodon client API, so fedidesk cannot "
                           "use it. Check the address, or pick a Mastodon server.").format(
                               host=urlsplit(base).netloc), detail=exc.user_message) from exc
    # Anything else (unreachable, timed out, overloaded) keeps its own message: the server
    # did not refuse the sign-in, it never answered it.
    finally:
        await api.aclose()
    entry = AccountEntry(
        handle=make_handle(account, base),
        base_url=base,
        account_id=account.id,
        display_name=account.display_name,
        avatar=account.avatar,
        acct=account.acct,
        scopes=tuple(scopes.split()),
    )
    stored = accounts.add(entry, token)
    log.info("Signed in as %s", stored.handle)
    return stored


__all__ = ["ServerEndpoints", "browser_login", "extract_code", "make_handle",
           "normalise_server", "token_login"]
