"""The migration assistant window against mastodon-mock: alice (old) → bob (new)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fedidesk.core.context import AppContext
from fedidesk.ui.migration import MigrationAssistant
from fedidesk.ui.migration.accountspage import AccountsPage
from fedidesk.ui.migration.exportpage import ExportPage
from fedidesk.ui.migration.importpage import ImportPage
from fedidesk.ui.migration.movepage import MovePage
from fedidesk.ui.migration.planpage import PlanPage
from fedidesk.ui.migration.reportpage import ReportPage
from fedidesk.ui.migration.state import COPY, GONE, MOVE, MigrationStore
from tests.ui.conftest import LoopRunner
from tests.ui_migration.conftest import Accounts, Opened, shot

pytestmark = pytest.mark.integration

Make = Callable[[], tuple[MigrationAssistant, Opened]]


def choose_accounts(window: MigrationAssistant, accounts: Accounts, mode: str) -> None:
    page = cast(AccountsPage, window.page("accounts"))
    page.choose("old", accounts.old)
    page.choose("new", accounts.new)
    page.set_mode(mode)


def export_into(window: MigrationAssistant, aloop: LoopRunner, folder: Path) -> ExportPage:
    assert window.current_page.key == "export"
    page = cast(ExportPage, window.current_page)
    page.set_folder(str(folder))
    page.start_button.click()
    aloop.until(lambda: not page.busy())
    assert window.shared.state.exported, page.result.text()
    return page


def to_plan(window: MigrationAssistant, aloop: LoopRunner) -> PlanPage:
    assert window.current_page.key == "plan"
    page = cast(PlanPage, window.current_page)
    aloop.until(lambda: page.plan is not None and not page.busy())
    return page


def run_import(window: MigrationAssistant, aloop: LoopRunner) -> ImportPage:
    page = cast(ImportPage, window.current_page)
    assert page.key == "import"
    page.start_button.click()
    aloop.until(lambda: not page.busy())
    return page


def test_export_plan_import_report(make_assistant: Make, accounts: Accounts, aloop: LoopRunner,
                                   tmp_path: Path) -> None:
    window, opened = make_assistant()
    assert window.current_page.key == "accounts"
    assert not window.next_button.isEnabled()  # no accounts chosen yet
    choose_accounts(window, accounts, MOVE)
    assert window.next_button.isEnabled()
    shot(window, "accounts")
    window.next_button.click()
    assert window.current_page.key == "choose"
    shot(window, "choose")
    window.next_button.click()

    export = export_into(window, aloop, tmp_path / "export")
    assert export.overall.value() == export.overall.maximum()
    assert "Done" in export.result.text()
    assert export.counts.get("follows") == 1
    assert (tmp_path / "export" / "following_accounts.csv").read_text().count("dave@") == 1
    shot(window, "export")
    window.next_button.click()

    move = cast(MovePage, window.current_page)
    assert move.key == "move"
    assert not move.warning.isVisible()  # only shown right before the move itself
    move.step_button.click()
    aloop.until(lambda: not move.busy())
    assert opened.urls[-1].endswith("/settings/aliases")
    assert "create_alias" in move.done
    assert move.step_button.text() == "Check the alias"
    shot(window, "move")
    window.skip_button.click()  # the move can be finished later

    plan = to_plan(window, aloop)
    counts = plan.counts()
    assert counts["follows"]["to_add"] == 1
    assert counts["mutes"]["to_add"] == 1
    assert counts["domain_blocks"]["to_add"] == 1
    assert counts["lists"]["to_add"] == 1
    assert counts["tags"]["to_add"] == 1
    assert plan.summary.rowCount() >= 5
    assert "one by one" in plan.follows_label.text()
    shot(window, "plan")
    window.next_button.click()

    imp = run_import(window, aloop)
    assert window.shared.state.import_state == "finished", imp.result.text()
    bar = imp.bars["follows"]
    assert bar.value() == bar.maximum() == 1
    shot(window, "import")
    window.next_button.click()

    report = cast(ReportPage, window.current_page)
    assert report.key == "report"
    aloop.until(lambda: report.report is not None and not report.busy())
    arrived = report.arrived()
    assert arrived["follows"] == 1 and arrived["mutes"] == 1 and arrived["tags"] == 1
    assert "arrived" in report.status.text()
    assert report.open_button.isEnabled()
    report.open_button.click()
    assert opened.files[-1].endswith("import-report.txt")
    assert Path(opened.files[-1]).is_file()
    shot(window, "report")
    assert window.next_button.text() == "Done"


def test_pause_then_resume(make_assistant: Make, accounts: Accounts, aloop: LoopRunner,
                           tmp_path: Path) -> None:
    window, _ = make_assistant()
    choose_accounts(window, accounts, COPY)
    window.go_to(2)
    export_into(window, aloop, tmp_path / "export")
    window.next_button.click()  # the move step is skipped when copying
    to_plan(window, aloop)
    window.next_button.click()
    page = cast(ImportPage, window.current_page)
    page.start()
    page.pause()  # checked before the first row: nothing is sent
    aloop.until(lambda: not page.busy())
    assert window.shared.state.import_state == "paused"
    assert page.start_button.text() == "Resume"
    assert "Paused" in page.result.text()
    assert window.next_button.isEnabled()  # a paused import can be looked at in the report
    page.start_button.click()
    aloop.until(lambda: not page.busy())
    assert window.shared.state.import_state == "finished", page.result.text()
    assert all(bar.value() == bar.maximum() for bar in page.bars.values())


def test_restart_resumes_at_the_same_step(make_assistant: Make, accounts: Accounts,
                                          aloop: LoopRunner, ctx: AppContext,
                                          tmp_path: Path) -> None:
    window, _ = make_assistant()
    choose_accounts(window, accounts, COPY)
    window.go_to(2)
    export_into(window, aloop, tmp_path / "export")
    window.next_button.click()
    to_plan(window, aloop)
    window.next_button.click()
    page = cast(ImportPage, window.current_page)
    page.start()
    page.pause()
    aloop.until(lambda: not page.busy())
    window.close()
    window.deleteLater()
    saved = MigrationStore(ctx.db).load()
    assert saved.step == "import" and saved.mode == COPY and saved.new == accounts.new

    again, _ = make_assistant()
    assert again.current_page.key == "import"
    state = again.shared.state
    assert (state.old, state.new, state.folder) == (accounts.old, accounts.new,
                                                    str(tmp_path / "export"))
    resumed = cast(ImportPage, again.current_page)
    assert resumed.start_button.text() == "Resume"
    resumed.start_button.click()
    aloop.until(lambda: not resumed.busy())
    assert state.import_state == "finished", resumed.result.text()


def test_old_server_gone_imports_web_export_files(make_assistant: Make, accounts: Accounts,
                                                  aloop: LoopRunner, tmp_path: Path) -> None:
    folder = tmp_path / "downloaded"
    folder.mkdir()
    (folder / "following_accounts.csv").write_text(
        "Account address,Show boosts,Notify on new posts,Languages\r\n"
        "dave@remote.example,true,false,\r\ncarol@mock.local,true,false,\r\n"
        "nobody@gone.example,true,false,\r\n", encoding="utf-8")
    (folder / "blocked_domains.csv").write_text("spam.example\n", encoding="utf-8")
    (folder / "muted_accounts.csv").write_text("Account address,Hide notifications\n"
                                               "alice@mock.local,true\n", encoding="utf-8")
    window, _ = make_assistant()
    page = cast(AccountsPage, window.current_page)
    page.choose("new", accounts.new)
    page.set_mode(GONE)
    assert not window.next_button.isEnabled()  # no folder yet
    assert not page.old_combo.isEnabled()
    page.set_folder(str(folder))
    assert "3 follows" in page.folder_info.text()
    assert window.next_button.isEnabled()
    shot(window, "gone")
    window.next_button.click()
    window.next_button.click()  # what to bring → straight to the plan: no export, no move
    plan = to_plan(window, aloop)
    counts = plan.counts()
    assert counts["follows"]["to_add"] == 2  # dave, carol (locked: a request)
    assert counts["follows"]["unresolvable"] == 1
    assert counts["domain_blocks"]["to_add"] == 1 and counts["mutes"]["to_add"] == 1
    window.next_button.click()
    imp = run_import(window, aloop)
    assert window.shared.state.import_state == "finished", imp.result.text()
    window.back()
    assert window.current_page.key == "plan"
    window.back()
    assert window.current_page.key == "choose"  # export and move are skipped backwards too


def test_move_warning_guards_the_move(make_assistant: Make, accounts: Accounts,
                                      aloop: LoopRunner, ctx: AppContext) -> None:
    from fedidesk.core.migration.move import CHECK_ALIAS, CREATE_ALIAS, MoveState, MoveStore

    MoveStore(ctx.db).save(MoveState(accounts.old, accounts.new,
                                     done=[CREATE_ALIAS, CHECK_ALIAS]))
    window, opened = make_assistant()
    choose_accounts(window, accounts, MOVE)
    window.go_to(3)
    page = cast(MovePage, window.current_page)
    assert page.key == "move"
    assert page.warning.isVisible() and "30 days" in page.warning.text()
    assert not page.step_button.isEnabled()
    assert page.understand.accessibleName() == page.understand_label.text()
    QTest.mouseClick(page.understand_label, Qt.MouseButton.LeftButton)  # the words tick it
    assert page.understand.isChecked() and page.step_button.isEnabled()
    shot(window, "move-warning")
    page.step_button.click()
    aloop.until(lambda: not page.busy())
    assert opened.urls[-1].endswith("/settings/migration")
    assert page.step_button.text() == "Check the move"
    page.step_button.click()
    aloop.until(lambda: not page.busy())
    assert "has not moved yet" in page.result.text()


