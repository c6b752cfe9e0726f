"""The plan and import pages say "1 thing", "1 account" (no server: pages built directly)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from PySide6.QtWidgets import QApplication

from fedidesk.core.context import AppContext
from fedidesk.core.migration.importer import ImportSummary
from fedidesk.core.migration.plan import SERVER, CategoryPlan, Plan, PlanItem
from fedidesk.core.migration.source import ImportSource
from fedidesk.ui.migration.base import Shared
from fedidesk.ui.migration.importpage import ImportPage
from fedidesk.ui.migration.planpage import PlanPage, follows_explanation
from fedidesk.ui.migration.state import MigrationState

NEW = "bob@new.example"


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def shared(ctx: AppContext) -> Shared:
    return Shared(ctx, cast(Any, None), lambda _url: True, lambda _path: True,
                  MigrationState(new=NEW))


def one_follow(tmp_path: Path, **kw: Any) -> Plan:
    plan = Plan(NEW, ImportSource(tmp_path), **kw)
    plan.categories["follows"] = CategoryPlan(to_add=[PlanItem("dave@remote.example", "7")])
    return plan


def test_one_follow_over_the_daily_limit(tmp_path: Path) -> None:
    text = plain(follows_explanation(one_follow(tmp_path, follow_path=SERVER, budget_left=0)))
    assert text.startswith("Follows: 1 account is more than fedidesk may follow today "
                           "(Mastodon allows 400 follows a day; 0 left today).")


def test_plan_page_with_one_thing_to_add(qapp: QApplication, ctx: AppContext,
                                         tmp_path: Path) -> None:
    page = PlanPage(shared(ctx))
    try:
        page.show_plan(one_follow(tmp_path, budget_left=400))
        assert plain(page.status.text()) == (
            f"1 thing to add to {NEW}. Nothing is removed or overwritten.")
        assert plain(page.follows_choice.numbers.text()) == (
            "1 account to follow; 400 of 400 follows a day left today.")
    finally:
        page.deleteLater()


def test_import_page_with_one_thing_left(qapp: QApplication, ctx: AppContext) -> None:
    page = ImportPage(shared(ctx))
    try:
        page._finished(ImportSummary(job_id=1, open_rows=1), server_path=False)
        assert plain(page.result.text()).startswith("1 thing is left for later. ")
        page._finished(ImportSummary(job_id=1, open_rows=2), server_path=False)
        assert plain(page.result.text()).startswith("2 things are left for later. ")
    finally:
        page.deleteLater()
