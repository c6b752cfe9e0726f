"""Discovery, app registration and the token/revoke requests (httpx MockTransport)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest

from fedidesk.core.auth.oauth import (
    LOOPBACK_REDIRECT,
    OOB_REDIRECT,
    SCOPES,
    AppStore,
    OAuthApp,
    OAuthClient,
)
from fedidesk.core.errors import InsecureUrlError
from fedidesk.core.secrets import SecretStore, client_secret_key
from fedidesk.core.storage import Database
from tests.auth.fakeserver import BASE, CLIENT_SECRET, FakeServer


def _discover(fake: FakeServer, base: str = BASE):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with fake.client() as http:
            return await OAuthClient(http).discover(base)

    return asyncio.run(go())


def test_404_metadata_gives_defaults() -> None:
    endpoints = _discover(FakeServer(metadata=None))
    assert endpoints.authorization_endpoint == f"{BASE}/oauth/authorize"
    assert endpoints.token_endpoint == f"{BASE}/oauth/token"
    assert endpoints.revocation_endpoint == f"{BASE}/oauth/revoke"
    assert not endpoints.from_metadata
    assert not endpoints.foreign_authorization_host


def test_metadata_endpoints_are_used(fake: FakeServer) -> None:
    fake.metadata = {**fake.standard_metadata(), "token_endpoint": f"{BASE}/o/token"}
    endpoints = _discover(fake)
    assert endpoints.from_metadata
    assert endpoints.token_endpoint == f"{BASE}/o/token"


@pytest.mark.parametrize("name", ["authorization_endpoint", "token_endpoint",
                                  "revocation_endpoint"])
def test_http_endpoint_in_metadata_aborts(fake: FakeServer, name: str) -> None:
    fake.metadata = {**fake.standard_metadata(), name: "http://social.example/oauth/x"}
    with pytest.raises(InsecureUrlError, match="not https"):
        _discover(fake)


def test_http_api_base_is_refused_for_remote_hosts(fake: FakeServer) -> None:
    with pytest.raises(InsecureUrlError):
        _discover(fake, "http://social.example")
    assert fake.calls == {}


def test_foreign_authorization_host_is_flagged(fake: FakeServer) -> None:
    fake.metadata = {**fake.standard_metadata(),
                     "authorization_endpoint": "https://login.other.example/authorize"}
    endpoints = _discover(fake)
    assert endpoints.foreign_authorization_host
    assert endpoints.authorization_host == "login.other.example"


def test_register_app_sends_newline_separated_redirects(fake: FakeServer) -> None:
    async def go() -> OAuthApp:
        async with fake.client() as http:
            return await OAuthClient(http).register_app(
                BASE, (LOOPBACK_REDIRECT, OOB_REDIRECT), SCOPES)

    app = asyncio.run(go())
    form = fake.form("POST /api/v1/apps")
    assert form["redirect_uris"] == f"{LOOPBACK_REDIRECT}\n{OOB_REDIRECT}"
    assert form["scopes"] == SCOPES
    assert form["client_name"] == "fedidesk"
    assert app.client_id == "client-id-1"
    assert app.client_secret == CLIENT_SECRET
    assert CLIENT_SECRET not in repr(app)
    assert app.allows("http://127.0.0.1:51234/callback")
    assert app.allows(OOB_REDIRECT)
    assert not app.allows("http://localhost:51234/callback")
    assert not app.allows("http://127.0.0.1:51234/other")


def test_authorize_url_and_exchange_carry_pkce_and_secret(fake: FakeServer) -> None:
    app = OAuthApp(BASE, "cid", CLIENT_SECRET)
    fake.issued_codes.add("the-code")

    async def go() -> str:
        async with fake.client() as http:
            oauth = OAuthClient(http)
            endpoints = await oauth.discover(BASE)
            url = oauth.authorize_url(endpoints, app, redirect_uri="http://127.0.0.1:9/callback",
                                      state="st", code_challenge="ch")
            grant = await oauth.exchange_code(endpoints, app, code="the-code",
                                              redirect_uri="http://127.0.0.1:9/callback",
                                              code_verifier="ver")
            assert grant.access_token not in repr(grant)
            return url

    url = asyncio.run(go())
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{BASE}/oauth/authorize?")
    assert query == {"response_type": "code", "client_id": "cid",
                     "redirect_uri": "http://127.0.0.1:9/callback", "scope": SCOPES,
                     "state": "st", "code_challenge": "ch", "code_challenge_method": "S256"}
    form = fake.form("POST /oauth/token")
    assert form["code_verifier"] == "ver"
    assert form["client_secret"] == CLIENT_SECRET
    assert form["grant_type"] == "authorization_code"
    assert form["client_id"] == "cid"


def test_scopes_are_granular() -> None:
    scopes = SCOPES.split()
    assert "read" in scopes
    assert "profile" in scopes
    assert not {"write", "follow", "push"} & set(scopes)
    assert all(s == "read" or s == "profile" or s.startswith("write:") for s in scopes)


def test_app_store_keeps_secret_in_keyring_only(profile_dir) -> None:  # type: ignore[no-untyped-def]
    db = Database(profile_dir / "db.sqlite3")
    secrets = SecretStore.open()
    store = AppStore(db, secrets)
    store.put(OAuthApp(BASE, "cid", CLIENT_SECRET))
    assert secrets.get(client_secret_key("social.example")) == CLIENT_SECRET
    rows = db.execute("SELECT value FROM kv")
    assert "cid" in rows[0]["value"]
    assert CLIENT_SECRET not in rows[0]["value"]
    loaded = store.get(f"{BASE}/")
    assert loaded is not None
    assert loaded.client_secret == CLIENT_SECRET
    store.delete(BASE)
    assert store.get(BASE) is None
    assert secrets.get(client_secret_key("social.example")) is None
    db.close()
