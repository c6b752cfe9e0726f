"""Sign-in errors say what happened: unreachable is not "did not accept".

QA pass 4: ``login --token-stdin http://127.0.0.1:1`` (and an unresolvable host) said "The
server did not accept the sign-in." although the server was never reached.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

import httpx
import pytest

from fedidesk.cli.main import run
from fedidesk.core.accounts import AccountEntry, AccountManager
from fedidesk.core.auth.login import token_login
from fedidesk.core.errors import LoginError, NetworkError, ServerUnavailableError

BASE = "https://social.example"
Handler = Callable[[httpx.Request], httpx.Response]


def _login(accounts: AccountManager, handler: Handler, server: str = BASE) -> AccountEntry:
    async def go() -> AccountEntry:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
            return await token_login(server, "some-token", accounts=accounts, http=http)

    return asyncio.run(go())


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)


def _status(status: int, body: object = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(status, text="<html>nothing here</html>",
                                  headers={"Content-Type": "text/html"})
        return httpx.Response(status, json=body)

    return handler


def test_unreachable_server_is_a_network_error(accounts: AccountManager) -> None:
    with pytest.raises(NetworkError) as err:
        _login(accounts, _unreachable)
    assert not isinstance(err.value, LoginError)
    assert "did not accept" not in err.value.user_message
    assert "social.example" in err.value.user_message
    assert accounts.list() == []


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token_did_not_accept(accounts: AccountManager, status: int) -> None:
    with pytest.raises(LoginError) as err:
        _login(accounts, _status(status, {"error": "The access token is invalid"}))
    assert err.value.user_message == "The server did not accept the sign-in."
    assert accounts.list() == []


def test_no_mastodon_api_says_so(accounts: AccountManager) -> None:
    with pytest.raises(LoginError) as err:
        _login(accounts, _status(404))
    assert "does not offer the Mastodon client API" in err.value.user_message
    assert "social.example" in err.value.user_message


def test_overloaded_server_keeps_its_message(accounts: AccountManager) -> None:
    with pytest.raises(ServerUnavailableError) as err:
        _login(accounts, _status(503, {"error": "maintenance"}))
    assert "trouble" in err.value.user_message


def test_cli_token_login_to_a_closed_port(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("tok\n"))
    assert run(["login", "--token-stdin", "http://127.0.0.1:1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fedidesk: ")
    assert "did not accept" not in err
    assert "Could not reach 127.0.0.1" in err
