"""The frame the step-by-step windows share (onboarding wizard, migration assistant).

``StepFrame`` lays out the step list on the left, the page stack and the
Later / Back / Skip / Next buttons; ``page_header`` gives a page its title, intro and body.
The windows add the steps and connect the buttons themselves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fedidesk.core.i18n import _


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
