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
from fedidesk.core.migration.move import Endpoint, MoveAssistant, StepResult

COMMANDS = ("move-status",)
LABELS = {"check_alias": "Alias", "confirm_moved": "Moved", "followers_arriving": "Followers"}


def add_parsers(actions: Any) -> None:
    """Add ``move-status`` to the ``migrate`` group's sub-commands."""
    status = actions.add_parser(
        "move-status", help="check an account move: alias, moved, followers arriving",
        description="Check from outside how far a move from OLD to NEW got. The alias and the "
        "move itself are made on the servers' websites (Settings → Account).")
    status.add_argument("--old", required=True, metavar="OLD", help="old handle, user@server")
    status.add_argument("--new", required=True, metavar="NEW", help="new handle, user@server")
    status.add_argument("--old-server", metavar="URL", help="old server's address if different")
    status.add_argument("--new-server", metavar="URL", help="new server's address if different")
    status.add_argument("--json", action="store_true", help="machine-readable output")


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
            mark = "ok" if result.ok else "no"
            print(f"{LABELS.get(step, step)}: {mark}. {result.message}")
            if not result.ok and result.next_action:
                print(f"  Next: {result.next_action}" + (f" ({result.url})" if result.url
                                                         else ""))
    return 0 if ok else 1


def _json(old: str, new: str, ok: bool, results: dict[str, StepResult]) -> dict[str, Any]:
    return {"old": old, "new": new, "ok": ok,
            "checks": {step: r.to_json() for step, r in results.items()}}
