"""Timeline UI fixtures: fake items, a model, and a shown view over it."""

from __future__ import annotations

import ctypes

import pytest

from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineview import TimelineView
from tests.ui_timeline.fakeposts import NOW

# PySide6 6.12.0 on CPython 3.11 drops one reference to None on every void method call
# (QPainter.setPen, QRect.adjust, ...). A timeline paints thousands of those and the
# process dies with "none_dealloc" at exit; pin None like CPython 3.12+ does.
ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40


@pytest.fixture
def model() -> TimelineModel:
    return TimelineModel(now=lambda: NOW)


@pytest.fixture
def view(qtbot: object, model: TimelineModel) -> TimelineView:
    delegate = PostDelegate(now=lambda: NOW)
    widget = TimelineView(delegate=delegate)
    widget.setModel(model)
    delegate.toggleSpoiler.connect(model.set_expanded)
    widget.resize(480, 900)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.show()
    return widget
