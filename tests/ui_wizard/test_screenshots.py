"""Screenshots of every wizard page, for a human look at the layout (``/tmp/wizard-*.png``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.auth.login import token_login
from fedidesk.core.context import AppContext
from fedidesk.ui.wizard import OnboardingWizard
from tests.helpers.mockserver import token_for
from tests.ui.conftest import LoopRunner
from tests.ui_wizard.conftest import Made

pytestmark = pytest.mark.integration

OUT = Path(os.environ.get("WIZARD_SHOTS", "/tmp"))  # noqa: S108 (asked for by the issue)


def test_screenshot_every_page(make_wizard: Callable[..., tuple[OnboardingWizard, Made]],
                               aloop: LoopRunner, mock: MockServer, ctx: AppContext) -> None:
    wizard, _ = make_wizard()
    wizard.resize(980, 680)
    server = wizard.current_page
    aloop.until(lambda: server.list.count() == 2)  # type: ignore[attr-defined]
    server.list.setCurrentRow(0)  # type: ignore[attr-defined]
    aloop.until(lambda: server.details is not None)  # type: ignore[attr-defined]
    shots = {}
    shots["server"] = wizard.grab()
    wizard.shared.state.server = mock.base_url
    wizard.go_to(1)
    wizard.current_page.new_button.click()  # type: ignore[attr-defined]
    form = wizard.current_page.signup  # type: ignore[attr-defined]
    aloop.until(lambda: form.details is not None)
    form.username.setText("alice")
    form.password.setText("hunter2hunter")
    form.create_button.click()
    aloop.until(lambda: form.errors["agreement"].isVisible())
    shots["account"] = wizard.grab()
    entry = aloop.run(token_login(mock.base_url, token_for(mock, "alice"),
                                  accounts=ctx.accounts))
    wizard.shared.state.handle = entry.handle
    for index, page in enumerate(wizard.pages[2:], start=2):
        wizard.go_to(index)
        if page.key == "security":
            page.authenticator.setChecked(True)  # type: ignore[attr-defined]
        if page.key == "links":
            aloop.until(lambda p=page: bool(p.profile_edit.text()))  # type: ignore[misc]
            page.url_edit.setText("http://my-site.example/")  # type: ignore[attr-defined]
            page.check()  # type: ignore[attr-defined]
        if page.key == "contacts":
            page.paste.setPlainText("Jane — jane@mastodon.social")  # type: ignore
            page.find_accounts()  # type: ignore[attr-defined]
            aloop.until(lambda p=page: p.table.rowCount() > 0)  # type: ignore[misc]
        if page.key == "follow":
            aloop.until(lambda p=page: p.tags.topLevelItemCount() > 0)  # type: ignore
        aloop.until(lambda p=page: not p.busy())  # type: ignore[misc]
        shots[page.key] = wizard.grab()
    for key, pixmap in shots.items():
        assert pixmap.save(str(OUT / f"wizard-{key}.png"))
