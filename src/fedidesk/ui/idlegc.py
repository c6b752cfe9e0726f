"""Full garbage collections when the user looks elsewhere, not in the middle of a scroll.

CPython's cycle collector examines every tracked object in a full (generation 2) pass; a deck
holding several thousand posts has hundreds of thousands of objects, and a full pass then
stalls the event loop for a few hundred milliseconds. The automatic policy starts one
whenever enough objects have survived, which in a streaming deck means at random moments.
``IdleCollector`` turns the automatic full passes off (young generations stay automatic, so
short-lived cycles are still freed at once) and runs one when the app stops being the active
application, or at the latest every ``max_interval_s`` seconds.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication

log = logging.getLogger("fedidesk.ui.gc")

#: A generation-2 threshold that is never reached: full passes only run when asked.
_NEVER = 2**30


class IdleCollector(QObject):
    """Schedules CPython's full collections (see the module docstring)."""

    def __init__(self, app: QGuiApplication, *, max_interval_s: float = 900.0,
                 min_interval_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 full_pass: Callable[[], int] = gc.collect) -> None:
        super().__init__(app)
        self.max_interval_s = max_interval_s
        self.min_interval_s = min_interval_s
        self.clock = clock
        self.full_pass = full_pass
        self.collections = 0
        self._last = clock()
        self._saved: tuple[int, int, int] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(max_interval_s * 1000))
        self._timer.timeout.connect(self.collect)
        app.applicationStateChanged.connect(self._state_changed)

    def install(self) -> None:
        """Stop automatic full passes; collect on deactivation and every interval."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], _NEVER)
        self._timer.start()

    def uninstall(self) -> None:
        """Give the interpreter back its own policy (the collector can be installed again)."""
        self._timer.stop()
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if (self._saved is not None and state != Qt.ApplicationState.ApplicationActive
                and self.clock() - self._last >= self.min_interval_s):
            self.collect()

    def collect(self) -> None:
        """One full pass now (and restart the interval while installed)."""
        start = self.clock()
        freed = self.full_pass()
        self._last = self.clock()
        self.collections += 1
        if self._saved is not None:
            self._timer.start()
        log.debug("full collection: %d objects freed in %.0f ms", freed,
                  (self._last - start) * 1000)
