"""The plan table fits at the default window size in every language (no clipped names)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from fedidesk.core import i18n
from fedidesk.ui.migration import MigrationAssistant
from fedidesk.ui.migration.accountspage import AccountsPage
from fedidesk.ui.migration.planpage import HEADING_ALIGNMENT, HEADING_PADDING, PlanPage
from fedidesk.ui.migration.state import GONE
from tests.ui.conftest import LoopRunner
from tests.ui_migration.conftest import SHOTS, Accounts, Opened

pytestmark = pytest.mark.integration

Make = Callable[[], tuple[MigrationAssistant, Opened]]
WIDTH, HEIGHT = 980, 680
FILES = {
    "following_accounts.csv": "Account address,Show boosts,Notify on new posts,Languages\n"
                              "dave@remote.example,true,false,\ncarol@mock.local,true,false,\n",
    "muted_accounts.csv": "Account address,Hide notifications\ncarol@mock.local,true\n",
    "blocked_accounts.csv": "dave@remote.example\n",
    "blocked_domains.csv": "spam.example\n",
    "lists.csv": "Friends,dave@remote.example\n",
    "bookmarks.csv": "https://mock.local/@carol/1\n",
}


@pytest.fixture
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    code = str(request.param)
    i18n.install(code)
    yield code
    i18n.install("en")


@pytest.mark.parametrize("language", ["de", "fr", "es", "ja", "en"], indirect=True)
def test_plan_table_shows_whole_category_names(language: str, make_assistant: Make,
                                               accounts: Accounts, aloop: LoopRunner,
                                               tmp_path: Path) -> None:
    folder = tmp_path / "downloaded"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    window, _opened = make_assistant()
    window.resize(WIDTH, HEIGHT)
    page = cast(AccountsPage, window.current_page)
    page.choose("new", accounts.new)
    page.set_mode(GONE)
    page.set_folder(str(folder))
    window.shared.state.categories = ["follows", "lists", "mutes", "blocks", "domain_blocks",
                                      "bookmarks"]
    window.next_button.click()
    window.next_button.click()
    plan = cast(PlanPage, window.current_page)
    assert plan.key == "plan"
    aloop.until(lambda: plan.plan is not None and not plan.busy())
    window.resize(WIDTH, HEIGHT)
    QApplication.processEvents()
    assert window.width() == WIDTH
    window.grab().save(str(SHOTS / f"migration-plan-{language}.png"))
    table = plan.summary
    assert table.horizontalScrollBar().maximum() == 0, "the table scrolls sideways"
    # Whole category names on one line, in rows tall enough for them.
    assert table.columnWidth(0) >= table.sizeHintForColumn(0)
    for row in range(table.rowCount()):
        assert table.rowHeight(row) >= table.sizeHintForRow(row)
    # Headings wrap inside their sections, and the heading row is tall enough for them.
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(header.count()):
        text = table.horizontalHeaderItem(column).text()
        room = QRect(0, 0, header.sectionSize(column) - HEADING_PADDING, 10_000)
        for word in text.split():
            assert metrics.horizontalAdvance(word) <= room.width(), (word, text)
        wrapped = metrics.boundingRect(room, int(HEADING_ALIGNMENT), text)
        assert wrapped.height() + HEADING_PADDING <= header.height(), text
