"""The text output of ``fedidesk server-info``: translated labels, readable values.

``--json`` stays the machine output (``onboarding.server_info_command``); this is for people,
so it shows what helps choosing a server, in the order of the wizard's detail pane
(``ui/wizard/serverpage.py``), and one response time: the server's health check.
"""

from __future__ import annotations

import re

from fedidesk.core.i18n import _, ngettext
from fedidesk.core.server_details import ServerDetails

DESCRIPTION_LIMIT = 1500


def row(label: str, value: str) -> str:
    """``Label: value`` (translators may change the punctuation, e.g. French ``Label : value``)."""
    # TRANSLATORS: one line of `fedidesk server-info`; {label} is e.g. "Sign-ups".
    return _("{label}: {value}").format(label=label, value=value).rstrip()


def _sign_ups(details: ServerDetails) -> str:
    reg = details.info.registrations
    if not reg.enabled:
        policy = _("Closed: this server does not accept new accounts right now.")
    elif reg.approval_required:
        policy = _("Needs approval: a moderator reviews each sign-up.")
    else:
        policy = _("Open: you can sign up right away.")
    if reg.min_age:
        policy += " " + _("You must be at least {age}.").format(age=reg.min_age)
    return policy


def _indented(text: str) -> list[str]:
    return ["  " + " ".join(line.split()) for line in text.splitlines() if line.strip()]


def server_info_lines(details: ServerDetails) -> list[str]:
    """What ``server-info`` prints on standard output (warnings go to stderr separately)."""
    info = details.info
    title = info.title or info.domain
    lines = [title if title == info.domain else f"{title} ({info.domain})"]
    lines += _indented(info.description)
    software = " ".join(x for x in (info.software_name,
                                    info.software_version or info.version) if x)
    if software:
        lines.append(row(_("Software"), software))
    lines.append(row(_("Sign-ups"), _sign_ups(details)))
    if info.users_active_month is not None:
        users = info.users_active_month
        # TRANSLATORS: active users of a server; {n} is their number.
        lines.append(row(_("Active users"), ngettext("{n} this month", "{n} this month",
                                                     users).format(n=users)))
    if info.languages:
        lines.append(row(_("Languages"), ", ".join(info.languages)))
    chars = info.limits.max_characters
    # TRANSLATORS: the longest post a server accepts; {n} is a number of characters.
    lines.append(row(_("Posts"), ngettext("up to {n} character", "up to {n} characters",
                                          chars).format(n=chars)))
    lines.append(row(_("Moderation list"), details.domain_blocks.describe()))
    contact = ", ".join(x for x in (details.contact_email, details.contact_account) if x)
    if contact:
        lines.append(row(_("Contact"), contact))
    lines.append(row(_("Response time"),
                     # TRANSLATORS: how long the server took to answer, in milliseconds.
                     _("{n} ms").format(n=details.response_ms)
                     if details.response_ms is not None else _("no answer")))
    for label, url in ((_("About"), details.about_url), (_("Terms"), details.terms_url),
                       (_("Privacy"), details.privacy_url)):
        if url:
            lines.append(row(label, url))
    if details.rules:
        lines.append(row(_("Rules"), ""))
        lines += [f"  {number}. {' '.join(rule.text.split())}"
                  for number, rule in enumerate(details.rules, 1)]
    if details.extended_description:
        lines.append(row(_("About the server"), ""))
        lines += _indented(details.extended_description[:DESCRIPTION_LIMIT])
    return lines


def not_mastodon_warning() -> str:
    """The wizard's note that the server runs other software, as plain text."""
    return re.sub(r"<[^>]+>", "", _(
        "<b>This server does not run Mastodon.</b> It can still talk to Mastodon, but "
        "some features of fedidesk may not work there."))
