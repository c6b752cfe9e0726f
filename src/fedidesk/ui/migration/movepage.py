"""Step 4: the guided move — alias, the move itself, live checks (core: ``migration.move``)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QWidget

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.core.migration.move import (
    CHECK_ALIAS,
    CONFIRM_MOVED,
    CREATE_ALIAS,
    FOLLOWERS_ARRIVING,
    MOVE,
    MOVE_WARNING,
    START_MOVE,
    STEPS,
    Endpoint,
    MoveAssistant,
    MoveStore,
    StepResult,
    saved_message,
)
from fedidesk.ui.migration.base import MigrationPage, error_text, label, red

STEP_TEXT = {
    CREATE_ALIAS: N_("Add the old account as an alias on the new one"),
    CHECK_ALIAS: N_("Check the alias"),
    START_MOVE: N_("Start the move on the old server"),
    CONFIRM_MOVED: N_("Check that the old account points to the new one"),
    FOLLOWERS_ARRIVING: N_("Watch your followers arrive"),
}
BUTTON_TEXT = {
    CREATE_ALIAS: N_("Open the alias page on the new server"),
    CHECK_ALIAS: N_("Check the alias"),
    START_MOVE: N_("I understand — open the move page"),
    CONFIRM_MOVED: N_("Check the move"),
    FOLLOWERS_ARRIVING: N_("Check followers"),
}


class ClickableLabel(QLabel):
    """A word-wrapped label that runs ``on_click`` when clicked (a check box's text)."""

    def __init__(self, text: str, on_click: Callable[[], None]) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self._on_click = on_click
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_click()
        super().mousePressEvent(event)


class MovePage(MigrationPage):
    key = "move"
    title = N_("Move the account")
    intro = N_("Mastodon moves accounts only on its website, so fedidesk opens the right "
               "pages and checks each step from outside. You can leave this step and come "
               "back: fedidesk remembers how far you got.")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.rows: dict[str, QLabel] = {}
        self.changed.connect(self._buttons)  # after a task ends, too
        for step in STEPS[MOVE]:
            row = label(name=f"moveStep_{step}")
            self.rows[step] = row
            self.body.addWidget(row)
        self.warning = label(_("<b>Before you move:</b> {warning}").format(
            warning=html.escape(_(MOVE_WARNING))), "moveWarning")
        self.warning.setStyleSheet("QLabel { background: #fff4e5; border: 1px solid #f0b060; "
                                   "padding: 8px; }")
        # A check box cannot wrap its text, and this sentence is long in every language:
        # the box has the words as its accessible name, a wrapping label shows them and
        # clicking the label ticks the box.
        understood = _("I understand: the move cannot be undone, and I cannot move again "
                       "for 30 days.")
        self.understand = QCheckBox()
        self.understand.setObjectName("understandMove")
        self.understand.setAccessibleName(understood)
        self.understand.toggled.connect(lambda _on: self._buttons())
        self.understand_label = ClickableLabel(understood, self.understand.toggle)
        self.understand_label.setObjectName("understandMoveText")
        self.understand_label.setBuddy(self.understand)
        self.understand_row = QWidget()
        tick_row = QHBoxLayout(self.understand_row)
        tick_row.setContentsMargins(0, 0, 0, 0)
        tick_row.addWidget(self.understand, 0, Qt.AlignmentFlag.AlignTop)
        tick_row.addWidget(self.understand_label, 1)
        self.body.addSpacing(6)
        self.body.addWidget(self.warning)
        self.body.addWidget(self.understand_row)
        self.step_button = QPushButton()
        self.step_button.setObjectName("moveStepButton")
        self.step_button.clicked.connect(self.run_step)
        self.reopen_button = QPushButton(_("Open the page again"))
        self.reopen_button.setObjectName("reopenPage")
        self.reopen_button.clicked.connect(self.reopen)
        self.reopen_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_button)
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.result = label(name="moveResult")
        self.next_action = label(name="moveNext")
        self.body.addWidget(self.result)
        self.body.addWidget(self.next_action)
        self.body.addStretch(1)
        self.last_url = ""
        self.done: list[str] = []
        self.results: dict[str, dict[str, Any]] = {}

    def applies(self) -> bool:
        return self.shared.moving

    def _endpoints(self) -> tuple[Endpoint, Endpoint] | None:
        old_api, new_api = self.shared.api(self.state.old), self.shared.api(self.state.new)
        if old_api is None or new_api is None:
            return None
        return Endpoint(self.state.old, api=old_api), Endpoint(self.state.new, api=new_api)

    def current(self) -> str | None:
        return next((s for s in STEPS[MOVE] if s not in self.done), None)

    def entered(self) -> None:
        saved = MoveStore(self.shared.ctx.db).load(self.state.old, self.state.new) if (
            self.state.old and self.state.new) else None
        self.done = list(saved.done) if saved is not None else []
        self.results = dict(saved.results) if saved is not None else {}
        self._show()

    def _show(self) -> None:
        current = self.current()
        for number, step in enumerate(STEPS[MOVE], start=1):
            mark = "✔" if step in self.done else ("➜" if step == current else "○")
            color = "#2a7" if step in self.done else ("#000" if step == current else "#888")
            text = f"<span style='color:{color}'>{mark} {number}. {_(STEP_TEXT[step])}</span>"
            last = self.results.get(step)
            if last and step not in self.done:
                text += f"<br><small style='color:#c00'>{html.escape(saved_message(last))}" \
                        "</small>"
            self.rows[step].setText(text)
        show_warning = current == START_MOVE
        self.warning.setVisible(show_warning)
        self.understand_row.setVisible(show_warning)
        self._buttons()

    def _buttons(self) -> None:
        current = self.current()
        if current is None:
            self.step_button.setText(_("Check followers again"))
            self.step_button.setEnabled(not self.busy())
            return
        self.step_button.setText(_(BUTTON_TEXT[current]))
        allowed = current != START_MOVE or self.understand.isChecked()
        self.step_button.setEnabled(allowed and not self.busy())

    def run_step(self) -> None:
        if self.busy():
            return
        ends = self._endpoints()
        if ends is None:
            self.result.setText(red(_("Sign in to both accounts first (step 1).")))
            return
        step = self.current() or FOLLOWERS_ARRIVING
        self.step_button.setEnabled(False)
        self.result.setText(_("Checking…"))
        self.run(self._run(step, *ends))

    async def _run(self, step: str, old: Endpoint, new: Endpoint) -> None:
        try:
            async with MoveAssistant(self.shared.ctx.db, old, new, mode=MOVE,
                                     export_dir=self.state.folder or None) as assistant:
                result = await assistant.run(step)
                self.done = list(assistant.state.done)
                self.results = dict(assistant.state.results)
        except FedideskError as exc:
            self.result.setText(red(error_text(exc)))
            self._buttons()
            return
        self.show_result(result)
        if result.ok and result.url and step in (CREATE_ALIAS, START_MOVE):
            self.shared.open_url(result.url)
        self.understand.setChecked(False)
        self._show()
        self.changed.emit()

    def show_result(self, result: StepResult) -> None:
        color = "#2a7" if result.ok else "#c00"
        self.result.setText(f"<span style='color:{color}'>{html.escape(result.message)}</span>")
        self.next_action.setText(_("<b>Next:</b> {action}").format(
            action=html.escape(result.next_action)) if result.next_action else "")
        self.last_url = result.url
        self.reopen_button.setVisible(bool(result.url))

    def reopen(self) -> None:
        if self.last_url:
            self.shared.open_url(self.last_url)

    def values(self) -> dict[str, Any]:
        return {"last_url": self.last_url}

    def restore(self, values: dict[str, Any]) -> None:
        self.last_url = str(values.get("last_url") or "")
        self.reopen_button.setVisible(bool(self.last_url))
