"""The plan page on a folder without export files: a clear message and Next stays off."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from PySide6.QtWidgets import QApplication

from fedidesk.core.context import AppContext
from fedidesk.ui.migration.planpage import PlanPage
from tests.ui.conftest import LoopRunner
from tests.ui_migration.test_count_texts import shared


def test_empty_folder_says_what_is_expected(qapp: QApplication, ctx: AppContext,
                                            aloop: LoopRunner, tmp_path: Path) -> None:
    page = PlanPage(shared(ctx))
    try:
        page.state.folder = str(tmp_path)
        aloop.run(page._check(cast(Any, None), page._generation))
        text = re.sub(r"<[^>]+>", "", page.status.text())
        assert f"No export files found in {tmp_path}" in text
        assert "following_accounts.csv" in text
        assert page.plan is None and not page.ready()[0]
    finally:
        page.deleteLater()
