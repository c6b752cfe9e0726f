"""``fedidesk`` command line: headless subcommands on the core, or the GUI when none is given.

Exit codes: 0 success, 1 failure (one line on stderr, the error's ``user_message``; also,
silently, when the reader of standard output went away, as in ``| head -1``), 2 usage
error, 130 interrupted. Qt is imported only when the GUI starts.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
import threading
import webbrowser
from collections.abc import Awaitable, Callable
from typing import Any

from fedidesk import __version__
from fedidesk.cli import contacts as contacts_cli
from fedidesk.cli import migrate as migrate_cli
from fedidesk.cli import migrate_import as migrate_import_cli
from fedidesk.cli import onboarding, wizardcmds
from fedidesk.core import i18n
from fedidesk.core.accounts import AccountEntry
from fedidesk.core.auth.login import browser_login, token_login
from fedidesk.core.context import AppContext
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.paths import resolve_paths
from fedidesk.core.secrets import KeyringUnavailable
from fedidesk.core.settings import Settings

Command = Callable[[argparse.Namespace, AppContext], Awaitable[int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fedidesk", description=_("A desktop Mastodon client. Without a command, the "
                                         "window opens."))
    parser.add_argument("--version", action="version", version=f"fedidesk {__version__}")
    parser.add_argument("--profile-dir", metavar="DIR",
                        help=_("keep settings, cache and logs in DIR (also FEDIDESK_HOME)"))
    parser.add_argument("--sandbox", action="store_true",
                        help=_("open the window against a local practice server"))
    parser.add_argument("--session-only", action="store_true",
                        help=_("keep sign-ins in memory only (when there is no system keyring)"))
    # Used by the README screenshot script and the smoke test: save the window, then quit.
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    parser.add_argument("--screenshot-delay", type=float, default=3.0, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    login = sub.add_parser("login", help=_("sign in to a server in your browser"))
    login.add_argument("server", metavar="SERVER", help=_("e.g. mastodon.social"))
    login.add_argument("--no-browser", action="store_true",
                       help=_("print the sign-in address instead of opening a browser"))
    login.add_argument("--token-stdin", action="store_true",
                       help=_("read an existing access token from standard input"))

    accounts = sub.add_parser("accounts", help=_("list signed-in accounts"))
    accounts.add_argument("--json", action="store_true", help=_("machine-readable output"))

    logout = sub.add_parser("logout", help=_("sign out and revoke the token"))
    logout.add_argument("account", metavar="ACCOUNT", help=_("user@server"))

    default = sub.add_parser("default", help=_("choose the default account"))
    default.add_argument("account", metavar="ACCOUNT", help=_("user@server"))

    info = sub.add_parser("server-info", help=_("show what a server offers"))
    info.add_argument("server", metavar="SERVER")
    info.add_argument("--json", action="store_true", help=_("machine-readable output"))
    onboarding.add_parsers(sub)  # servers, links (cli/onboarding.py)
    wizardcmds.add_parsers(sub)  # totp check, hashtags suggest (cli/wizardcmds.py)
    contacts_cli.add_parser(sub)  # contacts scan (cli/contacts.py)
    migrate_cli.add_parser(sub)  # migrate export (cli/migrate.py)
    migrate_import_cli.add_parsers(sub)  # migrate import/status/verify
    return parser


def run(argv: list[str]) -> int:
    """Parse ``argv`` and run; returns the exit code."""
    _install_language(_profile_dir_from(argv))  # before the parser: its help texts translate
    parser = build_parser()
    # Links handed over by the desktop (``fedidesk %U``): open them in the window.
    # Only when no subcommand is given: ``login https://…`` keeps its server argument.
    commands = _subcommands(parser)
    urls = [] if any(a in commands for a in argv) else [
        a for a in argv if "://" in a and not a.startswith("-")]
    argv = [a for a in argv if a not in urls]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    args.open_urls = urls
    if args.command is None:
        from fedidesk.ui.app import run_gui  # lazy: headless machines have no Qt display

        return run_gui(args)
    if args.command in onboarding.COMMANDS:  # servers, server-info, links
        return _guard(lambda: asyncio.run(onboarding.COMMANDS[args.command](args)))
    if args.command == "contacts":  # cli/contacts.py
        return _guard(lambda: contacts_cli.run(args))
    if args.command == "migrate" and args.migrate_command in migrate_import_cli.COMMANDS:
        return _guard(lambda: migrate_import_cli.run(args))
    if args.command == "migrate":  # cli/migrate.py
        return _guard(lambda: migrate_cli.run(args))
    if args.command == "totp":  # keeps nothing: needs no profile and no keyring
        return _guard(lambda: asyncio.run(wizardcmds.totp_command(args, None)))
    return _guard(lambda: asyncio.run(_with_context(args, COMMANDS[args.command])))


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:  # argparse has no public way to list subcommands
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _profile_dir_from(argv: list[str]) -> str | None:
    """``--profile-dir DIR`` / ``--profile-dir=DIR`` from ``argv``, before argparse runs."""
    found: str | None = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--profile-dir" and index + 1 < len(argv):
            found = argv[index + 1]
        elif arg.startswith("--profile-dir="):
            found = arg.split("=", 1)[1]
    return found


def _install_language(profile_dir: str | None) -> None:
    """Pick the interface language: the profile's setting, else the system's."""
    choice = None
    try:
        settings = Settings(resolve_paths(profile_dir).settings_file)
        choice = settings.get("general.language")
    except (OSError, ValueError):
        choice = None
    i18n.install(choice)


def _guard(body: Callable[[], int]) -> int:
    try:
        code = body()
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except BrokenPipeError:  # e.g. ``fedidesk servers | head -1``: the reader has gone
        _discard_stdout()
        return 1
    except KeyringUnavailable as exc:
        _fail(_("No working system keyring was found ({reason}), so fedidesk will not "
                "store sign-ins. Run with --session-only to keep them in memory for this "
                "run.").format(reason=exc.reason))
    except FedideskError as exc:
        _fail(exc.user_message)
    except KeyboardInterrupt:
        _fail(_("Interrupted."))
        return 130
    return 1


def _discard_stdout() -> None:
    """Point stdout at the null device so the flush at exit cannot fail again.

    The recipe of the Python documentation's note on SIGPIPE (``signal`` module).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # stdout is not a real file
        pass


def _fail(message: str) -> None:
    print(f"fedidesk: {' '.join(message.split())}", file=sys.stderr)


async def _with_context(args: argparse.Namespace, command: Command) -> int:
    ctx = AppContext.create(args.profile_dir, allow_session_only=args.session_only)
    try:
        return await command(args, ctx)
    finally:
        await ctx.aclose()


# -- subcommands ------------------------------------------------------------------------------


def open_browser(url: str) -> object:
    """Open ``url`` in the user's browser (tests replace this)."""
    if not webbrowser.open(url):
        print(_("Open this address in your browser to sign in:\n{url}").format(url=url),
              file=sys.stderr)
    return None


def print_url(url: str) -> object:
    print(_("Open this address in a browser to sign in:\n{url}").format(url=url),
          file=sys.stderr)
    return None


def _stdin_prompt() -> Callable[[], Awaitable[str]] | None:
    """A code prompt on a terminal; read in a daemon thread so it never blocks exit."""
    if not sys.stdin.isatty():
        return None

    async def prompt() -> str:
        loop = asyncio.get_running_loop()
        result: asyncio.Future[str] = loop.create_future()

        def deliver(line: str) -> None:
            if not result.done():
                result.set_result(line)

        def read() -> None:
            loop.call_soon_threadsafe(deliver, sys.stdin.readline())

        print(_("…or paste the code (or the address the browser ended on) here:"),
              file=sys.stderr)
        threading.Thread(target=read, daemon=True, name="fedidesk-code-prompt").start()
        return await result

    return prompt


async def _login(args: argparse.Namespace, ctx: AppContext) -> int:
    if not ctx.secrets.persistent:
        _fail(_("Session-only mode: this sign-in is forgotten when the command ends."))
    if args.token_stdin:
        token = sys.stdin.readline()
        entry = await token_login(args.server, token, accounts=ctx.accounts)
    else:
        entry = await browser_login(
            args.server, open_browser=print_url if args.no_browser else open_browser,
            secrets=ctx.secrets, accounts=ctx.accounts, prompt_code=_stdin_prompt(),
            confirm_host=_confirm_host)
    print(_("Signed in as {handle}.").format(handle=entry.handle))
    return 0


async def _confirm_host(host: str) -> bool:
    if not sys.stdin.isatty():
        return False
    print(_("Signing in continues on another site: {host}. Continue? [y/N] ").format(host=host),
          end="", file=sys.stderr, flush=True)
    answer = await asyncio.to_thread(sys.stdin.readline)
    return answer.strip().lower() in ("y", "yes")


async def _accounts(args: argparse.Namespace, ctx: AppContext) -> int:
    default = ctx.settings.default_account
    entries = ctx.accounts.list()
    if args.json:
        print(json.dumps([_account_json(e, e.handle == default) for e in entries], indent=2))
        return 0
    if not entries:
        print(_("No accounts are signed in. Use: fedidesk login SERVER"))
    for entry in entries:
        marks = (" " + _("(default)") if entry.handle == default else "") + (
            " " + _("(needs sign-in)") if entry.needs_sign_in else "")
        name = f"  {entry.display_name}" if entry.display_name else ""
        print(f"{entry.handle}{marks}{name}")
    return 0


def _account_json(entry: AccountEntry, is_default: bool) -> dict[str, Any]:
    return {**entry.to_json(), "default": is_default}


async def _logout(args: argparse.Namespace, ctx: AppContext) -> int:
    result = await ctx.accounts.logout(args.account)
    if result.revoked:
        print(_("Signed out of {handle}.").format(handle=result.handle))
        return 0
    print(_("Signed out of {handle} on this computer.").format(handle=result.handle))
    _fail(_("The server did not confirm the sign-out: {problem} You can remove "
            "fedidesk under Settings → Account → Authorized apps on the server's "
            "website.").format(problem=result.problem))
    return 1


async def _default(args: argparse.Namespace, ctx: AppContext) -> int:
    entry = ctx.accounts.set_default(args.account)
    print(_("{handle} is now the default account.").format(handle=entry.handle))
    return 0


COMMANDS: dict[str, Command] = {
    "login": _login,
    "accounts": _accounts,
    "logout": _logout,
    "default": _default,
    **wizardcmds.COMMANDS,
}
