"""ServerDetails against mastodon-mock, and against a fake non-Mastodon server."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.http import make_client
from fedidesk.core.server_details import (
    ServerDetails,
    fetch_server_details,
    summarize_domain_blocks,
)
from tests.helpers.mockserver import add_fault


def details(address: str, transport: httpx.MockTransport | None = None) -> ServerDetails:
    async def go() -> ServerDetails:
        async with make_client(transport=transport) as client:
            return await fetch_server_details(address, client=client)

    return asyncio.run(go())


@pytest.mark.integration
def test_details_from_mastodon_mock(mock: MockServer) -> None:
    result = details(mock.base_url)
    assert result.is_mastodon
    assert result.info.base_url == mock.base_url
    assert result.domain_blocks.published
    assert result.domain_blocks.count == 0
    assert result.response_ms is not None and result.response_ms >= 0
    assert result.about_url.startswith("http")
    assert result.contact_account  # the mock always names a contact account
    data = result.to_json()
    assert data["domain_blocks"]["summary"].startswith("0 blocked servers")
    assert isinstance(data["rules"], list)


@pytest.mark.integration
@pytest.mark.parametrize("status", [404, 403, 401])
def test_hidden_domain_blocks_are_not_published(mock: MockServer, status: int) -> None:
    add_fault(mock.base_url, {"match": {"path": "/api/v1/instance/domain_blocks"},
                              "effect": {"type": "status", "status": status}})
    blocks = details(mock.base_url).domain_blocks
    assert not blocks.published
    assert blocks.count is None
    assert blocks.describe().startswith("not published")


def test_domain_block_summary_counts_severities() -> None:
    data = [{"domain": "a.example", "severity": "suspend"},
            {"domain": "b.example", "severity": "silence"},
            {"domain": "c.example", "severity": "suspend"}, "junk"]
    summary = summarize_domain_blocks(200, data)
    assert (summary.count, summary.suspended, summary.silenced) == (3, 2, 1)
    assert summarize_domain_blocks(None, None).note == "could not be read"
    assert summarize_domain_blocks(200, {"not": "a list"}).published is False


NON_MASTODON: dict[str, Any] = {
    "/.well-known/nodeinfo": {"links": [{
        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
        "href": "https://gts.example/nodeinfo/2.0"}]},
    "/nodeinfo/2.0": {"version": "2.0", "software": {"name": "gotosocial", "version": "0.17"},
                      "openRegistrations": False},
    "/api/v2/instance": {
        "domain": "gts.example", "title": "GTS", "version": "4.3.0+gotosocial",
        "contact": {"email": "admin@gts.example", "account": {"acct": "admin"}},
        "rules": [{"id": "1", "text": "From the instance document"}],
        "configuration": {"urls": {"streaming": "wss://gts.example",
                                   "terms_of_service": "https://gts.example/tos",
                                   "privacy_policy": "javascript:alert(1)"}}},
    "/api/v1/instance/extended_description": {
        "updated_at": "2026-01-01T00:00:00Z",
        "content": "<p>Hello <b>there</b></p><script>alert(1)</script><p>Second</p>"},
    "/api/v1/instance/privacy_policy": {"content": "<p>policy</p>"},
}


def fake_gts(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path in NON_MASTODON:
        return httpx.Response(200, json=NON_MASTODON[path])
    if path == "/health":
        return httpx.Response(200, text="OK")
    return httpx.Response(404, json={"error": "Record not found"})


def test_non_mastodon_software_is_flagged() -> None:
    result = details("gts.example", httpx.MockTransport(fake_gts))
    assert not result.is_mastodon
    assert result.info.software_name == "gotosocial"
    assert any("gotosocial, not Mastodon" in w for w in result.warnings)
    # rules fall back to the instance document when /api/v1/instance/rules is missing
    assert [r.text for r in result.rules] == ["From the instance document"]
    assert result.extended_description.startswith("Hello there")
    assert "Second" in result.extended_description
    assert result.contact_email == "admin@gts.example"
    assert result.contact_account == "admin"
    assert result.terms_url == "https://gts.example/tos"
    # an unsafe configured URL is dropped; the API says a policy exists, so the standard page
    assert result.privacy_url == "https://gts.example/privacy-policy"
    assert not result.domain_blocks.published


def test_no_health_answer_is_a_warning() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/health":
            raise httpx.ConnectError("refused", request=request)
        return fake_gts(request)

    result = details("gts.example", httpx.MockTransport(handler))
    assert result.response_ms is None
    assert any("health check" in w for w in result.warnings)


def test_domain_block_summary_is_worded_in_the_language_in_use() -> None:
    from fedidesk.core import i18n

    one = summarize_domain_blocks(200, [{"domain": "a.example", "severity": "suspend"}])
    hidden = summarize_domain_blocks(403, None)
    assert one.describe() == "1 blocked server (1 suspended, 0 limited)"
    assert summarize_domain_blocks(200, []).describe() == \
        "0 blocked servers (0 suspended, 0 limited)"
    english = hidden.describe()
    i18n.install("de")
    try:
        assert one.describe() != "1 blocked server (1 suspended, 0 limited)"
        assert hidden.describe() != english
    finally:
        i18n.install("en")
