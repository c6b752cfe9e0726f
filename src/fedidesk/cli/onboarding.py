"""Onboarding subcommands: ``servers``, ``server-info`` (with details) and ``links``.

``cli/main.py`` calls ``add_parsers`` to register them and dispatches ``COMMANDS`` here;
everything else lives in the core (``directory``, ``server_details``, ``links``).

* ``fedidesk servers [--language L] [--category C] [--region R] [--ownership O]
  [--instant | --manual] [--search TEXT] [--offline] [--refresh] [--json]``: the
  joinmastodon.org directory (cache, then the built-in list when offline); which source
  was used goes to stderr (or the JSON ``source``).
* ``fedidesk server-info SERVER [--json]``: ``probe_server`` plus rules, description,
  moderation list, contact, policies and a response-time check (text: ``cli/serverinfo.py``).
* ``fedidesk links check URL --profile PROFILE_URL [--json]``: exit 0 when Mastodon would
  verify the link, 1 when not (the reason on stderr, or in the JSON on stdout).
* ``fedidesk links snippet --profile PROFILE_URL``: the HTML to paste, and GitHub advice.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from fedidesk.cli.serverinfo import not_mastodon_warning, server_info_lines
from fedidesk.core.directory import (
    CATEGORIES,
    DIRECTORY_URL,
    OWNERSHIPS,
    REGIONS,
    DirectoryClient,
    DirectoryFilters,
    DirectoryServer,
    search_servers,
)
from fedidesk.core.errors import InvalidAddressError
from fedidesk.core.html import is_web_url
from fedidesk.core.i18n import _
from fedidesk.core.links import check_link, guidance_for
from fedidesk.core.paths import resolve_paths
from fedidesk.core.server_details import fetch_server_details

Handler = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]

#: The directory the ``servers`` command asks (tests point it at a local fake).
DIRECTORY_BASE_URL = DIRECTORY_URL


def add_parsers(sub: Any) -> None:
    """Register ``servers`` and ``links`` on the main parser's subparsers."""
    servers = sub.add_parser("servers", help=_("find a server to join (joinmastodon.org)"))
    servers.add_argument("--language", default="", metavar="L", help=_("language code, e.g. en"))
    servers.add_argument("--category", default="", choices=("", *CATEGORIES), metavar="C",
                         help=_("one of: {choices}").format(choices=", ".join(CATEGORIES)))
    servers.add_argument("--region", default="", choices=("", *REGIONS), metavar="R",
                         help=_("one of: {choices}").format(choices=", ".join(REGIONS)))
    servers.add_argument("--ownership", default="", choices=("", *OWNERSHIPS),
                         help=argparse.SUPPRESS)
    signup = servers.add_mutually_exclusive_group()
    signup.add_argument("--instant", action="store_true",
                        help=_("only servers where you can sign up right away"))
    signup.add_argument("--manual", action="store_true",
                        help=_("only servers that review sign-ups"))
    servers.add_argument("--search", default="", metavar="TEXT",
                         help=_("match TEXT in the address, description or tags"))
    servers.add_argument("--offline", action="store_true",
                         help=_("do not ask joinmastodon.org; use the saved or built-in list"))
    servers.add_argument("--refresh", action="store_true", help=_("ignore the saved list"))
    servers.add_argument("--json", action="store_true", help=_("machine-readable output"))

    links = sub.add_parser("links", help=_("check profile links (rel=me verification)"))
    actions = links.add_subparsers(dest="links_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help=_("would Mastodon verify this link?"))
    check.add_argument("url", metavar="URL", help=_("the https:// page in your profile field"))
    check.add_argument("--profile", required=True, metavar="PROFILE_URL",
                       help=_("your profile address, e.g. https://mastodon.social/@you"))
    check.add_argument("--json", action="store_true", help=_("machine-readable output"))
    snippet = actions.add_parser("snippet", help=_("the HTML that makes a page link back"))
    snippet.add_argument("--profile", required=True, metavar="PROFILE_URL")


def _say(message: str) -> None:
    print(f"fedidesk: {' '.join(message.split())}", file=sys.stderr)


async def servers_command(args: argparse.Namespace) -> int:
    registrations = "instant" if args.instant else "manual" if args.manual else ""
    filters = DirectoryFilters(language=args.language, category=args.category,
                               region=args.region, ownership=args.ownership,
                               registrations=registrations)
    directory = DirectoryClient(base_url=DIRECTORY_BASE_URL,
                                cache_dir=resolve_paths(args.profile_dir).cache_dir)
    result = await directory.servers(filters, offline=args.offline, refresh=args.refresh)
    shown = search_servers(result.servers, args.search)
    if args.json:
        data = result.to_json()
        data["servers"] = [s.to_json() for s in shown]
        data["filters"] = {**filters.params(), "search": args.search}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    _say(result.describe())
    if not shown:
        _say(_("No servers match. Try fewer filters."))
    for server in shown:
        print(_server_line(server))
    return 0


def _server_line(server: DirectoryServer) -> str:
    signup = _("approval") if server.approval_required else _("open")
    tags = f"  [{', '.join(server.tags)}]" if server.tags else ""
    about = " ".join(server.description.split())
    about = about if len(about) <= 90 else about[:89] + "…"
    weekly = _("{count} weekly").format(count=f"{server.last_week_users:>8}")
    return (f"{server.domain:<24} {signup:<8} {weekly}  "
            f"{','.join(server.languages) or '-':<6} {server.category or '-'}{tags}\n"
            f"    {about}")


async def server_info_command(args: argparse.Namespace) -> int:
    details = await fetch_server_details(args.server)
    if args.json:
        data: dict[str, Any] = {**details.info.to_json(), "details": details.to_json()}
        print(json.dumps(data, indent=2, default=str, ensure_ascii=False))
        return 0
    for line in server_info_lines(details):
        print(line)
    if not details.is_mastodon:
        _say(not_mastodon_warning())
    for warning in details.warnings:
        _say(_("warning: {warning}").format(warning=warning))
    return 0


def require_profile_url(profile_url: str) -> str:
    """``--profile`` as ``links check`` accepts it (``check_link``), else the same error."""
    profile_url = profile_url.strip()
    if not is_web_url(profile_url):
        raise InvalidAddressError(_("The profile address must be a web address like "
                                    "https://mastodon.social/@you."))
    return profile_url


async def links_command(args: argparse.Namespace) -> int:
    if args.links_command == "snippet":
        print(guidance_for(require_profile_url(args.profile)))
        return 0
    result = await check_link(args.url, require_profile_url(args.profile))
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    elif result.ok:
        print(result.message)
    if not result.ok:
        if not args.json:
            _say(f"{result.message} [{result.reason_code}]")
        return 1
    return 0


COMMANDS: dict[str, Handler] = {
    "servers": servers_command,
    "server-info": server_info_command,
    "links": links_command,
}
