"""The export's notes on the follow counter agree with their numbers ("1 follow", "1 is")."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from fedidesk.core.migration.bundle import Manifest
from fedidesk.core.migration.export import CATEGORY_FILES, _notes


def notes(listed: int, counter: int) -> list[str]:
    run = SimpleNamespace(notes=[], journal=SimpleNamespace(finished={"follows_done"}))
    manifest = Manifest("ann@old.example", "old.example", "2025-01-01T00:00:00Z",
                        counts={CATEGORY_FILES["follows"]: listed},
                        account_counters={"following_count": counter})
    return _notes(cast(Any, run), manifest, [])


def test_fewer_listed_than_counted() -> None:
    assert notes(0, 1) == [
        "Your profile counts 1 follow but the server listed 0: 1 is not shown, usually a "
        "suspended or deleted account, an account on a server your server blocks, or a "
        "counter that has not caught up."]
    assert notes(1, 3) == [
        "Your profile counts 3 follows but the server listed 1: 2 are not shown, usually "
        "suspended or deleted accounts, accounts on servers your server blocks, or a counter "
        "that has not caught up."]


def test_more_listed_than_counted() -> None:
    assert notes(1, 0) == ["The server listed 1 follow but your profile counts 0: the counter "
                           "is cached and catches up later."]
    assert notes(5, 4) == ["The server listed 5 follows but your profile counts 4: the "
                           "counter is cached and catches up later."]
