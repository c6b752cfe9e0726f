"""``PollVoteDialog``: vote in a post's poll, or see its results when voting is over.

Options are untrusted plain text (``&`` is escaped so it is not a keyboard mnemonic).
Voting sends ``POST /api/v1/polls/:id/votes``; the updated ``Poll`` is emitted so the
caller can put it into the timeline models. Errors show the server's own message.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.api import MastodonApi
from fedidesk.core.entities import Poll, Status
from fedidesk.core.errors import FedideskError
from fedidesk.core.html import plain_text
from fedidesk.core.i18n import _, ngettext
from fedidesk.ui.asynctools import show_error, spawn

log = logging.getLogger("fedidesk.ui.pollvote")


def poll_closed(poll: Poll, now: datetime | None = None) -> bool:
    """True when the poll takes no more votes (expired flag or past ``expires_at``)."""
    if poll.expired:
        return True
    moment = now or datetime.now(UTC)
    return poll.expires_at is not None and poll.expires_at <= moment


def can_vote(poll: Poll, now: datetime | None = None) -> bool:
    """True when the viewer may still vote: open and not voted yet."""
    return not poll_closed(poll, now) and not poll.voted


def mnemonic_safe(text: str) -> str:
    """``text`` for a button label: ``&`` doubled so it is shown, not used as a shortcut."""
    return text.replace("&", "&&")


def percent(votes: int | None, total: int) -> int:
    """Rounded share of ``votes`` in ``total`` (0 when unknown)."""
    return round(100 * (votes or 0) / total) if total > 0 and votes is not None else 0


class PollVoteDialog(QDialog):
    """Vote in ``status``'s poll with ``api`` (the viewing account's client).

    Signals:
        voted(object): the updated ``Poll`` after a successful vote.
        failed(str): the message shown after a failed vote.
    """

    voted = Signal(object)
    failed = Signal(str)

    def __init__(self, api: MastodonApi, status: Status, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.api = api
        self.status = status.original
        poll = self.status.poll
        self.poll: Poll = poll if poll is not None else Poll()
        self.error_box: QWidget | None = None
        self._retired: list[QWidget] = []
        self.setWindowTitle(_("Poll"))
        self.setMinimumWidth(380)
        self._layout = QVBoxLayout(self)
        self.title = QLabel(_("Poll by @{acct}").format(acct=self.status.account.acct))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(self.title)
        self.question = QLabel(plain_text(self.status.content)[:500])
        self.question.setObjectName("pollQuestion")
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.question.setWordWrap(True)
        self.question.setVisible(bool(self.question.text()))
        self._layout.addWidget(self.question)
        self.body = QWidget(self)
        self._layout.addWidget(self.body)
        self.summary = QLabel()
        self.summary.setObjectName("pollSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox()
        self.submit: QPushButton = self.buttons.addButton(
            _("Vote"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit.setObjectName("voteButton")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.vote)
        self.buttons.rejected.connect(self.reject)
        self._layout.addWidget(self.buttons)
        self.choices: list[QAbstractButton] = []
        self.bars: list[QProgressBar] = []
        self._group: QButtonGroup | None = None
        self._render()

    @property
    def results_only(self) -> bool:
        return not can_vote(self.poll)

    # ---- content -----------------------------------------------------------------------
    def _render(self) -> None:
        old = self.body
        self.body = QWidget(self)  # parented: Qt owns it (replaceWidget does not transfer)
        self._layout.replaceWidget(old, self.body)
        # The old page is hidden, not deleted: deleting it while its option buttons'
        # signals may still be delivered crashed PySide6; it goes with the dialog.
        old.hide()
        self._retired.append(old)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.choices, self.bars = [], []
        if self.results_only:
            self._render_results(layout)
        else:
            self._render_choices(layout)
        self.submit.setVisible(not self.results_only)
        self._update_submit()
        self.summary.setText(self._summary())

    def _render_choices(self, layout: QVBoxLayout) -> None:
        self._group = QButtonGroup(self.body)
        self._group.setExclusive(not self.poll.multiple)
        for i, option in enumerate(self.poll.options):
            button: QAbstractButton = (QCheckBox if self.poll.multiple else QRadioButton)(
                mnemonic_safe(option.title))
            button.setAccessibleName(option.title)
            self._group.addButton(button, i)
            button.toggled.connect(lambda _on: self._update_submit())
            layout.addWidget(button)
            self.choices.append(button)

    def _render_results(self, layout: QVBoxLayout) -> None:
        total = self.poll.voters_count if self.poll.multiple and self.poll.voters_count \
            else self.poll.votes_count
        own = set(self.poll.own_votes)
        for i, option in enumerate(self.poll.options):
            share = percent(option.votes_count, total)
            mark = " ✓" if i in own else ""
            label = QLabel(f"{option.title}{mark}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(share)
            # TRANSLATORS: a poll option's share of the votes ("42%").
            shown = _("{percent}%").format(percent=QLocale().toString(share))
            bar.setFormat(shown)
            bar.setAccessibleName(_("{option}: {percent}").format(option=option.title,
                                                                 percent=shown))
            layout.addWidget(label)
            layout.addWidget(bar)
            self.bars.append(bar)

    def _summary(self) -> str:
        people = self.poll.voters_count if self.poll.voters_count is not None \
            else self.poll.votes_count
        parts = [ngettext("{n} person", "{n} people", people).format(
            n=QLocale().toString(people))]
        if poll_closed(self.poll):
            # TRANSLATORS: poll summary part: the poll takes no more votes.
            parts.append(_("closed"))
        elif self.poll.expires_at is not None:
            when = f"{self.poll.expires_at.astimezone():%Y-%m-%d %H:%M}"
            parts.append(_("closes {when}").format(when=when))
        if self.poll.voted:
            parts.append(_("you voted"))
        if self.poll.multiple and not self.results_only:
            parts.append(_("choose one or more"))
        return " · ".join(parts)

    def selected(self) -> list[int]:
        """Indexes of the checked options."""
        return [i for i, button in enumerate(self.choices) if button.isChecked()]

    def _update_submit(self) -> None:
        self.submit.setEnabled(not self.results_only and bool(self.selected()))

    # ---- voting ------------------------------------------------------------------------
    def vote(self) -> None:
        """Send the checked choices (does nothing when there are none)."""
        choices = self.selected()
        if not choices or self.results_only:
            return
        self.submit.setEnabled(False)
        spawn(self._vote(choices), owner=self)

    async def _vote(self, choices: list[int]) -> None:
        try:
            poll = await self.api.vote(self.poll.id, choices)
        except FedideskError as exc:
            log.info("Vote on poll %s failed: %s", self.poll.id, exc)
            text = _("Your vote was not counted: {reason}").format(reason=exc.user_message)
            self.error_box = show_error(self, _("Poll"), text)
            self._update_submit()
            self.failed.emit(text)
            return
        self.poll = poll
        self._render()
        self.voted.emit(poll)
