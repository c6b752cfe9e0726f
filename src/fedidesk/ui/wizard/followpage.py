"""Step 5: follow hashtags (trending and topic packs) and people (suggestions, directory)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core import suggestions
from fedidesk.core.contacts.follow import FollowBudget
from fedidesk.core.entities import Account
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.core.suggestions import (
    TOPIC_PACKS,
    TRENDING,
    TagSuggestion,
    TopicPack,
    follow_tag,
    hashtag_suggestions,
    people_suggestions,
    unfollow_tag,
)
from fedidesk.ui.wizard.base import WizardPage, error_text, label, number


def pack(title: str) -> TopicPack | None:
    return next((p for p in TOPIC_PACKS if p.title == title), None)


def usage(tag: TagSuggestion) -> str:
    """How much ``tag`` is used, with the counts in the user's locale."""
    return suggestions.usage(tag, number)


class FollowPage(WizardPage):
    key = "follow"
    title = N_("Follow hashtags and people")
    intro = N_("Your home timeline shows posts from the people and hashtags you follow. "
               "Start with a few: follow a topic pack or trending hashtags, and people your "
               "server suggests. You can unfollow at any time.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.tags = QTreeWidget()
        self.tags.setObjectName("tagList")
        self.tags.setHeaderLabels([_("Hashtag"), _("Usage"), ""])
        self.tags.setRootIsDecorated(False)
        self.tags.header().setStretchLastSection(False)
        self.tags.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tags.setColumnWidth(2, 110)
        self.tags.setColumnWidth(0, 200)
        self.tags.setColumnWidth(1, 260)
        self.pack = QComboBox()
        self.pack.setObjectName("topicPack")
        self.pack.addItem(_("Trending now"), "")
        for topic in TOPIC_PACKS:
            # Pack titles come from the core; translated there if marked (the data keeps
            # the English title as its key).
            self.pack.addItem(_("Topic pack: {title}").format(title=_(topic.title)),
                              topic.title)
        self.pack.currentIndexChanged.connect(self.load_tags)
        self.follow_pack = QPushButton(_("Follow the whole pack"))
        self.follow_pack.setObjectName("followPack")
        self.follow_pack.clicked.connect(self.follow_all)
        tag_tab = QWidget()
        tag_layout = QVBoxLayout(tag_tab)
        row = QHBoxLayout()
        row.addWidget(self.pack, 1)
        row.addWidget(self.follow_pack)
        tag_layout.addLayout(row)
        tag_layout.addWidget(self.tags, 1)
        self.people = QTreeWidget()
        self.people.setObjectName("peopleList")
        self.people.setHeaderLabels([_("Account"), _("Why"), ""])
        self.people.setRootIsDecorated(False)
        self.people.header().setStretchLastSection(False)
        self.people.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.people.setColumnWidth(2, 110)
        self.people.setColumnWidth(0, 240)
        self.people.setColumnWidth(1, 260)
        people_tab = QWidget()
        QVBoxLayout(people_tab).addWidget(self.people)
        self.tabs = QTabWidget()
        self.tabs.addTab(tag_tab, _("Hashtags"))
        self.tabs.addTab(people_tab, _("People"))
        self.status = label(name="followStatus")
        self.body.addWidget(self.tabs, 1)
        self.body.addWidget(self.status)
        self._tag_items: dict[str, QTreeWidgetItem] = {}

    def entered(self) -> None:
        if self.shared.api() is None:
            self.status.setText(_("Sign in first (step 2) to follow hashtags and people."))
        self.load_tags()
        self.run(self._load_people())

    # ---- hashtags ----------------------------------------------------------------------
    def load_tags(self) -> None:
        self.changed.emit()
        self.run(self._load_tags(self.pack.currentData() or ""))

    async def _load_tags(self, title: str) -> None:
        api = self.shared.api()
        chosen = pack(title)
        tags: list[TagSuggestion] = []
        if api is None:
            tags = [TagSuggestion(n, source=title) for n in (chosen.tags if chosen else ())]
        else:
            try:
                found = await hashtag_suggestions(api, packs=(chosen,) if chosen else (),
                                                  trending_limit=1 if chosen else 20)
            except FedideskError as exc:
                self.status.setText(error_text(exc))
                found = []
            tags = [t for t in found if t.source == (title or TRENDING)]
            if not tags and not chosen and self.pack.currentIndex() == 0:
                self.status.setText(_("This server shares no trending hashtags right now; "
                                      "here is a topic pack instead."))
                self.pack.setCurrentIndex(1)
                return
        if (self.pack.currentData() or "") != title:
            return
        self.tags.clear()
        self._tag_items.clear()
        for tag in tags:
            self._add_tag_row(tag)

    def _add_tag_row(self, tag: TagSuggestion) -> None:
        item = QTreeWidgetItem([f"#{tag.name}", usage(tag), ""])
        item.setData(0, Qt.ItemDataRole.UserRole, tag.name)
        self.tags.addTopLevelItem(item)
        following = tag.following or tag.name.lower() in (
            t.lower() for t in self.shared.state.followed_tags)
        button = QPushButton(_("Unfollow") if following else _("Follow"))
        button.setObjectName(f"tag_{tag.name}")
        button.setEnabled(self.shared.api() is not None)
        button.clicked.connect(lambda _=False, n=tag.name: self.toggle_tag(n))
        self.tags.setItemWidget(item, 2, button)
        self._tag_items[tag.name.lower()] = item

    def tag_button(self, name: str) -> QPushButton | None:
        item = self._tag_items.get(name.lower())
        widget = self.tags.itemWidget(item, 2) if item is not None else None
        return widget if isinstance(widget, QPushButton) else None

    def toggle_tag(self, name: str) -> None:
        following = name.lower() in (t.lower() for t in self.shared.state.followed_tags)
        self.run(self._set_tag(name, not following))

    def follow_all(self) -> None:
        for name in list(self._tag_items):
            if name not in (t.lower() for t in self.shared.state.followed_tags):
                self.run(self._set_tag(name, True))

    async def _set_tag(self, name: str, follow: bool) -> None:
        api = self.shared.api()
        if api is None:
            return
        try:
            budget = FollowBudget(self.shared.ctx.db, self.shared.state.handle)
            tag = await (follow_tag(api, name, budget) if follow else unfollow_tag(api, name))
        except FedideskError as exc:
            self.status.setText(f"#{html.escape(name)}: {html.escape(error_text(exc))}")
            return
        followed = [t for t in self.shared.state.followed_tags if t.lower() != name.lower()]
        if follow:
            followed.append(tag.name or name)
        self.shared.state.followed_tags = followed
        button = self.tag_button(name)
        if button is not None:
            button.setText(_("Unfollow") if follow else _("Follow"))
        self.status.setText((_("Following #{tag}.") if follow else
                             _("Stopped following #{tag}.")).format(tag=name))
        self.changed.emit()

    # ---- people --------------------------------------------------------------------------
    async def _load_people(self) -> None:
        api = self.shared.api()
        if api is None:
            return
        try:
            people = await people_suggestions(api, limit=30)
        except FedideskError as exc:
            self.status.setText(error_text(exc))
            return
        rows = [(p.account, "; ".join(p.reasons) or _("suggested by your server"))
                for p in people]
        self.people.clear()
        for account, why in rows:
            item = QTreeWidgetItem([f"{account.display_name or account.username}  "
                                    f"@{account.acct}", why, ""])
            item.setToolTip(0, account.url)
            self.people.addTopLevelItem(item)
            button = QPushButton(_("Follow"))
            button.setObjectName(f"person_{account.acct}")
            button.setProperty("following", False)
            button.clicked.connect(lambda _=False, a=account, b=button: self.run(
                self._follow_person(a, b)))
            self.people.setItemWidget(item, 2, button)

    async def _follow_person(self, account: Account, button: QPushButton) -> None:
        api = self.shared.api()
        if api is None:
            return
        button.setEnabled(False)
        try:
            if not button.property("following"):
                await api.follow(account.id)
                button.setText(_("Unfollow"))
                button.setProperty("following", True)
            else:
                await api.unfollow(account.id)
                button.setText(_("Follow"))
                button.setProperty("following", False)
        except FedideskError as exc:
            self.status.setText(f"@{html.escape(account.acct)}: "
                                f"{html.escape(error_text(exc))}")
        finally:
            button.setEnabled(True)

    def values(self) -> dict[str, Any]:
        return {"pack": self.pack.currentData() or "", "tab": self.tabs.currentIndex()}

    def restore(self, values: dict[str, Any]) -> None:
        self.pack.blockSignals(True)
        self.pack.setCurrentIndex(max(0, self.pack.findData(values.get("pack") or "")))
        self.pack.blockSignals(False)
        self.tabs.setCurrentIndex(int(values.get("tab") or 0))
