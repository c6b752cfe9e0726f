"""What the step-by-step windows share (onboarding wizard, migration assistant).

``StepFrame`` lays out the step list on the left, the page stack and the
Later / Back / Skip / Next buttons; ``page_header`` gives a page its title, intro and body.
``number`` and ``error_text`` put numbers and failures into words for the pages.
``StepPage`` is one step (saved values, background work) and ``StepWindow`` the page loop
around them: Back / Skip / Next and the step list, steps that do not apply greyed and passed
over, and the progress saved (``fedidesk.ui.stepprogress``) and restored on the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.ui.asynctools import spawn
from fedidesk.ui.stepprogress import ProgressStore, ProgressT

log = logging.getLogger("fedidesk.ui.steps")


class StepFrame:
    """The widgets of a step window; ``lay_out`` puts them on the window once the pages
    are in the stack (so that the tab order stays steps, page, buttons). Only "Continue
    later" is connected (it closes the window); the window connects the rest."""

    def __init__(self, window: QWidget, steps_name: str, later_tooltip: str) -> None:
        self.window = window
        self.steps = QListWidget()
        self.steps.setObjectName(steps_name)
        self.steps.setFixedWidth(230)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        self.back_button = QPushButton(_("Back"))
        self.back_button.setObjectName("backButton")
        self.skip_button = QPushButton(_("Skip this step"))
        self.skip_button.setObjectName("skipButton")
        self.next_button = QPushButton(_("Next"))
        self.next_button.setObjectName("nextButton")
        self.next_button.setDefault(True)
        self.later_button = QPushButton(_("Continue later"))
        self.later_button.setObjectName("laterButton")
        self.later_button.setToolTip(later_tooltip)
        self.later_button.clicked.connect(window.close)

    def lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.next_button)
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self.window)
        layout.addWidget(self.steps)
        layout.addLayout(right, 1)


def page_header(page: QWidget, title: str, intro: str, *, links: bool = False) -> QVBoxLayout:
    """Give ``page`` a heading (``title``) and an explanation (``intro``), both marked with
    ``N_`` and translated here; return the layout for the page's body. ``links`` makes the
    explanation's links clickable (the page handles them)."""
    outer = QVBoxLayout(page)
    heading = QLabel(f"<h2>{_(title) if title else ''}</h2>")
    heading.setObjectName("pageTitle")
    explanation = QLabel(_(intro) if intro else "")
    explanation.setObjectName("pageIntro")
    explanation.setWordWrap(True)
    explanation.setTextFormat(Qt.TextFormat.RichText)
    if links:
        explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        explanation.setOpenExternalLinks(False)
    outer.addWidget(heading)
    outer.addWidget(explanation)
    body = QVBoxLayout()
    outer.addLayout(body, 1)
    return body


def number(value: int) -> str:
    """``value`` for people, in the user's locale (with thousands separators, also in "C")."""
    locale = QLocale()
    locale.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions)
    return locale.toString(value)


def error_text(exc: BaseException) -> str:
    """A sentence for people from any failure."""
    if isinstance(exc, FedideskError):
        return exc.user_message
    return _("Something went wrong: {error}").format(error=exc)


class StepPage(QWidget):
    """One step. Subclasses set ``key``/``title``/``intro`` (marked with ``N_``; translated
    here when shown) and fill ``self.body``.

    Signals:
        changed(): a value the user entered changed (the window updates its buttons and
            saves its progress).
        goTo(str): asks the window to show the page with this key.
    """

    changed = Signal()
    goTo = Signal(str)
    key = ""
    title = ""
    intro = ""

    def __init__(self, name_prefix: str, parent: QWidget | None = None, *,
                 links: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name_prefix}{self.key}")
        self._tasks: set[asyncio.Task[Any]] = set()
        self.body = page_header(self, self.title, self.intro, links=links)

    def applies(self) -> bool:
        """Whether this step is part of the way chosen (others are greyed and skipped)."""
        return True

    def ready(self) -> tuple[bool, str]:
        """Whether Next may be pressed, and if not, why (shown as a tooltip)."""
        return True, ""

    def entered(self) -> None:
        """Called each time the page is shown."""

    # ---- persistence -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The non-secret values to keep when the window is left."""
        return {}

    def restore(self, values: dict[str, Any]) -> None:
        """Put saved values back (the inverse of ``values``)."""

    # ---- async helpers ------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        """Start ``coro`` as this page's work: ``busy`` while it runs, cancelled by
        ``cancel_work`` (when the window closes)."""
        task = spawn(coro, owner=self)
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        try:
            self.changed.emit()  # the window's buttons depend on busy()
        except RuntimeError:  # the page is already gone
            pass

    def busy(self) -> bool:
        # Set membership, not ``Task.done()``: a task is done one loop turn before its
        # done callback runs, and until then the window still shows the page as busy.
        return bool(self._tasks)

    def cancel_work(self) -> None:
        for task in list(self._tasks):
            task.cancel()


PageT = TypeVar("PageT", bound=StepPage)


class StepWindow(QWidget, Generic[PageT, ProgressT]):
    """A window that shows its ``StepPage``s one at a time in a ``StepFrame``, resumable.

    ``progress`` is loaded from ``store`` here; the subclass makes its pages (they may share
    ``progress``) and hands them to ``set_up_steps``, which puts them in the frame, connects
    the buttons and the step list, gives every page its saved values and shows the saved
    step. Steps whose page does not ``apply()`` are greyed and passed over; Next is enabled
    while the page is ``ready()``, reads ``last_step_label`` on the last step and then calls
    ``finish()``. The progress is saved whenever the step changes, shortly after a page
    changes, and when the window closes.
    """

    #: What Next says on the last step (marked with ``N_``).
    last_step_label = N_("Finish")
    #: Whether the first step offers "Skip this step".
    first_step_skippable = True
    #: The tooltip of a greyed step in the list (marked with ``N_``; "" for none).
    not_applicable_tip = ""

    def __init__(self, store: ProgressStore[ProgressT], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.progress: ProgressT = store.load()
        self.pages: list[PageT] = []
        self._restoring = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)
        self._save_timer.timeout.connect(self.save)

    def set_up_steps(self, pages: Sequence[PageT], *, steps_name: str,
                     later_tooltip: str) -> None:
        """Show ``pages`` as the steps, restore their saved values and go to the saved step.
        ``steps_name`` names the step list; ``later_tooltip`` explains "Continue later"."""
        frame = StepFrame(self, steps_name, later_tooltip)
        self.steps = frame.steps
        self.stack = frame.stack
        self.pages = list(pages)
        for number, page in enumerate(self.pages, start=1):
            page.changed.connect(self._page_changed)
            page.goTo.connect(self._go_to_key)
            self.stack.addWidget(page)
            # TRANSLATORS: a step in the sidebar of the wizard or the moving assistant,
            # e.g. "1. Choose a server".
            self.steps.addItem(_("{number}. {title}").format(number=number,
                                                             title=_(page.title)))
        self.steps.currentRowChanged.connect(self._step_clicked)
        self.back_button = frame.back_button
        self.back_button.clicked.connect(self.back)
        self.skip_button = frame.skip_button
        self.skip_button.clicked.connect(self.skip)
        self.next_button = frame.next_button
        self.next_button.clicked.connect(self.next)
        self.later_button = frame.later_button
        frame.lay_out()

        self._restoring = True
        for page in self.pages:
            saved = self.progress.pages.get(page.key)
            if saved:
                try:
                    page.restore(saved)
                except (TypeError, ValueError):
                    log.warning("Ignoring saved values of step %s of %s", page.key,
                                self.objectName())
        self._restoring = False
        keys = [p.key for p in self.pages]
        step = self.progress.step
        self.go_to(keys.index(step) if step in keys else 0)

    # ---- navigation ----------------------------------------------------------------------
    @property
    def current_index(self) -> int:
        return self.stack.currentIndex()

    @property
    def current_page(self) -> PageT:
        return self.pages[self.current_index]

    def page(self, key: str) -> PageT:
        return next(p for p in self.pages if p.key == key)

    def go_to(self, index: int) -> None:
        """Show step ``index`` (or, if it does not apply, the next one that does)."""
        if not 0 <= index < len(self.pages):
            return
        if not self.pages[index].applies():
            forward = self._first_applicable(index, +1)
            index = forward if forward is not None else index
        self.stack.setCurrentIndex(index)
        self.progress.step = self.pages[index].key
        self.pages[index].entered()
        self._sync_list()
        self._update_buttons()
        self.save()

    def back(self) -> None:
        self.go_to(self._neighbour(-1))

    def skip(self) -> None:
        self.go_to(self._neighbour(+1))

    def next(self) -> None:
        ok, _why = self.current_page.ready()
        if not ok:
            return
        target = self._neighbour(+1)
        if target >= len(self.pages):
            self.finish()
        else:
            self.go_to(target)

    def finish(self) -> None:
        """Next on the last step: close the window (subclasses do more first)."""
        self.close()

    def _go_to_key(self, key: str) -> None:
        self.go_to([p.key for p in self.pages].index(key))

    def _neighbour(self, direction: int) -> int:
        index = self.current_index + direction
        while 0 <= index < len(self.pages) and not self.pages[index].applies():
            index += direction
        return index

    def _first_applicable(self, start: int, direction: int) -> int | None:
        index = start
        while 0 <= index < len(self.pages):
            if self.pages[index].applies():
                return index
            index += direction
        return None

    def _step_clicked(self, row: int) -> None:
        if 0 <= row < len(self.pages) and self.pages[row].applies():
            self.go_to(row)
        else:
            self._sync_list()

    def _sync_list(self) -> None:
        self.steps.blockSignals(True)
        for row, page in enumerate(self.pages):
            item = self.steps.item(row)
            flags = item.flags()
            if page.applies():
                item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip("")
            else:
                item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(_(self.not_applicable_tip) if self.not_applicable_tip else "")
        self.steps.setCurrentRow(self.current_index)
        self.steps.blockSignals(False)

    def _update_buttons(self) -> None:
        last = self._neighbour(+1) >= len(self.pages)
        ok, why = self.current_page.ready()
        self.back_button.setEnabled(self._neighbour(-1) >= 0)
        self.skip_button.setVisible(
            not last and (self.current_index > 0 or self.first_step_skippable))
        self.next_button.setText(_(self.last_step_label) if last else _("Next"))
        self.next_button.setEnabled(ok)
        self.next_button.setToolTip(why)

    def _page_changed(self) -> None:
        self._sync_list()
        self._update_buttons()
        if not self._restoring:
            self._save_timer.start()

    # ---- persistence -----------------------------------------------------------------------
    def save(self) -> None:
        """Store the step and every page's (non-empty) values."""
        if self._restoring:
            return
        self._save_timer.stop()
        self.progress.pages = {p.key: v for p in self.pages if (v := p.values())}
        self.store.save(self.progress)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save()
        for page in self.pages:
            page.cancel_work()
        super().closeEvent(event)
