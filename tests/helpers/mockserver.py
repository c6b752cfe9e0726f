"""Fixtures for integration tests against a real mastodon-mock HTTP server.

Use with ``pytest_plugins = ["tests.helpers.mockserver"]`` in a conftest. ``mock_server`` is
one server per session; ``mock`` resets it to the seed (alice/bob/carol, tokens
``<name>_token``) and clears fault rules before and after each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer


def reset_server(base_url: str) -> None:
    """Back to the seed state, with no fault rules."""
    httpx.post(f"{base_url}/api/v1/_mock/reset", timeout=10).raise_for_status()
    clear_faults(base_url)


def clear_faults(base_url: str) -> None:
    """Delete every fault rule."""
    rules = httpx.get(f"{base_url}/api/v1/_mock/faults", timeout=10).json()
    for rule in rules if isinstance(rules, list) else rules.get("rules", []):
        httpx.delete(f"{base_url}/api/v1/_mock/faults/{rule['id']}", timeout=10)


def add_fault(base_url: str, rule: dict[str, Any]) -> str:
    """Register a fault (``{"match": {...}, "effect": {...}, "count": n}``); returns its id.

    Effects: ``status`` (with ``status``, ``body``, ``headers``), ``ratelimit``,
    ``latency`` (``delay_ms``), ``malformed`` (``truncate``), ``timeout``.
    """
    response = httpx.post(f"{base_url}/api/v1/_mock/faults", json=rule, timeout=10)
    response.raise_for_status()
    return str(response.json()["id"])


def token_for(server: MockServer, username: str = "alice") -> str:
    """The seeded access token of ``username``."""
    return str(server._resolve_token(username))


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    """One mastodon-mock server for the whole session, on a free loopback port."""
    server = MockServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mock(mock_server: MockServer) -> Iterator[MockServer]:
    """The session server, reset to its seed and free of faults for this test."""
    reset_server(mock_server.base_url)
    yield mock_server
    clear_faults(mock_server.base_url)
