"""Fetch remote images (custom emoji, avatars, previews) safely, and check their pixel size.

Security.md item 11: https only (plain http only to loopback, for tests and the sandbox),
never an ``Authorization`` header or cookie (media live on third-party hosts), a byte cap
counted while streaming (Content-Length can lie), redirects re-checked hop by hop, and a
header-only pixel check so a decompression bomb is refused before anything decodes it.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import os
import struct
import tempfile
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from fedidesk.core.errors import FedideskError, InsecureUrlError, NetworkError
from fedidesk.core.i18n import N_, _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 4096 * 4096
DEFAULT_MEMORY_BYTES = 32 * 1024 * 1024
MAX_REDIRECTS = 5
_STRIPPED_HEADERS = ("authorization", "cookie", "proxy-authorization")


class MediaError(FedideskError):
    """An image could not be fetched or was refused."""

    user_message = N_("An image could not be loaded.")


class MediaTooLargeError(MediaError):
    """More bytes, or more pixels, than the budget allows."""

    user_message = N_("An image was too large to load.")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_media_url(url: str) -> None:
    """Raise ``InsecureUrlError`` unless ``url`` is https, or http to a loopback host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        raise InsecureUrlError(detail="unparseable media URL") from exc
    scheme = parts.scheme.lower()
    if not host or not (scheme == "https" or (scheme == "http" and is_loopback(host))):
        raise InsecureUrlError(detail=f"refused {scheme or 'relative'} media URL")


def cache_key(url: str) -> str:
    """The cache file name for ``url``."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


# --- header-only dimension check ----------------------------------------------------------


def _png(data: bytes) -> tuple[int, int] | None:
    if len(data) >= 24 and data[12:16] == b"IHDR":
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    return None


def _gif(data: bytes) -> tuple[int, int] | None:
    if len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    return None


_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                       0xCE, 0xCF})


def _jpeg(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # standalone markers, no length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _JPEG_SOF:
            if pos + 9 > len(data):
                return None
            h, w = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(w), int(h)
        if length < 2:
            return None
        pos += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return int(w) & 0x3FFF, int(h) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    return None


def image_dimensions(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` from a PNG/JPEG/GIF/WebP header, without decoding; else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _gif(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp(data)
    return None


def image_dimensions_ok(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> bool:
    """True if ``data`` is a known image format whose header claims at most ``max_pixels``."""
    size = image_dimensions(data)
    if size is None:
        return False
    width, height = size
    return width > 0 and height > 0 and width * height <= max_pixels


# --- fetcher ------------------------------------------------------------------------------


class MediaFetcher:
    """Fetches and caches remote images; see the module docstring for the rules."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_pixels: int | None = DEFAULT_MAX_PIXELS,
        memory_bytes: int = DEFAULT_MEMORY_BYTES,
        timeout: float = 20.0,
    ) -> None:
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.memory_bytes = memory_bytes
        # Our own client: never shares the API client's auth headers or cookie jar.
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"Accept": "image/*"},
        )
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_used = 0
        self._inflight: dict[str, asyncio.Task[bytes]] = {}

    async def aclose(self) -> None:
        """Close the HTTP client; later fetches fail with ``MediaError``."""
        await self._client.aclose()

    async def fetch(self, url: str) -> bytes:
        """The bytes of the image at ``url``: from memory, disk, or the network.

        Concurrent calls for one URL share one request. Raises ``InsecureUrlError``,
        ``MediaTooLargeError``, ``MediaError`` or ``NetworkError``.
        """
        check_media_url(url)
        cached = self._memory_get(url)
        if cached is not None:
            return cached
        if self._client.is_closed:
            raise MediaError(_("fedidesk is closing; the image was not loaded."))
        task = self._inflight.get(url)
        if task is None:
            task = asyncio.ensure_future(self._load(url))
            self._inflight[url] = task
            task.add_done_callback(lambda _t: self._inflight.pop(url, None))
        # shield: one caller giving up must not cancel the download for the others.
        return await asyncio.shield(task)

    async def _load(self, url: str) -> bytes:
        path = self.cache_dir / cache_key(url)
        data = await asyncio.to_thread(_read_file, path)
        if data is not None and self.max_pixels is not None:
            data = data if image_dimensions_ok(data, self.max_pixels) else None
        if data is None:
            data = await self._download(url)
            await asyncio.to_thread(_write_atomic, path, data)
        self._memory_put(url, data)
        return data

    async def _download(self, url: str) -> bytes:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_media_url(current)
            request = self._client.build_request("GET", current)
            for name in _STRIPPED_HEADERS:
                request.headers.pop(name, None)
            if self._client.is_closed:
                raise MediaError(_("fedidesk is closing; the image was not loaded."))
            try:
                response = await self._client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise NetworkError(detail=type(exc).__name__) from exc
            except RuntimeError as exc:  # the client was closed while we waited
                raise MediaError(_("fedidesk is closing; the image was not loaded.")) from exc
            try:
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise MediaError(detail=f"HTTP {response.status_code}")
                data = await self._read_capped(response)
            finally:
                await response.aclose()
            if self.max_pixels is not None and not image_dimensions_ok(data, self.max_pixels):
                raise MediaTooLargeError(detail="unknown format or too many pixels")
            return data
        raise MediaError(detail="too many redirects")

    async def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise MediaTooLargeError(detail="declared size over the cap")
        chunks: list[bytes] = []
        received = 0
        try:
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > self.max_bytes:
                    raise MediaTooLargeError(detail="body over the cap")
                chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise NetworkError(detail=type(exc).__name__) from exc
        return b"".join(chunks)

    def _memory_get(self, url: str) -> bytes | None:
        data = self._memory.get(url)
        if data is not None:
            self._memory.move_to_end(url)
        return data

    def _memory_put(self, url: str, data: bytes) -> None:
        if len(data) > self.memory_bytes:
            return
        old = self._memory.pop(url, None)
        if old is not None:
            self._memory_used -= len(old)
        self._memory[url] = data
        self._memory_used += len(data)
        while self._memory_used > self.memory_bytes:
            _url, evicted = self._memory.popitem(last=False)
            self._memory_used -= len(evicted)


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation; a read-only disk must not break image loading
