"""The one-shot loopback listener: 127.0.0.1 only, state-checked, single use, time-limited."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from fedidesk.core.auth.loopback import LoopbackListener
from fedidesk.core.errors import LoginError


async def _get(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(url)


async def _raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data


def test_binds_loopback_only_with_matching_redirect_port() -> None:
    async def scenario() -> None:
        async with LoopbackListener() as listener:
            host, port = listener.sockname
            assert host == "127.0.0.1"
            assert port > 0
            assert listener.redirect_uri == f"http://127.0.0.1:{port}/callback"

    asyncio.run(scenario())


def test_good_callback_returns_code_then_closes() -> None:
    async def scenario() -> None:
        listener = await LoopbackListener().start()
        waiter = asyncio.create_task(listener.wait_for_code("s1", timeout=5))
        response = await _get(f"{listener.redirect_uri}?code=abc&state=s1")
        assert response.status_code == 200
        assert "You can close this tab and return to fedidesk" in response.text
        assert await waiter == "abc"
        assert listener.closed
        with pytest.raises(httpx.ConnectError):
            await _get(f"{listener.redirect_uri}?code=other&state=s1")

    asyncio.run(scenario())


@pytest.mark.parametrize("query", ["code=evil&state=wrong", "code=evil", "code=evil&state="])
def test_wrong_or_missing_state_does_not_complete(query: str) -> None:
    async def scenario() -> None:
        listener = await LoopbackListener().start()
        waiter = asyncio.create_task(listener.wait_for_code("right", timeout=5))
        bad = await _get(f"{listener.redirect_uri}?{query}")
        assert bad.status_code == 400
        assert not waiter.done()
        good = await _get(f"{listener.redirect_uri}?code=good&state=right")
        assert good.status_code == 200
        assert await waiter == "good"

    asyncio.run(scenario())


def test_second_callback_is_ignored() -> None:
    async def scenario() -> None:
        listener = await LoopbackListener().start()
        waiter = asyncio.create_task(listener.wait_for_code("s", timeout=5))
        # Both connections are open before the first one completes the login.
        reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
        first = await _get(f"{listener.redirect_uri}?code=first&state=s")
        assert first.status_code == 200
        writer.write(b"GET /callback?code=second&state=s HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        second = await reader.read()
        writer.close()
        assert second.startswith(b"HTTP/1.1 410")
        assert await waiter == "first"

    asyncio.run(scenario())


def test_access_denied_raises_declined() -> None:
    async def scenario() -> None:
        listener = await LoopbackListener().start()
        waiter = asyncio.create_task(listener.wait_for_code("s", timeout=5))
        response = await _get(f"{listener.redirect_uri}?error=access_denied&state=s")
        assert response.status_code == 200
        with pytest.raises(LoginError, match="You declined"):
            await waiter
        assert listener.closed

    asyncio.run(scenario())


def test_times_out_and_closes() -> None:
    async def scenario() -> None:
        listener = await LoopbackListener().start()
        port = listener.port
        with pytest.raises(LoginError, match="too long"):
            await listener.wait_for_code("s", timeout=0.2)
        assert listener.closed
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)

    asyncio.run(scenario())


def test_other_paths_methods_and_huge_requests_are_refused() -> None:
    async def scenario() -> None:
        listener = await LoopbackListener(max_request_bytes=1024).start()
        waiter = asyncio.create_task(listener.wait_for_code("s", timeout=5))
        assert (await _get(f"http://127.0.0.1:{listener.port}/other?code=x&state=s")
                ).status_code == 404
        post = await _raw(listener.port, b"POST /callback?code=x&state=s HTTP/1.1\r\n\r\n")
        assert post.startswith(b"HTTP/1.1 405")
        long_line = b"GET /callback?code=" + b"a" * 5000 + b" HTTP/1.1\r\n\r\n"
        huge = await _raw(listener.port, long_line)
        assert huge.startswith(b"HTTP/1.1 431")
        assert not waiter.done()
        waiter.cancel()
        await listener.close()

    asyncio.run(scenario())


def test_callback_arriving_before_wait_is_held_until_state_is_known() -> None:
    async def scenario() -> None:
        listener = await LoopbackListener().start()
        early = asyncio.create_task(_get(f"{listener.redirect_uri}?code=c&state=s"))
        await asyncio.sleep(0.05)
        assert await listener.wait_for_code("s", timeout=5) == "c"
        assert (await early).status_code == 200

    asyncio.run(scenario())
