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
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.probe import normalize_address
from fedidesk.core.server_details import ServerDetails
from fedidesk.ui.wizard.base import WizardPage, error_text, label, number

LANGUAGES = ("", "en", "de", "fr", "es", "it", "pt", "nl", "ja", "ko", "zh", "pl", "sv", "uk")
REGISTRATION_CHOICES = (("", N_("Open or approval")), ("instant", N_("Open sign-ups")),
                        ("manual", N_("Sign-up with approval")))
#: People's names of the directory's topic and region values (the API's own words).
CATEGORY_LABELS = {
    "academia": N_("Academia"), "activism": N_("Activism"), "adult": N_("Adult"),
    "art": N_("Art"), "books": N_("Books"), "bipoc": N_("Bipoc"), "food": N_("Food"),
    "furry": N_("Furry"), "games": N_("Games"), "general": N_("General"),
    "humor": N_("Humor"), "hobby": N_("Hobby"), "journalism": N_("Journalism"),
    "lgbt": N_("Lgbt"), "music": N_("Music"), "regional": N_("Regional"),
    "sports": N_("Sports"), "tech": N_("Tech"), "science": N_("Science"),
    "religion": N_("Religion"),
}
REGION_LABELS = {
    "europe": N_("Europe"), "north_america": N_("North America"),
    "south_america": N_("South America"), "africa": N_("Africa"), "asia": N_("Asia"),
    "oceania": N_("Oceania"),
}


def _combo(name: str, items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for value, text in items:
        box.addItem(_(text) if text else text, value)
    return box


def details_html(details: ServerDetails) -> str:
    """The detail pane's text: everything the server says about itself."""
    info = details.info
    e = html.escape
    parts = [f"<h3>{e(info.title or info.domain)}</h3>"]
    if info.description:
        parts.append(f"<p>{e(info.description)}</p>")
    reg = info.registrations
    policy = (_("Closed: this server does not accept new accounts right now.")
              if not reg.enabled else _("Needs approval: a moderator reviews each sign-up.")
              if reg.approval_required else _("Open: you can sign up right away."))
    if reg.min_age:
        policy += " " + _("You must be at least {age}.").format(age=reg.min_age)
    rows = [(_("Sign-ups"), policy)]
    if info.users_active_month is not None:
        users = info.users_active_month
        # TRANSLATORS: active users of a server; {n} is their number.
        rows.append((_("Active users"), ngettext("{n} this month", "{n} this month", users)
                     .format(n=number(users))))
    # TRANSLATORS: the server's software when it does not say which it runs.
    software = f"{info.software_name or _('unknown')} {info.software_version or info.version}"
    rows.append((_("Software"), software.strip()))
    if info.languages:
        rows.append((_("Languages"), ", ".join(info.languages)))
    rows.append((_("Moderation list"), details.domain_blocks.describe()))
    contact = ", ".join(x for x in (details.contact_email, details.contact_account) if x)
    if contact:
        rows.append((_("Contact"), contact))
    rows.append((_("Response time"),
                 # TRANSLATORS: how long the server took to answer, in milliseconds.
                 _("{n} ms").format(n=number(details.response_ms))
                 if details.response_ms is not None else _("no answer")))
    parts.append("<table>" + "".join(
        f"<tr><td><b>{e(k)}</b>&nbsp;&nbsp;</td><td>{e(v)}</td></tr>" for k, v in rows)
        + "</table>")
    if not details.is_mastodon:
        parts.append("<p style='color:#b35900'>{}</p>".format(
            _("<b>This server does not run Mastodon.</b> It can still talk to Mastodon, but "
              "some features of fedidesk may not work there.")))
    for warning in details.warnings:
        parts.append(f"<p style='color:#b35900'>{e(warning)}</p>")
    if details.rules:
        parts.append("<h4>{}</h4><ol>".format(_("Rules")) + "".join(
            f"<li>{e(r.text)}</li>" for r in details.rules) + "</ol>")
    links = [(t, u) for t, u in ((_("About"), details.about_url),
                                 (_("Terms"), details.terms_url),
                                 (_("Privacy"), details.privacy_url)) if u]
    if links:
        parts.append("<p>" + " · ".join(f"<a href='{e(u)}'>{e(t)}</a>" for t, u in links)
                     + "</p>")
    if details.extended_description:
        parts.append("<h4>{}</h4><p>{}</p>".format(
            _("About"), e(details.extended_description[:3000])))
    return "".join(parts)


class ServerPage(WizardPage):
    key = "server"
    title = N_("Choose a server")
    intro = N_("Mastodon is made of many independent servers. Pick one whose rules and "
               "language suit you: <b>you can follow anyone on any server</b>, and you can "
               "move your account to another server later.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.result: DirectoryResult | None = None
        self.details: ServerDetails | None = None
        # Language codes are shown as they are (not translated); only "Any language" is.
        self.language = _combo("languageFilter",
                               [(c, c or N_("Any language")) for c in LANGUAGES])
        self.category = _combo("categoryFilter", [("", N_("Any topic"))] + [
            (c, CATEGORY_LABELS.get(c, c.replace("_", " ").capitalize())) for c in CATEGORIES])
        self.region = _combo("regionFilter", [("", N_("Any region"))] + [
            (r, REGION_LABELS.get(r, r.replace("_", " ").title())) for r in REGIONS])
        self.registrations = _combo("registrationsFilter", list(REGISTRATION_CHOICES))
        self.offline = QCheckBox(_("Offline list"))
        self.offline.setObjectName("offlineCheck")
        self.offline.setToolTip(_("Use the list saved on this computer instead of asking "
                                  "joinmastodon.org."))
        filters = QHBoxLayout()
        for box in (self.language, self.category, self.region, self.registrations):
            box.currentIndexChanged.connect(self.reload)
            filters.addWidget(box)
        self.offline.toggled.connect(self.reload)
        filters.addWidget(self.offline)
        self.search = QLineEdit()
        self.search.setObjectName("serverSearch")
        self.search.setPlaceholderText(_("Search servers by name, topic or description"))
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
        self.pane.setHtml("<p>{}</p>".format(_("Select a server to see its rules and details.")))
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
        self.address.setPlaceholderText(_("…or type any server address, e.g. mastodon.social"))
        self.address.returnPressed.connect(self.check_address)
        self.address.textEdited.connect(lambda _t: self.changed.emit())
        check = QPushButton(_("Check"))
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
        self.source.setText(_("Loading the server list…"))
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
            # TRANSLATORS: how a server signs up new accounts, in the server list.
            signup = _("approval") if server.approval_required else _("open")
            users = server.last_week_users
            # TRANSLATORS: a line of the server list: its address, how many people used it
            # last week ({n}) and how it signs up new accounts ({signup}).
            item = QListWidgetItem(ngettext("{domain}  ·  {n} active  ·  {signup}",
                                            "{domain}  ·  {n} active  ·  {signup}", users)
                                   .format(domain=server.domain, n=number(users),
                                           signup=signup))
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
            self.status.setText("<span style='color:#c00'>{}</span>".format(
                _("“{text}” is not a server address: {error}").format(
                    text=html.escape(text), error=html.escape(error_text(exc)))))
            self.status.setProperty("error", True)
            return
        self.status.setProperty("error", False)
        self.shared.state.server = text
        self.changed.emit()
        self.status.setText(_("Asking {server} about itself…").format(server=html.escape(base)))
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
        self.status.setText(_("You chose <b>{server}</b>. Continue to sign in or create an "
                              "account there.").format(server=html.escape(details.info.domain)))

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
