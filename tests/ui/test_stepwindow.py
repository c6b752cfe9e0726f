"""The shared step window: Next follows a page's background work without a lag."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from fedidesk.core.storage import Database
from fedidesk.ui.stepprogress import ProgressStore
from fedidesk.ui.stepwindow import StepPage, StepWindow
from tests.ui.conftest import LoopRunner


@dataclass
class Progress:
    step: str = ""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "pages": self.pages}


class WorkPage(StepPage):
    """Ready once its work has run and finished, like the assistant's download step."""

    key = "work"
    title = "Work"

    def __init__(self) -> None:
        super().__init__("testPage_")
        self.finished = False

    def ready(self) -> tuple[bool, str]:
        if self.busy():
            return False, "still working"
        return self.finished, "" if self.finished else "not started"

    async def work(self, release: asyncio.Event) -> None:
        await release.wait()
        self.finished = True


class LastPage(StepPage):
    key = "last"
    title = "Last"

    def __init__(self) -> None:
        super().__init__("testPage_")


class Steps(StepWindow[StepPage, Progress]):
    def __init__(self) -> None:
        super().__init__(ProgressStore(Database(":memory:"), "test", "steps",
                                       lambda _data: Progress()))
        self.set_up_steps([WorkPage(), LastPage()], steps_name="Steps", later_tooltip="")


def test_next_is_enabled_as_soon_as_the_page_is_no_longer_busy(aloop: LoopRunner) -> None:
    window = Steps()
    page = window.page("work")
    assert isinstance(page, WorkPage)
    release = asyncio.Event()
    page.run(page.work(release))
    window._update_buttons()
    assert page.busy() and not window.next_button.isEnabled()

    # Every loop turn, what the page says and what the window shows must agree: a script
    # (or a quick user) that sees the work finished must find Next enabled.
    seen: list[tuple[bool, bool]] = []

    def watch() -> None:
        seen.append((page.busy(), window.next_button.isEnabled()))
        if len(seen) < 50:
            asyncio.get_running_loop().call_soon(watch)

    async def finish() -> None:
        asyncio.get_running_loop().call_soon(watch)
        await asyncio.sleep(0)
        release.set()
        while len(seen) < 50:
            await asyncio.sleep(0)

    aloop.run(finish())
    assert (True, False) in seen and (False, True) in seen  # it was seen both ways
    assert all(busy != enabled for busy, enabled in seen), seen
    window.next_button.click()
    assert window.current_page.key == "last"
    window.close()
