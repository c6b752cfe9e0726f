"""The import page does not say "Everything is imported" when something could not be."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from fedidesk.core.context import AppContext
from fedidesk.core.migration.importer import ImportSummary
from fedidesk.ui.migration.importpage import FINISHED, PARTIAL, ImportPage
from tests.ui_migration.test_count_texts import plain, shared


def test_failed_rows_are_counted_and_the_report_named(qapp: QApplication,
                                                       ctx: AppContext) -> None:
    page = ImportPage(shared(ctx))
    try:
        counts = {"mutes": {"done": 3, "failed": 1}, "follows": {"skipped": 1, "done": 2}}
        page._finished(ImportSummary(job_id=1, counts=counts), server_path=False)
        text = plain(page.result.text())
        assert "Everything is imported" not in text
        assert text.startswith("2 things could not be imported; the report (next step) says "
                               "why.")
        assert page.state.import_state == FINISHED

        page._finished(ImportSummary(job_id=1, counts={"mutes": {"done": 1}}),
                       server_path=False)
        assert plain(page.result.text()).startswith("Everything is imported.")
    finally:
        page.deleteLater()


def test_deferred_rows_are_left_for_later_and_failed_ones_named(qapp: QApplication,
                                                                ctx: AppContext) -> None:
    page = ImportPage(shared(ctx))
    try:
        counts = {"domain_blocks": {"pending": 2, "failed": 1}}
        page._finished(ImportSummary(job_id=1, counts=counts, open_rows=2), server_path=False)
        text = plain(page.result.text())
        assert page.state.import_state == PARTIAL
        assert text.startswith("2 things are left for later. ")
        assert "1 thing could not be imported; the report (next step) says why." in text
        assert "Everything is imported" not in text
    finally:
        page.deleteLater()
