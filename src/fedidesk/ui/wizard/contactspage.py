"""Step 6: find Twitter/X contacts on Mastodon (archive, CSV or pasted text), then follow."""

from __future__ import annotations

import asyncio
import html
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from fedidesk.core.contacts.archive import read_archive
from fedidesk.core.contacts.export import write_following_csv
from fedidesk.core.contacts.extract import Candidate, TextSource, extract_candidates
from fedidesk.core.contacts.follow import FollowBudget, FollowProgress, follow_selected
from fedidesk.core.contacts.resolve import Resolution, WebFinger, resolve_candidates
from fedidesk.core.contacts.sources import TWEET_WEIGHT, ScanInput, load_input, read_text
from fedidesk.core.errors import FedideskError
from fedidesk.ui.wizard.base import WizardPage, error_text, label

MIN_CONFIDENCE = 0.3


def scan(path: str, text: str, cancel: threading.Event) -> tuple[list[Candidate], list[str]]:
    """Read the input (in a worker thread) and extract candidate handles."""
    inputs: list[ScanInput] = []
    if path:
        if path.lower().endswith(".zip"):
            archive = read_archive(path, cancel=cancel.is_set)
            result = ScanInput(Path(path).name, archive=archive)
            result.sources = [TextSource(" ".join([t.text, *t.urls]), f"tweet {t.tweet_id}",
                                         archive.owner, weight=TWEET_WEIGHT)
                              for t in archive.tweets]
            inputs.append(result)
        else:
            inputs.append(load_input(path))
    if text.strip():
        inputs.append(read_text(text.encode("utf-8")))
    candidates = [c for c in extract_candidates(s for i in inputs for s in i.sources)
                  if c.confidence >= MIN_CONFIDENCE]
    return candidates, [p for i in inputs for p in i.problems]


class ContactsPage(WizardPage):
    key = "contacts"
    title = "Find your Twitter/X contacts"
    intro = ("Many people put their Mastodon address in their Twitter/X name or bio. Open your "
             "Twitter/X data archive (.zip), a CSV list, or paste text; fedidesk finds the "
             "addresses, checks them, and lets you pick whom to follow.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.path = ""
        self.resolutions: list[Resolution] = []
        self._cancel = threading.Event()
        self.paste = QPlainTextEdit()
        self.paste.setObjectName("contactsText")
        self.paste.setPlaceholderText("Paste names, bios or a list of addresses here, e.g.\n"
                                      "Jane Doe — jane@mastodon.social")
        self.paste.setMaximumHeight(90)
        self.paste.textChanged.connect(self.changed)
        open_button = QPushButton("Open archive or CSV…")
        open_button.setObjectName("openContacts")
        open_button.clicked.connect(self.choose_file)
        self.find_button = QPushButton("Find accounts")
        self.find_button.setObjectName("findContacts")
        self.find_button.clicked.connect(self.find_accounts)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelContacts")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(open_button)
        top.addWidget(self.find_button)
        top.addWidget(self.cancel_button)
        top.addStretch(1)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("contactsTable")
        self.table.setHorizontalHeaderLabels(["Follow", "Account", "Confidence", "Why"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 240)
        self.table.verticalHeader().hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("contactsProgress")
        self.progress.hide()
        self.follow_button = QPushButton("Follow selected")
        self.follow_button.setObjectName("followContacts")
        self.follow_button.clicked.connect(self.follow)
        self.save_button = QPushButton("Save following_accounts.csv…")
        self.save_button.setObjectName("saveContacts")
        self.save_button.clicked.connect(self.choose_save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.follow_button)
        bottom.addWidget(self.save_button)
        bottom.addStretch(1)
        self.status = label(name="contactsStatus")
        self.body.addLayout(top)
        self.body.addWidget(self.paste)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.progress)
        self.body.addLayout(bottom)
        self.body.addWidget(self.status)

    # ---- input -----------------------------------------------------------------------------
    def choose_file(self) -> QFileDialog:
        dialog = QFileDialog(self, "Open a Twitter/X archive or a CSV file")
        dialog.setNameFilters(["Archives and lists (*.zip *.csv *.txt)", "All files (*)"])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.set_path)
        dialog.open()
        return dialog

    def set_path(self, path: str) -> None:
        self.path = path
        self.status.setText(f"Selected {html.escape(Path(path).name)}. Press Find accounts.")
        self.changed.emit()

    def find_accounts(self) -> None:
        if self.busy():
            return
        self._cancel = threading.Event()
        self.cancel_button.setEnabled(True)
        self.status.setText("Reading…")
        self.run(self._find(self.path, self.paste.toPlainText(), self._cancel))

    def cancel(self) -> None:
        self._cancel.set()
        self.cancel_work()
        self.cancel_button.setEnabled(False)
        self.progress.hide()
        self.status.setText("Stopped.")

    async def _find(self, path: str, text: str, cancel: threading.Event) -> None:
        try:
            candidates, problems = await asyncio.to_thread(scan, path, text, cancel)
            if cancel.is_set():
                return
            self.status.setText(f"Found {len(candidates)} possible accounts; checking them…")
            self.progress.setRange(0, max(1, len(candidates)))
            self.progress.setValue(0)
            self.progress.show()
            self.resolutions = await self._resolve(candidates)
        except FedideskError as exc:
            self.status.setText(f"<span style='color:#c00'>{html.escape(error_text(exc))}"
                                "</span>")
            return
        finally:
            self.cancel_button.setEnabled(False)
            self.progress.hide()
        self._fill_table()
        found = sum(1 for r in self.resolutions if r.resolved)
        note = f" ({'; '.join(problems[:3])})" if problems else ""
        self.status.setText(f"{len(self.resolutions)} candidates, {found} confirmed."
                            f"{html.escape(note)}")

    async def _resolve(self, candidates: list[Candidate]) -> list[Resolution]:
        def progress(done: int, _total: int, _r: Resolution) -> None:
            self.progress.setValue(done)

        api = self.shared.api()
        if api is not None:
            domain = self.shared.state.handle.rsplit("@", 1)[-1]
            return await resolve_candidates(candidates, api=api, local_domain=domain,
                                            progress=progress)
        async with WebFinger() as webfinger:
            return await resolve_candidates(candidates, webfinger=webfinger, progress=progress)

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.resolutions))
        for row, res in enumerate(self.resolutions):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if res.resolved and res.confidence >= 0.5
                                else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, check)
            self.table.setItem(row, 1, QTableWidgetItem(res.handle))
            self.table.setItem(row, 2, QTableWidgetItem(f"{res.confidence:.0%}"))
            who = f"@{res.candidate.source_account}: " if res.candidate.source_account else ""
            self.table.setItem(row, 3, QTableWidgetItem(
                f"{who}{res.candidate.reason}; {res.reason}"))

    def selected(self) -> list[Resolution]:
        return [r for row, r in enumerate(self.resolutions)
                if (item := self.table.item(row, 0)) is not None
                and item.checkState() == Qt.CheckState.Checked]

    # ---- output ----------------------------------------------------------------------------
    def follow(self) -> None:
        api = self.shared.api()
        accounts = [r.account for r in self.selected() if r.account is not None]
        if api is None or not accounts:
            self.status.setText("Sign in and tick the accounts to follow first.")
            return
        budget = FollowBudget(self.shared.ctx.db, self.shared.state.handle)
        self.status.setText(f"Following {len(accounts)} accounts ({budget.remaining()} follows "
                            "left today)…")
        self.progress.setRange(0, len(accounts))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.setEnabled(True)

        def progress(p: FollowProgress) -> None:
            self.progress.setValue(p.done)

        async def go() -> None:
            try:
                report = await follow_selected(api, accounts, budget, progress=progress)
            except FedideskError as exc:
                self.status.setText(html.escape(error_text(exc)))
                return
            finally:
                self.progress.hide()
                self.cancel_button.setEnabled(False)
            later = (f" {report.count('deferred')} wait for tomorrow's follow budget."
                     if report.count("deferred") else "")
            self.status.setText(f"Followed {report.count('followed')}, requested "
                                f"{report.count('requested')}, already following "
                                f"{report.count('already')}.{later}")

        self.run(go())

    def choose_save(self) -> QFileDialog:
        dialog = QFileDialog(self, "Save following_accounts.csv")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile("following_accounts.csv")
        dialog.fileSelected.connect(self.save_csv)
        dialog.open()
        return dialog

    def save_csv(self, path: str) -> None:
        handles = [r.handle for r in self.selected()]
        try:
            count = write_following_csv(path, handles)
        except FedideskError as exc:
            self.status.setText(html.escape(error_text(exc)))
            return
        self.status.setText(f"Saved {count} accounts to {html.escape(path)}. Import it on your "
                            "server's website: Preferences → Import and export → Import, "
                            "type Following.")

    def values(self) -> dict[str, Any]:
        return {"text": self.paste.toPlainText(), "path": self.path}

    def restore(self, values: dict[str, Any]) -> None:
        self.paste.setPlainText(str(values.get("text") or ""))
        self.path = str(values.get("path") or "")
