"""Deck benchmark: ingest, paint, scroll, streaming lag and memory (offscreen, no network).

Run: ``uv run python bench/deck.py [--quick]``; prints one JSON object.

``stream_*``: 6 columns showing their newest post (live) receive ``--rate`` events/s;
``reading_stream_*``: the same with every column scrolled down a little, so rows pile up
(no live window) and arrivals are laid out but not drawn.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from tests.ui_timeline.fakeposts import NOW, ListFeed, make_items

from fedidesk.ui.identities import IdentityCache
from fedidesk.ui.postdelegate import PostDelegate
from fedidesk.ui.timelinemodel import TimelineModel
from fedidesk.ui.timelineview import TimelineView


def rss_mb() -> float:
    """Resident set size from /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class CountingDelegate(PostDelegate):
    """``PostDelegate`` counting painted rows: a view that stops painting is not fast."""

    painted = 0

    def paint(self, painter: Any, option: Any, index: Any) -> None:
        CountingDelegate.painted += 1
        super().paint(painter, option, index)


def make_view(identities: IdentityCache, *, streaming: bool = False,
              coalesce_ms: int = 0) -> tuple[TimelineModel, TimelineView]:
    """A column as ``DeckController.make_column`` builds it (same model options)."""
    model = TimelineModel(identities, now=lambda: NOW, streaming=streaming,
                          coalesce_ms=coalesce_ms)
    view = TimelineView(delegate=CountingDelegate(now=lambda: NOW))
    view.setModel(model)
    view.resize(420, 1080)
    return model, view


def pump(app: QApplication, ms: int = 0) -> None:
    """Run the event loop for ``ms`` like the app does (sleeping when idle, not spinning)."""
    app.processEvents()
    if ms > 0:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()


def bench_ingest(app: QApplication, pages: list[list[object]]) -> dict[str, float]:
    model = TimelineModel(now=lambda: NOW, max_rows=20_000)
    worst = 0.0
    start = time.perf_counter()
    for page in pages:
        t = time.perf_counter()
        model.append_older(page)  # type: ignore[arg-type]
        worst = max(worst, time.perf_counter() - t)
    total = time.perf_counter() - start
    assert model.rowCount() == 10_000
    return {"ingest_10k_s": round(total, 3), "ingest_max_batch_ms": round(worst * 1000, 2)}


def bench_paint_scroll(app: QApplication) -> dict[str, float]:
    model, view = make_view(IdentityCache())
    view.show()
    model.append_older(make_items(0, 1000))  # type: ignore[arg-type]
    pump(app, 50)
    view.viewport().grab()  # warm the caches
    times = []
    painted = CountingDelegate.painted
    for _ in range(15):
        t = time.perf_counter()
        view.viewport().grab()
        times.append(time.perf_counter() - t)
    assert CountingDelegate.painted - painted >= 15 * 3, "the viewport painted no rows"
    bar = view.verticalScrollBar()
    view.executeDelayedItemsLayout()
    t = time.perf_counter()
    row = 0
    while row < 999:
        view.scrollTo(model.index(row), view.ScrollHint.PositionAtTop)
        view.viewport().repaint()
        top = view.indexAt(view.viewport().rect().topLeft())
        row = max(row + 1, view.indexAt(view.viewport().rect().bottomLeft()).row())
        del top
    scroll = time.perf_counter() - t
    del bar
    view.close()
    return {"paint_screen_ms": round(statistics.median(times) * 1000, 2),
            "scroll_1000_ms": round(scroll * 1000, 1)}


def bench_stream(app: QApplication, seconds: float, rate: int,
                 coalesce_ms: int | None = None, *, reading: bool = False,
                 ) -> dict[str, float]:
    """Event-loop lag while 6 columns stream; ``reading``: each column scrolled down a
    little, so its rows pile up instead of staying in the live window."""
    identities = IdentityCache()
    columns = [make_view(identities, streaming=True, coalesce_ms=coalesce_ms or 0)
               for _ in range(6)]
    feeds = []
    for i, (model, view) in enumerate(columns):
        view.show()
        feed = ListFeed()
        model.bind_feed(feed)
        feed.append(make_items(i * 100_000, 200, seed=i))
        feeds.append(feed)
        if reading:
            pump(app, 20)
            view.scrollTo(model.index(20), view.ScrollHint.PositionAtTop)
    # Every event is built before the clock starts: the loop only delivers.
    total = int(seconds * rate) + rate
    events = [make_items(700_000 + n, 1, seed=n % 6) for n in range(total)]
    pump(app, 100)
    for _, view in columns:
        view.viewport().grab()
    gc.collect()
    lags: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        lags.append(max(0.0, (now - last[0]) / 1e6 - 5.0))
        last[0] = now

    ticker = QTimer()
    ticker.setTimerType(ticker.timerType().PreciseTimer)
    ticker.timeout.connect(tick)
    ticker.start(5)
    painted = CountingDelegate.painted
    sent = [0]
    start = time.perf_counter()

    def emit() -> None:
        # Catch up to the wall clock so a slow loop shows as lag, not as fewer events.
        due = min(total, int((time.perf_counter() - start) * rate))
        while sent[0] < due:
            feeds[sent[0] % 6].insert_top(events[sent[0]])
            sent[0] += 1

    feeder = QTimer()
    feeder.setTimerType(feeder.timerType().PreciseTimer)
    feeder.timeout.connect(emit)
    feeder.start(max(1, 1000 // rate))
    pump(app, int(seconds * 1000))
    for timer in (ticker, feeder):
        timer.stop()
    lags.sort()
    painted = CountingDelegate.painted - painted
    rows = sum(model.rowCount() for model, _ in columns)
    for _, view in columns:
        view.close()
    prefix = "reading_" if reading else ""
    return {f"{prefix}stream_lag_p99_ms": round(lags[int(len(lags) * 0.99) - 1], 2),
            f"{prefix}stream_lag_max_ms": round(lags[-1], 2), f"{prefix}stream_events": sent[0],
            f"{prefix}stream_rows": rows, f"{prefix}stream_rows_painted": painted}


def bench_memory(app: QApplication) -> dict[str, float]:
    gc.collect()
    baseline = rss_mb()
    identities = IdentityCache()
    columns = [make_view(identities) for _ in range(6)]
    for i, (model, view) in enumerate(columns):
        view.show()
        for page in range(25):
            items = make_items(i * 100_000 + page * 40, 40, seed=i)
            model.append_older(items)  # type: ignore[arg-type]
        pump(app, 20)
        view.viewport().grab()
    gc.collect()
    used = rss_mb()
    for _, view in columns:
        view.close()
    return {"rss_mb_baseline": round(baseline, 1), "rss_mb_6x1000": round(used, 1),
            "rss_mb_6x1000_above_baseline": round(used - baseline, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="stream for 5 s instead of 30 s")
    parser.add_argument("--rate", type=int, default=200, help="stream events per second")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    pages = [make_items(10_000 - (p + 1) * 40, 40) for p in range(250)]
    result: dict[str, float] = {}
    result.update(bench_memory(app))
    result.update(bench_ingest(app, pages))
    result.update(bench_paint_scroll(app))
    seconds = 5.0 if args.quick else 30.0
    result.update(bench_stream(app, seconds, args.rate))
    result.update(bench_stream(app, seconds, args.rate, reading=True))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
