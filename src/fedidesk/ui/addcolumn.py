"""The "Add column" dialog: pick an account, a kind of column and its parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.columns import ColumnKind, ColumnSpec
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.ui.asynctools import spawn

KINDS: tuple[tuple[ColumnKind, str, str], ...] = (
    (ColumnKind.HOME, N_("Home"),
     N_("Posts from people and hashtags you follow.")),
    (ColumnKind.NOTIFICATIONS, N_("Notifications"),
     N_("Mentions, follows, boosts and favourites.")),
    (ColumnKind.MENTIONS, N_("Mentions"),
     N_("Only posts that mention you.")),
    (ColumnKind.LOCAL, N_("Local"),
     N_("Public posts from people on your server.")),
    (ColumnKind.FEDERATED, N_("Federated"),
     N_("Public posts your server knows about.")),
    (ColumnKind.HASHTAG, N_("Hashtag"),
     N_("Posts with one or more hashtags.")),
    (ColumnKind.LIST, N_("List"),
     N_("Posts from the people in one of your lists.")),
    (ColumnKind.PROFILE, N_("Profile"),
     N_("Posts of one person.")),
    (ColumnKind.SEARCH, N_("Search"),
     N_("Posts matching a search.")),
    (ColumnKind.DIRECT, N_("Direct messages"),
     N_("Private conversations.")),
    (ColumnKind.BOOKMARKS, N_("Bookmarks"),
     N_("Posts you bookmarked.")),
    (ColumnKind.FAVOURITES, N_("Favourites"),
     N_("Posts you favourited.")),
    (ColumnKind.TRENDING, N_("Trending"),
     N_("Posts that are popular on your server.")),
    (ColumnKind.REMOTE, N_("Another server"),
     N_("The local timeline of another server.")),
)

NOTIFICATION_TYPES: tuple[tuple[str, str], ...] = (
    ("mention", N_("Mentions and replies")), ("follow", N_("New followers")),
    ("follow_request", N_("Follow requests")), ("favourite", N_("Favourites")),
    ("reblog", N_("Boosts")), ("poll", N_("Ended polls")), ("update", N_("Edited posts")),
    ("status", N_("Posts from people you get notified about")),
)

ListsLoader = Callable[[str], Awaitable[Sequence[Any]]]
#: (column's account handle, typed address) → the account's id on that account's server.
AccountFinder = Callable[[str, str], Awaitable[str]]


class AddColumnDialog(QDialog):
    """Builds a ``ColumnSpec``; read ``spec()`` after ``accepted``.

    With ``find_account``, a profile column's address is looked up before the dialog
    accepts, so a typo is reported here and the column gets the account's id.
    """

    def __init__(self, accounts: Sequence[AccountEntry], default_account: str | None,
                 load_lists: ListsLoader | None = None, parent: QWidget | None = None,
                 find_account: AccountFinder | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add column"))
        self.setObjectName("addColumnDialog")
        self.setMinimumWidth(480)
        self._load_lists = load_lists
        self._find_account = find_account
        #: (account handle, address) → id of profiles looked up in this dialog.
        self._found: dict[tuple[str, str], str] = {}

        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName(_("Account"))
        for entry in accounts:
            self.account_combo.addItem(entry.handle, entry.handle)
        if default_account:
            self.account_combo.setCurrentIndex(max(0, self.account_combo.findData(default_account)))
        self.account_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())

        self.kind_list = QListWidget()
        self.kind_list.setAccessibleName(_("Kind of column"))
        self.kind_list.setMinimumHeight(220)  # at least four kinds with their descriptions
        for kind, name, description in KINDS:
            item = QListWidgetItem(f"{_(name)}\n{_(description)}")
            item.setData(Qt.ItemDataRole.UserRole, kind.value)
            item.setToolTip(_(description))
            self.kind_list.addItem(item)
        self.kind_list.setCurrentRow(0)
        self.kind_list.currentRowChanged.connect(lambda _r: self._kind_changed())

        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("python, qt")
        self.tags_edit.setAccessibleName(_("Hashtags"))
        self.tag_mode = QComboBox()
        self.tag_mode.setAccessibleName(_("Match"))
        self.tag_mode.addItem(_("any of these"), "any")
        self.tag_mode.addItem(_("all of these"), "all")
        self.none_edit = QLineEdit()
        self.none_edit.setPlaceholderText(_("none of these (optional)"))
        self.none_edit.setAccessibleName(_("Exclude hashtags"))
        self.local_check = QCheckBox(_("Only from my server"))
        self.list_combo = QComboBox()
        self.list_combo.setAccessibleName(_("List"))
        self.acct_edit = QLineEdit()
        # TRANSLATORS: placeholder for an account address; keep the @
        self.acct_edit.setPlaceholderText(_("user@server"))
        self.acct_edit.setAccessibleName(_("Account to show"))
        self.profile_mode = QComboBox()
        self.profile_mode.addItem(_("Posts"), "posts")
        self.profile_mode.addItem(_("Posts and replies"), "replies")
        self.profile_mode.addItem(_("Media"), "media")
        self.query_edit = QLineEdit()
        self.query_edit.setAccessibleName(_("Search words"))
        self.types_list = QListWidget()
        self.types_list.setAccessibleName(_("Notification types to show"))
        self.types_list.setMaximumHeight(150)
        for value, text in NOTIFICATION_TYPES:
            type_item = QListWidgetItem(_(text))
            type_item.setData(Qt.ItemDataRole.UserRole, value)
            type_item.setFlags(type_item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            type_item.setCheckState(Qt.CheckState.Checked)
            self.types_list.addItem(type_item)
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("fosstodon.org")
        self.server_edit.setAccessibleName(_("Server"))
        self.hide_boosts = QCheckBox(_("Hide boosts"))
        self.hide_replies = QCheckBox(_("Hide replies"))
        self.media_only = QCheckBox(_("Only posts with media"))
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.params = QFormLayout()
        self.rows: dict[str, list[QWidget]] = {
            ColumnKind.HASHTAG.value: [self.tags_edit, self.tag_mode, self.none_edit,
                                       self.local_check],
            ColumnKind.LIST.value: [self.list_combo],
            ColumnKind.PROFILE.value: [self.acct_edit, self.profile_mode],
            ColumnKind.SEARCH.value: [self.query_edit],
            ColumnKind.REMOTE.value: [self.server_edit],
            ColumnKind.NOTIFICATIONS.value: [self.types_list],
        }
        labels = {self.tags_edit: _("Hashtags:"), self.tag_mode: _("Match:"),
                  self.none_edit: _("Exclude:"), self.local_check: "",
                  self.list_combo: _("List:"), self.acct_edit: _("Account:"),
                  self.profile_mode: _("Show:"), self.query_edit: _("Search for:"),
                  self.server_edit: _("Server:"), self.types_list: _("Show:")}
        for widgets in self.rows.values():
            for widget in widgets:
                self.params.addRow(labels[widget], widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Add column"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Account:"), self.account_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.kind_list, 1)
        layout.addLayout(self.params)
        for box in (self.hide_boosts, self.hide_replies, self.media_only):
            layout.addWidget(box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._kind_changed()

    def kind(self) -> ColumnKind:
        item = self.kind_list.currentItem()
        return ColumnKind(item.data(Qt.ItemDataRole.UserRole)) if item else ColumnKind.HOME

    def _kind_changed(self) -> None:
        kind = self.kind().value
        for name, widgets in self.rows.items():
            for widget in widgets:
                self.params.setRowVisible(widget, name == kind)
        # Grow to show the new fields rather than squeezing the list of kinds.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        wanted = self.sizeHint().height()
        if self.height() < wanted:
            self.resize(self.width(), wanted)
        self.message.clear()
        if kind == ColumnKind.LIST.value and self._load_lists is not None:
            spawn(self._fill_lists(), owner=self)

    async def _fill_lists(self) -> None:
        assert self._load_lists is not None
        self.list_combo.clear()
        self.list_combo.setEnabled(False)
        try:
            lists = await self._load_lists(str(self.account_combo.currentData()))
        except FedideskError as exc:
            self.message.setText(exc.user_message)
            return
        for user_list in lists:
            self.list_combo.addItem(str(user_list.title), str(user_list.id))
        self.list_combo.setEnabled(bool(lists))
        if not lists:
            self.message.setText(_("This account has no lists yet (or its server has none)."))

    @staticmethod
    def _tags(text: str) -> tuple[str, ...]:
        parts = text.replace("#", " ").replace(",", " ").split()
        return tuple(dict.fromkeys(p.strip().lower() for p in parts if p.strip()))

    def spec(self) -> ColumnSpec | None:
        """The column described by the form, or ``None`` with ``message`` explaining why."""
        account = self.account_combo.currentData()
        if not account:
            self.message.setText(_("Sign in to an account first."))
            return None
        kind = self.kind()
        options: dict[str, Any] = {
            "hide_boosts": self.hide_boosts.isChecked(),
            "hide_replies": self.hide_replies.isChecked(),
            "media_only": self.media_only.isChecked(),
        }
        if kind is ColumnKind.HASHTAG:
            tags = self._tags(self.tags_edit.text())
            if not tags:
                self.message.setText(_("Type at least one hashtag."))
                return None
            if self.tag_mode.currentData() == "all":
                options.update(tags=tags[:1], all_tags=tags[1:])
            else:
                options.update(tags=tags)
            options.update(none_tags=self._tags(self.none_edit.text()),
                           local_only=self.local_check.isChecked())
        elif kind is ColumnKind.LIST:
            if not self.list_combo.currentData():
                self.message.setText(_("Choose a list."))
                return None
            options.update(list_id=str(self.list_combo.currentData()),
                           title=self.list_combo.currentText())
        elif kind is ColumnKind.PROFILE:
            acct = self.acct_edit.text().strip().lstrip("@")
            if not acct:
                self.message.setText(_("Type the account, e.g. user@server."))
                return None
            options.update(acct=acct, profile_mode=self.profile_mode.currentData(),
                           account_id=self._found.get((str(account), acct.casefold()), ""))
        elif kind is ColumnKind.SEARCH:
            query = self.query_edit.text().strip()
            if not query:
                self.message.setText(_("Type what to search for."))
                return None
            options.update(query=query)
        elif kind is ColumnKind.NOTIFICATIONS:
            chosen = tuple(
                str(self.types_list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.types_list.count())
                if self.types_list.item(i).checkState() == Qt.CheckState.Checked)
            if not chosen:
                self.message.setText(_("Choose at least one kind of notification."))
                return None
            if len(chosen) < self.types_list.count():
                options.update(types=chosen)
        elif kind is ColumnKind.REMOTE:
            server = self.server_edit.text().strip().rstrip("/")
            if not server:
                self.message.setText(_("Type the other server's address."))
                return None
            if "://" not in server:
                server = f"https://{server}"
            options.update(server=server)
        return ColumnSpec(account=str(account), kind=kind, **options)

    def _accept(self) -> None:
        spec = self.spec()
        if spec is None:
            return
        if spec.kind is ColumnKind.PROFILE and not spec.account_id \
                and self._find_account is not None:
            self.ok_button.setEnabled(False)
            self.message.setText(_("Looking up {account}…").format(account=spec.acct))
            spawn(self._find_then_accept(spec), owner=self)
            return
        self.accept()

    async def _find_then_accept(self, spec: ColumnSpec) -> None:
        assert self._find_account is not None
        try:
            account_id = await self._find_account(spec.account, spec.acct)
        except FedideskError as exc:
            self.message.setText(exc.user_message)
            return
        finally:
            self.ok_button.setEnabled(True)
        self._found[(spec.account, spec.acct.casefold())] = account_id
        self.message.clear()
        self.accept()
