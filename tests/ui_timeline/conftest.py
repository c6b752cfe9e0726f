"""Timeline UI fixtures: fake items, a model, and a shown view over it."""

from __future__ import annotations

import pytest

from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineview import TimelineView
from tests.ui_timeline.fakeposts import NOW


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
