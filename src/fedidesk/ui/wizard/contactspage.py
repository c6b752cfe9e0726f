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
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.ui.wizard.base import WizardPage, error_text, label, number

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
    title = N_("Find your Twitter/X contacts")
    intro = N_("Many people put their Mastodon address in their Twitter/X name or bio. Open "
               "your Twitter/X data archive (.zip), a CSV list, or paste text; fedidesk finds "
               "the addresses, checks them, and lets you pick whom to follow.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.path = ""
        self.resolutions: list[Resolution] = []
        self._cancel = threading.Event()
        self.paste = QPlainTextEdit()
        self.paste.setObjectName("contactsText")
        self.paste.setPlaceholderText(_("Paste names, bios or a list of addresses here, e.g.\n"
                                        "Jane Doe — jane@mastodon.social"))
        self.paste.setMaximumHeight(90)
        self.paste.textChanged.connect(self.changed)
        open_button = QPushButton(_("Open archive or CSV…"))
        open_button.setObjectName("openContacts")
        open_button.clicked.connect(self.choose_file)
        self.find_button = QPushButton(_("Find accounts"))
        self.find_button.setObjectName("findContacts")
        self.find_button.clicked.connect(self.find_accounts)
        self.cancel_button = QPushButton(_("Cancel"))
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
        self.table.setHorizontalHeaderLabels([_("Follow"), _("Account"), _("Confidence"),
                                              _("Why")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 240)
        self.table.verticalHeader().hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("contactsProgress")
        self.progress.hide()
        self.follow_button = QPushButton(_("Follow selected"))
        self.follow_button.setObjectName("followContacts")
        self.follow_button.clicked.connect(self.follow)
        self.save_button = QPushButton(_("Save following_accounts.csv…"))
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
        dialog = QFileDialog(self, _("Open a Twitter/X archive or a CSV file"))
        dialog.setNameFilters([_("Archives and lists (*.zip *.csv *.txt)"), _("All files (*)")])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.set_path)
        dialog.open()
        return dialog

    def set_path(self, path: str) -> None:
        self.path = path
        # TRANSLATORS: "Find accounts" is the button of the same name.
        self.status.setText(_("Selected {file}. Press Find accounts.")
                            .format(file=html.escape(Path(path).name)))
        self.changed.emit()

    def find_accounts(self) -> None:
        if self.busy():
            return
        self._cancel = threading.Event()
        self.cancel_button.setEnabled(True)
        self.status.setText(_("Reading…"))
        self.run(self._find(self.path, self.paste.toPlainText(), self._cancel))

    def cancel(self) -> None:
        self._cancel.set()
        self.cancel_work()
        self.cancel_button.setEnabled(False)
        self.progress.hide()
        self.status.setText(_("Stopped."))

    async def _find(self, path: str, text: str, cancel: threading.Event) -> None:
        try:
            candidates, problems = await asyncio.to_thread(scan, path, text, cancel)
            if cancel.is_set():
                return
            self.status.setText(ngettext("Found {n} possible account; checking it…",
                                         "Found {n} possible accounts; checking them…",
                                         len(candidates)).format(n=number(len(candidates))))
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
        total = len(self.resolutions)
        # TRANSLATORS: {n} accounts found in the input, {found} of them exist on Mastodon.
        self.status.setText(ngettext("{n} candidate, {found} confirmed.",
                                     "{n} candidates, {found} confirmed.", total)
                            .format(n=number(total), found=number(found))
                            + html.escape(note))

    async def _resolve(self, candidates: list[Candidate]) -> list[Resolution]:
        def progress(done: int, _total: int, _r: Resolution) -> None:
            self.progress.setValue(done)

        api = self.shared.api()
        own = self.shared.state.handle or None
        if api is not None:
            domain = self.shared.state.handle.rsplit("@", 1)[-1]
            return await resolve_candidates(candidates, api=api, local_domain=domain,
                                            progress=progress, own_handle=own)
        async with WebFinger() as webfinger:
            return await resolve_candidates(candidates, webfinger=webfinger, progress=progress,
                                            own_handle=own)

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
            self.status.setText(_("Sign in and tick the accounts to follow first."))
            return
        budget = FollowBudget(self.shared.ctx.db, self.shared.state.handle)
        left = ngettext("{n} follow left today", "{n} follows left today",
                        budget.remaining()).format(n=number(budget.remaining()))
        # TRANSLATORS: {left} is e.g. "400 follows left today".
        self.status.setText(ngettext("Following {n} account ({left})…",
                                     "Following {n} accounts ({left})…", len(accounts))
                            .format(n=number(len(accounts)), left=left))
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
            deferred = report.count("deferred")
            later = (" " + ngettext("{n} waits for tomorrow's follow budget.",
                                    "{n} wait for tomorrow's follow budget.", deferred)
                     .format(n=number(deferred)) if deferred else "")
            # TRANSLATORS: numbers of accounts: followed, follow requested (locked
            # accounts), and already followed before.
            self.status.setText(_("Followed {followed}, requested {requested}, already "
                                  "following {already}.").format(
                followed=number(report.count("followed")),
                requested=number(report.count("requested")),
                already=number(report.count("already"))) + later)

        self.run(go())

    def choose_save(self) -> QFileDialog:
        dialog = QFileDialog(self, _("Save following_accounts.csv"))
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
        # TRANSLATORS: "Preferences → Import and export → Import" and "Following" are
        # the Mastodon website's menu entries; use its words in your language.
        self.status.setText(ngettext(
            "Saved {n} account to {path}. Import it on your server's website: Preferences → "
            "Import and export → Import, type Following.",
            "Saved {n} accounts to {path}. Import it on your server's website: Preferences → "
            "Import and export → Import, type Following.", count)
            .format(n=number(count), path=html.escape(path)))

    def values(self) -> dict[str, Any]:
        return {"text": self.paste.toPlainText(), "path": self.path}

    def restore(self, values: dict[str, Any]) -> None:
        self.paste.setPlainText(str(values.get("text") or ""))
        self.path = str(values.get("path") or "")
