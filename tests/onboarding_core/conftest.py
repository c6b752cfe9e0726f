"""Onboarding core tests: mastodon-mock fixtures, and local web pages over http and https.

``pages`` serves canned responses from a ``ThreadingHTTPServer`` on 127.0.0.1; ``tls_pages``
does the same over https with a self-signed certificate made by ``cryptography`` (skipped
when it is missing); ``trusted_tls`` is an SSL context that trusts it.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.mockserver import mock, mock_server
from tests.onboarding_core.pages import PageServer, make_certificate

__all__ = ["mock", "mock_server"]


@pytest.fixture
def pages() -> Iterator[PageServer]:
    server = PageServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    pytest.importorskip("cryptography")
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_pages(certificate: tuple[Path, Path]) -> Iterator[PageServer]:
    server = PageServer(certificate=certificate)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def trusted_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """An SSL context trusting only the test certificate (for ``httpx.AsyncClient(verify=)``)."""
    return ssl.create_default_context(cafile=str(certificate[0]))
