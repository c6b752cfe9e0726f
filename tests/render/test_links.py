"""Link classification, spoof marking (after Tusky's LinkHelperTest) and safe activation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser
from pytestqt.qtbot import QtBot

from fedidesk.core.entities import Mention, Status, Tag
from fedidesk.core.html import LinkKind, classify_link, sanitize, spoof_warning
from fedidesk.ui import links
from fedidesk.ui.links import LinkRouter, configure_browser, open_external

STATUS = Status(
    id="1",
    mentions=(
        Mention(id="42", username="alice", acct="alice@social.example",
                url="https://social.example/@alice"),
    ),
    tags=(Tag(name="Fediverse", url="https://home.example/tags/fediverse"),),
)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    calls: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        calls.append(QUrl(url))
        return True

    monkeypatch.setattr(links.QDesktopServices, "openUrl", staticmethod(fake_open))
    return calls


# --- classification -----------------------------------------------------------------------


def test_mention_only_when_in_status_mentions() -> None:
    target = classify_link("https://social.example/@alice", "@alice", STATUS)
    assert target.kind is LinkKind.MENTION
    assert target.account is not None
    assert target.account.id == "42"
    # Pleroma links the actor id: same host, same user name.
    assert classify_link("https://social.example/users/alice", "@alice", STATUS).kind is (
        LinkKind.MENTION
    )
    bogus = classify_link("https://evil.example/@alice", "@alice", STATUS)
    assert bogus.kind is LinkKind.EXTERNAL
    assert bogus.warning == "evil.example"
    assert classify_link("https://social.example/@mallory", "@mallory", STATUS).kind is (
        LinkKind.EXTERNAL
    )


def test_hashtag_only_when_in_status_tags() -> None:
    target = classify_link("https://home.example/tags/fediverse", "#fediverse", STATUS)
    assert target.kind is LinkKind.HASHTAG
    assert target.tag == "Fediverse"
    assert classify_link("https://other.example/tag/Fediverse", "#Fediverse", STATUS).tag == (
        "Fediverse"
    )
    assert classify_link("https://home.example/tags/other", "#other", STATUS).kind is (
        LinkKind.EXTERNAL
    )


@pytest.mark.parametrize(
    "href",
    [
        "file:///bin/sh",
        "smb://x/y",
        "ms-settings:",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://x.example/",
        "mailto:a@b.example",
        "tokodon://oauth",
        "/relative",
        "//evil.example/x",
        "https://",
        "https://exa mple.com/",
        "",
    ],
)
def test_non_web_links_are_rejected(href: str) -> None:
    assert classify_link(href, "click", STATUS).kind is LinkKind.REJECTED


# --- spoof marking ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "text", "expected"),
    [
        # fraudulent domains: the text is a URL or domain naming another host
        ("https://evil.com/login", "https://good.com/login", "evil.com"),
        ("https://evil.com", "good.com", "evil.com"),
        ("http://evil.com/", "http://good.com", "evil.com"),
        ("https://good.com.evil.com/", "good.com", "good.com.evil.com"),
        ("https://good.com.evil.com/", "https://good.com", "good.com.evil.com"),
        ("https://evil.com", "www.good.com/path", "evil.com"),
        # userinfo trick: reads as good.com, goes to evil.com
        ("https://good.com@evil.com/", "https://good.com@evil.com/", "evil.com"),
        ("https://good.com@evil.com/", "good.com", "evil.com"),
        # IDN lookalike: Cyrillic "а" in paypal, shown in punycode
        ("https://p\u0430ypal.com/", "paypal.com", "xn--pypal-4ve.com"),
        ("https://xn--pypal-4ve.com/", "https://paypal.com/", "xn--pypal-4ve.com"),
        # a URL hidden inside longer text
        ("https://evil.com/", "see https://good.com/offer now", "evil.com"),
        # bogus mention
        ("https://evil.example/@alice", "@alice", "evil.example"),
        # not marked: same host in various spellings
        ("https://good.com/a/b?c=1", "https://good.com/a/b?c=1", None),
        ("https://good.com/", "good.com", None),
        ("https://www.good.com/", "good.com", None),
        ("https://GOOD.com/", "https://good.com/", None),
        ("https://xn--bcher-kva.de/", "bücher.de", None),
        ("https://example.com/long/path", "example.com/long…", None),
        # not marked: descriptive text, hashtags, valid mentions
        ("https://good.com/", "This is a good place to go", None),
        ("https://home.example/tags/fediverse", "#fediverse", None),
        ("https://social.example/@alice", "@alice", None),
    ],
)
def test_spoof_warning(href: str, text: str, expected: str | None) -> None:
    assert spoof_warning(href, text, STATUS) == expected


def test_spoof_warning_without_status_does_not_guess_mentions() -> None:
    assert spoof_warning("https://evil.example/@alice", "@alice") is None


# --- activation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href", ["file:///bin/sh", "smb://x/y", "ms-settings:", "javascript:alert(1)",
             "data:text/html,x", "/etc/passwd", "fedidesk-emoji:abc", "qrc:/x", "HTTPS:"],
)
def test_open_external_refuses_non_web(
    href: str, opened: list[QUrl], caplog: pytest.LogCaptureFixture
) -> None:
    assert open_external(href) is False
    assert open_external(QUrl(href)) is False
    assert opened == []
    assert "Refused" in caplog.text


def test_open_external_opens_https_once(opened: list[QUrl]) -> None:
    assert open_external("https://good.example/page?a=1") is True
    assert [u.toString() for u in opened] == ["https://good.example/page?a=1"]


def test_router_routes_in_app_and_refuses(qtbot: QtBot, opened: list[QUrl]) -> None:
    router = LinkRouter()
    with qtbot.waitSignal(router.openAccount) as account:
        router.activate("https://social.example/@alice", "@alice", STATUS)
    assert account.args == ["42"]
    with qtbot.waitSignal(router.openTag) as tag:
        router.activate(QUrl("https://home.example/tags/fediverse"), "#fediverse", STATUS)
    assert tag.args == ["Fediverse"]
    with qtbot.waitSignal(router.confirmExternal) as confirm:
        router.activate("https://evil.com/", "good.com", STATUS)
    assert confirm.args == ["https://evil.com/", "evil.com"]
    for href in ("file:///bin/sh", "smb://x/y", "ms-settings:", "javascript:alert(1)"):
        with qtbot.waitSignal(router.refused):
            assert router.activate(href, href, STATUS).kind is LinkKind.REJECTED
    assert opened == []
    router.activate("https://good.example/", "a good page", STATUS)
    assert len(opened) == 1


def test_text_browser_click_goes_through_router(qtbot: QtBot, opened: list[QUrl]) -> None:
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    configure_browser(browser)
    assert not browser.openLinks()
    assert not browser.openExternalLinks()
    safe = sanitize('<a href="https://evil.com/">good.com</a> <a href="https://ok.example/">ok</a>')
    router = LinkRouter()
    seen: list[tuple[str, str]] = []
    router.confirmExternal.connect(lambda url, host: seen.append((url, host)))
    browser.anchorClicked.connect(lambda url: router.activate_in(url, STATUS, safe.links))
    browser.anchorClicked.emit(QUrl("https://evil.com/"))
    browser.anchorClicked.emit(QUrl("file:///bin/sh"))
    assert seen == [("https://evil.com/", "evil.com")]
    assert opened == []
    browser.anchorClicked.emit(QUrl("https://ok.example/"))
    assert len(opened) == 1
    assert QDesktopServices is links.QDesktopServices
