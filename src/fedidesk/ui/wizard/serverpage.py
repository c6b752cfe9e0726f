"""Step 1: pick a server from the directory (filtered, searched, sorted) or type any address."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.directory import (
    CATEGORIES,
    REGIONS,
    DirectoryFilters,
    DirectoryResult,
    DirectoryServer,
    search_servers,
    sort_servers,
)
from fedidesk.core.errors import FedideskError
from fedidesk.core.probe import normalize_address
from fedidesk.core.server_details import ServerDetails
from fedidesk.ui.wizard.base import WizardPage, error_text, label

LANGUAGES = ("", "en", "de", "fr", "es", "it", "pt", "nl", "ja", "ko", "zh", "pl", "sv", "uk")
REGISTRATION_CHOICES = (("", "Open or approval"), ("instant", "Open sign-ups"),
                        ("manual", "Sign-up with approval"))


def _combo(name: str, items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for value, text in items:
        box.addItem(text, value)
    return box


def details_html(details: ServerDetails) -> str:
    """The detail pane's text: everything the server says about itself."""
    info = details.info
    e = html.escape
    parts = [f"<h3>{e(info.title or info.domain)}</h3>"]
    if info.description:
        parts.append(f"<p>{e(info.description)}</p>")
    reg = info.registrations
    policy = ("Closed: this server does not accept new accounts right now."
              if not reg.enabled else "Needs approval: a moderator reviews each sign-up."
              if reg.approval_required else "Open: you can sign up right away.")
    if reg.min_age:
        policy += f" You must be at least {reg.min_age}."
    rows = [("Sign-ups", policy)]
    if info.users_active_month is not None:
        rows.append(("Active users", f"{info.users_active_month:,} this month"))
    software = f"{info.software_name or 'unknown'} {info.software_version or info.version}"
    rows.append(("Software", software.strip()))
    if info.languages:
        rows.append(("Languages", ", ".join(info.languages)))
    rows.append(("Moderation list", details.domain_blocks.describe()))
    contact = ", ".join(x for x in (details.contact_email, details.contact_account) if x)
    if contact:
        rows.append(("Contact", contact))
    rows.append(("Response time", f"{details.response_ms} ms" if details.response_ms is not None
                 else "no answer"))
    parts.append("<table>" + "".join(
        f"<tr><td><b>{e(k)}</b>&nbsp;&nbsp;</td><td>{e(v)}</td></tr>" for k, v in rows)
        + "</table>")
    if not details.is_mastodon:
        parts.append("<p style='color:#b35900'><b>This server does not run Mastodon.</b> "
                     "It can still talk to Mastodon, but some features of fedidesk may not "
                     "work there.</p>")
    for warning in details.warnings:
        parts.append(f"<p style='color:#b35900'>{e(warning)}</p>")
    if details.rules:
        parts.append("<h4>Rules</h4><ol>" + "".join(
            f"<li>{e(r.text)}</li>" for r in details.rules) + "</ol>")
    links = [(t, u) for t, u in (("About", details.about_url), ("Terms", details.terms_url),
                                 ("Privacy", details.privacy_url)) if u]
    if links:
        parts.append("<p>" + " · ".join(f"<a href='{e(u)}'>{e(t)}</a>" for t, u in links)
                     + "</p>")
    if details.extended_description:
        parts.append(f"<h4>About</h4><p>{e(details.extended_description[:3000])}</p>")
    return "".join(parts)


class ServerPage(WizardPage):
    key = "server"
    title = "Choose a server"
    intro = ("Mastodon is made of many independent servers. Pick one whose rules and "
             "language suit you: <b>you can follow anyone on any server</b>, and you can move "
             "your account to another server later.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.result: DirectoryResult | None = None
        self.details: ServerDetails | None = None
        self.language = _combo("languageFilter", [(c, c or "Any language") for c in LANGUAGES])
        self.category = _combo("categoryFilter", [("", "Any topic")]
                               + [(c, c.replace("_", " ").capitalize()) for c in CATEGORIES])
        self.region = _combo("regionFilter", [("", "Any region")]
                             + [(r, r.replace("_", " ").title()) for r in REGIONS])
        self.registrations = _combo("registrationsFilter", list(REGISTRATION_CHOICES))
        self.offline = QCheckBox("Offline list")
        self.offline.setObjectName("offlineCheck")
        self.offline.setToolTip("Use the list saved on this computer instead of asking "
                                "joinmastodon.org.")
        filters = QHBoxLayout()
        for box in (self.language, self.category, self.region, self.registrations):
            box.currentIndexChanged.connect(self.reload)
            filters.addWidget(box)
        self.offline.toggled.connect(self.reload)
        filters.addWidget(self.offline)
        self.search = QLineEdit()
        self.search.setObjectName("serverSearch")
        self.search.setPlaceholderText("Search servers by name, topic or description")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._show_list)
        self.source = label(name="directorySource")
        self.list = QListWidget()
        self.list.setObjectName("serverList")
        self.list.currentItemChanged.connect(self._picked)
        self.pane = QTextBrowser()
        self.pane.setObjectName("serverDetails")
        self.pane.setOpenLinks(False)
        self.pane.anchorClicked.connect(lambda url: self.shared.open_url(url.toString()))
        self.pane.setHtml("<p>Select a server to see its rules and details.</p>")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.source)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.pane)
        split.setSizes([330, 420])
        self.address = QLineEdit()
        self.address.setObjectName("serverAddress")
        self.address.setPlaceholderText("…or type any server address, e.g. mastodon.social")
        self.address.returnPressed.connect(self.check_address)
        self.address.textEdited.connect(lambda _t: self.changed.emit())
        check = QPushButton("Check")
        check.setObjectName("checkAddress")
        check.clicked.connect(self.check_address)
        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(check)
        self.status = label(name="serverStatus")
        self.body.addLayout(filters)
        self.body.addWidget(split, 1)
        self.body.addLayout(row)
        self.body.addWidget(self.status)
        self._loaded = False

    # ---- directory ------------------------------------------------------------------------
    def filters(self) -> DirectoryFilters:
        return DirectoryFilters(language=self.language.currentData() or "",
                                category=self.category.currentData() or "",
                                region=self.region.currentData() or "",
                                registrations=self.registrations.currentData() or "")

    def entered(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.reload()

    def reload(self) -> None:
        self.changed.emit()
        self.source.setText("Loading the server list…")
        self.run(self._load(self.filters(), self.offline.isChecked()))

    async def _load(self, filters: DirectoryFilters, offline: bool) -> None:
        try:
            result = await self.shared.directory.servers(filters, offline=offline)
        except FedideskError as exc:
            self.source.setText(error_text(exc))
            return
        if filters != self.filters():
            return  # a newer request is on its way
        self.result = result
        self.source.setText(result.describe())
        self._show_list()

    def shown_servers(self) -> tuple[DirectoryServer, ...]:
        if self.result is None:
            return ()
        text = self.search.text().strip()
        servers = search_servers(self.result.servers, text) if text else self.result.servers
        return sort_servers(servers)

    def _show_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for server in self.shown_servers():
            signup = "approval" if server.approval_required else "open"
            item = QListWidgetItem(f"{server.domain}  ·  {server.last_week_users:,} active  ·  "
                                   f"{signup}")
            about = " ".join(server.description.split())
            item.setToolTip(about[:300])
            item.setData(Qt.ItemDataRole.UserRole, server.domain)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.changed.emit()

    def _picked(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        self.address.setText(str(item.data(Qt.ItemDataRole.UserRole)))
        self.check_address()

    # ---- the chosen address ------------------------------------------------------------
    def check_address(self) -> None:
        text = self.address.text().strip()
        try:
            base = normalize_address(text)
        except FedideskError as exc:
            self.status.setText(f"<span style='color:#c00'>“{html.escape(text)}” is not a "
                                f"server address: {html.escape(error_text(exc))}</span>")
            self.status.setProperty("error", True)
            return
        self.status.setProperty("error", False)
        self.shared.state.server = text
        self.changed.emit()
        self.status.setText(f"Asking {html.escape(base)} about itself…")
        self.run(self._details(text))

    async def _details(self, address: str) -> None:
        try:
            details = await self.shared.details(address)
        except FedideskError as exc:
            self.status.setText(f"<span style='color:#c00'>{html.escape(error_text(exc))}"
                                "</span>")
            return
        if address != self.shared.state.server:
            return
        self.details = details
        self.pane.setHtml(details_html(details))
        self.status.setText(f"You chose <b>{html.escape(details.info.domain)}</b>. Continue "
                            "to sign in or create an account there.")

    # ---- persistence ------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {"language": self.language.currentData(), "category": self.category.currentData(),
                "region": self.region.currentData(),
                "registrations": self.registrations.currentData(),
                "offline": self.offline.isChecked(), "search": self.search.text(),
                "address": self.address.text()}

    def restore(self, values: dict[str, Any]) -> None:
        for box, key in ((self.language, "language"), (self.category, "category"),
                         (self.region, "region"), (self.registrations, "registrations")):
            index = box.findData(values.get(key) or "")
            box.blockSignals(True)
            box.setCurrentIndex(max(0, index))
            box.blockSignals(False)
        self.offline.blockSignals(True)
        self.offline.setChecked(bool(values.get("offline")))
        self.offline.blockSignals(False)
        self.search.setText(str(values.get("search") or ""))
        self.address.setText(str(values.get("address") or self.shared.state.server))
