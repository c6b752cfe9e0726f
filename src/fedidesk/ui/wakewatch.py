"""Notices when the computer wakes from sleep or the network comes and goes.

Streams die silently across a suspend, and nothing arrives while the network is down. The
deck treats both the same way: pause every feed when the network goes, and resume (which
reconnects and fills the gap over REST) when it is back or the computer has woken up.
Sleep is detected portably: the wall clock jumps ahead of the monotonic clock, which does
not advance while the machine is suspended.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger("fedidesk.ui.wake")

try:  # QtNetwork ships with PySide6-Essentials, but the backend may be missing.
    from PySide6.QtNetwork import QNetworkInformation
except ImportError:  # pragma: no cover - depends on the installation
    QNetworkInformation = None  # type: ignore[assignment,misc]


class WakeWatch(QObject):
    """Signals ``woke`` after a suspend, ``offline``/``online`` on network changes.

    Signals:
        woke(float): seconds the computer was asleep.
        offline(): the network was lost.
        online(): the network is back.
    """

    woke = Signal(float)
    offline = Signal()
    online = Signal()

    def __init__(self, *, interval_ms: int = 10_000, threshold_s: float = 30.0,
                 wall: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold_s = threshold_s
        self._wall = wall
        self._monotonic = monotonic
        self._last = (wall(), monotonic())
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        self._watch_network()

    def check(self) -> None:
        wall, mono = self._wall(), self._monotonic()
        slept = (wall - self._last[0]) - (mono - self._last[1])
        self._last = (wall, mono)
        if slept > self.threshold_s:
            log.info("The computer slept for about %.0f s", slept)
            self.woke.emit(slept)

    def _watch_network(self) -> None:
        if QNetworkInformation is None or not QNetworkInformation.loadDefaultBackend():
            return
        info = QNetworkInformation.instance()
        if info is None:
            return
        info.reachabilityChanged.connect(self._reachability)

    def _reachability(self, reachability: object) -> None:
        assert QNetworkInformation is not None
        states = QNetworkInformation.Reachability
        if reachability in (states.Disconnected,):
            self.offline.emit()
        elif reachability in (states.Online, states.Site, states.Local):
            self.online.emit()
