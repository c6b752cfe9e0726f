"""The whole browser login against a fake server, with the real loopback listener."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from fedidesk.core.accounts import AccountEntry, AccountManager
from fedidesk.core.auth.login import browser_login, extract_code, normalise_server, token_login
from fedidesk.core.auth.oauth import OOB_REDIRECT, server_key
from fedidesk.core.errors import InsecureUrlError, LoginError
from fedidesk.core.paths import resolve_paths
from fedidesk.core.secrets import KeyringUnavailable, SecretMode, SecretStore, token_key
from fedidesk.core.settings import Settings
from fedidesk.core.storage import Database
from tests.auth.conftest import FakeBrowser
from tests.auth.fakeserver import BASE, CLIENT_SECRET, TOKEN, FakeServer
from tests.helpers.keyrings import ForgetfulKeyring


def _login(fake: FakeServer, accounts: AccountManager, browser: object, **kwargs: object
           ) -> AccountEntry:
    async def go() -> AccountEntry:
        async with fake.client() as http:
            return await browser_login("Social.Example/", open_browser=browser,  # type: ignore[arg-type]
                                       secrets=accounts.secrets, accounts=accounts, http=http,
                                       **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_full_login_stores_account_and_token(fake: FakeServer, accounts: AccountManager) -> None:
    browser = FakeBrowser(fake)
    entry = _login(fake, accounts, browser)
    assert entry.handle == "alice@social.example"
    assert entry.account_id == "42"
    assert accounts.token(entry.handle) == TOKEN
    assert [e.handle for e in accounts.list()] == ["alice@social.example"]
    # Browser opened once, on the metadata's authorization endpoint, with S256 PKCE.
    assert len(browser.seen) == 1
    assert browser.seen[0].startswith(f"{BASE}/oauth/authorize?")
    query = browser.query()
    token_form = fake.form("POST /oauth/token")
    digest = hashlib.sha256(token_form["code_verifier"].encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert query["code_challenge_method"] == "S256"
    assert token_form["client_secret"] == CLIENT_SECRET
    assert token_form["redirect_uri"] == query["redirect_uri"]
    assert query["redirect_uri"].startswith("http://127.0.0.1:")


def test_app_registration_is_reused(fake: FakeServer, accounts: AccountManager) -> None:
    _login(fake, accounts, FakeBrowser(fake))
    _login(fake, accounts, FakeBrowser(fake))
    assert fake.count("POST /api/v1/apps") == 1
    assert fake.count("POST /oauth/token") == 2


@pytest.mark.parametrize("state", ["forged", ""])
def test_wrong_or_missing_state_never_reaches_the_token_endpoint(
        fake: FakeServer, accounts: AccountManager, state: str) -> None:
    browser = FakeBrowser(fake, state=state)
    with pytest.raises(LoginError, match="too long"):
        _login(fake, accounts, browser, timeout=0.5)
    assert browser.responses == [400]
    assert fake.count("POST /oauth/token") == 0
    assert accounts.list() == []


def test_second_callback_is_refused(fake: FakeServer, accounts: AccountManager) -> None:
    browser = FakeBrowser(fake, repeat=2)
    _login(fake, accounts, browser)
    assert browser.responses[0] == 200
    assert browser.responses[1] in (0, 410)
    assert fake.count("POST /oauth/token") == 1


def test_declined_in_browser(fake: FakeServer, accounts: AccountManager) -> None:
    browser = FakeBrowser(fake, extra={"error": "access_denied"})
    with pytest.raises(LoginError, match="You declined"):
        _login(fake, accounts, browser)
    assert fake.count("POST /oauth/token") == 0


def test_http_metadata_aborts_before_the_browser(fake: FakeServer,
                                                  accounts: AccountManager) -> None:
    fake.metadata = {**fake.standard_metadata(),
                     "authorization_endpoint": "http://social.example/oauth/authorize"}
    browser = FakeBrowser(fake)
    with pytest.raises(InsecureUrlError):
        _login(fake, accounts, browser)
    assert browser.seen == []
    assert fake.count("POST /api/v1/apps") == 0


def test_foreign_authorization_host_needs_confirmation(fake: FakeServer,
                                                        accounts: AccountManager) -> None:
    fake.metadata = {**fake.standard_metadata(),
                     "authorization_endpoint": "https://auth.other.example/authorize"}
    browser = FakeBrowser(fake)
    with pytest.raises(LoginError, match="another site"):
        _login(fake, accounts, browser)
    assert browser.seen == []
    asked: list[str] = []

    async def confirm(host: str) -> bool:
        asked.append(host)
        return True

    async def no_callback_browser(url: str) -> None:
        browser.seen.append(url)

    async def paste() -> str:
        await asyncio.sleep(0.05)
        fake.issued_codes.add("pasted")
        return "pasted"

    _login(fake, accounts, no_callback_browser, confirm_host=confirm, prompt_code=paste)
    assert asked == ["auth.other.example"]
    assert browser.seen[0].startswith("https://auth.other.example/authorize?")


def test_oob_fallback_without_loopback(fake: FakeServer, accounts: AccountManager) -> None:
    opened: list[str] = []

    async def paste() -> str:
        fake.issued_codes.add("oob-code")
        return "  oob-code\n"

    entry = _login(fake, accounts, opened.append, prompt_code=paste, use_loopback=False)
    assert entry.handle == "alice@social.example"
    assert f"redirect_uri={OOB_REDIRECT.replace(':', '%3A')}" in opened[0]
    assert fake.form("POST /oauth/token")["redirect_uri"] == OOB_REDIRECT


def test_registration_rejecting_loopback_falls_back_to_oob(
        fake: FakeServer, accounts: AccountManager) -> None:
    fake.apps_status = 422
    with pytest.raises(LoginError, match="did not accept fedidesk"):
        _login(fake, accounts, FakeBrowser(fake))
    opened: list[str] = []

    async def paste() -> str:
        fake.issued_codes.add("oob-code")
        return "oob-code"

    _login(fake, accounts, opened.append, prompt_code=paste)
    assert fake.form("POST /api/v1/apps")["redirect_uris"] == OOB_REDIRECT
    assert fake.form("POST /oauth/token")["redirect_uri"] == OOB_REDIRECT


def test_exact_port_registration_for_takahe(fake: FakeServer, accounts: AccountManager) -> None:
    fake.version = "takahe/0.11.0"
    browser = FakeBrowser(fake)
    _login(fake, accounts, browser)
    redirects = fake.form("POST /api/v1/apps")["redirect_uris"].split("\n")
    assert redirects == [browser.query()["redirect_uri"], OOB_REDIRECT]


def test_no_token_in_logs_or_profile_files(fake: FakeServer, accounts: AccountManager,
                                           caplog: pytest.LogCaptureFixture,
                                           profile_dir: Path) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="fedidesk")
    _login(fake, accounts, FakeBrowser(fake))
    assert caplog.records, "the login should have logged something"
    for secret in (TOKEN, CLIENT_SECRET):  # (the code shows up only in the fake browser)
        assert secret not in caplog.text
        for path in profile_dir.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path
    assert accounts.secrets.get(token_key("alice@social.example")) == TOKEN


def test_token_login_verifies_before_storing(fake: FakeServer, accounts: AccountManager) -> None:
    async def go(token: str) -> AccountEntry:
        async with fake.client() as http:
            return await token_login(BASE, token, accounts=accounts, http=http)

    with pytest.raises(LoginError):
        asyncio.run(go("wrong-token-123"))
    assert accounts.list() == []
    entry = asyncio.run(go(f"  {TOKEN}\n"))
    assert entry.scopes == ("read", "profile")
    assert accounts.token(entry.handle) == TOKEN


def test_normalise_server() -> None:
    assert normalise_server(" Mastodon.Social/ ") == "https://mastodon.social"
    assert normalise_server("@alice@Example.org") == "https://example.org"
    assert normalise_server("http://127.0.0.1:3000") == "http://127.0.0.1:3000"
    with pytest.raises(InsecureUrlError):
        normalise_server("http://example.org")
    assert server_key("https://Example.org:8443/") == "example.org:8443"


def test_extract_code_checks_pasted_state() -> None:
    assert extract_code("abc", "s") == "abc"
    assert extract_code("http://127.0.0.1:5/callback?code=abc&state=s", "s") == "abc"
    with pytest.raises(LoginError):
        extract_code("http://127.0.0.1:5/callback?code=abc&state=evil", "s")


def test_failing_keyring_is_reported_not_bypassed() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(KeyringUnavailable):
        SecretStore.open()
    assert SecretStore.open(allow_session_only=True).mode is SecretMode.SESSION_ONLY


def test_forgetful_keyring_is_detected() -> None:
    keyring.set_keyring(ForgetfulKeyring())
    with pytest.raises(KeyringUnavailable, match="does not keep"):
        SecretStore.open()


def test_session_only_login_writes_no_secret_to_disk(fake: FakeServer,
                                                     profile_dir: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    paths = resolve_paths(profile_dir).ensure()
    db = Database(paths.database_file)
    manager = AccountManager(Settings(paths.settings_file),
                             SecretStore.open(allow_session_only=True), db,
                             http_factory=fake.client)
    entry = _login(fake, manager, FakeBrowser(fake))
    assert manager.token(entry.handle) == TOKEN
    db.close()
    for path in profile_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert TOKEN.encode() not in data
            assert CLIENT_SECRET.encode() not in data
