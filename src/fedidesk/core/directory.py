"""The joinmastodon.org server directory, with a cache and a bundled offline snapshot.

``DirectoryClient.servers(filters)`` asks ``GET https://api.joinmastodon.org/servers`` with
the website's five filters (``mastodon.md`` §1.1: ``language``, ``category``, ``region``,
``ownership``, ``registrations``; an empty value means "all"). Every answer is cached per
filter set in ``<cache dir>/directory/``. Where the list comes from, in order:

1. ``cache``: a cached answer younger than ``cache_ttl`` (no request at all);
2. ``directory``: a fresh answer, which is then cached;
3. ``cache`` again (stale): when the directory fails or ``offline`` is set;
4. ``snapshot``: the hand-written list bundled in ``fedidesk/resources``, filtered here.

``DirectoryResult.source`` and ``.notice`` say which one was used and why.

The body is untrusted (``security.md``): it is read up to ``MAX_DIRECTORY_BYTES``, at most
``MAX_SERVERS`` entries are kept, strings are length-capped and entries without a valid
domain are dropped.

Ordering (``sort_servers``): open sign-ups (``approval_required`` false) first, then, like
the official Android app, mid-sized servers before giant ones: ``|ln(800) − ln(users)|``
over ``last_week_users``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import httpx

from fedidesk.core.errors import FedideskError
from fedidesk.core.fetchlimit import read_limited
from fedidesk.core.http import make_client, require_secure_url
from fedidesk.core.i18n import _, ngettext

DIRECTORY_URL = "https://api.joinmastodon.org"
CATEGORIES = ("academia", "activism", "adult", "art", "books", "bipoc", "food", "furry",
              "games", "general", "humor", "hobby", "journalism", "lgbt", "music", "regional",
              "sports", "tech", "science", "religion")
REGIONS = ("europe", "north_america", "south_america", "africa", "asia", "oceania")
OWNERSHIPS = ("juridicial", "natural")  # sic: the API's spelling
REGISTRATIONS = ("instant", "manual")

MAX_DIRECTORY_BYTES = 5 * 1024 * 1024
MAX_SERVERS = 5000
MAX_TEXT = 2000
CACHE_TTL = 6 * 3600.0
#: ln(800): the Android app's "Dunbar" target size for a server's weekly active users.
DUNBAR = math.log(800)

Source = Literal["directory", "cache", "snapshot"]
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class DirectoryServer:
    """One directory entry (joinmastodon ``types/api.ts``, type ``Server``).

    ``tags`` is fedidesk's own (only the bundled snapshot sets it, e.g. "for developers").
    """

    domain: str
    version: str = ""
    description: str = ""
    languages: tuple[str, ...] = ()
    region: str = ""
    categories: tuple[str, ...] = ()
    proxied_thumbnail: str = ""
    blurhash: str | None = None
    last_week_users: int = 0
    total_users: int = 0
    approval_required: bool = False
    language: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


@dataclass(frozen=True)
class DirectoryFilters:
    """The directory's server-side filters; ``""`` means "all"."""

    language: str = ""
    category: str = ""
    region: str = ""
    ownership: str = ""
    registrations: str = ""

    def __post_init__(self) -> None:
        checks = (("category", CATEGORIES), ("region", REGIONS), ("ownership", OWNERSHIPS),
                  ("registrations", REGISTRATIONS))
        for name, allowed in checks:
            value = getattr(self, name)
            if value and value not in allowed:
                raise FedideskError(_("Unknown {name} {value}. Choose one of: {allowed}.").format(
                    name=name, value=repr(value), allowed=", ".join(allowed)))
        if self.language and not _TOKEN.match(self.language):
            raise FedideskError(_("{code} is not a language code (try en, de, ja).").format(
                code=repr(self.language)))

    def params(self) -> dict[str, str]:
        """The query parameters to send (empty filters are left out)."""
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True)
class DirectoryResult:
    """Servers plus where they came from."""

    servers: tuple[DirectoryServer, ...]
    source: Source
    fetched_at: float | None = None
    age_seconds: float | None = None
    snapshot_date: str = ""
    notice: str = ""

    def describe(self) -> str:
        """One line for people: which list this is."""
        if self.source == "directory":
            return _("Live list from joinmastodon.org.")
        if self.source == "cache":
            return (_("Saved list from joinmastodon.org, {age} old.").format(
                age=_age_text(self.age_seconds or 0))
                    + (f" {self.notice}" if self.notice else ""))
        return (_("Built-in list from {date}; it may be out of date.").format(
            date=self.snapshot_date or _("an earlier date"))
                + (f" {self.notice}" if self.notice else ""))

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "fetched_at": self.fetched_at,
                "age_seconds": self.age_seconds, "snapshot_date": self.snapshot_date or None,
                "notice": self.notice, "servers": [s.to_json() for s in self.servers]}


def _age_text(seconds: float) -> str:
    if seconds < 120:
        n = int(seconds)
        return ngettext("{n} second", "{n} seconds", n).format(n=n)
    if seconds < 7200:
        n = int(seconds // 60)
        return ngettext("{n} minute", "{n} minutes", n).format(n=n)
    if seconds < 172800:
        n = int(seconds // 3600)
        return ngettext("{n} hour", "{n} hours", n).format(n=n)
    n = int(seconds // 86400)
    return ngettext("{n} day", "{n} days", n).format(n=n)


# --- parsing ------------------------------------------------------------------------------


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return 0
    try:
        return max(0, int(value))
    except ValueError:
        return 0


def _tokens(value: Any, limit: int = 50) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v)[:60] for v in value[:limit] if isinstance(v, str) and v)


def parse_server(data: Any) -> DirectoryServer | None:
    """One untrusted ``Server`` object → ``DirectoryServer``; ``None`` if it has no valid domain."""
    if not isinstance(data, dict):
        return None
    domain = _text(data.get("domain"), 253).strip().lower().rstrip(".")
    if not _DOMAIN.match(domain):
        return None
    thumbnail = _text(data.get("proxied_thumbnail"))
    blurhash = data.get("blurhash")
    return DirectoryServer(
        domain=domain,
        version=_text(data.get("version"), 60),
        description=_text(data.get("description")),
        languages=_tokens(data.get("languages")),
        region=_text(data.get("region"), 40),
        categories=_tokens(data.get("categories")),
        proxied_thumbnail=thumbnail if thumbnail.startswith("https://") else "",
        blurhash=blurhash[:100] if isinstance(blurhash, str) and blurhash else None,
        last_week_users=_count(data.get("last_week_users")),
        total_users=_count(data.get("total_users")),
        approval_required=data.get("approval_required") is True,
        language=_text(data.get("language"), 40),
        category=_text(data.get("category"), 40),
        tags=_tokens(data.get("tags")),
    )


def parse_servers(data: Any) -> tuple[DirectoryServer, ...]:
    """A ``/servers`` answer → servers (invalid entries and duplicates dropped, capped)."""
    if not isinstance(data, list):
        raise ValueError("the directory did not answer with a list")
    seen: set[str] = set()
    out: list[DirectoryServer] = []
    for item in data[:MAX_SERVERS]:
        server = parse_server(item)
        if server is not None and server.domain not in seen:
            seen.add(server.domain)
            out.append(server)
    return tuple(out)


# --- client-side filtering, search and order -----------------------------------------------


def filter_servers(servers: Iterable[DirectoryServer], filters: DirectoryFilters
                   ) -> tuple[DirectoryServer, ...]:
    """Apply ``filters`` locally (for the snapshot). ``ownership`` is not known locally."""
    out = []
    for s in servers:
        if filters.language and filters.language not in (s.languages or (s.language,)):
            continue
        if filters.category and filters.category not in (s.categories or (s.category,)):
            continue
        if filters.region and s.region != filters.region:
            continue
        if filters.registrations and s.approval_required != (filters.registrations == "manual"):
            continue
        out.append(s)
    return tuple(out)


def search_servers(servers: Iterable[DirectoryServer], text: str) -> tuple[DirectoryServer, ...]:
    """Servers whose domain, description or tags contain ``text`` (case-insensitive)."""
    needle = text.strip().casefold()
    if not needle:
        return tuple(servers)
    return tuple(s for s in servers if needle in s.domain.casefold()
                 or needle in s.description.casefold()
                 or any(needle in t.casefold() for t in s.tags))


def size_distance(server: DirectoryServer) -> float:
    """``|ln(800) − ln(last_week_users)|``: 0 for a server of the ideal size."""
    return abs(DUNBAR - math.log(max(server.last_week_users, 1)))


def sort_servers(servers: Iterable[DirectoryServer]) -> tuple[DirectoryServer, ...]:
    """Open sign-ups first, then mid-sized before giant (or tiny); ties by domain."""
    return tuple(sorted(servers, key=lambda s: (s.approval_required, size_distance(s),
                                                s.domain)))


# --- the snapshot -------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The bundled offline list."""

    date: str
    servers: tuple[DirectoryServer, ...]


def load_snapshot() -> Snapshot:
    """Read ``fedidesk/resources/servers_snapshot.json`` from the package."""
    raw = resources.files("fedidesk.resources").joinpath("servers_snapshot.json").read_text(
        encoding="utf-8")
    data = json.loads(raw)
    return Snapshot(str(data.get("snapshot_date", "")), parse_servers(data.get("servers")))


# --- the client -----------------------------------------------------------------------------


class DirectoryClient:
    """Fetches ``/servers`` from ``base_url`` (injectable for tests), with cache and snapshot."""

    def __init__(
        self,
        *,
        base_url: str = DIRECTORY_URL,
        cache_dir: Path | None = None,
        client: httpx.AsyncClient | None = None,
        cache_ttl: float = CACHE_TTL,
        timeout: float = 15.0,
    ) -> None:
        self.base_url = require_secure_url(base_url.rstrip("/"))
        self.cache_dir = cache_dir / "directory" if cache_dir is not None else None
        self.cache_ttl = cache_ttl
        self._client = client
        self._timeout = timeout

    async def servers(
        self, filters: DirectoryFilters | None = None, *, offline: bool = False,
        refresh: bool = False,
    ) -> DirectoryResult:
        """The servers for ``filters`` in ``sort_servers`` order (see the module docstring)."""
        filters = filters or DirectoryFilters()
        cached = self._read_cache(filters)
        now = time.time()
        if cached and not refresh and not offline and now - cached[0] < self.cache_ttl:
            return self._cached_result(cached, now, "")
        if not offline:
            try:
                servers = await self._fetch(filters)
            except (httpx.HTTPError, ValueError, FedideskError) as exc:
                notice = _("joinmastodon.org could not be reached ({reason}).").format(
                    reason=_reason(exc))
            else:
                self._write_cache(filters, now, servers)
                return DirectoryResult(_finish(servers), "directory", now, 0.0)
        else:
            notice = _("Offline mode.")
        if cached:
            return self._cached_result(cached, now, notice)
        snapshot = load_snapshot()
        if filters.ownership:
            notice += " " + _("The built-in list does not record ownership, so that filter is "
                              "ignored.")
        return DirectoryResult(sort_servers(filter_servers(snapshot.servers, filters)),
                               "snapshot", snapshot_date=snapshot.date, notice=notice.strip())

    def _cached_result(self, cached: tuple[float, tuple[DirectoryServer, ...]], now: float,
                       notice: str) -> DirectoryResult:
        fetched_at, servers = cached
        return DirectoryResult(_finish(servers), "cache", fetched_at,
                               max(0.0, now - fetched_at), notice=notice)

    async def _fetch(self, filters: DirectoryFilters) -> tuple[DirectoryServer, ...]:
        client = self._client or make_client(timeout=self._timeout)
        try:
            request = client.build_request("GET", f"{self.base_url}/servers",
                                           params=filters.params(),
                                           headers={"Accept": "application/json"})
            body = await read_limited(client, request, max_bytes=MAX_DIRECTORY_BYTES)
        finally:
            if self._client is None:
                await client.aclose()
        if body.status != 200:
            raise ValueError(f"HTTP {body.status}")
        if body.truncated:
            raise ValueError("answer too large")
        return parse_servers(json.loads(body.body))

    # -- cache files ------------------------------------------------------------------

    def _cache_file(self, filters: DirectoryFilters) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([self.base_url, filters.params()], sort_keys=True)
        return self.cache_dir / f"servers-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"

    def _read_cache(self, filters: DirectoryFilters
                    ) -> tuple[float, tuple[DirectoryServer, ...]] | None:
        path = self._cache_file(filters)
        if path is None or not path.is_file():
            return None
        try:
            if path.stat().st_size > MAX_DIRECTORY_BYTES:
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
            fetched_at = float(data["fetched_at"])
            return fetched_at, parse_servers(data["servers"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_cache(self, filters: DirectoryFilters, now: float,
                     servers: Sequence[DirectoryServer]) -> None:
        path = self._cache_file(filters)
        if path is None:
            return
        payload = {"fetched_at": now, "filters": filters.params(),
                   "servers": [s.to_json() for s in servers]}
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(payload), encoding="utf-8")
            os.replace(tmp, path)


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return _("timed out")
    if isinstance(exc, httpx.TransportError):
        return _("no connection")
    if isinstance(exc, FedideskError):
        return exc.user_message
    if isinstance(exc, json.JSONDecodeError):
        return _("not JSON")
    return str(exc) or type(exc).__name__


def merge_snapshot_tags(servers: Iterable[DirectoryServer], snapshot: Snapshot
                        ) -> tuple[DirectoryServer, ...]:
    """Live entries carry no ``tags``: copy them over from the snapshot by domain."""
    hints = {s.domain: s.tags for s in snapshot.servers if s.tags}
    return tuple(replace(s, tags=tuple(dict.fromkeys((*s.tags, *hints[s.domain]))))
                 if s.domain in hints else s for s in servers)


def _finish(servers: Iterable[DirectoryServer]) -> tuple[DirectoryServer, ...]:
    return sort_servers(merge_snapshot_tags(servers, load_snapshot()))
