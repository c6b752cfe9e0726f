"""Two fake servers, old.example (``ann``) and new.example (``ann2``), on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.migration_move.fakefedi import FakeFedi


@pytest.fixture
def old() -> Iterator[FakeFedi]:
    server = FakeFedi("old.example").start()
    server.add("ann", followers_count=42)
    yield server
    server.stop()


@pytest.fixture
def new() -> Iterator[FakeFedi]:
    server = FakeFedi("new.example").start()
    server.add("ann2", followers_count=3)
    yield server
    server.stop()
