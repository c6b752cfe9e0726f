"""Wizard fixtures: a fake joinmastodon directory, canned server details, a wizard factory."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from fedidesk.core.columns import ColumnSpec
from fedidesk.core.context import AppContext
from fedidesk.core.directory import DirectoryClient
from fedidesk.core.probe import Registrations, ServerInfo
from fedidesk.core.server_details import ServerDetails, fetch_server_details
from fedidesk.ui.app import make_login
from fedidesk.ui.wizard import OnboardingWizard, WizardDeps
from tests.ui.conftest import LoopRunner, aloop, ctx

__all__ = ["aloop", "ctx"]

SERVERS = [
    {"domain": "cats.example", "description": "A home for cat people", "languages": ["en"],
     "region": "europe", "categories": ["general"], "last_week_users": 900,
     "total_users": 4000, "approval_required": False, "language": "en",
     "category": "general", "version": "4.3.0"},
    {"domain": "kunst.example", "description": "Kunst und Kultur", "languages": ["de"],
     "region": "europe", "categories": ["art"], "last_week_users": 300,
     "total_users": 1000, "approval_required": True, "language": "de",
     "category": "art", "version": "4.2.0"},
]


def directory_client() -> DirectoryClient:
    def handler(request: httpx.Request) -> httpx.Response:
        language = request.url.params.get("language")
        servers = [s for s in SERVERS if not language or s["language"] == language]
        return httpx.Response(200, content=json.dumps(servers).encode(),
                              headers={"content-type": "application/json"})

    return DirectoryClient(client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))


async def fake_details(address: str) -> ServerDetails:
    """Canned details for the fake directory's servers; real ones for anything else."""
    if address.endswith(".example"):
        info = ServerInfo(domain=address, base_url=f"https://{address}", title=address,
                          description="A test server", software_name="gotosocial",
                          software_version="0.16", is_mastodon=False, languages=("en",),
                          users_active_month=1234,
                          registrations=Registrations(enabled=True))
        return ServerDetails(info=info, terms_url=f"https://{address}/terms", response_ms=42)
    return await fetch_server_details(address)


class Made:
    def __init__(self) -> None:
        self.opened: list[str] = []
        self.finished: list[list[ColumnSpec]] = []


@pytest.fixture
def make_wizard(ctx: AppContext, aloop: LoopRunner
                ) -> Iterator[Callable[..., tuple[OnboardingWizard, Made]]]:
    made: list[OnboardingWizard] = []

    def make(open_url: Callable[[str], object] | None = None,
             **kw: Any) -> tuple[OnboardingWizard, Made]:
        record = Made()

        def opener(url: str) -> object:
            record.opened.append(url)
            return True

        wizard: OnboardingWizard | None = None
        deps = WizardDeps(ctx=ctx, login=make_login(ctx, lambda: wizard),
                          on_finished=record.finished.append, open_url=open_url or opener,
                          directory=directory_client(), details=fake_details, **kw)
        wizard = OnboardingWizard(deps)
        wizard.show()
        made.append(wizard)
        return wizard, record

    yield make
    for wizard in made:
        wizard.close()
    QApplication.processEvents()
