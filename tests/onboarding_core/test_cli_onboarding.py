"""``fedidesk servers``, ``server-info`` and ``links``: exit codes, stderr and JSON."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli import onboarding
from fedidesk.cli.main import run
from fedidesk.core import links
from tests.onboarding_core.pages import PageServer

PROFILE = "https://social.example/@alice"
Capture = pytest.CaptureFixture[str]


def directory_json(*domains: tuple[str, int, bool]) -> str:
    return json.dumps([{"domain": d, "description": f"about {d}", "languages": ["en"],
                        "categories": ["tech"], "category": "tech", "language": "en",
                        "last_week_users": users, "approval_required": approval}
                       for d, users, approval in domains])


@pytest.fixture
def fake_directory(pages: PageServer, monkeypatch: pytest.MonkeyPatch) -> PageServer:
    pages.add("/servers", directory_json(("huge.example", 100_000, False),
                                         ("cosy.example", 700, False),
                                         ("review.example", 800, True)),
              content_type="application/json")
    monkeypatch.setattr(onboarding, "DIRECTORY_BASE_URL", pages.base_url)
    return pages


def test_servers_json_from_the_directory(fake_directory: PageServer, capsys: Capture) -> None:
    assert run(["servers", "--category", "tech", "--instant", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "directory"
    assert [s["domain"] for s in data["servers"]] == ["cosy.example", "huge.example",
                                                      "review.example"]
    assert data["filters"] == {"category": "tech", "registrations": "instant", "search": ""}
    _, path, _ = fake_directory.requests[0]
    assert path == "/servers?category=tech&registrations=instant"


def test_servers_text_says_where_the_list_came_from(fake_directory: PageServer,
                                                    capsys: Capture) -> None:
    assert run(["servers", "--search", "COSY"]) == 0
    out, err = capsys.readouterr()
    assert "cosy.example" in out
    assert "huge.example" not in out
    assert "Live list from joinmastodon.org" in err
    assert run(["servers", "--search", "cosy"]) == 0  # second time: the saved list
    assert "Saved list" in capsys.readouterr().err
    assert len(fake_directory.requests) == 1


def test_servers_offline_uses_the_snapshot(capsys: Capture) -> None:
    assert run(["servers", "--offline", "--search", "for developers", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "snapshot"
    assert data["snapshot_date"] == "2026-11-29"
    assert {"techhub.social", "hachyderm.io"} <= {s["domain"] for s in data["servers"]}


def test_servers_directory_down_falls_back(monkeypatch: pytest.MonkeyPatch,
                                           capsys: Capture) -> None:
    monkeypatch.setattr(onboarding, "DIRECTORY_BASE_URL", "http://127.0.0.1:9")
    assert run(["servers", "--language", "de"]) == 0
    out, err = capsys.readouterr()
    assert "norden.social" in out
    assert "Built-in list" in err
    assert "could not be reached" in err


def test_servers_bad_filters(capsys: Capture) -> None:
    assert run(["servers", "--category", "cats"]) == 2
    assert run(["servers", "--language", "e n", "--offline"]) == 1
    assert "not a language code" in capsys.readouterr().err


@pytest.mark.integration
def test_server_info_includes_details(mock: MockServer, capsys: Capture) -> None:
    assert run(["server-info", mock.base_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["software_name"] == "mastodon"
    assert data["details"]["domain_blocks"]["published"] is True
    assert "response_ms" in data["details"]
    assert run(["server-info", mock.base_url]) == 0
    out = capsys.readouterr().out
    assert "Moderation list: 0 blocked servers" in out
    assert "Response time:" in out


def test_links_check_http_fails_with_the_reason(capsys: Capture) -> None:
    assert run(["links", "check", "http://example.com/", "--profile", PROFILE]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("fedidesk: Mastodon only verifies https:// links")
    assert "[not_https]" in err


def test_links_check_json_on_failure(capsys: Capture) -> None:
    assert run(["links", "check", "https://127.0.0.1/", "--profile", PROFILE, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["reason"] == "private_address"


def _trusting(tls: ssl.SSLContext) -> Callable[..., Any]:
    async def checker(url: str, profile: str, **kw: Any) -> links.LinkCheck:
        async with httpx.AsyncClient(verify=tls, timeout=5) as client:
            return await links.check_link(url, profile, client=client, allow_private=True)

    return checker


def test_links_check_success_and_rel_me_elsewhere(
    tls_pages: PageServer, trusted_tls: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
) -> None:
    monkeypatch.setattr(onboarding, "check_link", _trusting(trusted_tls))
    good = tls_pages.add("/good", f'<a rel="me" href="{PROFILE}">m</a>')
    bad = tls_pages.add("/bad", '<a rel="me" href="https://other.example/@x">m</a>')
    assert run(["links", "check", good, "--profile", PROFILE]) == 0
    assert "will verify" in capsys.readouterr().out
    assert run(["links", "check", good, "--profile", PROFILE, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == "ok"
    assert run(["links", "check", bad, "--profile", PROFILE, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["reason"], data["found_links"]) == ("rel_me_elsewhere",
                                                     ["https://other.example/@x"])


def test_links_snippet(capsys: Capture) -> None:
    assert run(["links", "snippet", "--profile", PROFILE]) == 0
    assert f'<a rel="me" href="{PROFILE}">Mastodon</a>' in capsys.readouterr().out


def test_links_needs_an_action() -> None:
    assert run(["links"]) == 2


def test_help_lists_the_new_commands(capsys: Capture) -> None:
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    assert "servers" in out
    assert "links" in out

