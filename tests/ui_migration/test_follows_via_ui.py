"""The plan page's "how to bring follows" choice, through the import and the report.

alice (old) → bob (new) on mastodon-mock; alice follows dave@remote.example.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtWidgets import QLabel

from fedidesk.core.contacts.follow import NAMESPACE, FollowBudget
from fedidesk.core.context import AppContext
from fedidesk.core.migration.importjournal import ImportJournal
from fedidesk.core.migration.plan import API_RESERVE, SERVER_IMPORT_DIR, Plan, PlanItem
from fedidesk.core.migration.source import ImportSource
from fedidesk.ui.migration import MigrationAssistant
from fedidesk.ui.migration.planpage import FollowsChoice, PlanPage
from fedidesk.ui.migration.reportpage import ReportPage
from fedidesk.ui.migration.state import COPY, MigrationStore
from tests.ui.conftest import LoopRunner
from tests.ui_migration.conftest import Accounts, Opened, _call, shot
from tests.ui_migration.test_assistant import choose_accounts, export_into, run_import, to_plan

pytestmark = pytest.mark.integration

Make = Callable[[], tuple[MigrationAssistant, Opened]]


def plain(widget: QLabel) -> str:
    return re.sub(r"<[^>]+>", "", widget.text())


def plan_for(window: MigrationAssistant, accounts: Accounts, aloop: LoopRunner,
             folder: Path) -> PlanPage:
    choose_accounts(window, accounts, COPY)
    window.shared.state.categories = ["follows", "mutes"]  # no lists: they follow by API
    window.go_to(2)
    export_into(window, aloop, folder)
    window.next_button.click()
    return to_plan(window, aloop)


def choose(window: MigrationAssistant, page: PlanPage, aloop: LoopRunner, via: str) -> None:
    page.follows_choice.buttons[via].click()
    assert window.shared.state.follows_via == via
    assert not window.next_button.isEnabled()  # checking again with the new choice
    aloop.until(lambda: page.plan is not None and page.plan.follows_via == via
                and not page.busy())
    assert window.next_button.isEnabled()


def test_choosing_server_replans_and_the_import_writes_the_csv(
        make_assistant: Make, accounts: Accounts, aloop: LoopRunner, ctx: AppContext,
        mock: MockServer, tmp_path: Path) -> None:
    window, opened = make_assistant()
    folder = tmp_path / "export"
    plan = plan_for(window, accounts, aloop, folder)
    choice = plan.follows_choice
    assert choice.isVisible() and choice.choice() == "auto"
    assert plan.plan is not None and plan.plan.follow_path == "api"  # one follow fits today
    assert "1 account to follow" in plain(choice.numbers)
    assert "400 of 400" in plain(choice.numbers)
    for via, button in choice.buttons.items():
        assert button.accessibleName() == button.text()
        assert button.accessibleDescription() == choice.texts[via].text() != ""
    assert choice.accessibleName()
    assert "about 1 day" in choice.texts["api"].text()

    choose(window, plan, aloop, "server")
    assert plan.plan is not None and plan.plan.follow_path == "server_import"
    assert "as you chose" in plain(plan.follows_label)
    assert "following_accounts.csv" in plain(plan.follows_label)
    assert not (folder / SERVER_IMPORT_DIR).exists()  # the dry run writes nothing
    window.next_button.click()

    imp = run_import(window, aloop)
    assert window.shared.state.import_state == "finished", imp.result.text()
    csv_text = (folder / SERVER_IMPORT_DIR / "following_accounts.csv").read_text()
    assert csv_text.splitlines()[1:] == ["dave@remote.example,true,false,"]
    assert imp.server_button.isVisible() and imp.file_button.isVisible()
    assert "import page" in plain(imp.via_label) and "this time" in plain(imp.via_label)
    shot(window, "import-follows-via-server")
    imp.server_button.click()
    assert opened.urls[-1].endswith("/settings/imports")
    journal = ImportJournal(ctx.db)
    job = journal.jobs(accounts.new)[0]
    assert job.follows_via == "server"
    assert [r.handed_to_server for r in journal.rows(job.id, "follows")] == [True]
    window.next_button.click()

    report = cast(ReportPage, window.current_page)
    aloop.until(lambda: report.report is not None and not report.busy())
    assert "0 of 1 follow handed" in plain(report.via_label)
    assert "Upload following_accounts.csv" in plain(report.via_label)
    # The user uploads the file and the server's import follows dave; check again.
    dave = _call(mock, "bob", "GET", "/api/v1/accounts/lookup",
                 params={"acct": "dave@remote.example"})["id"]
    _call(mock, "bob", "POST", f"/api/v1/accounts/{dave}/follow")
    report.check_button.click()
    aloop.until(lambda: not report.busy() and "1 of 1" in plain(report.via_label))
    assert "has arrived" in plain(report.via_label)
    assert report.arrived()["follows"] == 1
    shot(window, "report-follows-via-server")


def test_choosing_api_waits_for_the_next_day_and_survives_a_restart(
        make_assistant: Make, accounts: Accounts, aloop: LoopRunner, ctx: AppContext,
        tmp_path: Path) -> None:
    FollowBudget(ctx.db, accounts.new).record(400)  # nothing left today
    window, _ = make_assistant()
    folder = tmp_path / "export"
    plan = plan_for(window, accounts, aloop, folder)
    assert plan.plan is not None and plan.plan.follow_path == "server_import"  # auto
    assert "0 of 400" in plain(plan.follows_choice.numbers)
    assert "about 1 day at up to 380 a day (0 today)" in plan.follows_choice.texts["api"].text()
    assert f"{API_RESERVE} follows a day stay free" in plan.follows_choice.texts["api"].text()

    choose(window, plan, aloop, "api")
    assert plan.plan is not None and plan.plan.follow_path == "api"
    assert plan.plan.follow_reserve == API_RESERVE
    assert "0 today, then up to 380 a day after 00:00 UTC, about 1 day in all" in plain(
        plan.follows_label)
    shot(window, "plan-follows-via")
    window.close()  # fedidesk is closed before the import: the choice is kept
    window.deleteLater()
    assert MigrationStore(ctx.db).load().follows_via == "api"

    again, _ = make_assistant()
    assert again.current_page.key == "plan"
    plan = to_plan(again, aloop)
    assert plan.follows_choice.choice() == "api"
    assert plan.plan is not None and plan.plan.follows_via == "api"
    again.next_button.click()

    imp = run_import(again, aloop)
    assert again.shared.state.import_state == "partial", imp.result.text()
    assert "Follows continue at" in plain(imp.result)
    assert "continues by itself" in plain(imp.result)
    assert not (folder / SERVER_IMPORT_DIR).exists()  # waits instead of writing the file
    assert imp.resume_timer.isActive() and imp.resume_timer.remainingTime() > 0
    assert "the API" in plain(imp.via_label)
    journal = ImportJournal(ctx.db)
    job = journal.jobs(accounts.new)[0]
    assert job.follows_via == "api"
    assert [r.state for r in journal.rows(job.id, "follows")] == ["resolved"]

    # 00:00 UTC: the daily limit resets and the timer fires.
    ctx.db.execute("DELETE FROM kv WHERE namespace = ?", (NAMESPACE,))
    imp.resume_timer.stop()
    imp.resume_when_due()
    assert imp.busy()
    aloop.until(lambda: not imp.busy())
    assert again.shared.state.import_state == "finished", imp.result.text()
    assert [r.state for r in journal.rows(job.id, "follows")] == ["done"]
    assert not imp.resume_timer.isActive()


def test_hashtag_follows_are_named_where_they_count(qtbot: Any, tmp_path: Path) -> None:
    plan = Plan("new@mock.local", ImportSource(tmp_path), budget_left=100)
    plan.category("follows").to_add = [PlanItem(f"a{i}@x.example") for i in range(3)]
    plan.category("tags").to_add = [PlanItem("python")]
    choice = FollowsChoice()
    qtbot.addWidget(choice)
    choice.show_numbers(plan)
    text = plain(choice.numbers)
    # "4 today" in the API option is 3 accounts + 1 hashtag: the numbers line says so.
    assert "3 accounts to follow" in text and "1 hashtag to follow counts" in text
    assert "(4 today)" in choice.texts["api"].text()
    plan.category("tags").to_add = []
    choice.show_numbers(plan)
    assert "hashtag" not in plain(choice.numbers)
