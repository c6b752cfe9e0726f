"""Verifying candidates: WebFinger against local servers, resolution through mastodon-mock."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.contacts.extract import Candidate
from fedidesk.core.contacts.resolve import (
    WebFinger,
    resolve_candidates,
    resolve_on_server,
    status_text,
)
from fedidesk.core.http import make_client
from tests.helpers.mockserver import token_for

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def cand(handle: str, confidence: float = 0.7) -> Candidate:
    return Candidate(handle, "bio", "someone", confidence, "test")


class FakeFediverse(BaseHTTPRequestHandler):
    """Serves ``/<host>/.well-known/webfinger`` for a few pretend hosts."""

    accounts: ClassVar[dict[str, set[str]]] = {"good.test": {"bob", "amy"},
                                               "alias.test": {"cat"}}
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        host = parts.path.split("/")[1]
        type(self).requests.append(self.path)
        resource = parse_qs(parts.query).get("resource", [""])[0]
        user = resource.removeprefix("acct:").split("@")[0]
        if host == "broken.test":
            return self._send(500, b"oops")
        if host == "nojson.test":
            return self._send(200, b"<html>")
        if host == "huge.test":
            return self._send(200, b"{" + b" " * 400_000 + b"}")
        if host == "noactor.test":
            return self._send(200, json.dumps({"subject": resource, "links": []}).encode())
        if user not in self.accounts.get(host, set()):
            return self._send(404, b'{"error": "not found"}')
        subject = f"acct:{user}@{'canonical.test' if host == 'alias.test' else host}"
        body = {"subject": subject, "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
             "href": f"https://{host}/@{user}"},
            {"rel": "self", "type": "application/activity+json",
             "href": f"https://{host}/users/{user}"}]}
        return self._send(200, json.dumps(body).encode(), "application/jrd+json")

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fediverse() -> Iterator[str]:
    FakeFediverse.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeFediverse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hanging() -> Iterator[str]:
    """A host that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(50)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def _router(fediverse: str, hanging: str = "") -> Callable[[str], str]:
    return lambda host: hanging if host == "hang.test" else f"{fediverse}/{host}"


def test_webfinger_statuses(fediverse: str) -> None:
    async def main() -> dict[str, Any]:
        async with WebFinger(base_url_for=_router(fediverse), timeout=5) as wf:
            handles = ["bob@good.test", "zed@good.test", "cat@alias.test", "x@broken.test",
                       "x@nojson.test", "x@huge.test", "x@noactor.test", "nohost"]
            return {h: await wf.check(h) for h in handles}

    results = run(main())
    status = {h: r.status for h, r in results.items()}
    assert status == {"bob@good.test": "found", "zed@good.test": "not_found",
                      "cat@alias.test": "found", "x@broken.test": "unreachable",
                      "x@nojson.test": "invalid", "x@huge.test": "invalid",
                      "x@noactor.test": "invalid", "nohost": "invalid"}
    bob = results["bob@good.test"]
    assert (bob.subject, bob.actor_url, bob.profile_url) == (
        "bob@good.test", "https://good.test/users/bob", "https://good.test/@bob")
    assert results["cat@alias.test"].subject == "cat@canonical.test"
    assert any("resource=acct%3Abob%40good.test" in r for r in FakeFediverse.requests)


def test_webfinger_refuses_plain_http_to_remote_hosts() -> None:
    async def main() -> str:
        async with WebFinger(base_url_for=lambda h: f"http://{h}") as wf:
            return (await wf.check("bob@example.social")).status

    assert run(main()) == "invalid"


def test_hanging_host_is_deferred_after_n_failures(fediverse: str, hanging: str) -> None:
    candidates = [cand(f"u{i}@hang.test") for i in range(6)] + [
        cand("bob@good.test"), cand("amy@good.test")]

    async def main() -> tuple[list[str], dict[str, int]]:
        async with WebFinger(base_url_for=_router(fediverse, hanging), timeout=0.3,
                             per_host=1, max_failures=2) as wf:
            results = await resolve_candidates(candidates, webfinger=wf)
            return [r.status for r in results], wf.gate.attempts

    started = time.monotonic()
    statuses, attempts = run(main())
    assert time.monotonic() - started < 5
    assert attempts["hang.test"] == 2
    assert statuses[:6].count("unreachable") == 2
    assert statuses[:6].count("deferred") == 4
    assert statuses[6:] == ["found", "found"]


def test_webfinger_against_mastodon_mock(mock: MockServer) -> None:
    async def main() -> tuple[str, str]:
        async with WebFinger(base_url_for=lambda h: mock.base_url) as wf:
            found = await wf.check("bob@127.0.0.1")
            missing = await wf.check("nobody@127.0.0.1")
            return found.status, missing.status

    assert run(main()) == ("found", "not_found")


# -- through the user's server ----------------------------------------------------------------


def test_resolve_through_mock_server(mock: MockServer) -> None:
    candidates = [cand("bob@127.0.0.1"), cand("dave@remote.example", 0.6),
                  cand("nobody@remote.example"), cand("carol@127.0.0.1")]

    async def main() -> list[Any]:
        async with MastodonApi(mock.base_url, token_for(mock, "alice")) as api:
            return await resolve_candidates(candidates, api=api, concurrency=2)

    results = run(main())
    assert [r.status for r in results] == ["found", "found", "not_found", "found"]
    assert [r.handle for r in results] == ["bob@127.0.0.1", "dave@remote.example",
                                           "nobody@remote.example", "carol@127.0.0.1"]
    assert all(r.account_id for r in results if r.resolved)
    assert results[1].confidence >= 0.9
    assert results[2].confidence < 0.2
    assert results[2].account is None


def test_your_own_address_is_shown_but_not_offered(mock: MockServer) -> None:
    """People announced their own new address; following yourself is not a contact."""
    async def main() -> list[Any]:
        async with MastodonApi(mock.base_url, token_for(mock, "alice")) as api:
            return await resolve_candidates(
                [cand("bob@127.0.0.1"), cand("Alice@127.0.0.1"), cand("alice@127.0.0.1")],
                api=api, own_handle="@alice@127.0.0.1")

    bob, shouting, alice = run(main())
    assert bob.status == "found" and bob.resolved
    for me in (shouting, alice):
        assert (me.status, me.resolved) == ("yourself", False)
        assert me.reason == "this is the account you are signed in with"
        assert status_text(me.status) == "you"


def test_an_old_account_that_moved_to_you_is_you() -> None:
    me = _account("me@new.social", "77")
    old = _account("me@old.social", "11", moved=me)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/search":
            return httpx.Response(200, json={"accounts": [old], "statuses": [],
                                             "hashtags": []})
        return httpx.Response(404, json={"error": "Record not found"})

    async def main() -> Any:
        client = make_client(transport=httpx.MockTransport(handler))
        async with MastodonApi("https://new.social", "tok", client=client) as api:
            (result,) = await resolve_candidates([cand("me@old.social")], api=api,
                                                 own_handle="me@new.social")
        await client.aclose()
        return result

    assert run(main()).status == "yourself"


def test_webfinger_then_server(mock: MockServer) -> None:
    async def main() -> list[Any]:
        async with (MastodonApi(mock.base_url, token_for(mock, "alice")) as api,
                    WebFinger(base_url_for=lambda h: mock.base_url) as wf):
            return await resolve_candidates([cand("bob@127.0.0.1"), cand("ghost@127.0.0.1")],
                                            api=api, webfinger=wf)

    bob, ghost = run(main())
    assert (bob.status, ghost.status) == ("found", "not_found")
    assert "WebFinger" in bob.reason and "your server" in bob.reason


def _account(acct: str, account_id: str, moved: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": account_id, "username": acct.split("@")[0], "acct": acct,
            "url": f"https://{acct.split('@')[-1]}/@{acct.split('@')[0]}", "moved": moved}


def test_moved_account_is_followed_to_its_new_home() -> None:
    new = _account("bob@new.social", "77")
    old = _account("bob@old.social", "11", moved=new)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/v2/search":
            assert request.url.params["resolve"] == "true"
            assert request.url.params["type"] == "accounts"
            return httpx.Response(200, json={"accounts": [
                _account("bobby@old.social", "10"), old], "statuses": [], "hashtags": []})
        return httpx.Response(404, json={"error": "Record not found"})

    async def main() -> Any:
        client = make_client(transport=httpx.MockTransport(handler))
        async with MastodonApi("https://example.social", "tok", client=client) as api:
            (result,) = await resolve_candidates([cand("Bob@old.social")], api=api)
        await client.aclose()
        return result

    result = run(main())
    assert result.status == "moved"
    assert result.handle == "bob@new.social"
    assert result.account_id == "77"
    assert "moved from bob@old.social" in result.reason


def test_lookup_fallback_and_local_accounts() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(f"{request.url.path}?{request.url.params.get('acct', '')}")
        if request.url.path == "/api/v2/search":
            return httpx.Response(200, json={"accounts": [], "statuses": [], "hashtags": []})
        if request.url.params.get("acct") == "me":
            return httpx.Response(200, json=_account("me", "1"))
        return httpx.Response(404, json={"error": "Record not found"})

    async def main() -> tuple[Any, Any]:
        client = make_client(transport=httpx.MockTransport(handler))
        async with MastodonApi("https://example.social", "tok", client=client) as api:
            local = await resolve_on_server(api, "me@example.social")
            remote = await resolve_on_server(api, "x@elsewhere.social")
        await client.aclose()
        return local, remote

    local, remote = run(main())
    assert local is not None and local.id == "1"
    assert remote is None
    assert paths == ["/api/v1/accounts/lookup?me", "/api/v2/search?",
                     "/api/v1/accounts/lookup?x@elsewhere.social"]


def test_no_verifier_means_unchecked() -> None:
    (result,) = run(resolve_candidates([cand("a@b.social")]))
    assert (result.status, result.resolved) == ("unchecked", False)
