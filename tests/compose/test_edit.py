"""Editing an own post: the composer opens on its source and saves with PUT, not a new post."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from fedidesk.core.entities import Status, from_dict
from fedidesk.core.posting import draft_for_edit
from fedidesk.ui.compose import ComposeWindow
from tests.compose.conftest import Run, Server, until

pytestmark = pytest.mark.integration


def test_edit_own_post_saves_in_place(server: Server, run: Run,
                                      make_window: Callable[..., ComposeWindow]) -> None:
    created = server.post_as("alice", status="Frist post", spoiler_text="typo inside")
    status = from_dict(Status, created)
    api = server.api_for(server.alice.handle)
    source = run(api.status_source(status.id))
    window = make_window(draft=draft_for_edit(server.alice.handle, status, source))
    assert window.editing and window.windowTitle() == "Edit post"
    assert window.editor.toPlainText() == "Frist post"
    assert window.cw_edit.text() == "typo inside"
    assert not window.visibility.isEnabled()
    window.editor.setPlainText("First post")
    posted: list[Status] = []
    window.posted.connect(posted.append)
    window.post()
    run(until(lambda: bool(posted)))
    assert posted[0].id == status.id
    statuses = server.statuses("alice")
    assert len([s for s in statuses if "irst post" in s["content"]]) == 1
    headers = {"Authorization": f"Bearer {server.token}"}
    fresh = httpx.get(f"{server.base_url}/api/v1/statuses/{status.id}", headers=headers,
                      timeout=10).json()
    assert "First post" in fresh["content"] and fresh["edited_at"]
