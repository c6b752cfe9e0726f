"""Hashtag and people suggestions against mastodon-mock, with the shared follow budget."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.errors import FedideskError
from fedidesk.core.storage import Database
from fedidesk.core.suggestions import (
    TOPIC_PACKS,
    FollowLimitError,
    TopicPack,
    check_tag_name,
    follow_tag,
    hashtag_suggestions,
    people_suggestions,
    reasons_for,
    unfollow_tag,
)
from tests.helpers.mockserver import add_fault, token_for

T = TypeVar("T")
PACKS = (TopicPack("Python", ("python", "django", "fastapi")),
         TopicPack("Rust", ("rust", "python")))


def with_api(mock: MockServer, body: Callable[[MastodonApi], Awaitable[T]]) -> T:
    async def main() -> T:
        async with MastodonApi(mock.base_url, token_for(mock, "alice")) as api:
            return await body(api)
    return asyncio.run(main())


def test_topic_packs_shape() -> None:
    assert len(TOPIC_PACKS) >= 10
    for pack in TOPIC_PACKS:
        assert pack.title and 5 <= len(pack.tags) <= 10, pack
        for tag in pack.tags:
            check_tag_name(tag)
        assert len({t.lower() for t in pack.tags}) == len(pack.tags)


def test_check_tag_name() -> None:
    assert check_tag_name("#Python") == "Python"
    for bad in ("", "two words", "123", "a-b", "#"):
        with pytest.raises(FedideskError):
            check_tag_name(bad)


def test_hashtag_suggestions_merge_and_follow_state(mock: MockServer, db: Database) -> None:
    budget = FollowBudget(db, "alice@example")

    async def body(api: MastodonApi) -> tuple[Any, Any]:
        await follow_tag(api, "django", budget)
        return await hashtag_suggestions(api, packs=PACKS), await api.get_json(
            "/api/v1/trends/tags")

    found, trends = with_api(mock, body)
    names = [s.name.lower() for s in found]
    assert len(names) == len(set(names))  # each tag once
    trending = {t["name"].lower() for t in trends}
    for s in found:
        if s.name.lower() in trending:
            assert s.source == "trending"
    by_name = {s.name.lower(): s for s in found}
    for name in ("python", "django", "fastapi", "rust"):
        assert name in by_name
        if name not in trending:
            assert by_name[name].source == ("Rust" if name == "rust" else "Python")
    assert by_name["django"].following and not by_name["fastapi"].following
    assert all(s.uses_7d >= 0 and s.accounts_7d >= 0 for s in found)
    assert budget.used_today() == 1


def test_hashtag_usage_from_history(mock: MockServer) -> None:
    history = [{"day": str(1_773_000_000 - 86_400 * i), "uses": str(i + 1),
                "accounts": "1"} for i in range(7)]
    add_fault(mock.base_url, {"match": {"methods": ["GET"], "path": "/api/v1/tags/fastapi"},
                              "effect": {"type": "status", "status": 200, "body": {
                                  "name": "fastapi", "url": "https://x/tags/fastapi",
                                  "history": history, "following": False}}})
    add_fault(mock.base_url, {"match": {"methods": ["GET"], "path": "/api/v1/tags/django"},
                              "effect": {"type": "status", "status": 404,
                                         "body": {"error": "Record not found"}}})
    found = with_api(mock, lambda api: hashtag_suggestions(api, packs=PACKS[:1],
                                                           trending_limit=1))
    by_name = {s.name: s for s in found}
    assert by_name["fastapi"].uses_7d == 28 and by_name["fastapi"].accounts_7d == 7
    assert by_name["django"].uses_7d == 0  # the failure was tolerated


def test_follow_unfollow_round_trip(mock: MockServer, db: Database) -> None:
    budget = FollowBudget(db, "alice@example")

    async def body(api: MastodonApi) -> None:
        tag = await follow_tag(api, "#Rust", budget)
        assert tag.following
        page = await api.followed_tags()
        assert "rust" in {t.name for t in page.items}
        tag = await unfollow_tag(api, "rust")
        assert not tag.following
        page = await api.followed_tags()
        assert "rust" not in {t.name for t in page.items}

    with_api(mock, body)
    assert budget.used_today() == 1


def test_follow_tag_respects_shared_budget(mock: MockServer, db: Database) -> None:
    budget = FollowBudget(db, "alice@example", limit=2)
    budget.record()  # an account follow made earlier today counts too

    async def body(api: MastodonApi) -> None:
        await follow_tag(api, "python", budget)
        with pytest.raises(FollowLimitError) as err:
            await follow_tag(api, "rust", budget)
        assert "00:00 UTC" in err.value.user_message and err.value.resets_at
        assert "rust" not in {t.name for t in (await api.followed_tags()).items}

    with_api(mock, body)
    assert budget.remaining() == 0


def test_follow_unknown_tag_is_a_clear_error(mock: MockServer, db: Database) -> None:
    add_fault(mock.base_url, {"match": {"methods": ["POST"],
                                        "path": "/api/v1/tags/nosuchtag/follow"},
                              "effect": {"type": "status", "status": 404,
                                         "body": {"error": "Record not found"}}})
    budget = FollowBudget(db, "alice@example")

    async def body(api: MastodonApi) -> None:
        with pytest.raises(FedideskError) as err:
            await follow_tag(api, "nosuchtag", budget)
        assert "#nosuchtag is not known" in err.value.user_message

    with_api(mock, body)
    assert budget.used_today() == 0


def test_people_suggestions_v2_with_reasons(mock: MockServer) -> None:
    found = with_api(mock, people_suggestions)
    assert found and all(p.origin == "v2" for p in found)
    assert found[0].reasons == ("Staff pick",)
    assert "alice" not in {p.account.username for p in found}


def test_reasons_mapping() -> None:
    assert reasons_for({"sources": ["most_followed", "most_interactions",
                                    "friends_of_friends"]}) == (
        "Popular on your server", "Followed by people you follow")
    assert reasons_for({"source": "past_interactions"}) == ("You have interacted with them",)
    assert reasons_for({"sources": ["similar_to_recently_followed"]}) == (
        "Similar to people you recently followed",)
    assert reasons_for({}) == ("Suggested by your server",)


def test_people_suggestions_fall_back_to_v1(mock: MockServer) -> None:
    add_fault(mock.base_url, {"match": {"path": "/api/v2/suggestions"},
                              "effect": {"type": "status", "status": 404,
                                         "body": {"error": "Not found"}}})
    found = with_api(mock, people_suggestions)
    assert found and {p.origin for p in found} == {"v1"}


def test_people_suggestions_fall_back_to_directory(mock: MockServer) -> None:
    for path in ("/api/v2/suggestions", "/api/v1/suggestions"):
        add_fault(mock.base_url, {"match": {"path": path},
                                  "effect": {"type": "status", "status": 404,
                                             "body": {"error": "Not found"}}})

    async def body(api: MastodonApi) -> Any:
        me = await api.verify_credentials()
        return me.id, await people_suggestions(api, exclude_ids={me.id})

    my_id, found = with_api(mock, body)
    assert found and {p.origin for p in found} == {"directory"}
    assert my_id not in {p.account.id for p in found}
    assert found[0].reasons == ("Active in your server's profile directory",)


def test_empty_suggestions_use_directory(mock: MockServer) -> None:
    add_fault(mock.base_url, {"match": {"path": "/api/v2/suggestions"},
                              "effect": {"type": "status", "status": 200, "body": []}})
    found = with_api(mock, people_suggestions)
    assert found and found[0].origin == "directory"
