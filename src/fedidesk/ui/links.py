"""Link activation for post views: route mentions and tags in-app, open only http(s) outside.

Views use ``setOpenLinks(False)`` and ``setOpenExternalLinks(False)`` and send every
``anchorClicked`` here (security.md item 12): a custom scheme handed to the desktop can run
programs (Mattermost CVE-2024-37182), and ``file:`` opens local files with their default app.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser

from fedidesk.core.entities import Status
from fedidesk.core.html import Link, LinkKind, LinkTarget, classify_link, is_web_url

log = logging.getLogger(__name__)


def open_external(url: QUrl | str) -> bool:
    """Open ``url`` in the system browser if it is http(s) with a host; refuse anything else."""
    text = url.toString(QUrl.ComponentFormattingOption.FullyEncoded) if isinstance(
        url, QUrl) else url
    qurl = QUrl(text, QUrl.ParsingMode.StrictMode)
    if not is_web_url(text) or not qurl.isValid() or qurl.scheme().lower() not in (
            "http", "https") or not qurl.host():
        # Only the scheme is logged: the rest of a URL can carry tokens or personal data.
        log.warning("Refused to open a link with scheme %r", qurl.scheme() or "?")
        return False
    return bool(QDesktopServices.openUrl(qurl))


def configure_browser(browser: QTextBrowser) -> None:
    """Stop ``browser`` from following or opening links by itself."""
    browser.setOpenLinks(False)
    browser.setOpenExternalLinks(False)


class LinkRouter(QObject):
    """Decides what a clicked link in a post does.

    ``openAccount`` carries the mention's account id, ``openTag`` the tag name;
    ``confirmExternal(url, real_host)`` asks the view to confirm a link whose text names a
    different host than it goes to (the view calls ``open_external`` if the user agrees).
    """

    openAccount = Signal(str)
    openTag = Signal(str)
    confirmExternal = Signal(str, str)
    refused = Signal(str)

    def activate(self, href: QUrl | str, visible_text: str, status: Status) -> LinkTarget:
        """Handle a click on ``href`` shown as ``visible_text`` inside ``status``."""
        text = href.toString(QUrl.ComponentFormattingOption.FullyEncoded) if isinstance(
            href, QUrl) else href
        target = classify_link(text, visible_text, status)
        if target.kind is LinkKind.MENTION and target.account is not None:
            self.openAccount.emit(target.account.id)
        elif target.kind is LinkKind.HASHTAG and target.tag is not None:
            self.openTag.emit(target.tag)
        elif target.kind is LinkKind.EXTERNAL and target.warning is not None:
            self.confirmExternal.emit(target.href, target.warning)
        elif target.kind is LinkKind.EXTERNAL:
            open_external(target.href)
        else:
            log.warning("Refused a link that is not http(s)")
            self.refused.emit(target.href)
        return target

    def activate_in(self, href: QUrl | str, status: Status, links: tuple[Link, ...]) -> LinkTarget:
        """Like ``activate``, looking up the visible text among ``SafeContent.links``."""
        text = href.toString(QUrl.ComponentFormattingOption.FullyEncoded) if isinstance(
            href, QUrl) else href
        wanted = QUrl(text)
        visible = next(
            (link.text for link in links if link.href == text or QUrl(link.href) == wanted), ""
        )
        return self.activate(text, visible, status)
