"""``fedidesk migrate move-status --old OLD --new NEW [--json]``: how far an account move got.

Runs the outside checks of ``core.migration.move``: is the alias in place (the new actor's
``alsoKnownAs``), has the old account moved (REST ``moved``), are followers arriving (the new
account's follower count against the one recorded before the move). Needs no sign-in: all
of it is public. ``--old-server``/``--new-server`` give the web address when it is not
``https://<domain of the handle>``. Exit code 0 when all three checks pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from fedidesk.core.context import AppContext
from fedidesk.core.i18n import N_, _
from fedidesk.core.migration.move import Endpoint, MoveAssistant, StepResult

COMMANDS = ("move-status",)
LABELS = {"check_alias": N_("Alias"), "confirm_moved": N_("Moved"),
          "followers_arriving": N_("Followers")}


def add_parsers(actions: Any) -> None:
    """Add ``move-status`` to the ``migrate`` group's sub-commands."""
    status = actions.add_parser(
        "move-status", help=_("check an account move: alias, moved, followers arriving"),
        description=_("Check from outside how far a move from OLD to NEW got. The alias and "
                      "the move itself are made on the servers' websites (Settings → "
                      "Account)."))
    status.add_argument("--old", required=True, metavar="OLD", help=_("old handle, user@server"))
    status.add_argument("--new", required=True, metavar="NEW", help=_("new handle, user@server"))
    status.add_argument("--old-server", metavar="URL", help=_("old server's address if different"))
    status.add_argument("--new-server", metavar="URL", help=_("new server's address if different"))
    status.add_argument("--json", action="store_true", help=_("machine-readable output"))


def run(args: argparse.Namespace) -> int:
    """Run ``move-status`` (called inside the main CLI's error guard)."""
    return asyncio.run(_status(args))


async def _status(args: argparse.Namespace) -> int:
    ctx = AppContext.create(args.profile_dir, allow_session_only=True)
    try:
        old = Endpoint(args.old, args.old_server or "")
        new = Endpoint(args.new, args.new_server or "")
        async with MoveAssistant(ctx.db, old, new) as assistant:
            results = await assistant.status()
    finally:
        await ctx.aclose()
    ok = all(r.ok for r in results.values())
    if args.json:
        print(json.dumps(_json(old.handle, new.handle, ok, results), indent=2,
                         ensure_ascii=False))
    else:
        for step, result in results.items():
            mark = _("ok") if result.ok else _("no")
            label = _(LABELS[step]) if step in LABELS else step
            print(_("{label}: {mark}. {message}").format(label=label, mark=mark,
                                                          message=result.message))
            if not result.ok and result.next_action:
                if result.url:
                    print("  " + _("Next: {action} ({url})").format(
                        action=result.next_action, url=result.url))
                else:
                    print("  " + _("Next: {action}").format(action=result.next_action))
    return 0 if ok else 1


def _json(old: str, new: str, ok: bool, results: dict[str, StepResult]) -> dict[str, Any]:
    return {"old": old, "new": new, "ok": ok,
            "checks": {step: r.to_json() for step, r in results.items()}}
