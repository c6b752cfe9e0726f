"""IdleCollector: no automatic full collections; one when the app is left, or per interval.

The collector's full pass is a counting stand-in here: a real full collection in the middle
of the suite would free other tests' leftovers at an arbitrary moment.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fedidesk.ui.idlegc import IdleCollector

Make = Callable[..., IdleCollector]


@pytest.fixture
def make(qapp: QApplication) -> Iterator[Make]:
    """Collectors with a counting full pass; uninstalled and deleted afterwards."""
    collectors: list[IdleCollector] = []
    before = gc.get_threshold()

    def factory(**kw: Any) -> IdleCollector:
        collector = IdleCollector(qapp, full_pass=lambda: 0, **kw)
        collectors.append(collector)
        return collector

    yield factory
    for collector in collectors:
        collector.uninstall()
        qapp.applicationStateChanged.disconnect(collector._state_changed)
        collector.deleteLater()
    QApplication.processEvents()
    assert gc.get_threshold() == before


def test_install_stops_only_automatic_full_passes(make: Make) -> None:
    before = gc.get_threshold()
    collector = make()
    collector.install()
    assert gc.get_threshold()[:2] == before[:2]  # young generations stay automatic
    assert gc.get_threshold()[2] >= 2**30  # generation 2 never reaches its threshold
    collector.install()  # twice is harmless: the interpreter's own values are kept
    collector.uninstall()
    assert gc.get_threshold() == before


def test_collects_when_the_app_is_left_at_most_once_a_minute(make: Make) -> None:
    now = [1000.0]
    collector = make(clock=lambda: now[0], min_interval_s=60.0)
    collector.install()
    inactive = Qt.ApplicationState.ApplicationInactive
    collector._state_changed(inactive)
    assert collector.collections == 0  # just collected (at start): not yet
    now[0] += 61
    collector._state_changed(Qt.ApplicationState.ApplicationActive)
    assert collector.collections == 0  # coming back is not a quiet moment
    collector._state_changed(inactive)
    assert collector.collections == 1
    collector._state_changed(Qt.ApplicationState.ApplicationHidden)
    assert collector.collections == 1  # within the minute after the last pass
    collector.uninstall()
    now[0] += 61
    collector._state_changed(inactive)
    assert collector.collections == 1  # uninstalled: the interpreter decides again


def test_interval_timer_collects(qtbot: Any, make: Make) -> None:
    collector = make(max_interval_s=0.05)
    collector.install()
    qtbot.waitUntil(lambda: collector.collections >= 2, timeout=2000)  # and again
    collector.uninstall()
    count = collector.collections
    qtbot.wait(150)
    assert collector.collections == count  # uninstalled: the timer stays stopped
