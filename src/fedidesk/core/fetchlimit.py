"""Read an untrusted HTTP body without ever holding more than a fixed number of bytes.

``security.md`` (untrusted input): a server or web page may answer with an endless or huge
body. ``read_limited`` streams the response and stops at ``max_bytes``; the caller decides
whether a cut body is an error (a JSON document) or still useful (an HTML page: Mastodon
itself parses only the first megabyte when it verifies a profile link).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class LimitedBody:
    """A response's status, headers and at most ``max_bytes`` of its body."""

    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    url: str

    @property
    def content_type(self) -> str:
        """The media type without parameters, lowercased (``text/html``)."""
        return str(self.headers.get("content-type", "")).split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str:
        """The declared charset, or ``utf-8``."""
        for part in str(self.headers.get("content-type", "")).split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return str(value.strip().strip('"').lower())
        return "utf-8"

    def text(self) -> str:
        """The body decoded with its charset (unknown charsets and bad bytes are replaced)."""
        try:
            return self.body.decode(self.charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


async def read_limited(
    client: httpx.AsyncClient, request: httpx.Request, *, max_bytes: int,
    follow_redirects: bool | None = None,
) -> LimitedBody:
    """Send ``request`` and read at most ``max_bytes`` of the body (transport errors propagate).

    ``follow_redirects`` overrides the client's own setting when given.
    """
    if follow_redirects is None:
        response = await client.send(request, stream=True)
    else:
        response = await client.send(request, stream=True, follow_redirects=follow_redirects)
    try:
        chunks: list[bytes] = []
        size = 0
        truncated = False
        async for chunk in response.aiter_bytes():
            room = max_bytes - size
            if len(chunk) > room:
                chunks.append(chunk[:room])
                truncated = True
                break
            chunks.append(chunk)
            size += len(chunk)
        return LimitedBody(response.status_code, response.headers, b"".join(chunks), truncated,
                           str(response.url))
    finally:
        await response.aclose()
