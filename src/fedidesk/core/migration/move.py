"""The guided account move (``mastodon.md`` §7.3) as a small state machine for GUI and CLI.

Aliases and the move itself exist only on the servers' websites, so fedidesk *guides*
(opens the right page, says what to type and what it means) and *checks from outside*:

1. ``create_alias``: open ``{new}/settings/aliases`` and enter the old handle there;
2. ``check_alias``: the new actor's ``alsoKnownAs`` lists the old actor's URI (``actor``);
3. ``start_move``: open ``{old}/settings/migration``, after the plain-words warning; the
   follower counts from before the move are recorded here;
4. ``confirm_moved``: the old account's REST ``moved`` points at the new account;
5. ``followers_arriving``: the new account's ``followers_count`` grows from the recorded one.

Mode ``copy_only`` skips every move step (the old account stays, nothing moves: only the
export/import copies data); mode ``old_gone`` has one step, ``check_files``, which checks the
files downloaded earlier for ``migrate import``. Every step returns a ``StepResult``.
Progress (handles, steps done, counts, actor URIs: nothing secret) lives in the ``kv`` table,
namespace ``migration_move``, so a new ``MoveAssistant`` continues where the last one was.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.entities import Account
from fedidesk.core.errors import FedideskError, InvalidAddressError
from fedidesk.core.http import make_client
from fedidesk.core.i18n import N_, Nn_, _
from fedidesk.core.lazytext import Text
from fedidesk.core.migration.actor import Actor, find_actor
from fedidesk.core.migration.reasons import CATEGORY_LABELS
from fedidesk.core.migration.source import read_source
from fedidesk.core.storage import Database

MOVE, COPY_ONLY, OLD_GONE = "move", "copy_only", "old_gone"
MODES = (MOVE, COPY_ONLY, OLD_GONE)
CREATE_ALIAS, CHECK_ALIAS, START_MOVE = "create_alias", "check_alias", "start_move"
CONFIRM_MOVED, FOLLOWERS_ARRIVING = "confirm_moved", "followers_arriving"
CHECK_FILES = "check_files"
STEPS: dict[str, tuple[str, ...]] = {
    MOVE: (CREATE_ALIAS, CHECK_ALIAS, START_MOVE, CONFIRM_MOVED, FOLLOWERS_ARRIVING),
    COPY_ONLY: (),
    OLD_GONE: (CHECK_FILES,),
}
NAMESPACE = "migration_move"
MOVE_WARNING = N_(
    "Moving cannot be undone. After the move your old account can no longer post, and you "
    "cannot move it again for 30 days. Your posts do not move: they stay on the old server. "
    "Your followers do move: their servers re-follow the new account by themselves. Your own "
    "follows, lists, mutes, blocks and bookmarks do not move; copy them with the export and "
    "import first.")


@dataclass(frozen=True)
class StepResult:
    """What one step found: ``ok``, a precise ``text``, what to do next (and a page).

    ``text`` stays untranslated (``Text``) because it is saved with the move's progress and
    shown again later, in whatever language is in use then; ``message`` is it worded now.
    """

    ok: bool
    text: Text
    next_action: str
    url: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.text.render()

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "message": self.message, "next_action": self.next_action,
                "url": self.url, "details": self.details}


def saved_message(saved: dict[str, Any]) -> str:
    """The message of a result kept in ``MoveState.results``, in the language in use now.

    Results saved before messages were kept untranslated hold only the worded ``message``.
    """
    text = Text.from_json(saved.get("text"))
    return text.render() if text is not None else str(saved.get("message", ""))


@dataclass
class MoveState:
    """The persisted progress of one old → new move (no secrets)."""

    old: str
    new: str
    mode: str = MOVE
    done: list[str] = field(default_factory=list)
    followers_before: int | None = None
    old_followers_before: int | None = None
    old_actor: str = ""
    new_actor: str = ""
    export_dir: str = ""
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.old.lower()}>{self.new.lower()}"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MoveState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        state = cls(**known)
        if state.mode not in MODES:
            state.mode = MOVE
        return state


class MoveStore:
    """``MoveState`` rows in the ``kv`` table."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock: Clock = clock or SystemClock()

    def load(self, old: str, new: str) -> MoveState | None:
        key = MoveState(old, new).key
        rows = self.db.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?",
                               (NAMESPACE, key))
        if not rows:
            return None
        try:
            data = json.loads(rows[0][0])
            return MoveState.from_json(data) if isinstance(data, dict) else None
        except (ValueError, TypeError):
            return None

    def save(self, state: MoveState) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)",
            (NAMESPACE, state.key, json.dumps(asdict(state)), self.clock.time()))

    def clear(self, old: str, new: str) -> None:
        self.db.execute("DELETE FROM kv WHERE namespace = ? AND key = ?",
                        (NAMESPACE, MoveState(old, new).key))


def split_handle(handle: str) -> tuple[str, str]:
    """``@user@domain`` → ``(user, domain)``; ``InvalidAddressError`` otherwise."""
    user, _sep, domain = handle.strip().lstrip("@").partition("@")
    if not user or not domain or "@" in domain or "/" in domain:
        raise InvalidAddressError(_("{handle} is not a full handle like user@example.social.")
                                  .format(handle=repr(handle)))
    return user, domain.lower()


@dataclass
class Endpoint:
    """One side of the move: its handle and the web address of its server (``api`` optional)."""

    handle: str
    base_url: str = ""
    api: MastodonApi | None = None

    def __post_init__(self) -> None:
        user, domain = split_handle(self.handle)
        self.handle = f"{user}@{domain}"
        if self.api is not None:
            self.base_url = self.api.base_url
        self.base_url = (self.base_url or f"https://{domain}").rstrip("/")

    @property
    def username(self) -> str:
        return split_handle(self.handle)[0]


def _same_account(account: Account, handle: str, local_domain: str, uris: set[str]) -> bool:
    full = account.acct if "@" in account.acct else f"{account.acct}@{local_domain}"
    if full.lower() == handle.lower():
        return True
    return bool({account.uri.rstrip("/"), account.url.rstrip("/")} & uris - {""})


class MoveAssistant:
    """The move state machine for ``old`` → ``new``; state is loaded from and saved to ``db``."""

    def __init__(self, db: Database, old: Endpoint, new: Endpoint, *, mode: str | None = None,
                 export_dir: str | Path | None = None, client: httpx.AsyncClient | None = None,
                 clock: Clock | None = None) -> None:
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
        self.old, self.new = old, new
        self.clock: Clock = clock or SystemClock()
        self.store = MoveStore(db, self.clock)
        self.state = self.store.load(old.handle, new.handle) or MoveState(old.handle, new.handle)
        if mode is not None:
            self.state.mode = mode
        if export_dir is not None:
            self.state.export_dir = str(export_dir)
        self._owns_client = client is None
        self.client = client or make_client()
        self._apis: dict[str, MastodonApi] = {}
        self.store.save(self.state)

    async def aclose(self) -> None:
        for api in self._apis.values():
            await api.aclose()
        if self._owns_client:
            await self.client.aclose()

    async def __aenter__(self) -> MoveAssistant:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- the machine ------------------------------------------------------------------

    @property
    def steps(self) -> tuple[str, ...]:
        return STEPS[self.state.mode]

    @property
    def current(self) -> str | None:
        """The first step not done yet, ``None`` when all are."""
        return next((s for s in self.steps if s not in self.state.done), None)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.state.mode = mode
        self.store.save(self.state)

    def reset(self) -> None:
        """Forget the progress of this move (the recorded counts too)."""
        self.store.clear(self.old.handle, self.new.handle)
        self.state = MoveState(self.old.handle, self.new.handle, self.state.mode)
        self.store.save(self.state)

    async def run(self, step: str | None = None) -> StepResult:
        """Run ``step`` (default: the current one), record its result and save the state."""
        step = step or self.current
        if step is None:
            return self._finished()
        if step not in (*STEPS[MOVE], CHECK_FILES):
            raise ValueError(f"unknown step {step!r}")
        handler: Callable[[], Awaitable[StepResult]] = getattr(self, step)
        try:
            result = await handler()
        except FedideskError as exc:
            result = StepResult(False, Text.verbatim(exc.user_message),
                                _("Check your connection and try this step again."))
        self._record(step, result)
        return result

    def _record(self, step: str, result: StepResult) -> None:
        self.state.results[step] = {"ok": result.ok, "message": result.message,
                                    "text": result.text.to_json(), "at": self.clock.time()}
        if result.ok and step not in self.state.done:
            self.state.done.append(step)
        self.store.save(self.state)

    def _finished(self) -> StepResult:
        if self.state.mode == COPY_ONLY:
            return StepResult(
                True, Text.of(N_("Copy only: {old} stays as it is. Nothing is moved and your "
                                 "followers stay with the old account."), old=self.old.handle),
                _("Export {old}, then import the folder into {new} "
                  "(fedidesk migrate export, then fedidesk migrate import).").format(
                    old=self.old.handle, new=self.new.handle))
        return StepResult(True, Text.of(N_("Every step of the move to {new} is done."),
                                        new=self.new.handle), "")

    # --- helpers ----------------------------------------------------------------------

    def _api(self, side: Endpoint) -> MastodonApi:
        if side.api is not None:
            return side.api
        if side.base_url not in self._apis:
            self._apis[side.base_url] = MastodonApi(side.base_url, None, client=self.client,
                                                    clock=self.clock)
        return self._apis[side.base_url]

    async def _lookup(self, side: Endpoint, via: Endpoint) -> Account:
        """``side``'s account as ``via``'s server sees it (a username on its own server)."""
        acct = side.username if via.base_url == side.base_url else side.handle
        return await self._api(via).lookup(acct)

    async def _actor(self, side: Endpoint) -> Actor:
        try:
            account: Account | None = await self._lookup(side, side)
        except FedideskError:
            account = None
        return await find_actor(self.client, side.base_url, side.handle, account)

    # --- steps ------------------------------------------------------------------------

    async def create_alias(self) -> StepResult:
        url = f"{self.new.base_url}/settings/aliases"
        return StepResult(
            True, Text.of(N_("Sign in to {new} in your browser. Under Account → Moving from "
                             "a different account → Create an account alias, enter your old "
                             "handle {old} and save. This only says both accounts are yours; "
                             "it changes nothing else and can be removed again."),
                          new=self.new.handle, old=self.old.handle),
            _("Open the page, add the alias, then let fedidesk check it."), url)

    async def check_alias(self) -> StepResult:
        old_actor = await self._actor(self.old)
        new_actor = await self._actor(self.new)
        self.state.old_actor, self.state.new_actor = old_actor.id, new_actor.id
        details = {"old_actor": old_actor.id, "new_actor": new_actor.id,
                   "also_known_as": list(new_actor.also_known_as)}
        if new_actor.knows_as(old_actor.id):
            return StepResult(
                True, Text.of(N_("The alias is in place: {new} lists {actor} as another "
                                 "name."), new=self.new.handle, actor=old_actor.id),
                _("Continue with the move on the old server."), details=details)
        # TRANSLATORS: fills {listed} in "No alias yet: … lists {listed} as other names".
        listed: str | Text = ", ".join(new_actor.also_known_as) or Text.of(N_("nothing"))
        return StepResult(
            False, Text.of(N_("No alias yet: {new} ({new_actor}) lists {listed} as other "
                              "names, not {old_actor}. Servers can take a few minutes to "
                              "publish a new alias."), new=self.new.handle,
                           new_actor=new_actor.id, listed=listed, old_actor=old_actor.id),
            _("Add {old} as an alias on the new account, wait a minute, then check "
              "again.").format(old=self.old.handle),
            f"{self.new.base_url}/settings/aliases", details)

    async def start_move(self) -> StepResult:
        url = f"{self.old.base_url}/settings/migration"
        if CHECK_ALIAS not in self.state.done:
            return StepResult(False, Text.of(N_("The alias has not been confirmed yet; the old "
                                                "server refuses the move until the new account "
                                                "lists the old one.")),
                              _("Run the alias check first."))
        if self.state.followers_before is None:
            new = await self._lookup(self.new, self.new)
            self.state.followers_before = new.followers_count
        if self.state.old_followers_before is None:
            try:
                old = await self._lookup(self.old, self.old)
                self.state.old_followers_before = old.followers_count
            except FedideskError:
                pass
        return StepResult(
            True, Text.of(N_("{warning} On the page, enter the new handle {new} and your "
                             "current password, then confirm."),
                          warning=Text.of(MOVE_WARNING), new=self.new.handle),
            _("Open the page on the old server and start the move, then let fedidesk confirm "
              "it."),
            url, {"followers_before": self.state.followers_before,
                  "old_followers_before": self.state.old_followers_before})

    async def confirm_moved(self) -> StepResult:
        account: Account | None = None
        problems: list[str] = []
        for via in (self.old, self.new):
            try:
                account = await self._lookup(self.old, via)
                break
            except FedideskError as exc:
                problems.append(f"{via.base_url}: {exc.user_message}")
        if account is None:
            return StepResult(False, Text.of(N_("Could not look up {old}: {problems}"),
                                             old=self.old.handle, problems="; ".join(problems)),
                _("Try again in a few minutes."))
        moved = account.moved
        if moved is None:
            return StepResult(
                False, Text.of(N_("{old} has not moved yet (its profile shows no new "
                                  "address)."), old=self.old.handle),
                _("Start the move on the old server; then check again in a few minutes."),
                f"{self.old.base_url}/settings/migration")
        uris = {u.rstrip("/") for u in (self.state.new_actor,) if u}
        target = moved.acct or moved.url
        if _same_account(moved, self.new.handle, split_handle(via.handle)[1], uris):
            return StepResult(True, Text.of(N_("{old} now points to {new}."),
                                            old=self.old.handle, new=self.new.handle),
                _("Followers are now being moved; fedidesk can watch them arrive."),
                              details={"moved_to": target})
        return StepResult(False, Text.of(N_("{old} has moved, but to {target}, not to {new}."),
                                         old=self.old.handle, target=target,
                                         new=self.new.handle),
            _("Check the handle you entered; a new move is possible only after the 30-day "
              "cooldown."),
                          details={"moved_to": target})

    async def followers_arriving(self) -> StepResult:
        new = await self._lookup(self.new, self.new)
        now, before = new.followers_count, self.state.followers_before
        expected = self.state.old_followers_before
        details: dict[str, Any] = {"followers_now": now, "followers_before": before,
                                   "expected": expected}
        if before is None:
            return StepResult(False, Text.counted(Nn_(
                "{new} has {n} follower; no count from "
                "before the move was recorded, so arrivals cannot be told apart.",
                "{new} has {n} followers; no count from "
                "before the move was recorded, so arrivals cannot be told apart."),
                now, new=self.new.handle, n=now),
                _("Compare with the old account's follower count by hand."),
                              details=details)
        gained = now - before
        details.update(gained=gained, complete=expected is not None and gained >= expected)
        if gained <= 0:
            return StepResult(False, Text.of(N_("No followers have arrived yet ({now} now, "
                                                "{before} before the move)."),
                                             now=now, before=before),
                              _("Check again later: each follower's server "
                                "moves them on its own, within minutes to hours."),
                              details=details)
        if details["complete"]:
            if expected is not None:
                # TRANSLATORS: {gained} followers arrived, at least the {expected} the old
                # account had, so this is all of them.
                forms = Nn_("The expected follower has arrived at {new}: {gained} of "
                            "about {expected} ({now} now).",
                            "All {gained} of about {expected} followers have arrived at "
                            "{new} ({now} now).")
                return StepResult(True, Text.counted(forms, gained, gained=gained,
                                                     expected=expected, new=self.new.handle,
                                                     now=now), "", details=details)
            forms = Nn_("The {gained} follower has arrived at {new} ({now} now).",
                        "All {gained} followers have arrived at {new} ({now} now).")
            return StepResult(True, Text.counted(forms, gained, gained=gained,
                                                 new=self.new.handle, now=now),
                              "", details=details)
        if expected is not None:
            text = Text.counted(Nn_("{gained} of about {expected} followers has arrived so far "
                                    "({now} now, {before} before the move).",
                                    "{gained} of about {expected} followers have arrived so "
                                    "far ({now} now, {before} before the move)."),
                                gained, gained=gained, expected=expected, now=now,
                                before=before)
        else:
            text = Text.counted(Nn_("{gained} follower has arrived so far "
                                    "({now} now, {before} before the move).",
                                    "{gained} followers have arrived so far "
                                    "({now} now, {before} before the move)."),
                                gained, gained=gained, now=now, before=before)
        return StepResult(True, text,
                          _("More may follow; check again later."), details=details)

    async def check_files(self) -> StepResult:
        folder = self.state.export_dir
        if not folder:
            return StepResult(False, Text.of(N_("No folder with the files downloaded earlier was "
                                                "given.")),
                              _("Choose the folder with your export files (for example "
                                "following_accounts.csv, lists.csv, bookmarks.csv)."))
        source = read_source(folder)
        counts = {"follows": len(source.follows), "mutes": len(source.mutes),
                  "blocks": len(source.blocks), "domain_blocks": len(source.domain_blocks),
                  "lists": len(source.lists), "bookmarks": len(source.bookmarks),
                  "tags": len(source.tags), "filters": len(source.filters)}
        found = {k: v for k, v in counts.items() if v}
        details = {"counts": counts, "problems": source.problems[:20]}
        if not found:
            return StepResult(False, Text.of(N_("{folder} has no export files fedidesk can read "
                                                "(following_accounts.csv, muted_accounts.csv, "
                                                "blocked_accounts.csv, blocked_domains.csv, "
                                                "lists.csv, bookmarks.csv)."), folder=folder),
                              _("Choose the folder you downloaded from the old server."),
                              details=details)
        # TRANSLATORS: one kind of file content and how many, e.g. "Follows (12)".
        found_list = [Text.of(N_("{category} ({n})"), category=Text.of(CATEGORY_LABELS[k]), n=n)
                      for k, n in found.items()]
        return StepResult(True, Text.of(N_("The old server is gone, so nothing can be moved; "
                                           "the files you downloaded earlier hold {listed}. "
                                           "Followers cannot be brought over: let them know "
                                           "your new handle."), listed=found_list),
                          _("Import them: {command}").format(
                              command=f"fedidesk migrate import --account {self.new.handle} "
                                      f"--from {folder}"), details=details)

    # --- read-only checks ---------------------------------------------------------------

    async def status(self) -> dict[str, StepResult]:
        """Alias present? Moved? Followers arriving? (records the counts before a move)."""
        results = {CHECK_ALIAS: await self.run(CHECK_ALIAS),
                   CONFIRM_MOVED: await self.run(CONFIRM_MOVED)}
        if not results[CONFIRM_MOVED].ok and self.state.followers_before is None:
            try:
                self.state.followers_before = (
                    await self._lookup(self.new, self.new)).followers_count
                self.state.old_followers_before = (
                    await self._lookup(self.old, self.old)).followers_count
            except FedideskError:
                pass
            self.store.save(self.state)
        results[FOLLOWERS_ARRIVING] = await self.run(FOLLOWERS_ARRIVING)
        return results

    async def poll_followers(self, *, interval: float = 60.0, give_up_after: float = 3600.0,
                             on_result: Callable[[StepResult], None] | None = None
                             ) -> StepResult:
        """Check ``followers_arriving`` every ``interval`` s until all arrived or time is up."""
        deadline = self.clock.time() + give_up_after
        while True:
            result = await self.run(FOLLOWERS_ARRIVING)
            if on_result is not None:
                on_result(result)
            if result.details.get("complete") or self.clock.time() + interval > deadline:
                return result
            await self.clock.sleep(interval)
