"""MediaFetcher rules (https only, no auth, byte cap, cache, dedupe) and pixel-bomb checks."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from fedidesk.core.errors import InsecureUrlError
from fedidesk.core.media import (
    MediaError,
    MediaFetcher,
    MediaTooLargeError,
    cache_key,
    image_dimensions,
    image_dimensions_ok,
)
from fedidesk.ui.images import blurhash_image, decode_image


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(
        ">I", zlib.crc32(chunk))


def encoded(fmt: str, width: int = 12, height: int = 7) -> bytes:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(0xFF3366CC)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt)
    return bytes(buffer.data().data())


SMALL_PNG = png_header(16, 16) + b"\x00" * 32


class Server:
    """A MockTransport handler that records requests and serves canned responses."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.respond = respond or (lambda _r: httpx.Response(200, content=SMALL_PNG))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)


def fetch(fetcher: MediaFetcher, *urls: str) -> list[bytes | BaseException]:
    async def run() -> list[bytes | BaseException]:
        try:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls),
                                        return_exceptions=True)
        finally:
            await fetcher.aclose()

    return asyncio.run(run())


def make(tmp_path: Path, server: Server, **kwargs: int) -> MediaFetcher:
    return MediaFetcher(tmp_path / "cache", transport=httpx.MockTransport(server), **kwargs)


def test_fetches_https_without_authorization_or_cookies(tmp_path: Path) -> None:
    server = Server()
    [data] = fetch(make(tmp_path, server), "https://files.other.example/emoji/blob.png")
    assert data == SMALL_PNG
    [request] = server.requests
    assert "authorization" not in request.headers
    assert "cookie" not in request.headers
    assert (tmp_path / "cache" / cache_key("https://files.other.example/emoji/blob.png")).exists()


@pytest.mark.parametrize(
    "url",
    ["http://cdn.example/a.png", "file:///etc/passwd", "ftp://cdn.example/a.png",
     "data:image/png;base64,AAAA", "/relative.png", "https://", "http://10.0.0.1/a.png"],
)
def test_refuses_non_https_before_any_request(tmp_path: Path, url: str) -> None:
    server = Server()
    [error] = fetch(make(tmp_path, server), url)
    assert isinstance(error, InsecureUrlError)
    assert server.requests == []


def test_loopback_http_is_allowed_for_the_sandbox(tmp_path: Path) -> None:
    server = Server()
    results = fetch(make(tmp_path, server), "http://127.0.0.1:8080/a.png",
                    "http://localhost/b.png", "http://[::1]/c.png")
    assert results == [SMALL_PNG] * 3


def test_redirect_to_http_is_refused(tmp_path: Path) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return httpx.Response(302, headers={"location": "http://evil.example/x.png"})
        return httpx.Response(200, content=SMALL_PNG)

    server = Server(respond)
    [error] = fetch(make(tmp_path, server), "https://cdn.example/start")
    assert isinstance(error, InsecureUrlError)
    assert len(server.requests) == 1


def test_lying_content_length_is_stopped_by_the_streaming_cap(tmp_path: Path) -> None:
    sent: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        yield SMALL_PNG
        for _ in range(10_000):
            sent.append(1)
            yield b"\x00" * 65536

    def respond(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "100"}, content=endless())

    server = Server(respond)
    [error] = fetch(make(tmp_path, server, max_bytes=1024 * 1024), "https://cdn.example/big.png")
    assert isinstance(error, MediaTooLargeError)
    assert len(sent) <= 20  # stopped at ~1 MB, not after 655 MB
    assert not list((tmp_path / "cache").glob("*"))


def test_declared_oversize_is_refused(tmp_path: Path) -> None:
    server = Server(lambda _r: httpx.Response(200, content=b"\x00" * 2048))
    [error] = fetch(make(tmp_path, server, max_bytes=1024), "https://cdn.example/a.png")
    assert isinstance(error, MediaTooLargeError)


def test_http_error_is_reported(tmp_path: Path) -> None:
    server = Server(lambda _r: httpx.Response(404))
    [error] = fetch(make(tmp_path, server), "https://cdn.example/a.png")
    assert isinstance(error, MediaError)


def test_cache_hit_makes_no_second_request(tmp_path: Path) -> None:
    server = Server()
    url = "https://cdn.example/a.png"
    assert fetch(make(tmp_path, server), url) == [SMALL_PNG]
    assert fetch(make(tmp_path, server), url) == [SMALL_PNG]  # new fetcher: disk cache

    async def twice() -> list[bytes]:
        fetcher = make(tmp_path / "other", server)
        try:
            return [await fetcher.fetch(url), await fetcher.fetch(url)]  # memory cache
        finally:
            await fetcher.aclose()

    assert asyncio.run(twice()) == [SMALL_PNG, SMALL_PNG]
    assert len(server.requests) == 2


def test_concurrent_requests_for_one_url_are_deduplicated(tmp_path: Path) -> None:
    server = Server()
    results = fetch(make(tmp_path, server), *["https://cdn.example/same.png"] * 10)
    assert results == [SMALL_PNG] * 10
    assert len(server.requests) == 1


def test_decompression_bomb_header_is_rejected(tmp_path: Path) -> None:
    bomb = png_header(30_000, 30_000)
    assert image_dimensions(bomb) == (30_000, 30_000)
    assert not image_dimensions_ok(bomb)
    server = Server(lambda _r: httpx.Response(200, content=bomb))
    [error] = fetch(make(tmp_path, server), "https://cdn.example/bomb.png")
    assert isinstance(error, MediaTooLargeError)


def test_dimensions_of_each_format(qapp: QApplication) -> None:
    for fmt in ("PNG", "JPG", "WEBP"):
        assert image_dimensions(encoded(fmt)) == (12, 7), fmt
    gif = b"GIF89a" + struct.pack("<HH", 640, 480) + b"\x00" * 16
    assert image_dimensions(gif) == (640, 480)
    webp_vp8x = b"RIFF\x00\x00\x00\x00WEBPVP8X" + b"\x00" * 8 + (29999).to_bytes(3, "little") \
        + (29999).to_bytes(3, "little")
    assert image_dimensions(webp_vp8x) == (30_000, 30_000)
    assert image_dimensions(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert not image_dimensions_ok(b"not an image")
    assert not image_dimensions_ok(png_header(0, 10))


def test_decode_image_checks_size_before_reading(qapp: QApplication) -> None:
    image = decode_image(encoded("PNG"), max_pixels=1000)
    assert image is not None
    assert image.size().width() == 12
    assert decode_image(encoded("PNG", 100, 100), max_pixels=1000) is None
    assert decode_image(png_header(30_000, 30_000) + b"\x00" * 64, max_pixels=10**7) is None
    assert decode_image(b"junk", max_pixels=1000) is None


def test_blurhash_placeholder(qapp: QApplication) -> None:
    image = blurhash_image("LEHV6nWB2yk8pyo0adR*.7kCMdnj", 320, 180)
    assert (image.width(), image.height()) == (320, 180)
    assert not image.isNull()
    fallback = blurhash_image("not a hash", 10, 10)
    assert (fallback.width(), fallback.height()) == (10, 10)
    huge = blurhash_image("LEHV6nWB2yk8pyo0adR*.7kCMdnj", 10**6, 10**6)
    assert huge.width() <= 4096
