"""IdleCollector: no automatic full collections; one when the app is left, or per interval."""

from __future__ import annotations

import gc
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fedidesk.ui.idlegc import IdleCollector


def _full_passes_while_allocating() -> int:
    passes: list[int] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            passes.append(1)

    # Surviving objects, as a deck's posts are: more than a quarter of the heap makes the
    # interpreter's own policy run a full pass.
    count = max(200_000, len(gc.get_objects()))
    gc.callbacks.append(watch)
    try:
        kept = [[i] for i in range(count)]
        del kept
    finally:
        gc.callbacks.remove(watch)
    return len(passes)


def test_automatic_full_passes_stop_and_come_back(qapp: QApplication) -> None:
    before = gc.get_threshold()
    collector = IdleCollector(qapp)
    assert _full_passes_while_allocating() > 0  # the interpreter's own policy
    collector.install()
    try:
        assert gc.get_threshold()[:2] == before[:2]  # young generations unchanged
        assert _full_passes_while_allocating() == 0
    finally:
        collector.uninstall()
    assert gc.get_threshold() == before


def test_collects_when_the_app_is_left_at_most_once_a_minute(qapp: QApplication) -> None:
    now = [1000.0]
    collector = IdleCollector(qapp, clock=lambda: now[0], min_interval_s=60.0)
    collector.install()
    try:
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
    finally:
        collector.uninstall()


def test_interval_timer_collects(qtbot: Any, qapp: QApplication) -> None:
    collector = IdleCollector(qapp, max_interval_s=0.05)
    collector.install()
    try:
        qtbot.waitUntil(lambda: collector.collections >= 1, timeout=2000)
    finally:
        collector.uninstall()
