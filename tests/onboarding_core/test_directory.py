"""The directory client against a fake directory (httpx.MockTransport), cache and snapshot."""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from fedidesk.core.directory import (
    MAX_DIRECTORY_BYTES,
    DirectoryClient,
    DirectoryFilters,
    DirectoryResult,
    DirectoryServer,
    filter_servers,
    load_snapshot,
    parse_servers,
    search_servers,
    size_distance,
    sort_servers,
)
from fedidesk.core.errors import FedideskError
from fedidesk.core.http import make_client

FAKE = "https://directory.test"


def entry(domain: str, users: int, approval: bool = False, **extra: Any) -> dict[str, Any]:
    return {"domain": domain, "version": "4.5.0", "description": f"{domain} place",
            "languages": ["en"], "region": "europe", "categories": ["general"],
            "proxied_thumbnail": "https://proxy.example/t.png", "blurhash": "LEHV6n",
            "last_week_users": users, "total_users": users * 10,
            "approval_required": approval, "language": "en", "category": "general", **extra}


SERVERS = [
    entry("giant.example", 250_000),
    entry("tiny.example", 3),
    entry("mid.example", 900),
    entry("closed-mid.example", 800, approval=True),
    entry("big.example", 20_000),
]


class FakeDirectory:
    """Answers ``/servers``; records every request's query."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response] | None = None
                 ) -> None:
        self.queries: list[dict[str, str]] = []
        self.handler = handler or (lambda request: httpx.Response(200, json=SERVERS))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/servers"
        self.queries.append(dict(request.url.params))
        return self.handler(request)

    def fetch(self, cache_dir: Path | None, filters: DirectoryFilters | None = None,
              **kw: Any) -> DirectoryResult:
        async def go() -> DirectoryResult:
            async with make_client(transport=httpx.MockTransport(self)) as client:
                directory = DirectoryClient(base_url=FAKE, cache_dir=cache_dir, client=client,
                                            cache_ttl=kw.pop("ttl", 3600))
                return await directory.servers(filters, **kw)

        return asyncio.run(go())


def down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("network is unreachable", request=request)


def test_filters_are_sent_as_query_parameters(tmp_path: Path) -> None:
    fake = FakeDirectory()
    filters = DirectoryFilters(language="de", category="tech", region="europe",
                               ownership="juridicial", registrations="instant")
    result = fake.fetch(tmp_path, filters)
    assert result.source == "directory"
    assert fake.queries == [{"language": "de", "category": "tech", "region": "europe",
                             "ownership": "juridicial", "registrations": "instant"}]


def test_empty_filters_send_nothing(tmp_path: Path) -> None:
    fake = FakeDirectory()
    fake.fetch(tmp_path)
    assert fake.queries == [{}]


def test_order_open_first_then_mid_sized(tmp_path: Path) -> None:
    result = FakeDirectory().fetch(tmp_path)
    assert [s.domain for s in result.servers] == [
        "mid.example", "big.example", "tiny.example", "giant.example", "closed-mid.example"]


def test_size_distance_is_the_android_formula() -> None:
    server = DirectoryServer("x.example", last_week_users=8000)
    assert size_distance(server) == pytest.approx(abs(math.log(800) - math.log(8000)))
    assert size_distance(DirectoryServer("y.example", last_week_users=0)) == pytest.approx(
        math.log(800))


def test_fields_are_parsed() -> None:
    (server,) = parse_servers([entry("mid.example", 900, tags=["for developers"])])
    assert server == DirectoryServer(
        domain="mid.example", version="4.5.0", description="mid.example place",
        languages=("en",), region="europe", categories=("general",),
        proxied_thumbnail="https://proxy.example/t.png", blurhash="LEHV6n",
        last_week_users=900, total_users=9000, approval_required=False, language="en",
        category="general", tags=("for developers",))


def test_untrusted_entries_are_cleaned() -> None:
    servers = parse_servers([
        "junk", {"domain": "not a domain"}, {"domain": "javascript:alert(1)"},
        {"domain": "Ok.Example.", "description": "d" * 10_000, "last_week_users": "12",
         "approval_required": "yes", "proxied_thumbnail": "http://insecure/t.png",
         "languages": "en"},
        {"domain": "ok.example"},  # duplicate
    ])
    assert len(servers) == 1
    server = servers[0]
    assert server.domain == "ok.example"
    assert len(server.description) == 2000
    assert server.last_week_users == 12
    assert server.approval_required is False  # only a real true counts
    assert server.proxied_thumbnail == ""
    assert server.languages == ()


def test_answer_is_cached_and_reused(tmp_path: Path) -> None:
    fake = FakeDirectory()
    first = fake.fetch(tmp_path)
    second = fake.fetch(tmp_path)
    assert (first.source, second.source) == ("directory", "cache")
    assert len(fake.queries) == 1
    assert second.age_seconds is not None and second.age_seconds < 60
    assert [s.domain for s in second.servers] == [s.domain for s in first.servers]
    # Another filter set is another cache entry.
    fake.fetch(tmp_path, DirectoryFilters(category="tech"))
    assert len(fake.queries) == 2


def test_stale_cache_is_refreshed_and_used_when_the_directory_fails(tmp_path: Path) -> None:
    FakeDirectory().fetch(tmp_path)
    for path in (tmp_path / "directory").iterdir():  # make the cache two days old
        data = json.loads(path.read_text())
        data["fetched_at"] -= 2 * 86400
        path.write_text(json.dumps(data))
    fresh = FakeDirectory()
    assert fresh.fetch(tmp_path).source == "directory"
    assert len(fresh.queries) == 1
    result = FakeDirectory(down).fetch(tmp_path, refresh=True)
    assert result.source == "cache"
    assert "could not be reached" in result.notice
    assert "Saved list" in result.describe()


def test_network_down_without_cache_uses_the_snapshot(tmp_path: Path) -> None:
    result = FakeDirectory(down).fetch(tmp_path)
    assert result.source == "snapshot"
    assert result.snapshot_date
    assert "no connection" in result.notice
    assert "Built-in list from" in result.describe()
    assert {"mastodon.social", "fosstodon.org"} <= {s.domain for s in result.servers}


@pytest.mark.parametrize("handler", [
    lambda r: httpx.Response(500, text="oops"),
    lambda r: httpx.Response(200, text="<html>not json</html>"),
    lambda r: httpx.Response(200, json={"error": "not a list"}),
    lambda r: httpx.Response(200, content=b"[" + b" " * (MAX_DIRECTORY_BYTES + 10) + b"]"),
    lambda r: httpx.Response(302, headers={"Location": "http://evil.example/"}),
])
def test_broken_directory_answers_fall_back(
    tmp_path: Path, handler: Callable[[httpx.Request], httpx.Response]
) -> None:
    assert FakeDirectory(handler).fetch(tmp_path).source == "snapshot"


def test_offline_makes_no_request(tmp_path: Path) -> None:
    fake = FakeDirectory()
    result = fake.fetch(tmp_path, DirectoryFilters(category="tech",
                                                   registrations="instant"), offline=True)
    assert fake.queries == []
    assert result.source == "snapshot"
    assert result.notice == "Offline mode."
    assert result.servers
    assert all("tech" in s.categories and not s.approval_required for s in result.servers)


def test_offline_prefers_a_cached_answer(tmp_path: Path) -> None:
    FakeDirectory().fetch(tmp_path)
    assert FakeDirectory().fetch(tmp_path, offline=True).source == "cache"


def test_no_cache_dir_still_works() -> None:
    assert FakeDirectory().fetch(None).source == "directory"
    assert FakeDirectory(down).fetch(None).source == "snapshot"


def test_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    assert FakeDirectory().fetch(blocked).source == "directory"


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    FakeDirectory().fetch(tmp_path)
    for path in (tmp_path / "directory").iterdir():
        path.write_text("{ broken")
    assert FakeDirectory(down).fetch(tmp_path).source == "snapshot"
    assert not any(p.suffix == ".tmp" for p in (tmp_path / "directory").iterdir())
    assert os.listdir(tmp_path / "directory")


def test_live_entries_get_the_snapshot_tags(tmp_path: Path) -> None:
    fake = FakeDirectory(lambda r: httpx.Response(200, json=[entry("fosstodon.org", 9000)]))
    (server,) = fake.fetch(tmp_path).servers
    assert "for developers" in server.tags


def test_snapshot_has_the_promised_servers() -> None:
    snapshot = load_snapshot()
    domains = {s.domain: s for s in snapshot.servers}
    for name in ("fosstodon.org", "hachyderm.io", "mastodon.social", "mstdn.social",
                 "techhub.social"):
        assert name in domains
        assert domains[name].last_week_users > 0
        assert domains[name].description
    developer = [s for s in snapshot.servers if "for developers" in s.tags]
    assert {"fosstodon.org", "hachyderm.io", "techhub.social"} <= {s.domain for s in developer}
    assert all(s.category == "tech" for s in developer)
    assert snapshot.date == "2026-11-29"


def test_client_side_filters_and_search() -> None:
    servers = load_snapshot().servers
    german = filter_servers(servers, DirectoryFilters(language="de"))
    assert {s.domain for s in german} == {"norden.social"}
    manual = filter_servers(servers, DirectoryFilters(registrations="manual"))
    assert manual and all(s.approval_required for s in manual)
    asia = filter_servers(servers, DirectoryFilters(region="asia"))
    assert {s.domain for s in asia} == {"mstdn.jp"}
    assert {s.domain for s in search_servers(servers, "HACHY")} == {"hachyderm.io"}
    assert "fosstodon.org" in {s.domain for s in search_servers(servers, "open source")}
    assert {s.domain for s in search_servers(servers, "for developers")} >= {
        "techhub.social", "hachyderm.io", "fosstodon.org"}
    assert search_servers(servers, "  ") == servers


def test_sort_is_stable_by_domain_for_ties() -> None:
    a, b = DirectoryServer("b.example", last_week_users=800), DirectoryServer(
        "a.example", last_week_users=800)
    assert [s.domain for s in sort_servers([a, b])] == ["a.example", "b.example"]


@pytest.mark.parametrize("kwargs", [{"category": "cats"}, {"region": "mars"},
                                    {"registrations": "maybe"}, {"language": "en&x=1"},
                                    {"ownership": "juridical"}])
def test_invalid_filters_are_refused(kwargs: dict[str, str]) -> None:
    with pytest.raises(FedideskError):
        DirectoryFilters(**kwargs)


def test_snapshot_ignores_ownership_and_says_so(tmp_path: Path) -> None:
    result = FakeDirectory(down).fetch(tmp_path, DirectoryFilters(ownership="natural"))
    assert "ownership" in result.notice
