"""Client-side account export over REST (``mastodon.md`` §7.4), in Mastodon's own file formats.

``export_account(api, dest_dir)`` writes ``following_accounts.csv``, ``muted_accounts.csv``,
``blocked_accounts.csv``, ``blocked_domains.csv``, ``bookmarks.csv``, ``lists.csv`` (see
``formats``), ``extras.json`` and ``manifest.json`` (see ``bundle``).

* Lists are paged by the ``Link`` header with each endpoint's maximum page size; list
  members come in one request (``limit=0``); follow and mute options come from
  ``/api/v1/accounts/relationships``, ``RELATIONSHIP_BATCH`` ids a request (two pages of a
  real server, fewer for a server that refuses such a long address).
* Every request is ``Priority.BACKGROUND``: the governor keeps a reserve of the token's
  budget for the person using the app, and 429s wait for the reset (``core.http``).
* At most two requests are in flight: the next page (or list) is fetched while the current
  one's follow options are looked up and it is written to the journal. The journal write
  (with its fsync) runs in a worker thread so it does not hold up the event loop.
* Each fetched page goes to the journal (``journal``), in order, before it counts as done,
  so a cancelled, crashed or failed run continues where it stopped when run again; rows
  are deduplicated on assembly, so a re-fetched page never duplicates a row.
* Thousands of accounts are read straight from the JSON (id, address, ``moved``) instead
  of building full ``Account`` entities.
* The manifest compares what was exported with the account's own counters and explains
  differences (suspended, deleted or hidden accounts, cached counters, moved accounts).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from fedidesk.core.api import MastodonApi, Page
from fedidesk.core.entities import Account, from_dict
from fedidesk.core.errors import ApiError, FedideskError, NotFoundError, NotSupportedError
from fedidesk.core.i18n import N_, _, ngettext
from fedidesk.core.migration import formats as fmt
from fedidesk.core.migration.bundle import (
    MANIFEST_FILE,
    Extras,
    FilterData,
    FilterKeywordData,
    Manifest,
    ProfileData,
    ProfileField,
    write_extras,
    write_manifest,
)
from fedidesk.core.migration.journal import ExportJournal, Replay
from fedidesk.core.ratelimit import BACKGROUND

CSV_CATEGORIES = ("follows", "mutes", "blocks", "domain_blocks", "lists", "bookmarks")
EXTRA_CATEGORIES = ("followed_tags", "featured_tags", "filters", "endorsements", "profile")
CATEGORIES: tuple[str, ...] = CSV_CATEGORIES + EXTRA_CATEGORIES
ALL: frozenset[str] = frozenset(CATEGORIES)
#: The CSV file each category writes.
CATEGORY_FILES: dict[str, str] = {
    "follows": fmt.FILENAMES["following"], "mutes": fmt.FILENAMES["muting"],
    "blocks": fmt.FILENAMES["blocking"], "domain_blocks": fmt.FILENAMES["domain_blocking"],
    "lists": fmt.FILENAMES["lists"], "bookmarks": fmt.FILENAMES["bookmarks"],
}
#: Maximum page sizes (mastodon/documentation ``methods/*.md``).
PAGE_SIZES: dict[str, int] = {
    "follows": 80, "mutes": 80, "blocks": 80, "domain_blocks": 200, "lists": 80,
    "bookmarks": 40, "followed_tags": 200, "endorsements": 80,
}
#: Account ids per ``/api/v1/accounts/relationships`` request: two pages of follows or mutes,
#: so the lookups add half a request per page to the export (and to the 300-per-5-minutes
#: budget). Mastodon sets no cap, but the ids travel in the query string: ``id[]=…`` × 160 is
#: about 4.5 KB with 18-digit ids, inside the 8 KB request line of common proxies (nginx,
#: Cowboy) and Puma's 10 KB query string.
RELATIONSHIP_BATCH = 160
#: A server that refuses that long an address (``TOO_LONG``) is asked with half as many ids
#: at a time, down to this many, for the rest of the export.
MIN_RELATIONSHIP_BATCH = 20
#: Statuses of a refused long address: 414 URI Too Long, 431 header fields too large, and the
#: plain 400 some servers and proxies answer instead.
TOO_LONG = frozenset({400, 414, 431})


class ExportError(FedideskError):
    user_message = N_("The export could not be finished.")


class ExportCancelled(ExportError):
    """The export was cancelled; running it again continues where it stopped."""

    user_message = N_("Export cancelled. Run it again to continue where it stopped.")


class CancelFlag(Protocol):
    """Anything with ``is_set()``, e.g. ``asyncio.Event`` or ``threading.Event``."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class ExportProgress:
    """One progress report: items done in the current category, and an ETA where known."""

    category: str
    done: int
    total: int | None
    category_index: int
    category_count: int
    #: Seconds left in this category, when its size is known.
    eta_seconds: float | None = None
    #: Local epoch seconds until which a rate limit makes us wait, if so.
    waiting_until: float | None = None
    finished: bool = False


ProgressCallback = Callable[[ExportProgress], None]


@dataclass
class ExportResult:
    dest: Path
    manifest: Manifest
    resumed: bool = False

    @property
    def complete(self) -> bool:
        return self.manifest.complete


@dataclass
class _Run:
    api: MastodonApi
    journal: ExportJournal
    domain: str
    me: Account
    progress: ProgressCallback | None
    cancel: CancelFlag | None
    index: int = 0
    count: int = 0
    category: str = ""
    started: float = field(default_factory=time.monotonic)
    start_done: int = 0
    notes: list[str] = field(default_factory=list)
    #: Ids per relationships request once a server refused ``RELATIONSHIP_BATCH``.
    relationship_batch: int | None = None

    def acct(self, account: Account | Mapping[str, Any]) -> str:
        """``user@domain`` for local accounts too (Mastodon's ``local_username_and_domain``).

        Takes an ``Account`` or its raw JSON (the bulk categories skip building entities).
        """
        if isinstance(account, Account):
            acct = account.acct or account.username
        else:
            acct = _text(account.get("acct")) or _text(account.get("username"))
        if "@" not in acct:
            acct = f"{acct}@{self.domain}"
        return fmt.normalise_acct(acct) or acct

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ExportCancelled

    def begin(self, category: str, index: int) -> None:
        self.category, self.index = category, index
        self.started, self.start_done = self.api.clock.time(), 0

    def report(self, done: int, total: int | None, *, finished: bool = False,
               first: bool = False) -> None:
        if first:
            self.start_done = done
        if self.progress is None:
            return
        eta = None
        elapsed = self.api.clock.time() - self.started
        fetched = done - self.start_done
        if total is not None and fetched > 0 and elapsed > 0:
            eta = max(0.0, (total - done) * elapsed / fetched)
        self.progress(ExportProgress(self.category, done, total, self.index, self.count, eta,
                                     self.api.governor.waiting_until, finished))


async def export_account(
    api: MastodonApi, dest_dir: str | Path, *, progress: ProgressCallback | None = None,
    cancel: CancelFlag | None = None, categories: Collection[str] = ALL,
) -> ExportResult:
    """Export the account behind ``api`` into ``dest_dir``; resumes an unfinished export.

    Raises ``ExportCancelled`` when ``cancel`` is set (the journal keeps what was fetched),
    ``ValueError`` for an unknown category, API errors as ``FedideskError`` subclasses.
    """
    unknown = set(categories) - ALL
    if unknown:
        raise ValueError(f"unknown export categories: {', '.join(sorted(unknown))}")
    selected = [c for c in CATEGORIES if c in categories]
    dest = Path(dest_dir)  # created by ExportJournal.open
    me = from_dict(Account, await api.get_json("/api/v1/accounts/verify_credentials",
                                               priority=BACKGROUND))
    domain = await _local_domain(api)
    handle = f"{me.username}@{domain}"
    journal = ExportJournal.open(dest, handle, api.base_url)
    resumed = journal.resumed
    run = _Run(api, journal, domain, me, progress, cancel, count=len(selected))
    unsubscribe = api.governor.add_listener(
        lambda until: progress(ExportProgress(run.category, 0, None, run.index, run.count,
                                              None, until)) if progress else None)
    manifest = Manifest(handle, api.base_url, datetime.now(UTC).isoformat(timespec="seconds"),
                        categories=selected, account_counters=_counters(me))
    try:
        for index, category in enumerate(selected):
            if category in journal.finished:
                continue
            run.check_cancel()
            run.begin(category, index)
            count = await EXPORTERS[category](run)
            journal.finish(category, count)
            run.report(count, count, finished=True)
        manifest.complete = True
    except ExportCancelled:
        _finish_manifest(run, manifest, selected, dest)
        raise
    finally:
        unsubscribe()
    _finish_manifest(run, manifest, selected, dest)
    journal.clear()
    return ExportResult(dest, manifest, resumed)


def _finish_manifest(run: _Run, manifest: Manifest, selected: list[str], dest: Path) -> None:
    """Write ``extras.json`` (finished extras) and ``manifest.json`` with counts and notes."""
    finished = run.journal.finished
    extras_done = [c for c in selected if c in EXTRA_CATEGORIES and c in finished]
    if extras_done:
        write_extras(dest, _extras(run, extras_done))
        manifest.counts["extras.json"] = sum(finished[c] for c in extras_done)
    for category in selected:
        if category in CATEGORY_FILES and category in finished:
            manifest.counts[CATEGORY_FILES[category]] = finished[category]
    manifest.notes = _notes(run, manifest, selected)
    write_manifest(dest, manifest)


# --- helpers ----------------------------------------------------------------------------------


async def _local_domain(api: MastodonApi) -> str:
    """The server's ``LOCAL_DOMAIN`` (may differ from the web host), for local accounts."""
    try:
        data = await api.get_json("/api/v2/instance", priority=BACKGROUND)
        domain = data.get("domain") if isinstance(data, dict) else None
    except (NotFoundError, NotSupportedError):
        data = await api.get_json("/api/v1/instance", priority=BACKGROUND)
        domain = data.get("uri") if isinstance(data, dict) else None
    text = str(domain or "").strip()
    host = urlsplit(text).hostname if "://" in text else text
    return (host or urlsplit(api.base_url).hostname or "").lower()


def _counters(me: Account) -> dict[str, int]:
    return {"following_count": me.following_count, "followers_count": me.followers_count,
            "statuses_count": me.statuses_count}


def _text(value: Any) -> str:
    """A JSON string field the way ``from_dict`` reads it: ``None`` → ``""``, else ``str``."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _accounts(page: Iterable[Any]) -> list[Mapping[str, Any]]:
    """The account objects of a page (anything else counts as an empty account)."""
    return [a if isinstance(a, dict) else {} for a in page]


def _unique(items: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for item in items:
        k = str(item.get(key, "")).casefold()
        if k and k not in seen:
            seen.add(k)
            out.append(item)
    return out


Convert = Callable[[_Run, list[dict[str, Any]]], Awaitable[list[dict[str, Any]]]]


async def _paged(run: _Run, category: str, path: str, convert: Convert,
                 total: int | None = None, *, batch: int = 1) -> list[dict[str, Any]]:
    """Fetch every page of ``path`` (resuming from the journal); returns all items.

    While one page is converted (``convert`` may look up relationships) and journaled, the
    next page is already being fetched. ``batch`` > 1 converts pages together until they
    hold at least ``batch`` items (one journal line, with the last page's cursor), so a
    server with smaller pages than ``RELATIONSHIP_BATCH`` costs fewer lookups.
    """
    replay: Replay = run.journal.replay(category)
    items = list(replay.items)
    run.report(len(items), total, first=True)
    if replay.ended:
        return items
    limit = PAGE_SIZES[category]

    def fetch(cursor: Mapping[str, object]) -> Awaitable[Page[dict[str, Any]]]:
        return run.api.get_page(path, _raw, {"limit": limit, **cursor}, priority=BACKGROUND)

    def durable(rows: list[dict[str, Any]]) -> None:
        items.extend(rows)
        run.report(len(items), total)

    journal = _Journaler(run, category, durable)
    run.check_cancel()
    page = await fetch(replay.next or {})
    prefetch: asyncio.Future[Page[dict[str, Any]]] | None = None
    pending: list[dict[str, Any]] = []
    try:
        while True:
            next_cursor = page.next_params if page.items else None
            # Ask for the next page first: it overlaps this page's lookups and journal write.
            prefetch = (asyncio.ensure_future(fetch(next_cursor))
                        if next_cursor is not None else None)
            pending.extend(page.items)
            if prefetch is None or len(pending) >= batch:
                converted = await convert(run, pending) if pending else []
                pending = []
                await journal.write(converted, next_cursor)
            if prefetch is None:
                await journal.flush()
                return items
            run.check_cancel()
            page = await prefetch
            prefetch = None
    finally:
        await _discard(prefetch)
        await journal.settle()


class _Journaler:
    """Appends one category's journal lines in order, each in a worker thread.

    The write (with its fsync) runs while the next page is fetched. ``write`` first waits
    for the previous line, hands its rows to ``durable`` (which counts and reports them)
    and checks for cancellation, so progress only ever counts journaled rows and a
    cancelled run journals nothing after the report that cancelled it.
    """

    def __init__(self, run: _Run, category: str,
                 durable: Callable[[list[dict[str, Any]]], None]) -> None:
        self.run, self.category, self.durable = run, category, durable
        self._task: asyncio.Future[None] | None = None
        self._rows: list[dict[str, Any]] = []

    async def write(self, rows: list[dict[str, Any]], next_cursor: dict[str, str] | None,
                    key: str | None = None) -> None:
        await self.flush()
        self.run.check_cancel()
        self._rows = rows
        self._task = asyncio.ensure_future(asyncio.to_thread(
            self.run.journal.append, self.category, rows, next_cursor, key))

    async def flush(self) -> None:
        """Wait for the last line to be durable and report it."""
        task, self._task = self._task, None
        if task is not None:
            await task
            self.durable(self._rows)

    async def settle(self) -> None:
        """After a failure: let a line being written finish (a thread cannot be stopped)."""
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(Exception):
                await task


async def _discard(task: asyncio.Future[Any] | None) -> None:
    """Cancel a read-ahead request nobody will use, and wait for it to end."""
    if task is not None and not task.done():
        task.cancel()
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def _raw(item: Any) -> dict[str, Any]:
    return item if isinstance(item, dict) else {"value": item}


async def _relationships(run: _Run, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Relationships for ``ids`` (``RELATIONSHIP_BATCH`` a request, fewer after a server
    refused that many); missing ids are asked once more."""
    found: dict[str, dict[str, Any]] = {}
    for _attempt in range(2):
        missing = [i for i in dict.fromkeys(ids) if i and i not in found]
        start = 0
        while start < len(missing):
            chunk = missing[start:start + (run.relationship_batch or RELATIONSHIP_BATCH)]
            try:
                data = await run.api.get_json("/api/v1/accounts/relationships",
                                              {"id": chunk, "with_suspended": True},
                                              priority=BACKGROUND)
            except ApiError as exc:
                if exc.status not in TOO_LONG or len(chunk) <= MIN_RELATIONSHIP_BATCH:
                    raise
                run.relationship_batch = max(MIN_RELATIONSHIP_BATCH, len(chunk) // 2)
                continue
            start += len(chunk)
            for rel in data if isinstance(data, list) else []:
                if isinstance(rel, dict) and rel.get("id") is not None:
                    found[str(rel["id"])] = rel
    return found


# --- categories -------------------------------------------------------------------------------


async def _follows(run: _Run) -> int:
    async def convert(run: _Run, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        accounts = _accounts(page)
        rels = await _relationships(run, [_text(a.get("id")) for a in accounts])
        out = []
        for account in accounts:
            account_id = _text(account.get("id"))
            rel = rels.get(account_id, {})
            langs = rel.get("languages")
            out.append({"acct": run.acct(account), "id": account_id,
                        "show_boosts": bool(rel.get("showing_reblogs", True)),
                        "notify": bool(rel.get("notifying", False)),
                        "languages": [str(x) for x in langs] if isinstance(langs, list) else [],
                        "moved": isinstance(account.get("moved"), dict), "no_rel": not rel})
        return out

    items = _unique(await _paged(run, "follows", f"/api/v1/accounts/{run.me.id}/following",
                                 convert, total=run.me.following_count,
                                 batch=RELATIONSHIP_BATCH), "acct")
    return fmt.write_following(run.journal.folder.parent / CATEGORY_FILES["follows"], [
        fmt.FollowRow(i["acct"], i["show_boosts"], i["notify"], tuple(i["languages"]))
        for i in items])


async def _mutes(run: _Run) -> int:
    async def convert(run: _Run, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        accounts = _accounts(page)
        rels = await _relationships(run, [_text(a.get("id")) for a in accounts])
        return [{"acct": run.acct(a), "id": _text(a.get("id")),
                 "hide": bool(rels.get(_text(a.get("id")), {}).get("muting_notifications",
                                                                     True))}
                for a in accounts]

    items = _unique(await _paged(run, "mutes", "/api/v1/mutes", convert,
                                 batch=RELATIONSHIP_BATCH), "acct")
    return fmt.write_muting(run.journal.folder.parent / CATEGORY_FILES["mutes"],
                            [fmt.MuteRow(i["acct"], i["hide"]) for i in items])


async def _accounts_only(run: _Run, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"acct": run.acct(a)} for a in _accounts(page)]


async def _blocks(run: _Run) -> int:
    items = _unique(await _paged(run, "blocks", "/api/v1/blocks", _accounts_only), "acct")
    return fmt.write_blocking(run.journal.folder.parent / CATEGORY_FILES["blocks"],
                              [i["acct"] for i in items])


async def _domain_blocks(run: _Run) -> int:
    async def convert(_run: _Run, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"domain": str(d["value"]).lower()} for d in page if d.get("value")]

    items = _unique(await _paged(run, "domain_blocks", "/api/v1/domain_blocks", convert),
                    "domain")
    return fmt.write_domain_blocking(
        run.journal.folder.parent / CATEGORY_FILES["domain_blocks"], [i["domain"] for i in items])


async def _bookmarks(run: _Run) -> int:
    async def convert(_run: _Run, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"uri": str(s.get("uri") or s.get("url"))} for s in page
                if s.get("uri") or s.get("url")]

    items = _unique(await _paged(run, "bookmarks", "/api/v1/bookmarks", convert), "uri")
    return fmt.write_bookmarks(run.journal.folder.parent / CATEGORY_FILES["bookmarks"],
                               [i["uri"] for i in items])


async def _lists(run: _Run) -> int:
    """One journal line per list (members with ``limit=0``, i.e. all, unpaginated)."""
    replay = run.journal.replay("lists")
    data = await run.api.get_json("/api/v1/lists", priority=BACKGROUND)
    lists = [entry for entry in data if isinstance(entry, dict)] if isinstance(data, list) else []
    items = list(replay.items)
    done = len(replay.keys)
    run.report(done, len(lists), first=True)
    todo = [(str(entry.get("id", "")), str(entry.get("title", ""))) for entry in lists]
    todo = [(list_id, title) for list_id, title in todo if list_id not in replay.keys]

    def fetch(list_id: str) -> asyncio.Future[Any]:
        return asyncio.ensure_future(run.api.get_json(
            f"/api/v1/lists/{list_id}/accounts", {"limit": 0}, priority=BACKGROUND))

    def durable(rows: list[dict[str, Any]]) -> None:
        nonlocal done
        items.extend(rows)
        done += 1
        run.report(done, len(lists))

    journal = _Journaler(run, "lists", durable)
    prefetch: asyncio.Future[Any] | None = None
    try:
        for index, (list_id, title) in enumerate(todo):
            run.check_cancel()
            members = await (prefetch or fetch(list_id))
            # The next list's members load while this one is journaled.
            prefetch = fetch(todo[index + 1][0]) if index + 1 < len(todo) else None
            rows = [{"list": title, "acct": run.acct(m)} for m in members
                    if isinstance(m, dict)] if isinstance(members, list) else []
            await journal.write(rows, None, key=list_id)
        await journal.flush()
    finally:
        await _discard(prefetch)
        await journal.settle()
    titles = {i["list"] for i in items}
    empty = sum(1 for entry in lists if entry.get("title") not in titles)
    if empty:
        run.notes.append(ngettext(
            "{n} empty list is not in lists.csv: Mastodon's format has "
            "one row per member, so a list without members cannot be written.",
            "{n} empty lists are not in lists.csv: Mastodon's format has "
            "one row per member, so a list without members cannot be written.",
            empty).format(n=empty))
    memberships = [fmt.ListRow(i["list"], i["acct"]) for i in items]
    return fmt.write_lists(run.journal.folder.parent / CATEGORY_FILES["lists"], memberships)


async def _followed_tags(run: _Run) -> int:
    async def convert(_run: _Run, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"name": str(t.get("name"))} for t in page if t.get("name")]

    return len(_unique(await _paged(run, "followed_tags", "/api/v1/followed_tags", convert),
                       "name"))


async def _endorsements(run: _Run) -> int:
    return len(_unique(await _paged(run, "endorsements", "/api/v1/endorsements",
                                    _accounts_only), "acct"))


async def _single(run: _Run, category: str, items: list[dict[str, Any]]) -> int:
    run.journal.append(category, items, None)
    return len(items)


async def _featured_tags(run: _Run) -> int:
    data = await run.api.get_json("/api/v1/featured_tags", priority=BACKGROUND)
    tags = [{"name": str(t["name"])} for t in data if isinstance(t, dict) and t.get("name")
            ] if isinstance(data, list) else []
    return await _single(run, "featured_tags", tags)


async def _filters(run: _Run) -> int:
    data = await run.api.get_json("/api/v2/filters", priority=BACKGROUND)
    filters = [asdict(_filter(f)) for f in data if isinstance(f, dict)
               ] if isinstance(data, list) else []
    return await _single(run, "filters", filters)


def _filter(data: dict[str, Any]) -> FilterData:
    keywords = [k for k in data.get("keywords") or [] if isinstance(k, dict)]
    expires = data.get("expires_at")
    return FilterData(
        title=str(data.get("title", "")),
        context=tuple(str(c) for c in data.get("context") or []),
        filter_action=str(data.get("filter_action", "warn")),
        expires_at=expires if isinstance(expires, str) else None,
        keywords=tuple(FilterKeywordData(str(k.get("keyword", "")),
                                         bool(k.get("whole_word", True))) for k in keywords))


async def _profile(run: _Run) -> int:
    me, source = run.me, run.me.source or {}
    fields = source.get("fields") if isinstance(source.get("fields"), list) else None
    profile = ProfileData(
        display_name=me.display_name,
        note=str(source.get("note") if source.get("note") is not None else me.note),
        fields=tuple(ProfileField(str(f.get("name", "")), str(f.get("value", "")))
                     for f in fields if isinstance(f, dict)) if fields is not None
        else tuple(ProfileField(f.name, f.value) for f in me.fields),
        locked=me.locked, bot=me.bot, discoverable=me.discoverable)
    return await _single(run, "profile", [asdict(profile)])


EXPORTERS: dict[str, Callable[[_Run], Awaitable[int]]] = {
    "follows": _follows, "mutes": _mutes, "blocks": _blocks, "domain_blocks": _domain_blocks,
    "lists": _lists, "bookmarks": _bookmarks, "followed_tags": _followed_tags,
    "featured_tags": _featured_tags, "filters": _filters, "endorsements": _endorsements,
    "profile": _profile,
}


# --- extras and notes -------------------------------------------------------------------------


def _names(run: _Run, category: str, done: list[str], key: str) -> list[str]:
    if category not in done:
        return []
    return [str(i[key]) for i in _unique(run.journal.replay(category).items, key)]


def _extras(run: _Run, done: list[str]) -> Extras:
    filters = run.journal.replay("filters").items if "filters" in done else []
    profiles = run.journal.replay("profile").items if "profile" in done else []
    parsed = Extras.from_json({"filters": filters, "profile": profiles[0] if profiles else None})
    return Extras(
        followed_tags=_names(run, "followed_tags", done, "name"),
        featured_tags=_names(run, "featured_tags", done, "name"),
        filters=parsed.filters,
        endorsements=_names(run, "endorsements", done, "acct"),
        profile=parsed.profile)


def _notes(run: _Run, manifest: Manifest, selected: list[str]) -> list[str]:
    notes = list(run.notes)
    missing = [c for c in selected if c not in run.journal.finished]
    if missing:
        notes.append(_("Not finished: {categories}. Run the export again into the same "
                       "folder to continue.").format(categories=", ".join(missing)))
    follows = manifest.counts.get(CATEGORY_FILES["follows"])
    counter = manifest.account_counters.get("following_count")
    if follows is not None and counter is not None and follows != counter:
        if follows < counter:
            hidden = counter - follows
            # TRANSLATORS: the first half of a note; the second half says how many are missing.
            counted = ngettext("Your profile counts {counter} follow but the server listed "
                               "{follows}:",
                               "Your profile counts {counter} follows but the server listed "
                               "{follows}:", counter).format(counter=counter, follows=follows)
            # TRANSLATORS: the second half of "Your profile counts … but the server listed …:".
            why = ngettext("{missing} is not shown, usually a suspended or deleted account, an "
                           "account on a server your server blocks, or a counter that has not "
                           "caught up.",
                           "{missing} are not shown, usually suspended or deleted accounts, "
                           "accounts on servers your server blocks, or a counter that has not "
                           "caught up.", hidden).format(missing=hidden)
            notes.append(f"{counted} {why}")
        else:
            notes.append(ngettext("The server listed {follows} follow but your profile counts "
                                  "{counter}: the counter is cached and catches up later.",
                                  "The server listed {follows} follows but your profile counts "
                                  "{counter}: the counter is cached and catches up later.",
                                  follows).format(follows=follows, counter=counter))
    if "follows" in run.journal.finished:
        replay = run.journal.replay("follows").items
        moved = sum(1 for i in replay if i.get("moved"))
        no_rel = sum(1 for i in replay if i.get("no_rel"))
        if moved:
            notes.append(ngettext(
                "{n} followed account has moved; importing follows the old "
                "address, which points to the new one.",
                "{n} followed accounts have moved; importing follows the old "
                "address, which points to the new one.", moved).format(n=moved))
        if no_rel:
            notes.append(ngettext(
                "The server gave no follow options for {n} account; it "
                "was written with the defaults (boosts shown, no notifications).",
                "The server gave no follow options for {n} accounts; they "
                "were written with the defaults (boosts shown, no notifications).",
                no_rel).format(n=no_rel))
    if any(count > fmt.MAX_ROWS for count in manifest.counts.values()):
        notes.append(_("Some files have more than {n} rows, Mastodon's import "
                       "limit: split them before importing.").format(n=f"{fmt.MAX_ROWS:,}"))
    return notes


__all__ = ["ALL", "CATEGORIES", "MANIFEST_FILE", "ExportCancelled", "ExportError",
           "ExportProgress", "ExportResult", "export_account"]
