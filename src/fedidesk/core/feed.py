"""``TimelineFeed``: the Qt-free controller behind one deck column (API preview).

The UI model subscribes through plain callbacks (all optional, all called on the loop):

* ``on_insert_newer(items)``: rows newer than everything shown, newest first: put on top.
* ``on_append_older(items)``: rows older than everything shown, newest first: append.
* ``on_remove(item_id)``: drop the row with ``TimelineItem.id`` (deleted post).
* ``on_replace(item)``: swap the row with the same ``id`` (edited post, updated conversation).
* ``on_gap(gap)``: insert a "load missing posts" row **at the top** (it always arrives
  between the two ``on_insert_newer`` batches it separates).
* ``on_gap_filled(gap, items, rest)``: replace the gap row by ``[rest] + items`` (``rest``
  is a smaller ``Gap`` still missing, or ``None``).
* ``on_state(state)``: one of ``FeedState``'s values.
* ``on_error(error)``: a ``FedideskError`` worth showing (e.g. scroll-back failed).

Implementation follows in the next commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FeedState(StrEnum):
    """What a column header can show."""

    LOADING = "loading"
    LIVE = "live"  # streaming
    POLLING = "polling"  # no stream (server without streaming, or reconnecting)
    OFFLINE = "offline"  # requests fail
    PAUSED = "paused"
    AUTH_EXPIRED = "auth_expired"
    CLOSED = "closed"


@dataclass(frozen=True)
class Gap:
    """Missing rows between ``older_id`` and ``newer_id`` (``sort_id`` values, exclusive)."""

    older_id: str
    newer_id: str

    @property
    def id(self) -> str:
        return f"gap:{self.older_id}:{self.newer_id}"
