"""``fedidesk totp check`` and ``fedidesk hashtags suggest``: the wizard's core from a shell.

``cli/main.py`` calls ``add_parsers`` and dispatches ``COMMANDS`` (``(args, ctx) -> int``).
``totp check`` never prints the secret; it reports what was parsed and, with ``--code``,
whether the code matches (and whether this computer's clock is off).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from fedidesk.core import totp
from fedidesk.core.context import AppContext
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.suggestions import TRENDING, TagSuggestion, hashtag_suggestions, usage

Handler = Callable[[argparse.Namespace, AppContext], Awaitable[int]]


def add_parsers(sub: Any) -> None:
    """Register ``totp`` and ``hashtags`` on the main parser's subparsers."""
    t = sub.add_parser("totp", help=_("check a two-factor secret (kept nowhere)"))
    tsub = t.add_subparsers(dest="totp_command", metavar="ACTION", required=True)
    check = tsub.add_parser("check", help=_("parse a secret or otpauth:// URI, verify a code"))
    check.add_argument("secret", metavar="SECRET_OR_URI")
    check.add_argument("--code", help=_("a 6-digit code from your authenticator"))
    h = sub.add_parser("hashtags", help=_("hashtags to follow"))
    hsub = h.add_subparsers(dest="hashtags_command", metavar="ACTION", required=True)
    suggest = hsub.add_parser("suggest", help=_("trending tags and topic packs"))
    suggest.add_argument("--account", help=_("user@server (default: the default account)"))
    suggest.add_argument("--json", action="store_true", help=_("machine-readable output"))


async def totp_command(args: argparse.Namespace, ctx: AppContext | None) -> int:
    """Check a TOTP secret (and a code); nothing is stored, so ``ctx`` is not needed."""
    secret = totp.parse_secret(args.secret)
    label = " / ".join(x for x in (secret.issuer, secret.account_name) if x)
    if label:
        print(_("Valid TOTP secret (SHA1, 6 digits, 30 s) for {label}.").format(label=label))
    else:
        print(_("Valid TOTP secret (SHA1, 6 digits, 30 s)."))
    if args.code:
        result = totp.verify(secret, args.code)
        print(result.message)
        return 0 if result.ok else 1
    code, left = totp.current_code(secret)
    print(_("Current code: {code} (valid for {seconds} s)").format(code=code, seconds=left))
    print(_(totp.WEAKER_WARNING))
    return 0


async def hashtags_command(args: argparse.Namespace, ctx: AppContext) -> int:
    entry = ctx.accounts.get(args.account) if args.account else ctx.accounts.default
    if entry is None:
        raise FedideskError(_("No account is signed in. Run `fedidesk login SERVER` first."))
    found = await hashtag_suggestions(ctx.accounts.api(entry.handle))
    if args.json:
        print(json.dumps([asdict(s) for s in found], indent=2, ensure_ascii=False))
        return 0
    sources = [_source(s) for s in found]
    width = max((len(source) for source in sources), default=0)
    for s, source in zip(found, sources, strict=True):
        mark = "✓" if s.following else " "
        print(f"{mark} #{s.name:<28} {source:<{width}}  {usage(s)}")
    return 0


def _source(tag: TagSuggestion) -> str:
    """Why the tag is offered: trending, or the (translated) title of its topic pack."""
    return _("Trending") if tag.source == TRENDING else _(tag.source)


async def dispatch(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run ``totp …`` or ``hashtags …``."""
    if args.command == "totp":
        return await totp_command(args, ctx)
    return await hashtags_command(args, ctx)


COMMANDS: dict[str, Handler] = {"totp": dispatch, "hashtags": dispatch}
