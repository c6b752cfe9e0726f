"""The one-shot loopback HTTP listener that receives the OAuth redirect (RFC 8252 §7.3).

Bound to ``127.0.0.1`` on an OS-chosen port, never to all interfaces. It accepts exactly
one ``GET /callback`` whose ``state`` matches; anything else gets an error page and does not
complete the login. After the first good callback (or the timeout) it closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import logging
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from fedidesk.core.errors import LoginError
from fedidesk.core.i18n import N_, _, ngettext

log = logging.getLogger("fedidesk.auth")

HOST = "127.0.0.1"
CALLBACK_PATH = "/callback"
MAX_REQUEST_BYTES = 8192
READ_TIMEOUT_S = 10.0

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fedidesk</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em}}</style>
</head><body><h1>{title}</h1><p>{text}</p></body></html>
"""
_DONE = (N_("You are signed in"), N_("You can close this tab and return to fedidesk."))
_DECLINED = (N_("Sign-in cancelled"), N_("You can close this tab and return to fedidesk."))
_BAD_STATE = (N_("This sign-in link is not valid"),
              N_("It does not belong to the sign-in fedidesk started. Start again from "
                 "fedidesk."))
_USED = (N_("This sign-in link was already used"),
         N_("You can close this tab and return to fedidesk."))
_NOT_FOUND = (N_("Not found"), N_("fedidesk only answers sign-in redirects here."))
_TOO_LARGE = (N_("Request too large"), N_("fedidesk only answers sign-in redirects here."))


class LoopbackListener:
    """Receive one authorization code on ``http://127.0.0.1:<port>/callback``.

    Use as ``async with LoopbackListener() as listener:`` (or ``await start()`` and
    ``await close()``), put ``listener.redirect_uri`` into the authorize URL, then
    ``code = await listener.wait_for_code(state)``.
    """

    def __init__(self, *, max_request_bytes: int = MAX_REQUEST_BYTES) -> None:
        self._max = max_request_bytes
        self._server: asyncio.Server | None = None
        self._port = 0
        self._expected_state: str | None = None
        self._armed = asyncio.Event()
        self._result: asyncio.Future[str] | None = None
        self._closed = False

    async def start(self) -> LoopbackListener:
        """Bind ``127.0.0.1:0``; raise ``OSError`` if the loopback interface is unusable."""
        if self._server is None:
            self._result = asyncio.get_running_loop().create_future()
            self._server = await asyncio.start_server(
                self._handle, host=HOST, port=0, limit=self._max, reuse_address=False
            )
            self._port = int(self.sockname[1])
        return self

    @property
    def sockname(self) -> tuple[str, int]:
        """The bound address, e.g. ``("127.0.0.1", 53412)``."""
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the listener is not running")
        name = self._server.sockets[0].getsockname()
        return str(name[0]), int(name[1])

    @property
    def port(self) -> int:
        return self._port

    @property
    def redirect_uri(self) -> str:
        if not self._port:
            raise RuntimeError("start() the listener first")
        return f"http://{HOST}:{self._port}{CALLBACK_PATH}"

    @property
    def closed(self) -> bool:
        return self._closed

    def expect_state(self, state: str) -> None:
        """Set the ``state`` to accept (``wait_for_code`` does this too)."""
        self._expected_state = state
        self._armed.set()

    async def wait_for_code(self, expected_state: str, timeout: float = 300) -> str:  # noqa: ASYNC109
        """Return the code of the first callback carrying ``expected_state``, then close.

        Raises ``LoginError`` on timeout or when the user declined; the listener is closed
        either way.
        """
        if self._result is None:
            await self.start()
        assert self._result is not None
        self.expect_state(expected_state)
        try:
            return await asyncio.wait_for(asyncio.shield(self._result), timeout)
        except TimeoutError:
            minutes = int(timeout // 60) or 1
            raise LoginError(ngettext(
                "Signing in took too long. Start again and finish in the browser within "
                "{count} minute.",
                "Signing in took too long. Start again and finish in the browser within "
                "{count} minutes.", minutes).format(count=minutes)) from None
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop listening (idempotent)."""
        self._closed = True
        if self._result is not None and not self._result.done():
            self._result.cancel()
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)

    async def __aenter__(self) -> LoopbackListener:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    # -- one connection -------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, page = await self._answer(reader)
            await _respond(writer, status, page)
        except Exception:  # one bad connection never breaks the login
            log.debug("Loopback connection failed", exc_info=True)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, tuple[str, str]]:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
        except (asyncio.LimitOverrunError, asyncio.IncompleteReadError, ValueError):
            return 431, _TOO_LARGE
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = request_line.split(" ")
        if len(parts) != 3 or parts[0] != "GET":
            return 405, _NOT_FOUND
        target = urlsplit(parts[1])
        if target.path != CALLBACK_PATH:
            return 404, _NOT_FOUND
        if self._result is None or self._result.done():
            return 410, _USED
        query = parse_qs(target.query, keep_blank_values=True)
        state = _one(query, "state")
        if not self._armed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._armed.wait(), READ_TIMEOUT_S)
        expected = self._expected_state
        if state is None or expected is None or not hmac.compare_digest(
                state.encode("utf-8"), expected.encode("utf-8")):
            log.warning("Ignored a sign-in redirect with a missing or wrong state")
            return 400, _BAD_STATE
        if self._result.done():
            return 410, _USED
        error = _one(query, "error")
        if error is not None:
            if error == "access_denied":
                self._result.set_exception(LoginError(
                    _("You declined the sign-in request in the browser, so fedidesk was not "
                      "signed in.")))
            else:
                self._result.set_exception(LoginError(
                    _("The server refused the sign-in request."), detail=f"error={error}"))
            return 200, _DECLINED
        code = _one(query, "code")
        if not code:
            return 400, _BAD_STATE
        self._result.set_result(code)
        return 200, _DONE


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


async def _respond(writer: asyncio.StreamWriter, status: int, page: tuple[str, str]) -> None:
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
               410: "Gone", 431: "Request Header Fields Too Large"}
    body = _PAGE.format(title=html.escape(_(page[0])),
                        text=html.escape(_(page[1]))).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reasons.get(status, 'Error')}\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Referrer-Policy: no-referrer\r\n"
        "Connection: close\r\n\r\n"
    ).encode("ascii")
    writer.write(head + body)
    await writer.drain()
