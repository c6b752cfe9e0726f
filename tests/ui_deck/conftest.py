"""Deck tests reuse the UI fixtures (qasync loop driver, app context)."""

from tests.ui.conftest import aloop, ctx  # noqa: F401
