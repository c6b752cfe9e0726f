"""Account manager: logout revokes and forgets, lost tokens mark "needs sign-in", defaults."""

from __future__ import annotations

import asyncio

from fedidesk.core.accounts import AccountEntry, AccountManager
from fedidesk.core.auth.oauth import server_key
from fedidesk.core.secrets import client_secret_key, token_key
from tests.auth.conftest import FakeBrowser
from tests.auth.fakeserver import BASE, CLIENT_SECRET, TOKEN, FakeServer
from tests.auth.test_login import _login
from tests.helpers.keyrings import MemoryKeyring


def test_logout_revokes_with_client_credentials_and_clears_keyring(
        fake: FakeServer, accounts: AccountManager, memory_keyring: MemoryKeyring) -> None:
    entry = _login(fake, accounts, FakeBrowser(fake))
    result = asyncio.run(accounts.logout("@Alice@social.example"))
    assert result.revoked
    assert result.problem == ""
    form = fake.form("POST /oauth/revoke")
    assert (form["token"], form["client_id"], form["client_secret"]) == (
        TOKEN, "client-id-1", CLIENT_SECRET)
    assert accounts.list() == []
    assert accounts.secrets.get(token_key(entry.handle)) is None
    assert accounts.secrets.get(client_secret_key(server_key(BASE))) is None
    assert memory_keyring.store == {}


def test_logout_reports_a_failed_revoke_but_still_forgets(
        fake: FakeServer, accounts: AccountManager) -> None:
    entry = _login(fake, accounts, FakeBrowser(fake))
    fake.revoke_status = 500
    result = asyncio.run(accounts.logout(entry.handle))
    assert not result.revoked
    assert "revoked" in result.problem
    assert accounts.list() == []
    assert accounts.secrets.get(token_key(entry.handle)) is None


def test_lost_token_marks_needs_sign_in(accounts: AccountManager) -> None:
    entry = accounts.add(AccountEntry("bob@social.example", BASE, "7"), "tok-bob-123456")
    accounts.secrets.delete(token_key(entry.handle))
    assert accounts.token(entry.handle) is None
    assert accounts.get(entry.handle).needs_sign_in
    stored = accounts.add(entry, "tok-bob-654321")
    assert not stored.needs_sign_in
    assert not accounts.get(entry.handle).needs_sign_in


def test_default_and_switching_keep_everyone_signed_in(accounts: AccountManager) -> None:
    accounts.add(AccountEntry("a@one.example", "https://one.example", "1"), "token-a-123")
    accounts.add(AccountEntry("b@two.example", "https://two.example", "2"), "token-b-123")
    assert accounts.default is not None
    assert accounts.default.handle == "a@one.example"
    accounts.set_default("B@two.example")
    assert accounts.default is not None
    assert accounts.default.handle == "b@two.example"
    assert accounts.token("a@one.example") == "token-a-123"
    assert accounts.token("b@two.example") == "token-b-123"
    assert "token" not in accounts.settings.path.read_text()


def test_the_timeout_setting_reaches_every_account_client(
        fake: FakeServer, accounts: AccountManager) -> None:
    entry = _login(fake, accounts, FakeBrowser(fake))
    accounts.settings.set("network.timeout_s", 7.0)
    api = accounts.api(entry.handle)
    assert api.client.timeout.read == 7.0
    accounts.settings.set("network.timeout_s", 45.0)  # changed while the app runs
    assert api.client.timeout.read == 45.0
    assert api.client.timeout.connect == 10.0  # connecting never waits longer than 10 s
