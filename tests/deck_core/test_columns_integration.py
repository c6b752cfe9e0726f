"""``fetch_page`` for every column kind against mastodon-mock."""

from __future__ import annotations

import asyncio

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.columns import ColumnKind, ColumnSpec, TimelineItem, accepts, api_for, fetch_page

pytestmark = pytest.mark.integration

A = "alice@mock"


async def fetch_all(server: MockServer) -> dict[str, list[TimelineItem]]:
    alice = MastodonApi(server.base_url, "alice_token")
    bob = MastodonApi(server.base_url, "bob_token")
    try:
        tagged = await bob.post_status("hello #cats and #dogs")
        reply = await bob.post_status("a reply", in_reply_to_id=tagged.id)
        await bob.post_status("@alice hi there")
        await bob.post_status("@alice psst", visibility="direct")
        await alice.bookmark(tagged.id)
        await alice.favourite(tagged.id)
        await alice.reblog(reply.id)
        bob_account = await bob.verify_credentials()
        user_list = await alice.create_list("friends")
        await alice.add_list_accounts(user_list.id, [bob_account.id])
        specs = {
            "home": ColumnSpec(A, ColumnKind.HOME),
            "home_no_boosts": ColumnSpec(A, ColumnKind.HOME, hide_boosts=True),
            "notifications": ColumnSpec(A, ColumnKind.NOTIFICATIONS),
            "mentions": ColumnSpec(A, ColumnKind.MENTIONS),
            "local": ColumnSpec(A, ColumnKind.LOCAL),
            "federated": ColumnSpec(A, ColumnKind.FEDERATED),
            "remote": ColumnSpec(A, ColumnKind.REMOTE, server=server.base_url),
            "hashtag": ColumnSpec(A, ColumnKind.HASHTAG, tags=("cats",)),
            "hashtag_none": ColumnSpec(A, ColumnKind.HASHTAG, tags=("cats",),
                                       none_tags=("dogs",)),
            "list": ColumnSpec(A, ColumnKind.LIST, list_id=user_list.id, title="friends"),
            "profile": ColumnSpec(A, ColumnKind.PROFILE, account_id=bob_account.id,
                                  acct="bob"),
            "profile_replies": ColumnSpec(A, ColumnKind.PROFILE, account_id=bob_account.id,
                                          profile_mode="replies"),
            "search": ColumnSpec(A, ColumnKind.SEARCH, query="hello"),
            "bookmarks": ColumnSpec(A, ColumnKind.BOOKMARKS),
            "favourites": ColumnSpec(A, ColumnKind.FAVOURITES),
            "direct": ColumnSpec(A, ColumnKind.DIRECT),
            "trending": ColumnSpec(A, ColumnKind.TRENDING),
        }
        result: dict[str, list[TimelineItem]] = {"tagged": [TimelineItem.of(tagged)]}
        for name, spec in specs.items():
            api = api_for(spec, alice)
            page = await fetch_page(api, spec, {"limit": 20})
            result[name] = [i for i in page.items if accepts(spec, i)]
            if api is not alice:
                assert api._token is None  # remote columns are fetched anonymously
                await api.aclose()
        return result
    finally:
        await alice.aclose()
        await bob.aclose()


@pytest.fixture(scope="module")
def fetched(mock_server: MockServer) -> dict[str, list[TimelineItem]]:
    from tests.helpers.mockserver import reset_server

    reset_server(mock_server.base_url)
    return asyncio.run(fetch_all(mock_server))


def texts(items: list[TimelineItem]) -> list[str]:
    return [i.status.original.content if i.status else "" for i in items]


def test_home_and_options(fetched: dict[str, list[TimelineItem]]) -> None:
    assert any("hello" in t for t in texts(fetched["home"]))
    assert any(i.status and i.status.is_boost for i in fetched["home"])
    assert not any(i.status and i.status.is_boost for i in fetched["home_no_boosts"])


def test_notifications_and_mentions(fetched: dict[str, list[TimelineItem]]) -> None:
    kinds = {i.entity.type for i in fetched["notifications"]}  # type: ignore[union-attr]
    assert "mention" in kinds
    assert fetched["mentions"]
    assert all(i.kind == "notification" for i in fetched["mentions"])
    assert {i.entity.type for i in fetched["mentions"]} == {"mention"}  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["local", "federated", "remote", "hashtag", "list", "profile",
                                  "search", "bookmarks", "favourites"])
def test_status_columns_find_the_tagged_post(fetched: dict[str, list[TimelineItem]],
                                             name: str) -> None:
    tagged_id = fetched["tagged"][0].entity_id
    assert tagged_id in [i.entity_id for i in fetched[name]], name


def test_hashtag_none_filter_and_profile_modes(fetched: dict[str, list[TimelineItem]]) -> None:
    assert fetched["hashtag_none"] == []
    assert not any("a reply" in t for t in texts(fetched["profile"]))
    assert any("a reply" in t for t in texts(fetched["profile_replies"]))


def test_direct_conversations(fetched: dict[str, list[TimelineItem]]) -> None:
    assert fetched["direct"]
    assert all(i.kind == "conversation" for i in fetched["direct"])
    assert any("psst" in t for t in texts(fetched["direct"]))


def test_trending_is_a_status_list(fetched: dict[str, list[TimelineItem]]) -> None:
    # The mock ranks by engagement; it may be empty, but it must be statuses.
    assert all(i.kind == "status" for i in fetched["trending"])


def test_a_profile_column_known_only_by_address_is_looked_up_once(
        mock: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns added by typing an address (or imported from a layout file) have no id."""
    from fedidesk.core import columns
    from fedidesk.core.errors import NotFoundError

    monkeypatch.setattr(columns, "_profile_ids", {})
    paths: list[str] = []

    async def main() -> tuple[list[str], list[str], str]:
        alice = MastodonApi(mock.base_url, "alice_token")
        bob = MastodonApi(mock.base_url, "bob_token")
        original = alice.request

        async def spy(method: str, path: str, **kw: object) -> object:
            paths.append(path)
            return await original(method, path, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(alice, "request", spy)
        try:
            posted = await bob.post_status("typed by address")
            by_name = ColumnSpec(A, ColumnKind.PROFILE, acct="@bob")
            first = await fetch_page(alice, by_name, {"limit": 20})
            again = await fetch_page(alice, by_name, {"limit": 20})
            lookups = sum(1 for p in paths if p.startswith("/api/v1/accounts/lookup"))
            assert lookups == 1  # found once, then remembered
            with pytest.raises(NotFoundError) as missing:
                await fetch_page(alice, ColumnSpec(A, ColumnKind.PROFILE,
                                                   acct="nobody@mock"), {"limit": 20})
            with pytest.raises(NotFoundError):
                await fetch_page(alice, ColumnSpec(A, ColumnKind.PROFILE, acct=""), {})
            assert posted.id in {i.status.id for i in first.items if i.status}
            return ([i.sort_id for i in first.items], [i.sort_id for i in again.items],
                    missing.value.user_message)
        finally:
            await alice.aclose()
            await bob.aclose()

    first, again, message = asyncio.run(main())
    assert first and first == again
    assert not any(p.startswith("/api/v1/accounts//") for p in paths)
    assert message == "nobody@mock could not be found from mock."
