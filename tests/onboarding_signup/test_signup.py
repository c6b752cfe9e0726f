"""Sign-up against mastodon-mock: success, field errors, closed servers, confirmation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.accounts import AccountManager
from fedidesk.core.auth.oauth import AppStore
from fedidesk.core.probe import Registrations
from fedidesk.core.secrets import SecretStore, token_key
from fedidesk.core.signup import (
    SignupError,
    SignupForm,
    SignupResult,
    complete_signup,
    confirmation_state,
    resend_confirmation,
    sign_up,
    username_available,
)
from fedidesk.core.storage import Database
from tests.helpers.keyrings import MemoryKeyring
from tests.helpers.mockserver import add_fault

T = TypeVar("T")
PASSWORD = "Kettle#49sunrise-Zq"
OPEN = Registrations(enabled=True)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def _form(username: str = "newbie", **kw: Any) -> SignupForm:
    return SignupForm(username=username, email=f"{username}@example.org", password=PASSWORD,
                      agreement=True, **kw)


def test_username_available(mock: MockServer) -> None:
    assert run(username_available(mock.base_url, "alice")) == "taken"
    assert run(username_available(mock.base_url, "nobody_here_yet")) == "available"
    assert run(username_available(mock.base_url, "not valid!")) == "unknown"
    add_fault(mock.base_url, {"match": {"path": "/api/v1/accounts/lookup"},
                              "effect": {"type": "status", "status": 401,
                                         "body": {"error": "This API requires an "
                                                  "authenticated user"}}})
    assert run(username_available(mock.base_url, "nobody_here_yet")) == "unknown"


def test_sign_up_success_and_store_after_confirmation(
        mock: MockServer, db: Database, secrets: SecretStore, accounts: AccountManager,
        memory_keyring: MemoryKeyring, profile_dir: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    apps = AppStore(db, secrets)
    result = run(sign_up(mock.base_url, _form(), registrations=OPEN, apps=apps))
    assert result.token and result.confirmation_pending and not result.approval_pending
    assert result.token not in repr(result)
    assert apps.get(mock.base_url) is not None  # registered once, kept for reuse
    state = run(confirmation_state(mock.base_url, result.token))
    assert state.confirmed and state.account is not None
    assert state.account.username == "newbie"
    # Nothing stored until complete_signup; then only the keyring holds the token.
    assert accounts.list() == []
    entry = run(complete_signup(accounts, result))
    assert entry.handle.startswith("newbie@")
    assert memory_keyring.store[("fedidesk", token_key(entry.handle))] == result.token
    for path in profile_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert result.token.encode() not in data, path
            assert PASSWORD.encode() not in data, path
    assert result.token not in caplog.text
    assert PASSWORD not in caplog.text
    # The app is reused for a second sign-up (no second registration).
    before = apps.get(mock.base_url)
    run(sign_up(mock.base_url, _form("second"), apps=apps))
    assert apps.get(mock.base_url) == before


def test_taken_username_maps_to_field(mock: MockServer) -> None:
    with pytest.raises(SignupError) as err:
        run(sign_up(mock.base_url, _form("alice")))
    assert "already taken" in err.value.field_errors["username"]
    assert not err.value.closed


def test_details_422_several_fields(mock: MockServer) -> None:
    details = {"email": [{"error": "ERR_BLOCKED", "description": "is not allowed"}],
               "password": [{"error": "ERR_TOO_SHORT", "description": "is too short"}],
               "username": [{"error": "ERR_RESERVED", "description": "is reserved"}]}
    add_fault(mock.base_url, {"match": {"methods": ["POST"], "path": "/api/v1/accounts"},
                              "effect": {"type": "status", "status": 422, "body": {
                                  "error": "Validation failed", "details": details}}})
    with pytest.raises(SignupError) as err:
        run(sign_up(mock.base_url, _form("fresh")))
    fields = err.value.field_errors
    assert set(fields) == {"email", "password", "username"}
    assert "reserved" in fields["username"]
    assert "e-mail provider" in fields["email"]


def test_closed_registrations_known_in_advance(mock: MockServer) -> None:
    regs = Registrations(enabled=False, message="Invite only for now.")
    with pytest.raises(SignupError) as err:
        run(sign_up(mock.base_url, _form(), registrations=regs))
    assert err.value.closed
    assert "another server" in err.value.user_message
    assert "Invite only" in err.value.user_message


def test_closed_registrations_server_403(mock: MockServer) -> None:
    add_fault(mock.base_url, {"match": {"methods": ["POST"], "path": "/api/v1/accounts"},
                              "effect": {"type": "status", "status": 403,
                                         "body": {"error": "This action is not allowed"}}})
    with pytest.raises(SignupError) as err:
        run(sign_up(mock.base_url, _form("fresh")))
    assert err.value.closed
    assert "another server" in err.value.user_message


def test_sign_up_rate_limited(mock: MockServer) -> None:
    add_fault(mock.base_url, {"match": {"methods": ["POST"], "path": "/api/v1/accounts"},
                              "effect": {"type": "status", "status": 429,
                                         "body": {"error": "Too many requests"}}})
    with pytest.raises(SignupError) as err:
        run(sign_up(mock.base_url, _form("fresh")))
    assert "30 minutes" in err.value.user_message


def test_local_validation_before_any_request(mock: MockServer) -> None:
    regs = Registrations(enabled=True, approval_required=True)
    with pytest.raises(SignupError) as err:
        run(sign_up(mock.base_url, _form("fresh"), registrations=regs))
    assert set(err.value.field_errors) == {"reason"}
    ok = run(sign_up(mock.base_url, _form("fresh", reason="Hello mods"), registrations=regs))
    assert ok.approval_pending


def test_resend_and_awaiting_confirmation(mock: MockServer, accounts: AccountManager) -> None:
    result = run(sign_up(mock.base_url, _form("waiting")))
    run(resend_confirmation(mock.base_url, result.token))
    run(resend_confirmation(mock.base_url, result.token, email="other@example.org"))
    add_fault(mock.base_url, {"match": {"path": "/api/v1/accounts/verify_credentials"},
                              "effect": {"type": "status", "status": 403, "body": {
                                  "error": "Your login is missing a confirmed e-mail address"}},
                              "count": 2})
    state = run(confirmation_state(mock.base_url, result.token))
    assert state.status == "awaiting_email" and not state.confirmed
    with pytest.raises(SignupError):
        run(complete_signup(accounts, result))
    assert accounts.list() == []
    assert run(confirmation_state(mock.base_url, result.token)).confirmed  # fault used up


def test_awaiting_approval(mock: MockServer) -> None:
    result = SignupResult("x" * 20, base_url=mock.base_url)
    add_fault(mock.base_url, {"match": {"path": "/api/v1/accounts/verify_credentials"},
                              "effect": {"type": "status", "status": 403, "body": {
                                  "error": "Your login is currently pending approval"}}})
    assert run(confirmation_state(mock.base_url, result.token)).status == "awaiting_approval"
