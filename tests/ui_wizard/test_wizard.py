"""The onboarding wizard, page by page, against a fake directory and mastodon-mock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from mastodon_mock.testing.server import MockServer
from PySide6.QtCore import Qt

from fedidesk.core import i18n
from fedidesk.core.auth.login import token_login
from fedidesk.core.columns import ColumnKind
from fedidesk.core.contacts.extract import Candidate
from fedidesk.core.contacts.resolve import Resolution
from fedidesk.core.context import AppContext
from fedidesk.core.suggestions import TagSuggestion
from fedidesk.ui.wizard import OnboardingWizard
from fedidesk.ui.wizard.accountpage import AccountPage
from fedidesk.ui.wizard.contactspage import ContactsPage
from fedidesk.ui.wizard.finishpage import FinishPage
from fedidesk.ui.wizard.followpage import FollowPage, usage
from fedidesk.ui.wizard.linkspage import LinksPage
from fedidesk.ui.wizard.securitypage import SecurityPage
from fedidesk.ui.wizard.serverpage import ServerPage
from tests.helpers.mockserver import token_for
from tests.ui.conftest import LoopRunner, browser_for
from tests.ui_wizard.conftest import Made

Factory = Callable[..., tuple[OnboardingWizard, Made]]


@pytest.fixture
def restore_english() -> Iterator[None]:
    yield
    i18n.install("en")


def _signed_in(wizard: OnboardingWizard, ctx: AppContext, aloop: LoopRunner,
               mock: MockServer, user: str = "alice") -> str:
    entry = aloop.run(token_login(mock.base_url, token_for(mock, user), accounts=ctx.accounts))
    wizard.shared.state.server = mock.base_url
    wizard.shared.state.handle = entry.handle
    return str(entry.handle)


def _page(wizard: OnboardingWizard, key: str) -> Any:
    wizard.go_to([p.key for p in wizard.pages].index(key))
    return wizard.current_page


def test_pick_server_from_directory(make_wizard: Factory, aloop: LoopRunner) -> None:
    wizard, _ = make_wizard()
    page = wizard.current_page
    assert isinstance(page, ServerPage)
    aloop.until(lambda: page.list.count() == 2)
    # Open sign-ups first.
    assert page.list.item(0).text().startswith("cats.example")
    assert "joinmastodon" in page.source.text()
    page.search.setText("kunst")
    assert page.list.count() == 1
    page.search.setText("")
    page.language.setCurrentIndex(page.language.findData("de"))
    aloop.until(lambda: page.list.count() == 1)
    page.list.setCurrentRow(0)
    aloop.until(lambda: page.details is not None)
    assert wizard.shared.state.server == "kunst.example"
    text = page.pane.toPlainText()
    assert "does not run Mastodon" in text and "1,234 this month" in text
    assert "move your account" in wizard.current_page.findChild(
        type(page.source), "pageIntro").text()


def test_typed_address_is_validated(make_wizard: Factory, aloop: LoopRunner) -> None:
    wizard, _ = make_wizard()
    page = wizard.current_page
    assert isinstance(page, ServerPage)
    page.address.setText("not a server!")
    page.check_address()
    assert "is not a server address" in page.status.text()
    assert wizard.shared.state.server == ""


@pytest.mark.integration
def test_browser_login(make_wizard: Factory, aloop: LoopRunner, mock: MockServer,
                       ctx: AppContext) -> None:
    wizard, _ = make_wizard(open_url=browser_for("alice"))
    wizard.shared.state.server = mock.base_url
    page = _page(wizard, "account")
    assert isinstance(page, AccountPage)
    page.have_button.click()
    aloop.until(lambda: bool(wizard.shared.state.handle))
    assert wizard.shared.state.handle.startswith("alice@")
    assert ctx.accounts.find(wizard.shared.state.handle) is not None
    assert page.status.text() == f"Signed in as <b>{wizard.shared.state.handle}</b>."
    assert "signed in" not in page.server_label.text()


@pytest.mark.integration
def test_signup_field_error_on_the_right_field(make_wizard: Factory, aloop: LoopRunner,
                                               mock: MockServer) -> None:
    wizard, _ = make_wizard()
    wizard.shared.state.server = mock.base_url
    page = _page(wizard, "account")
    page.new_button.click()
    form = page.signup
    aloop.until(lambda: form.details is not None)
    form.agreement.setChecked(True)
    form.username.setText("alice")  # taken on the mock
    form.email.setText("new.alice@example.com")
    form.password.setText("correct horse battery staple 42")
    assert form.meter.value() >= 3
    form.create_button.click()
    aloop.until(lambda: form.errors["username"].isVisible() or "closed" in form.status.text())
    assert "taken" in form.errors["username"].text()
    assert not form.errors["email"].isVisible()


def test_signup_local_checks(make_wizard: Factory, aloop: LoopRunner) -> None:
    wizard, _ = make_wizard()
    wizard.shared.state.server = "cats.example"
    page = _page(wizard, "account")
    page.new_button.click()
    form = page.signup
    form.username.setText("bad name!")
    form._username_edited("bad name!")
    assert "letters" in form.errors["username"].text()
    form.password.setText("password")
    form.create_button.click()
    assert form.errors["agreement"].isVisible()
    assert form.errors["password"].isVisible()


def test_totp_verifies_code_from_known_secret(make_wizard: Factory) -> None:
    wizard, _ = make_wizard()
    page = _page(wizard, "security")
    assert isinstance(page, SecurityPage)
    box = page.authenticator
    box.setChecked(True)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    box.secret_edit.setText(secret)
    box.code_edit.setText("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    box.verify()
    assert "does not match" in box.result.text()
    box.secret_edit.setText(secret)
    box.code_edit.setText(pyotp.TOTP(secret).now())
    box.verify()
    assert "correct" in box.result.text()
    assert box.secret_edit.text() == ""  # the seed does not linger in the field
    assert box.live_code.text().replace(" ", "") == pyotp.TOTP(secret).now() or \
        time.time() % 30 < 1
    assert 1 <= box.countdown.value() <= 30
    assert "otp_authentication" not in " ".join(wizard.values()["security"])
    assert secret not in str(wizard.store.load().to_json())


def test_security_page_opens_the_settings(make_wizard: Factory) -> None:
    wizard, made = make_wizard()
    wizard.shared.state.server = "cats.example"
    page = _page(wizard, "security")
    page.open_button.click()
    assert made.opened == ["https://cats.example/settings/otp_authentication"]


def test_link_check_failure_reason_is_shown(make_wizard: Factory, aloop: LoopRunner) -> None:
    wizard, _ = make_wizard()
    page = _page(wizard, "links")
    assert isinstance(page, LinksPage)
    page.profile_edit.setText("https://cats.example/@me")
    assert 'rel="me"' in page.snippet.toPlainText()
    page.url_edit.setText("http://my-site.example/")
    page.check_button.click()
    aloop.until(lambda: "https" in page.result.text())
    assert "only verifies https://" in page.result.text()


@pytest.mark.integration
def test_hashtag_follow_from_a_pack(make_wizard: Factory, aloop: LoopRunner, mock: MockServer,
                                    ctx: AppContext) -> None:
    wizard, _ = make_wizard()
    _signed_in(wizard, ctx, aloop, mock)
    page = _page(wizard, "follow")
    assert isinstance(page, FollowPage)
    page.pack.setCurrentIndex(page.pack.findData("Python"))
    aloop.until(lambda: page.tag_button("python") is not None)
    button = page.tag_button("python")
    assert button is not None and button.text() == "Follow"
    button.click()
    aloop.until(lambda: "python" in [t.lower() for t in wizard.shared.state.followed_tags])
    assert button.text() == "Unfollow"
    api = wizard.shared.api()
    assert api is not None
    followed = aloop.run(api.followed_tags())
    assert "python" in [t.name.lower() for t in followed.items]
    button.click()
    aloop.until(lambda: not wizard.shared.state.followed_tags)


def test_hashtag_usage_says_person_and_post_for_one(make_wizard: Factory) -> None:
    wizard, _ = make_wizard()
    page = _page(wizard, "follow")
    assert isinstance(page, FollowPage)
    page._add_tag_row(TagSuggestion("cats", uses_7d=1, accounts_7d=1))
    page._add_tag_row(TagSuggestion("python", uses_7d=1234, accounts_7d=1))
    page._add_tag_row(TagSuggestion("rust", uses_7d=0, accounts_7d=2))
    page._add_tag_row(TagSuggestion("quiet"))
    rows = {page.tags.topLevelItem(i).text(0): page.tags.topLevelItem(i).text(1)
            for i in range(page.tags.topLevelItemCount())}
    assert rows == {"#cats": "1 person, 1 post this week",
                    "#python": "1 person, 1,234 posts this week",
                    "#rust": "2 people, 0 posts this week",
                    "#quiet": "no posts this week"}


def test_hashtag_usage_in_german(restore_english: None) -> None:
    i18n.install("de")
    assert usage(TagSuggestion("cats", uses_7d=1, accounts_7d=1)) == \
        "1 Person, 1 Beitrag diese Woche"
    assert usage(TagSuggestion("cats", uses_7d=3, accounts_7d=2)) == \
        "2 Personen, 3 Beiträge diese Woche"


def _found(handle: str) -> Resolution:
    candidate = Candidate(handle, "bio", "someone", 0.9, "in the bio")
    return Resolution(candidate, "found", handle, 0.9, "found")


@pytest.mark.parametrize(("handles", "expected"), [
    (["jane@mastodon.social"], "1 candidate, 1 confirmed."),
    (["jane@mastodon.social", "joe@mastodon.social"], "2 candidates, 2 confirmed."),
])
def test_contacts_count_is_singular_for_one(make_wizard: Factory, aloop: LoopRunner,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            handles: list[str], expected: str) -> None:
    wizard, _ = make_wizard()
    page = _page(wizard, "contacts")
    assert isinstance(page, ContactsPage)

    async def resolve(candidates: list[Candidate]) -> list[Resolution]:
        return [_found(c.handle) for c in candidates]

    monkeypatch.setattr(page, "_resolve", resolve)
    page.paste.setPlainText("\n".join(handles))
    page.find_button.click()
    aloop.until(lambda: page.table.rowCount() == len(handles) and not page.busy())
    assert page.status.text() == expected
    target = tmp_path / "following_accounts.csv"
    page.save_csv(str(target))
    assert page.status.text().startswith(
        f"Saved {len(handles)} {'account' if len(handles) == 1 else 'accounts'} to ")


@pytest.mark.integration
def test_contacts_from_pasted_text(make_wizard: Factory, aloop: LoopRunner, mock: MockServer,
                                   ctx: AppContext) -> None:
    wizard, _ = make_wizard()
    _signed_in(wizard, ctx, aloop, mock)
    page = _page(wizard, "contacts")
    assert isinstance(page, ContactsPage)
    page.paste.setPlainText("Jane Doe — find me at jane@mastodon.social\nnothing here")
    page.find_button.click()
    aloop.until(lambda: page.table.rowCount() == 1)
    assert page.table.item(0, 1).text() == "jane@mastodon.social"
    assert page.table.item(0, 2).text().endswith("%")
    assert page.table.item(0, 3).text()
    assert page.status.text().startswith("1 candidate, ")


@pytest.mark.integration
def test_contacts_leave_out_your_own_address(make_wizard: Factory, aloop: LoopRunner,
                                             mock: MockServer, ctx: AppContext) -> None:
    wizard, _ = make_wizard()
    handle = _signed_in(wizard, ctx, aloop, mock)
    page = _page(wizard, "contacts")
    assert isinstance(page, ContactsPage)
    bob = f"bob@{handle.rsplit('@', 1)[1]}"
    page.paste.setPlainText(f"Moved! I am now @{handle}\nMy friend @{bob}")
    page.find_button.click()
    aloop.until(lambda: page.table.rowCount() == 2 and not page.busy())
    rows = {page.table.item(r, 1).text(): r for r in range(2)}
    me, friend = rows[handle], rows[bob]
    assert page.table.item(me, 0).checkState() == Qt.CheckState.Unchecked
    assert page.table.item(me, 3).text().endswith("this is the account you are signed in with")
    assert page.table.item(friend, 0).checkState() == Qt.CheckState.Checked
    assert [r.handle for r in page.selected()] == [bob]
    assert page.status.text() == "2 candidates, 1 confirmed."


@pytest.mark.integration
def test_finish_produces_the_expected_columns(make_wizard: Factory, aloop: LoopRunner,
                                              mock: MockServer, ctx: AppContext) -> None:
    wizard, made = make_wizard()
    handle = _signed_in(wizard, ctx, aloop, mock)
    wizard.shared.state.followed_tags = ["cats", "Python"]
    page = _page(wizard, "finish")
    assert isinstance(page, FinishPage)
    aloop.until(lambda: not page.busy())
    assert wizard.next_button.text() == "Finish"
    wizard.next_button.click()
    (columns,) = made.finished
    assert [c.kind for c in columns] == [ColumnKind.HOME, ColumnKind.NOTIFICATIONS,
                                         ColumnKind.HASHTAG, ColumnKind.HASHTAG,
                                         ColumnKind.LOCAL]
    assert [c.tags for c in columns if c.kind == ColumnKind.HASHTAG] == [("cats",),
                                                                         ("Python",)]
    assert all(c.account == handle for c in columns)


@pytest.mark.integration
def test_unticked_columns_are_left_out(make_wizard: Factory, aloop: LoopRunner,
                                       mock: MockServer, ctx: AppContext) -> None:
    wizard, made = make_wizard()
    _signed_in(wizard, ctx, aloop, mock)
    page = _page(wizard, "finish")
    aloop.until(lambda: not page.busy())
    page.columns.item(page.columns.count() - 1).setCheckState(Qt.CheckState.Unchecked)
    wizard.finish()
    assert ColumnKind.LOCAL not in [c.kind for c in made.finished[0]]


def test_leave_and_resume(make_wizard: Factory, aloop: LoopRunner) -> None:
    wizard, _ = make_wizard()
    server = wizard.current_page
    assert isinstance(server, ServerPage)
    server.search.setText("cats")
    server.address.setText("cats.example")
    server.check_address()
    links = _page(wizard, "links")
    links.url_edit.setText("https://my-site.example/")
    links.url_edit.textEdited.emit("https://my-site.example/")
    contacts = _page(wizard, "contacts")
    contacts.paste.setPlainText("jane@mastodon.social")
    wizard.close()

    again, _ = make_wizard()
    assert again.current_page.key == "contacts"
    assert again.page("contacts").paste.toPlainText() == "jane@mastodon.social"
    assert again.page("links").url_edit.text() == "https://my-site.example/"
    assert again.page("server").search.text() == "cats"
    assert again.page("server").address.text() == "cats.example"
    assert again.shared.state.server == "cats.example"


def test_every_step_can_be_skipped(make_wizard: Factory) -> None:
    wizard, _ = make_wizard()
    keys = []
    while wizard.skip_button.isVisible():
        keys.append(wizard.current_page.key)
        wizard.skip_button.click()
    assert keys == ["server", "account", "security", "links", "follow", "contacts"]
    assert wizard.current_page.key == "finish"
    assert all(p.intro for p in wizard.pages)
