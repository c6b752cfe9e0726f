"""Step 3: download everything from the old account, with progress, time left and cancel."""

from __future__ import annotations

import asyncio
import html
import re
import time
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QProgressBar, QPushButton

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.migration.export import ExportCancelled, ExportProgress, export_account
from fedidesk.core.migration.importer import hhmm
from fedidesk.ui.migration.base import MigrationPage, error_text, label, number, red
from fedidesk.ui.migration.folderpick import pick_folder
from fedidesk.ui.migration.state import EXPORT_NAMES, LABELS, export_categories

EXPORT_LABELS = {EXPORT_NAMES.get(k, k): v for k, v in LABELS.items()}


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return _("less than a minute left")
    minutes = round(seconds / 60)
    if minutes < 90:
        return ngettext("about {n} min left", "about {n} min left", minutes).format(n=minutes)
    # TRANSLATORS: time left, e.g. "about 2 h 05 min left"; {minutes} has two digits.
    return _("about {hours} h {minutes} min left").format(hours=minutes // 60,
                                                          minutes=f"{minutes % 60:02d}")


class ExportPage(MigrationPage):
    key = "export"
    title = N_("Download from the old account")
    intro = N_("fedidesk saves your follows, lists, mutes, blocks, bookmarks, hashtags and "
               "filters into a folder, in the same files Mastodon's own export uses. It goes "
               "gently, so the server's limits are respected; you can cancel at any time and "
               "continue later where it stopped.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._cancel = asyncio.Event()
        self.changed.connect(self._buttons)  # after a task ends, too
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("exportFolder")
        self.folder_edit.editingFinished.connect(self._folder_typed)
        choose = QPushButton(_("Choose folder…"))
        choose.clicked.connect(lambda: pick_folder(self, _("Save the export in"), self.folder(),
                                                   self.set_folder))
        row = QHBoxLayout()
        row.addWidget(label(_("Save in:")))
        row.addWidget(self.folder_edit, 1)
        row.addWidget(choose)
        self.body.addLayout(row)
        self.start_button = QPushButton(_("Start download"))
        self.start_button.setObjectName("startExport")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelExport")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.overall = QProgressBar()
        self.overall.setObjectName("exportOverall")
        # TRANSLATORS: progress bar text; keep %v (the step) and %m (how many steps).
        self.overall.setFormat(_("Step %v of %m"))
        self.category_bar = QProgressBar()
        self.category_bar.setObjectName("exportCategory")
        self.progress_label = label(name="exportProgress")
        self.wait_label = label(name="exportWait")
        self.result = label(name="exportResult")
        for widget in (self.overall, self.category_bar, self.progress_label, self.wait_label,
                       self.result):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self.counts: dict[str, int] = {}

    def applies(self) -> bool:
        return not self.shared.server_gone

    def folder(self) -> str:
        if self.state.folder:
            return self.state.folder
        name = re.sub(r"[^A-Za-z0-9_.@-]+", "_", self.state.old or "account")
        return str(self.shared.ctx.paths.data_dir / "migration" / name)

    def set_folder(self, folder: str) -> None:
        folder = folder.strip()
        if folder and folder != self.state.folder:
            self.state.folder = folder
            self.state.exported = False
            self.state.planned = False
            self.changed.emit()
        self.folder_edit.setText(self.folder())

    def _folder_typed(self) -> None:
        self.set_folder(self.folder_edit.text())

    def entered(self) -> None:
        self.folder_edit.setText(self.folder())
        if self.state.exported and not self.busy():
            self.result.setText(_("Downloaded into <b>{folder}</b>. Continue with the next "
                                  "step, or download again to refresh.")
                                .format(folder=html.escape(self.folder())))
        self._buttons()

    def _buttons(self) -> None:
        running = self.busy()
        self.start_button.setEnabled(not running and bool(self.state.old))
        self.cancel_button.setEnabled(running)
        self.folder_edit.setEnabled(not running)

    # ---- running ------------------------------------------------------------------------
    def start(self) -> None:
        if self.busy():
            return
        api = self.shared.api(self.state.old)
        if api is None:
            self.result.setText(red(_("fedidesk is not signed in to {account}. Go back to the "
                                      "first step and sign in.").format(account=self.state.old)))
            return
        self.state.folder = self.folder()
        self._cancel.clear()
        self.result.setText("")
        self.counts = {}
        self.run(self._export(api))
        self._buttons()

    def cancel(self) -> None:
        self._cancel.set()
        self.progress_label.setText(_("Stopping after the current page…"))

    def on_progress(self, event: ExportProgress) -> None:
        self.overall.setRange(0, max(1, event.category_count))
        self.overall.setValue(event.category_index + (1 if event.finished else 0))
        known = EXPORT_LABELS.get(event.category)
        name = _(known) if known else event.category.replace("_", " ").capitalize()
        if event.total:
            self.category_bar.setRange(0, event.total)
            self.category_bar.setValue(min(event.done, event.total))
        else:
            self.category_bar.setRange(0, 0 if not event.finished else 1)
            if event.finished:
                self.category_bar.setValue(1)
        if event.finished:
            self.counts[event.category] = event.done
        if event.total:
            # TRANSLATORS: export progress of one category, e.g. "<b>Lists</b>: 3 of 10".
            text = _("<b>{name}</b>: {done} of {total}").format(
                name=html.escape(name), done=number(event.done), total=number(event.total))
        else:
            text = _("<b>{name}</b>: {done}").format(name=html.escape(name),
                                                     done=number(event.done))
        # TRANSLATORS: shown after a category's count when it is fully downloaded.
        eta = eta_text(event.eta_seconds) if not event.finished else _("done")
        self.progress_label.setText(text + (f" — {eta}" if eta else ""))
        now = time.time()
        if event.waiting_until is not None and event.waiting_until > now:
            self.wait_label.setText(_("The server asks fedidesk to slow down; it continues at "
                                      "{time}.").format(time=hhmm(event.waiting_until)))
        else:
            self.wait_label.setText("")

    async def _export(self, api: Any) -> None:
        try:
            result = await export_account(
                api, self.state.folder, progress=self.on_progress, cancel=self._cancel,
                # Always: the few things no import brings, so the report can name them.
                categories=[*export_categories(self.state.categories), "featured_tags",
                            "endorsements", "profile"])
        except ExportCancelled:
            self.result.setText(_("Cancelled. <b>Start download</b> continues where it "
                                  "stopped."))
        except FedideskError as exc:
            self.result.setText(red(error_text(exc)) + " " + _(
                "Start the download again to continue where it stopped."))
        else:
            self.state.exported = result.complete
            self.state.planned = False
            counts = ", ".join(f"{n} {file}" for file, n in result.manifest.counts.items())
            notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.manifest.notes)
            # TRANSLATORS: {counts} lists what was saved, e.g. "12 following_accounts.csv".
            self.result.setText(
                _("Done: {counts}, saved in <b>{folder}</b>.").format(
                    counts=html.escape(counts) or _("nothing to download"),
                    folder=html.escape(str(result.dest)))
                + (f"<ul>{notes}</ul>" if notes else ""))
            self.wait_label.setText("")
            self.progress_label.setText(_("All downloaded."))
        finally:
            self.changed.emit()

    def ready(self) -> tuple[bool, str]:
        if self.busy():
            return False, _("The download is still running.")
        if not self.state.exported:
            return False, _("Download from the old account first.")
        return True, ""
