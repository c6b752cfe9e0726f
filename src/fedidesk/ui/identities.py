"""``IdentityCache``: one shared ``Account`` object per account id (style.md §2 item 6).

Every timeline model of one logged-in account shares one cache. Models register the
authors of the items they ingest (``update``) and read names/avatars back through ``get``,
so all rows of an author show the same, latest object. When an account's visible identity
changes (display name, avatar, handle, bot/locked, emoji), ``accountChanged(id)`` fires and
each model emits ``dataChanged`` for the author roles of that author's rows only.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from fedidesk.core.entities import Account


def identity_key(account: Account) -> tuple[object, ...]:
    """The fields of ``account`` that rows display; a change here repaints the author."""
    return (
        account.display_name, account.username, account.acct, account.avatar,
        account.avatar_static, account.bot, account.locked, account.group,
        tuple(e.shortcode for e in account.emojis),
    )


class IdentityCache(QObject):
    """Account id → the current ``Account`` (latest ``update`` wins).

    Signals:
        accountChanged(str): the displayed identity of that account id changed.
    """

    accountChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accounts: dict[str, Account] = {}

    def __len__(self) -> int:
        return len(self._accounts)

    def get(self, account: Account) -> Account:
        """The shared object for ``account.id`` (``account`` itself if unknown or id-less)."""
        return self._accounts.get(account.id, account) if account.id else account

    def lookup(self, account_id: str) -> Account | None:
        """The shared object for ``account_id``, if any."""
        return self._accounts.get(account_id)

    def update(self, account: Account, *, notify: bool = True) -> Account:
        """Make ``account`` the current object for its id; return the shared object.

        Rows read the author through ``get``, so they all see this object from now on.
        ``accountChanged`` fires only when a displayed field changed: re-ingesting the same
        author (the common case) repaints nothing.
        """
        if not account.id:
            return account
        old = self._accounts.get(account.id)
        if old is account:
            return account
        self._accounts[account.id] = account
        if old is not None and notify and identity_key(old) != identity_key(account):
            self.accountChanged.emit(account.id)
        return account

    def update_many(self, accounts: Iterable[Account]) -> None:
        """``update`` each account in turn."""
        for account in accounts:
            self.update(account)

    def forget(self, account_id: str) -> None:
        """Drop ``account_id`` (e.g. when no model shows it anymore)."""
        self._accounts.pop(account_id, None)
