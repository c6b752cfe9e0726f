"""Counts in the import's texts agree with their number: "1 account", "1 reporté"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fedidesk.cli.migrate_import import count_parts
from fedidesk.core import i18n
from fedidesk.core.entities import Account
from fedidesk.core.migration.plan import CategoryPlan, Plan, PlanItem, _preflight
from fedidesk.core.migration.source import ImportSource


@pytest.fixture
def restore_english() -> Iterator[None]:
    yield
    i18n.install("en")


def counts(**kw: int) -> dict[str, int]:
    return {"to_add": 0, "already_there": 0, "unresolvable": 0, "deferred": 0,
            "finished": 0, **kw}


def test_cli_count_parts_in_english() -> None:
    assert count_parts(counts(to_add=1, already_there=1)) == ["+1 to add", "1 already there"]
    assert count_parts(counts(to_add=2, unresolvable=1, deferred=3, finished=1)) == [
        "+2 to add", "0 already there", "1 unresolvable", "3 deferred", "1 finished"]


@pytest.mark.parametrize(("language", "one", "two"), [
    ("fr", "1 reporté", "2 reportés"), ("es", "1 aplazado", "2 aplazados")])
def test_cli_count_parts_agree_in_french_and_spanish(language: str, one: str, two: str,
                                                    restore_english: None) -> None:
    i18n.install(language)
    assert one in count_parts(counts(deferred=1))
    assert two in count_parts(counts(deferred=2))


def following_limit_warning(tmp_path: Path, following: int, wanted: int) -> str:
    plan = Plan("neo@mock.local", ImportSource(tmp_path))
    plan.categories["follows"] = CategoryPlan(
        to_add=[PlanItem(f"u{i}@x.example") for i in range(wanted)])
    _preflight(plan, Account(following_count=following), budget_left=400)
    assert len(plan.warnings) == 1
    return plan.warnings[0]


def test_following_limit_warning_counts_both_numbers(tmp_path: Path) -> None:
    assert following_limit_warning(tmp_path, 7_499, 3) == (
        "Only 1 more account can be followed (limit 7500); 2 are left out.")
    assert following_limit_warning(tmp_path, 7_498, 3) == (
        "Only 2 more accounts can be followed (limit 7500); 1 is left out.")
