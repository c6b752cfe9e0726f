"""The composer's poll editor: 2 to the server's maximum options, a duration, single/multiple.

Durations offered are the usual ones (5 minutes … 7 days) clipped to the server's
``min_expiration``/``max_expiration``, plus the time an edited poll has left when that is
none of them; each option is limited to ``max_characters_per_option``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.drafts import POLL_DURATIONS, DraftPoll
from fedidesk.core.i18n import _, ngettext
from fedidesk.core.probe import Limits
from fedidesk.ui.composeicons import compose_icon

DURATIONS = POLL_DURATIONS


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=QLocale().toString(n))


def _hours(n: int) -> str:
    return ngettext("{n} hour", "{n} hours", n).format(n=QLocale().toString(n))


def _minutes(n: int) -> str:
    return ngettext("{n} minute", "{n} minutes", n).format(n=QLocale().toString(n))


_UNITS: tuple[tuple[int, Callable[[int], str]], ...] = (
    (86_400, _days), (3600, _hours), (60, _minutes))


def duration_label(seconds: int) -> str:
    """``seconds`` in words: the largest unit that fits, plus the next smaller one when the
    time is not a whole number of it ('2 days 5 hours'); else seconds."""
    for index, (size, words) in enumerate(_UNITS):
        if seconds < size:
            continue
        whole, rest = divmod(seconds, size)
        label = words(whole)
        if index + 1 < len(_UNITS):
            smaller_size, smaller_words = _UNITS[index + 1]
            if rest // smaller_size:
                # TRANSLATORS: a duration in two units, e.g. "2 days" and "5 hours"
                label = _("{larger} {smaller}").format(
                    larger=label, smaller=smaller_words(rest // smaller_size))
        elif rest:
            continue  # a whole number of minutes and some seconds: say it in seconds
        return label
    return seconds_label(seconds)


def seconds_label(seconds: int) -> str:
    return ngettext("{n} second", "{n} seconds", seconds).format(n=QLocale().toString(seconds))


def duration_choices(limits: Limits) -> list[tuple[int, str]]:
    """The standard durations the server allows (at least its minimum)."""
    allowed = [(s, duration_label(s)) for s in DURATIONS
               if limits.poll_min_expiration <= s <= limits.poll_max_expiration]
    return allowed or [(limits.poll_min_expiration, seconds_label(limits.poll_min_expiration))]


class PollEditor(QFrame):
    """Options, duration and single/multiple choice; ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, limits: Limits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limits = limits
        self.setObjectName("pollEditor")
        self.setAccessibleName(_("Poll"))
        self._options: list[QLineEdit] = []
        self._hide_totals = False  # kept from an edited poll; Mastodon's UI does not offer it
        self._rows = QVBoxLayout()
        self._rows.setSpacing(4)

        self.add_button = QPushButton(_("Add option"))
        self.add_button.setAccessibleName(_("Add poll option"))
        self.add_button.clicked.connect(lambda: self.add_option(""))
        self.duration = QComboBox()
        self.duration.setAccessibleName(_("Poll duration"))
        for seconds, label in duration_choices(limits):
            self.duration.addItem(label, seconds)
        self.duration.setCurrentIndex(max(0, self.duration.findData(86_400)))
        self.duration.currentIndexChanged.connect(self.changed)
        self.multiple = QCheckBox(_("Multiple choice"))
        self.multiple.setAccessibleName(_("Allow multiple choices"))
        self.multiple.toggled.connect(self.changed)

        footer = QHBoxLayout()
        footer.addWidget(self.add_button)
        footer.addStretch(1)
        footer.addWidget(QLabel(_("Ends in")))
        footer.addWidget(self.duration)
        footer.addWidget(self.multiple)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self._rows)
        layout.addLayout(footer)
        self.set_poll(DraftPoll())

    def option_edits(self) -> list[QLineEdit]:
        return list(self._options)

    def add_option(self, text: str) -> QLineEdit | None:
        if len(self._options) >= self.limits.poll_max_options:
            return None
        edit = QLineEdit(text)
        number = len(self._options) + 1
        number_text = QLocale().toString(number)
        edit.setPlaceholderText(_("Choice {number}").format(number=number_text))
        edit.setAccessibleName(_("Poll choice {number}").format(number=number_text))
        edit.setMaxLength(self.limits.poll_max_characters_per_option)
        edit.textChanged.connect(self.changed)
        remove = QToolButton()
        remove.setIcon(compose_icon("remove"))
        remove.setAutoRaise(True)
        remove.setToolTip(_("Remove this choice"))
        remove.setAccessibleName(_("Remove poll choice {number}").format(number=number_text))
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(remove)
        self._rows.addLayout(row)
        self._options.append(edit)
        remove.clicked.connect(lambda: self._remove_option(edit))
        self._sync_buttons()
        self.changed.emit()
        return edit

    def _remove_option(self, edit: QLineEdit) -> None:
        if len(self._options) <= 2:
            edit.clear()
            return
        texts = [e.text() for e in self._options if e is not edit]
        self._rebuild(texts)
        self.changed.emit()

    def _rebuild(self, texts: list[str]) -> None:
        while self._rows.count():
            row = self._rows.takeAt(0)
            layout = row.layout() if row is not None else None
            while layout is not None and layout.count():
                item = layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
        self._options = []
        for text in texts:
            self.add_option(text)

    def _sync_buttons(self) -> None:
        self.add_button.setEnabled(len(self._options) < self.limits.poll_max_options)

    def set_poll(self, poll: DraftPoll) -> None:
        texts = list(poll.options)[: self.limits.poll_max_options]
        texts += [""] * (2 - len(texts))
        self._rebuild(texts)
        self.duration.setCurrentIndex(self._duration_index(poll.expires_in))
        self.multiple.setChecked(poll.multiple)
        self._hide_totals = poll.hide_totals

    def _duration_index(self, seconds: int) -> int:
        """The duration choice for ``seconds`` (within the server's limits), added in order
        when it is none of the usual ones (an edited poll's time left)."""
        seconds = min(max(seconds, self.limits.poll_min_expiration),
                      self.limits.poll_max_expiration)
        index = self.duration.findData(seconds)
        if index >= 0:
            return index
        position = sum(1 for i in range(self.duration.count())
                       if int(self.duration.itemData(i)) < seconds)
        self.duration.insertItem(position, duration_label(seconds), seconds)
        return position

    def poll(self) -> DraftPoll:
        return DraftPoll(options=tuple(e.text() for e in self._options),
                         expires_in=int(self.duration.currentData()),
                         multiple=self.multiple.isChecked(), hide_totals=self._hide_totals)

    def problem(self) -> str:
        """Why this poll cannot be posted yet ('' when it can)."""
        filled = [e.text().strip() for e in self._options]
        if sum(1 for t in filled if t) < 2 or any(not t for t in filled):
            return _("Fill in every poll choice (at least two).")
        if len(set(filled)) != len(filled):
            return _("Poll choices must be different.")
        return ""
