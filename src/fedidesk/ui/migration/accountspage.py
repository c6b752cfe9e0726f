"""Step 1: which accounts — old and new, signing in on the way — or files from a gone server."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.migration.source import read_source
from fedidesk.ui.logindialog import LoginDialog
from fedidesk.ui.migration.base import MigrationPage, label, number
from fedidesk.ui.migration.folderpick import pick_folder
from fedidesk.ui.migration.state import COPY, GONE, MODES, MOVE

MODE_TEXT = {
    MOVE: N_("Move my account: my followers come along, the old profile points to the new "
             "one"),
    COPY: N_("Copy only: bring my follows, lists and more, keep both accounts as they are"),
    GONE: N_("My old server is gone: import from files I downloaded from it earlier"),
}


def source_summary(folder: str) -> tuple[int, str]:
    """(rows found, a sentence) for an export folder."""
    source = read_source(folder)
    follows, lists = len(source.follows), len({r.list_name for r in source.lists})
    mutes, blocks, domains = len(source.mutes), len(source.blocks), len(source.domain_blocks)
    bookmarks, tags, filters = len(source.bookmarks), len(source.tags), len(source.filters)
    counts = [(follows, ngettext("{n} follow", "{n} follows", follows)),
              (lists, ngettext("{n} list", "{n} lists", lists)),
              (mutes, ngettext("{n} mute", "{n} mutes", mutes)),
              (blocks, ngettext("{n} block", "{n} blocks", blocks)),
              (domains, ngettext("{n} blocked domain", "{n} blocked domains", domains)),
              (bookmarks, ngettext("{n} bookmark", "{n} bookmarks", bookmarks)),
              (tags, ngettext("{n} hashtag", "{n} hashtags", tags)),
              (filters, ngettext("{n} filter", "{n} filters", filters))]
    found = sum(n for n, _text in counts)
    parts = ", ".join(text.format(n=number(n)) for n, text in counts if n)
    # TRANSLATORS: {items} is a list such as "3 follows, 1 list".
    text = (_("Found {items}.").format(items=parts) if found
            else _("No Mastodon export files were found in this folder."))
    if source.problems:
        text += " " + " ".join(source.problems[:3])
    return found, text


class AccountsPage(MigrationPage):
    key = "accounts"
    title = N_("Your accounts")
    intro = N_("Choose the account you are leaving and the one you are going to. Not signed "
               "in to one of them yet? Sign in here: fedidesk opens your web browser, so your "
               "password is never typed into fedidesk.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for mode in MODES:
            button = QRadioButton(_(MODE_TEXT[mode]))
            button.setObjectName(f"mode_{mode}")
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            self.body.addWidget(button)
            button.toggled.connect(lambda on, m=mode: self._mode_toggled(on, m))
        grid = QGridLayout()
        self.old_combo = QComboBox()
        self.old_combo.setObjectName("oldAccount")
        self.old_combo.setAccessibleName(_("Old account"))
        self.new_combo = QComboBox()
        self.new_combo.setObjectName("newAccount")
        self.new_combo.setAccessibleName(_("New account"))
        self.old_login = QPushButton(_("Sign in to it…"))
        self.old_login.setObjectName("oldSignIn")
        self.old_login.clicked.connect(lambda: self.sign_in("old"))
        self.new_login = QPushButton(_("Sign in to it…"))
        self.new_login.setObjectName("newSignIn")
        self.new_login.clicked.connect(lambda: self.sign_in("new"))
        self.old_label = label(_("<b>Old account</b> (moving away from)"))
        grid.addWidget(self.old_label, 0, 0)
        grid.addWidget(self.old_combo, 0, 1)
        grid.addWidget(self.old_login, 0, 2)
        grid.addWidget(label(_("<b>New account</b> (moving to)")), 1, 0)
        grid.addWidget(self.new_combo, 1, 1)
        grid.addWidget(self.new_login, 1, 2)
        grid.setColumnStretch(1, 1)
        self.body.addSpacing(8)
        self.body.addLayout(grid)
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("sourceFolder")
        self.folder_edit.setPlaceholderText(_("Folder with following_accounts.csv, lists.csv …"))
        self.folder_edit.editingFinished.connect(lambda: self.set_folder(self.folder_edit.text()))
        self.folder_button = QPushButton(_("Choose folder…"))
        self.folder_button.setObjectName("chooseSourceFolder")
        self.folder_button.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.folder_button)
        self.folder_help = label(
            # TRANSLATORS: "Settings → Import and export → Data export" is the Mastodon
            # website's menu; use its words in your language. Keep the file names.
            _("Pick the folder where you saved the files from your old server's <i>Settings → "
              "Import and export → Data export</i> page (following_accounts.csv, lists.csv, "
              "muted_accounts.csv, blocked_accounts.csv, blocked_domains.csv, bookmarks.csv)."))
        self.folder_info = label(name="sourceSummary")
        self.folder_box = QWidget()
        box = QGridLayout(self.folder_box)
        box.setContentsMargins(0, 8, 0, 0)
        box.addWidget(self.folder_help, 0, 0)
        box.addLayout(row, 1, 0)
        box.addWidget(self.folder_info, 2, 0)
        self.body.addWidget(self.folder_box)
        self.status = label(name="accountsStatus")
        self.body.addWidget(self.status)
        self.body.addStretch(1)
        self.old_combo.currentIndexChanged.connect(self._combo_changed)
        self.new_combo.currentIndexChanged.connect(self._combo_changed)
        self._filling = False
        self.refresh()

    # ---- accounts ---------------------------------------------------------------------
    def refresh(self) -> None:
        self._filling = True
        handles = [e.handle for e in self.shared.ctx.accounts.list()]
        for combo, chosen in ((self.old_combo, self.state.old), (self.new_combo, self.state.new)):
            combo.clear()
            combo.addItem(_("— choose —"), "")
            for handle in handles:
                combo.addItem(handle, handle)
            index = combo.findData(chosen) if chosen else 0
            combo.setCurrentIndex(max(0, index))
        self.mode_buttons[self.state.mode].setChecked(True)
        self._filling = False
        self.folder_edit.setText(self.state.folder if self.state.mode == GONE else "")
        self._update()

    def _combo_changed(self) -> None:
        if self._filling:
            return
        self.state.old = str(self.old_combo.currentData() or "")
        self.state.new = str(self.new_combo.currentData() or "")
        self._update()
        self.changed.emit()

    def choose(self, which: str, handle: str) -> None:
        """Select ``handle`` as the old or new account (also used by tests)."""
        if which == "old":
            self.state.old = handle
        else:
            self.state.new = handle
        self.refresh()
        self.changed.emit()

    def sign_in(self, which: str) -> LoginDialog:
        dialog = LoginDialog(self.shared.login, self, self.shared.open_url)
        dialog.loggedIn.connect(lambda entry: self._signed_in(which, entry))
        dialog.open()
        return dialog

    def _signed_in(self, which: str, entry: AccountEntry) -> None:
        self.choose(which, entry.handle)
        self.status.setText(_("Signed in as <b>{handle}</b>.")
                            .format(handle=html.escape(entry.handle)))

    # ---- mode and folder --------------------------------------------------------------
    def _mode_toggled(self, on: bool, mode: str) -> None:
        if on and not self._filling:
            self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        self.state.mode = mode
        if mode != GONE and self.state.folder and not self.state.exported:
            self.state.folder = ""
        self.mode_buttons[mode].setChecked(True)
        self._update()
        self.changed.emit()

    def choose_folder(self) -> None:
        pick_folder(self, _("Folder with your Mastodon export files"),
                    self.state.folder or str(Path.home()), self.set_folder)

    def set_folder(self, folder: str) -> None:
        folder = folder.strip()
        if folder == self.state.folder and self.folder_info.text():
            return
        self.state.folder = folder
        self.state.planned = False
        self.folder_edit.setText(folder)
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        gone = self.state.mode == GONE
        self.old_combo.setEnabled(not gone)
        self.old_login.setEnabled(not gone)
        self.old_label.setEnabled(not gone)
        self.folder_box.setVisible(gone)
        if gone and self.state.folder:
            found, text = source_summary(self.state.folder)
            self.folder_info.setText(html.escape(text) if found else
                                     f"<span style='color:#c00'>{html.escape(text)}</span>")
        else:
            self.folder_info.setText("")
        ok, why = self.ready()
        self.status.setText("" if ok else html.escape(why))

    def ready(self) -> tuple[bool, str]:
        s = self.state
        if not s.new:
            return False, _("Choose the new account (or sign in to it).")
        if s.mode == GONE:
            if not s.folder or not Path(s.folder).is_dir():
                return False, _("Choose the folder with your export files.")
            return True, ""
        if not s.old:
            return False, _("Choose the old account (or sign in to it).")
        if s.old == s.new:
            return False, _("The old and the new account must be different.")
        return True, ""

    def entered(self) -> None:
        self.refresh()
