"""The guided move: alias check, moved detection, followers, persistence, modes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core import i18n
from fedidesk.core.clock import FakeClock
from fedidesk.core.errors import InsecureUrlError, InvalidAddressError
from fedidesk.core.http import make_client
from fedidesk.core.migration.actor import ActorError, find_actor, get_capped_json
from fedidesk.core.migration.move import (
    CHECK_ALIAS,
    CHECK_FILES,
    CONFIRM_MOVED,
    COPY_ONLY,
    CREATE_ALIAS,
    FOLLOWERS_ARRIVING,
    OLD_GONE,
    START_MOVE,
    Endpoint,
    MoveAssistant,
    saved_message,
)
from fedidesk.core.storage import Database
from tests.migration_move.fakefedi import FakeFedi


def make(db: Database, old: FakeFedi, new: FakeFedi, **kw: Any) -> MoveAssistant:
    return MoveAssistant(db, Endpoint(old.handle("ann"), old.base_url),
                         Endpoint(new.handle("ann2"), new.base_url), **kw)


def go(db: Database, old: FakeFedi, new: FakeFedi,
       body: Callable[[MoveAssistant], Awaitable[Any]], **kw: Any) -> Any:
    async def main() -> Any:
        async with make(db, old, new, **kw) as assistant:
            return await body(assistant)
    return asyncio.run(main())


def moved_to(new: FakeFedi, username: str = "ann2") -> dict[str, Any]:
    return {"id": "77", "username": username, "acct": f"{username}@{new.domain}",
            "url": f"{new.base_url}/@{username}", "uri": new.actor_uri(username)}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "move.db")


def test_alias_check_passes_when_also_known_as_lists_the_old_actor(
        db: Database, old: FakeFedi, new: FakeFedi) -> None:
    new.accounts["ann2"].also_known_as = ["https://elsewhere.example/users/x",
                                          old.actor_uri("ann") + "/"]
    result = go(db, old, new, lambda a: a.run(CHECK_ALIAS))
    assert result.ok, result.message
    assert result.message.startswith("The alias is in place")
    assert result.details["old_actor"] == old.actor_uri("ann")
    assert result.details["new_actor"] == new.actor_uri("ann2")
    actor_gets = [r for r in new.requests if r[0].startswith("/users/")]
    assert actor_gets and all("application/activity+json" in a for _, a in actor_gets)


def test_alias_check_fails_with_what_is_listed(db: Database, old: FakeFedi,
                                               new: FakeFedi) -> None:
    new.accounts["ann2"].also_known_as = ["https://elsewhere.example/users/x"]
    result = go(db, old, new, lambda a: a.run(CHECK_ALIAS))
    assert not result.ok
    assert "No alias yet" in result.message and "elsewhere.example" in result.message
    assert old.actor_uri("ann") in result.message
    assert result.url == f"{new.base_url}/settings/aliases"
    new.accounts["ann2"].also_known_as = []
    assert "lists nothing" in go(db, old, new, lambda a: a.run(CHECK_ALIAS)).message


def test_actor_found_through_the_account_entity_when_webfinger_fails(
        db: Database, old: FakeFedi, new: FakeFedi) -> None:
    new.accounts["ann2"].also_known_as = [old.actor_uri("ann")]
    new.webfinger = False
    result = go(db, old, new, lambda a: a.run(CHECK_ALIAS))
    assert result.ok, result.message
    assert any(p.startswith("/.well-known/webfinger") for p, _ in new.requests)
    assert any(p.startswith("/api/v1/accounts/lookup") for p, _ in new.requests)


def test_unreadable_actor_is_a_precise_failure(db: Database, old: FakeFedi,
                                               new: FakeFedi) -> None:
    new.serve_actors = False
    result = go(db, old, new, lambda a: a.run(CHECK_ALIAS))
    assert not result.ok
    assert "Could not read the ActivityPub profile of ann2@new.example" in result.message
    assert new.actor_uri("ann2") in result.message


def test_actor_fetch_is_https_only_and_size_capped(new: FakeFedi) -> None:
    async def main() -> None:
        async with make_client() as client:
            with pytest.raises(InsecureUrlError):
                await get_capped_json(client, "http://example.com/users/x", "application/json")
            with pytest.raises(ActorError, match="too large"):
                await get_capped_json(client, f"{new.base_url}/huge", "application/json",
                                      limit=10_000)
            assert (await get_capped_json(client, f"{new.base_url}/huge",
                                          "application/json"))["id"] == "x"
    asyncio.run(main())


def test_mock_serves_no_actor_documents(mock: MockServer) -> None:
    """mastodon-mock has WebFinger but 404s on ``/users/:name``: the check says so."""
    async def main() -> None:
        async with make_client() as client:
            with pytest.raises(ActorError, match="Could not read the ActivityPub profile"):
                await find_actor(client, mock.base_url, "alice@127.0.0.1")
    asyncio.run(main())


def test_handles_are_validated() -> None:
    with pytest.raises(InvalidAddressError):
        Endpoint("just-a-name")
    assert Endpoint("@Ann@Old.Example").base_url == "https://old.example"


def test_moved_detection(db: Database, old: FakeFedi, new: FakeFedi) -> None:
    result = go(db, old, new, lambda a: a.run(CONFIRM_MOVED))
    assert not result.ok and "has not moved yet" in result.message
    old.accounts["ann"].moved = moved_to(new, "someone")
    result = go(db, old, new, lambda a: a.run(CONFIRM_MOVED))
    assert not result.ok and "to someone@new.example, not to ann2@new.example" in result.message
    old.accounts["ann"].moved = moved_to(new)
    result = go(db, old, new, lambda a: a.run(CONFIRM_MOVED))
    assert result.ok and result.message == "ann@old.example now points to ann2@new.example."


def test_moved_seen_through_the_new_server_when_the_old_one_fails(
        db: Database, old: FakeFedi, new: FakeFedi) -> None:
    del old.accounts["ann"]  # the old server no longer answers for the account
    new.remote["ann@old.example"] = {"id": "5", "username": "ann", "acct": "ann@old.example",
                                     "moved": {**moved_to(new), "acct": "ann2"}}
    result = go(db, old, new, lambda a: a.run(CONFIRM_MOVED))
    assert result.ok, result.message


def test_full_walk_followers_arriving_and_persistence(db: Database, old: FakeFedi,
                                                      new: FakeFedi, tmp_path: Path) -> None:
    first = go(db, old, new, lambda a: a.run())
    assert first.ok and first.url == f"{new.base_url}/settings/aliases"
    assert "ann@old.example" in first.message
    assert not go(db, old, new, lambda a: a.run()).ok  # alias missing: stays on check_alias
    new.accounts["ann2"].also_known_as = [old.actor_uri("ann")]
    assert go(db, old, new, lambda a: a.run()).ok
    move = go(db, old, new, lambda a: a.run())
    assert move.ok and move.url == f"{old.base_url}/settings/migration"
    for words in ("cannot be undone", "30 days", "posts do not move", "followers do move"):
        assert words in move.message
    assert move.details == {"followers_before": 3, "old_followers_before": 42}

    db.close()  # a restart: a new database handle and a new assistant
    db2 = Database(tmp_path / "move.db")
    again = make(db2, old, new)
    assert again.state.done == [CREATE_ALIAS, CHECK_ALIAS, START_MOVE]
    assert again.current == CONFIRM_MOVED
    assert again.state.followers_before == 3
    assert again.state.old_actor == old.actor_uri("ann")

    old.accounts["ann"].moved = moved_to(new)
    assert go(db2, old, new, lambda a: a.run()).ok
    none_yet = go(db2, old, new, lambda a: a.run())
    assert not none_yet.ok and "No followers have arrived yet (3 now, 3 before" in none_yet.message
    new.accounts["ann2"].followers_count = 23
    some = go(db2, old, new, lambda a: a.run())
    assert some.ok and some.message.startswith("20 of about 42 followers have arrived so far")
    assert not some.details["complete"]
    new.accounts["ann2"].followers_count = 45
    assert make(db2, old, new).current is None
    clock = FakeClock()
    seen: list[str] = []
    done = go(db2, old, new, lambda a: a.poll_followers(interval=60, on_result=lambda r:
                                                        seen.append(r.message)), clock=clock)
    assert done.ok and done.details["complete"] and len(seen) == 1
    assert done.message == "All 42 of about 42 followers have arrived at ann2@new.example (45 now)."


def followers_message(db: Database, old: FakeFedi, new: FakeFedi, before: int,
                      expected: int | None) -> str:
    async def body(a: MoveAssistant) -> str:
        a.state.followers_before, a.state.old_followers_before = before, expected
        return (await a.followers_arriving()).message
    return str(go(db, old, new, body))


def test_follower_counts_are_singular_for_one(db: Database, old: FakeFedi,
                                              new: FakeFedi) -> None:
    new.accounts["ann2"].followers_count = 4
    assert followers_message(db, old, new, 3, 1) == (
        "The expected follower has arrived at ann2@new.example: 1 of about 1 (4 now).")
    assert followers_message(db, old, new, 3, 42).startswith(
        "1 of about 42 followers has arrived so far (4 now, 3 before the move).")
    assert followers_message(db, old, new, 3, None).startswith(
        "1 follower has arrived so far (4 now, 3 before the move).")
    assert followers_message(db, old, new, 2, 2) == (
        "All 2 of about 2 followers have arrived at ann2@new.example (4 now).")


def test_poll_followers_waits_and_gives_up(db: Database, old: FakeFedi, new: FakeFedi) -> None:
    clock = FakeClock()
    make(db, old, new).store.save(make(db, old, new).state)

    async def body(a: MoveAssistant) -> Any:
        a.state.followers_before, a.state.old_followers_before = 3, 42
        return await a.poll_followers(interval=60, give_up_after=300)
    result = go(db, old, new, body, clock=clock)
    assert not result.ok and clock.sleeps == [60.0] * 5


def test_start_move_needs_the_alias_first(db: Database, old: FakeFedi, new: FakeFedi) -> None:
    result = go(db, old, new, lambda a: a.run(START_MOVE))
    assert not result.ok and "alias has not been confirmed" in result.message
    assert make(db, old, new).state.followers_before is None


def test_saved_results_read_in_the_language_in_use_later(
        db: Database, old: FakeFedi, new: FakeFedi) -> None:
    go(db, old, new, lambda a: a.run(START_MOVE))
    saved = make(db, old, new).state.results[START_MOVE]
    assert saved_message(saved).startswith("The alias has not been confirmed yet")
    i18n.install("de")
    try:
        assert saved_message(saved).startswith("Der Alias wurde noch nicht bestätigt")
        # Saved by an earlier version: only the worded message, shown as it was.
        assert saved_message({"ok": False, "message": "Old words"}) == "Old words"
        assert saved_message({"ok": False, "message": "Old", "text": {"bad": 1}}) == "Old"
    finally:
        i18n.install("en")


def test_copy_only_skips_the_move(db: Database, old: FakeFedi, new: FakeFedi) -> None:
    result = go(db, old, new, lambda a: a.run(), mode=COPY_ONLY)
    assert result.ok and result.message.startswith("Copy only: ann@old.example stays")
    again = make(db, old, new)
    assert again.state.mode == COPY_ONLY and again.steps == () and again.current is None
    assert not old.requests and not new.requests
    with pytest.raises(ValueError, match="unknown mode"):
        make(db, old, new, mode="teleport")


def test_old_server_gone_uses_downloaded_files(db: Database, old: FakeFedi, new: FakeFedi,
                                               tmp_path: Path) -> None:
    folder = tmp_path / "download"
    folder.mkdir()
    empty = go(db, old, new, lambda a: a.run(), mode=OLD_GONE, export_dir=folder)
    assert not empty.ok and "no export files" in empty.message
    (folder / "following_accounts.csv").write_text(
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "a@x.example,true,false,\nb@x.example,true,false,\n", encoding="utf-8")
    (folder / "lists.csv").write_text("Friends,a@x.example\n", encoding="utf-8")
    result = go(db, old, new, lambda a: a.run())
    assert result.ok, result.message
    assert "Follows (2), List members (1)" in result.message
    assert result.next_action == (f"Import them: fedidesk migrate import --account "
                                  f"ann2@new.example --from {folder}")
    assert make(db, old, new).state.done == [CHECK_FILES]
    assert not old.requests


def test_network_failure_is_a_step_result(db: Database, old: FakeFedi) -> None:
    async def main() -> Any:
        transport = httpx.MockTransport(lambda r: (_ for _ in ()).throw(
            httpx.ConnectError("down", request=r)))
        client = make_client(transport=transport)
        async with MoveAssistant(db, Endpoint("ann@old.example", old.base_url),
                                 Endpoint("x@new.example", "http://127.0.0.1:9"),
                                 client=client, clock=FakeClock()) as a:
            result = await a.run(FOLLOWERS_ARRIVING)
        await client.aclose()
        return result
    result = asyncio.run(main())
    assert not result.ok and "127.0.0.1" in result.message
