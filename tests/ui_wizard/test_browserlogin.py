"""The browser sign-in controls, the same in the login dialog and the wizard's account step.

Every test runs twice, once in each window (``Host`` hides which one): the paste-the-code
fallback, a failure shown and recovered from, and cancelling, which must stop the wait
for the browser (the loopback listener closes).
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtWidgets import QAbstractButton, QLabel

from fedidesk.core.accounts import AccountEntry
from fedidesk.core.context import AppContext
from fedidesk.core.errors import LoginError
from fedidesk.ui.app import make_login
from fedidesk.ui.browserlogin import BrowserLoginPanel, LoginFn
from fedidesk.ui.logindialog import LoginDialog
from fedidesk.ui.wizard import OnboardingWizard, WizardDeps
from fedidesk.ui.wizard.accountpage import AccountPage
from tests.ui.conftest import LoopRunner
from tests.ui_wizard.conftest import directory_client, fake_details

SERVER = "cats.example"


@dataclass
class Host:
    """A window with the browser sign-in in it, seen from the outside."""

    panel: BrowserLoginPanel
    sign_in_button: QAbstractButton
    running: Callable[[], bool]
    stop: Callable[[], None]  # the dialog's Cancel; closing the wizard
    signed_in: Callable[[], str]  # the handle the window took ("" before)


def dialog_host(login: LoginFn, open_url: Callable[[str], object], server: str,
                qtbot: object) -> Host:
    dialog = LoginDialog(login, None, open_url)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    dialog.server_edit.setText(server)
    taken: list[str] = []
    dialog.loggedIn.connect(lambda entry: taken.append(entry.handle))
    return Host(dialog.browser_login, dialog.sign_in_button,
                lambda: dialog._task is not None and not dialog._task.done(),
                dialog.cancel, lambda: taken[0] if taken else "")


def account_step(login: LoginFn, open_url: Callable[[str], object], server: str,
                 ctx: AppContext) -> tuple[OnboardingWizard, AccountPage]:
    wizard = OnboardingWizard(WizardDeps(ctx=ctx, login=login, on_finished=lambda _c: None,
                                         open_url=open_url, directory=directory_client(),
                                         details=fake_details))
    wizard.show()
    wizard.shared.state.server = server
    wizard.go_to([p.key for p in wizard.pages].index("account"))
    page = wizard.current_page
    assert isinstance(page, AccountPage)
    return wizard, page


def wizard_host(login: LoginFn, open_url: Callable[[str], object], server: str,
                ctx: AppContext) -> Host:
    wizard, page = account_step(login, open_url, server, ctx)
    return Host(page.browser_login, page.have_button, page.busy, wizard.close,
                lambda: wizard.shared.state.handle)


MakeHost = Callable[[LoginFn, Callable[[str], object], str], Host]


@pytest.fixture(params=["dialog", "wizard"])
def make_host(request: pytest.FixtureRequest, ctx: AppContext, qtbot: object) -> MakeHost:
    def make(login: LoginFn, open_url: Callable[[str], object], server: str) -> Host:
        if request.param == "dialog":
            return dialog_host(login, open_url, server, qtbot)
        return wizard_host(login, open_url, server, ctx)

    return make


class CodeShowingServer:
    """A login function for a server that shows a code instead of redirecting back."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.url = f"https://{SERVER}/oauth/authorize?client_id=abc"

    async def __call__(self, server: str, open_browser: Callable[[str], object],
                       ask_code: Callable[[], Awaitable[str]]) -> AccountEntry:
        open_browser(self.url)
        self.codes.append(await ask_code())
        return AccountEntry(handle=f"alice@{server}", base_url=f"https://{server}",
                            account_id="1")


def test_pasted_code_signs_in(make_host: MakeHost, aloop: LoopRunner) -> None:
    login = CodeShowingServer()
    opened: list[str] = []
    host = make_host(login, opened.append, SERVER)
    panel = host.panel
    assert not panel.link_box.isVisible() and not panel.code_box.isVisible()
    host.sign_in_button.click()
    aloop.until(lambda: panel.code_box.isVisible())
    assert not host.sign_in_button.isEnabled()
    assert opened == [login.url]
    assert panel.link_box.isVisible() and panel.link_edit.text() == login.url
    assert panel.authorize_url == login.url
    assert "shows a code" in panel.status.text()
    assert panel.link_edit.accessibleName() == "Sign-in link"
    assert panel.code_edit.accessibleName() == "Authorization code"
    panel.code_button.click()  # nothing pasted yet: keeps waiting
    assert host.running() and not login.codes
    panel.code_edit.setText("  abc123 ")
    panel.code_button.click()
    aloop.until(lambda: host.signed_in() != "")
    assert login.codes == ["abc123"]
    assert host.signed_in() == f"alice@{SERVER}"
    assert not panel.code_box.isVisible()
    # The success state, in either window: the link and the code field are gone.
    assert panel.status.text() == f"Signed in as <b>alice@{SERVER}</b>."
    assert panel.link_box.isHidden() and panel.code_box.isHidden()


def test_wizard_says_signed_in_once(ctx: AppContext, aloop: LoopRunner) -> None:
    """One "signed in as" line on the account step, after signing in and on coming back."""
    code_server = CodeShowingServer()

    async def login(server: str, open_browser: Callable[[str], object],
                    ask_code: Callable[[], Awaitable[str]]) -> AccountEntry:
        entry = await code_server(server, open_browser, ask_code)
        return ctx.accounts.add(entry, "token")

    wizard, page = account_step(login, lambda _url: True, SERVER, ctx)

    def signed_in_lines() -> list[str]:
        return [w.text() for w in page.findChildren(QLabel)
                if w.isVisible() and "signed in as" in w.text().lower()]

    try:
        assert signed_in_lines() == []
        page.have_button.click()
        aloop.until(lambda: page.browser_login.code_box.isVisible())
        page.browser_login.code_edit.setText("abc123")
        page.browser_login.code_button.click()
        aloop.until(lambda: wizard.shared.state.handle != "" and not page.busy())
        assert signed_in_lines() == [f"Signed in as <b>alice@{SERVER}</b>."]
        assert page.server_label.text() == f"Server: <b>{SERVER}</b>"
        wizard.go_to([p.key for p in wizard.pages].index("account"))  # shown again
        assert signed_in_lines() == [f"Signed in as <b>alice@{SERVER}</b>."]
    finally:
        wizard.close()


def test_failure_is_shown_and_sign_in_can_start_again(make_host: MakeHost,
                                                      aloop: LoopRunner) -> None:
    async def refuse(server: str, open_browser: Callable[[str], object],
                     ask_code: Callable[[], Awaitable[str]]) -> AccountEntry:
        open_browser(f"https://{server}/oauth/authorize")
        await ask_code()
        raise LoginError("The server said <no>.")

    host = make_host(refuse, lambda _url: True, SERVER)
    panel = host.panel
    host.sign_in_button.click()
    aloop.until(lambda: panel.code_box.isVisible())
    panel.code_edit.setText("wrong")
    panel.code_button.click()
    aloop.until(lambda: not host.running())
    assert "The server said &lt;no&gt;." in panel.status.text()  # shown as text, in red
    assert "color:#c00" in panel.status.text()
    assert host.sign_in_button.isEnabled()
    assert not panel.code_box.isVisible()
    assert host.signed_in() == ""


@pytest.mark.integration
def test_cancel_stops_the_loopback_wait(make_host: MakeHost, aloop: LoopRunner,
                                        ctx: AppContext, mock: MockServer) -> None:
    opened: list[str] = []  # a browser that never comes back
    host = make_host(make_login(ctx, lambda: None), opened.append, mock.base_url)
    host.sign_in_button.click()
    aloop.until(lambda: bool(opened))
    redirect = httpx.URL(httpx.URL(opened[0]).params["redirect_uri"])
    assert redirect.host == "127.0.0.1" and redirect.port
    assert host.running()
    host.stop()
    aloop.until(lambda: not host.running(), timeout=5)
    assert "Sign-in cancelled." in host.panel.status.text()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", redirect.port), timeout=2).close()
    assert host.signed_in() == "" and not ctx.accounts.list()
