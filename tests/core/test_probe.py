"""probe_server: address normalisation, document interpretation, errors, and the mock."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.errors import (
    InsecureUrlError,
    InvalidAddressError,
    NetworkError,
    NotSupportedError,
)
from fedidesk.core.http import make_client
from fedidesk.core.probe import ServerInfo, build_server_info, normalize_address, probe_server

MASTODON_NODEINFO = {"version": "2.0", "software": {"name": "mastodon", "version": "4.4.1"},
                     "usage": {"users": {"total": 1200}}, "openRegistrations": True}
V2_INSTANCE: dict[str, Any] = {
    "domain": "example.social", "title": "Example", "version": "4.4.1",
    "description": "A place", "languages": ["en", "de"],
    "api_versions": {"mastodon": 6},
    "registrations": {"enabled": True, "approval_required": True, "reason_required": True,
                      "min_age": 16, "message": None},
    "contact": {"email": "admin@example.social"},
    "rules": [{"id": "1", "text": "Be nice", "hint": ""}],
    "configuration": {
        "urls": {"streaming": "wss://example.social"},
        "statuses": {"max_characters": 1000, "max_media_attachments": 8},
        "polls": {"max_options": 6},
        "translation": {"enabled": True},
    },
}


@pytest.mark.parametrize(("address", "expected"), [
    ("mastodon.social", "https://mastodon.social"),
    ("  Mastodon.Social  ", "https://mastodon.social"),
    ("https://mastodon.social/", "https://mastodon.social"),
    ("https://mastodon.social/about", "https://mastodon.social"),
    ("@gargron@mastodon.social", "https://mastodon.social"),
    ("gargron@mastodon.social", "https://mastodon.social"),
    ("127.0.0.1:3000", "http://127.0.0.1:3000"),
    ("localhost:8080", "http://localhost:8080"),
    ("http://[::1]:3000", "http://[::1]:3000"),
])
def test_normalize_address(address: str, expected: str) -> None:
    assert normalize_address(address) == expected


@pytest.mark.parametrize("address", ["", "   ", "not a host", "@user@", "https://"])
def test_invalid_addresses(address: str) -> None:
    with pytest.raises(InvalidAddressError):
        normalize_address(address)


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(InsecureUrlError):
        normalize_address("http://mastodon.social")


def test_build_server_info_from_v2_instance() -> None:
    info = build_server_info("https://example.social", V2_INSTANCE, 2, MASTODON_NODEINFO,
                             None, 42)
    assert info.is_mastodon
    assert (info.software_name, info.software_version) == ("mastodon", "4.4.1")
    assert info.api_version == 6
    assert info.registrations.min_age == 16
    assert info.registrations.reason_required
    assert info.contact_email == "admin@example.social"
    assert [r.text for r in info.rules] == ["Be nice"]
    assert info.limits.max_characters == 1000
    assert info.limits.poll_max_options == 6
    assert info.limits.characters_reserved_per_url == 23
    assert info.limits.max_profile_fields == 4
    f = info.features
    assert (f.pkce, f.grouped_notifications, f.followed_tags, f.filters_v2) == (True,) * 4
    assert f.translation and f.streaming and not f.profile_api
    assert info.users_total == 1200
    assert info.warnings == ()
    assert json.loads(json.dumps(info.to_json()))["languages"] == ["en", "de"]


def test_non_mastodon_software_is_flagged() -> None:
    instance = {"domain": "takahe.example", "version": "takahe/0.11.0", "configuration": {}}
    nodeinfo = {"software": {"name": "takahe", "version": "0.11.0"}}
    info = build_server_info("https://takahe.example", instance, 2, nodeinfo, None)
    assert not info.is_mastodon
    assert info.software_name == "takahe"
    assert not info.features.pkce
    assert not info.features.streaming
    assert any("takahe" in w for w in info.warnings)
    assert info.limits.max_characters == 500


def test_pkce_from_oauth_metadata_even_without_api_versions() -> None:
    oauth = {"code_challenge_methods_supported": ["S256"]}
    info = build_server_info("https://x.example", {"version": "4.2.0"}, 2, MASTODON_NODEINFO,
                             oauth)
    assert info.api_version == 0
    assert info.features.pkce
    assert not info.features.grouped_notifications


def test_v1_instance_fields() -> None:
    v1 = {"uri": "old.example", "title": "Old", "version": "3.5.3", "email": "a@old.example",
          "registrations": True, "approval_required": True,
          "urls": {"streaming_api": "wss://old.example"}, "max_toot_chars": 5000}
    info = build_server_info("https://old.example", v1, 1, None, None)
    assert info.domain == "old.example"
    assert info.registrations.enabled and info.registrations.approval_required
    assert info.streaming_url == "wss://old.example"
    assert info.limits.max_characters == 5000
    assert not info.features.followed_tags
    assert any("older server" in w for w in info.warnings)


def probe_with(handler: Any, address: str = "example.social") -> ServerInfo:
    async def go() -> ServerInfo:
        async with make_client(transport=httpx.MockTransport(handler)) as client:
            return await probe_server(address, client=client)

    return asyncio.run(go())


def test_unreachable_server_is_network_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    with pytest.raises(NetworkError, match=r"Could not reach example\.social"):
        probe_with(handler)


def test_plain_website_is_not_supported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/instance"):
            return httpx.Response(404, text="<html>Not Found</html>")
        return httpx.Response(200, text="<html>a blog</html>")

    with pytest.raises(NotSupportedError, match="does not offer the Mastodon client API"):
        probe_with(handler)


def test_v2_missing_falls_back_to_v1() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/instance":
            return httpx.Response(200, json={"uri": "example.social", "version": "3.5.0"})
        return httpx.Response(404, json={"error": "Not found"})

    info = probe_with(handler)
    assert info.instance_api == 1
    assert info.base_url == "https://example.social"


@pytest.mark.integration
def test_probe_against_mock(mock: MockServer) -> None:
    info = asyncio.run(probe_server(mock.base_url.removeprefix("http://")))
    assert info.base_url == mock.base_url
    assert info.is_mastodon
    assert info.domain == "mock.local"
    assert info.api_version >= 2
    assert info.features.pkce
    assert info.features.streaming
    assert info.users_total == 4
    assert info.registrations.enabled
    assert info.limits.max_characters == 500
    assert info.response_ms >= 0
