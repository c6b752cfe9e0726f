"""``fedidesk migrate move-status``: exit codes, text and JSON, counts kept between runs."""

from __future__ import annotations

import json

import pytest

from fedidesk.cli.main import run
from tests.migration_move.fakefedi import FakeFedi


def args(old: FakeFedi, new: FakeFedi, *extra: str) -> list[str]:
    return ["migrate", "move-status", "--old", old.handle("ann"), "--new", new.handle("ann2"),
            f"--old-server={old.base_url}", f"--new-server={new.base_url}", *extra]


def test_before_the_move_exit_1_and_counts_recorded(old: FakeFedi, new: FakeFedi,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args(old, new)) == 1
    out = capsys.readouterr().out
    assert "Alias: no. No alias yet" in out
    assert "Next: Add ann@old.example as an alias" in out and "/settings/aliases" in out
    assert "Moved: no. ann@old.example has not moved yet" in out
    assert "Followers: no. No followers have arrived yet (3 now, 3 before the move)." in out


def test_after_the_move_exit_0_with_json(old: FakeFedi, new: FakeFedi,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args(old, new, "--json")) == 1  # records 3 followers before the move
    capsys.readouterr()
    new.accounts["ann2"].also_known_as = [old.actor_uri("ann")]
    old.accounts["ann"].moved = {"id": "9", "username": "ann2", "acct": "ann2@new.example",
                                 "url": f"{new.base_url}/@ann2", "uri": new.actor_uri("ann2")}
    new.accounts["ann2"].followers_count = 10
    assert run(args(old, new, "--json")) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["old"] == "ann@old.example"
    checks = data["checks"]
    assert set(checks) == {"check_alias", "confirm_moved", "followers_arriving"}
    assert checks["check_alias"]["details"]["old_actor"] == old.actor_uri("ann")
    assert checks["followers_arriving"]["details"] == {
        "followers_now": 10, "followers_before": 3, "expected": 42, "gained": 7,
        "complete": False}
    assert checks["followers_arriving"]["message"].startswith("7 of about 42 followers")


def test_bad_handle_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["migrate", "move-status", "--old", "ann", "--new", "b@c.example"]) == 1
    assert "not a full handle" in capsys.readouterr().err
    assert run(["migrate", "move-status", "--old", "a@b.example"]) == 2
