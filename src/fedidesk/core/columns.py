"""Deck columns: what a column shows (``ColumnSpec``), how to fetch it and which stream feeds it.

A ``ColumnSpec`` is a frozen, JSON-round-trippable description of one column; its ``key``
is stable across runs and identifies the column's cache and read position. ``TimelineItem``
wraps statuses, notifications and conversations so one list can hold any of them
(``item.id`` is prefixed like ``status:123``; ``item.sort_id`` is the server id used for
ordering and paging; ``item.status`` is the post to render, if any).

``fetch_page`` dispatches to the right ``MastodonApi`` method, ``stream_for`` names the
streaming channel (``None`` means "poll"), and ``accepts`` applies a column's filters to a
streamed or fetched item.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any, Literal

from fedidesk.core.api import MastodonApi, Page, Paging
from fedidesk.core.contacts.resolve import resolve_on_server
from fedidesk.core.entities import Conversation, Notification, Status
from fedidesk.core.errors import NotFoundError
from fedidesk.core.i18n import N_, _

ItemKind = Literal["status", "notification", "conversation"]


class ColumnKind(StrEnum):
    """The kinds of deck column."""

    HOME = "home"
    NOTIFICATIONS = "notifications"
    MENTIONS = "mentions"
    LOCAL = "local"
    FEDERATED = "federated"
    REMOTE = "remote"
    HASHTAG = "hashtag"
    LIST = "list"
    PROFILE = "profile"
    SEARCH = "search"
    BOOKMARKS = "bookmarks"
    FAVOURITES = "favourites"
    DIRECT = "direct"
    TRENDING = "trending"


#: Columns whose items are ordered by server id and page with ``max_id``/``min_id`` on
#: those ids, so a gap can be filled from the newest known id.
ID_ORDERED = frozenset({
    ColumnKind.HOME, ColumnKind.NOTIFICATIONS, ColumnKind.MENTIONS, ColumnKind.LOCAL,
    ColumnKind.FEDERATED, ColumnKind.REMOTE, ColumnKind.HASHTAG, ColumnKind.LIST,
    ColumnKind.PROFILE,
})

ProfileMode = Literal["posts", "replies", "media"]
PROFILE_MODES = ("posts", "replies", "media")
#: Longest text a column field may hold when read from a file (titles, queries, ids).
MAX_FIELD_CHARS = 2_000


@dataclass(frozen=True)
class ColumnSpec:
    """One deck column. Only the fields its ``kind`` uses matter; the rest stay default.

    * ``account``: the signed-in account's handle (``user@domain``) the column belongs to.
    * notifications: ``types`` (empty = all).
    * remote: ``server`` (base URL of the other server; fetched without a token).
    * hashtag: ``tags`` (first is the main tag, the rest are "any of"), ``all_tags``,
      ``none_tags``, ``local_only``.
    * list: ``list_id``. profile: ``account_id``, ``acct``, ``profile_mode``.
    * search: ``query``.
    * options for every kind: ``hide_boosts``, ``hide_replies``, ``media_only``.
    * ``title``: the header text (``display_title`` supplies a default).
    """

    account: str
    kind: ColumnKind
    title: str = ""
    types: tuple[str, ...] = ()
    server: str = ""
    tags: tuple[str, ...] = ()
    all_tags: tuple[str, ...] = ()
    none_tags: tuple[str, ...] = ()
    local_only: bool = False
    list_id: str = ""
    account_id: str = ""
    acct: str = ""
    profile_mode: ProfileMode = "posts"
    query: str = ""
    hide_boosts: bool = False
    hide_replies: bool = False
    media_only: bool = False
    grouped: bool = True  # notifications: "Ada and 3 others favourited your post"

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ColumnKind(self.kind))
        for name in ("types", "tags", "all_tags", "none_tags"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name)))
        for name in ("tags", "all_tags", "none_tags"):
            object.__setattr__(self, name, tuple(t.lstrip("#") for t in getattr(self, name)))

    # --- identity and JSON ----------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Only the non-default fields (plus ``account`` and ``kind``), JSON-ready."""
        data: dict[str, Any] = {"account": self.account, "kind": self.kind.value}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in data or value == f.default:
                continue
            data[f.name] = list(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_json(cls, data: object) -> ColumnSpec:
        """Inverse of ``to_json``; unknown keys are ignored (newer versions add fields).

        The data may come from a file anyone wrote: every value must have its field's type
        (text, yes/no, a list of texts, a known kind and profile mode), else ``ValueError``
        or ``TypeError``.
        """
        if not isinstance(data, dict):
            raise TypeError("a column is described by an object")
        kwargs: dict[str, Any] = {}
        for spec_field in fields(cls):
            if spec_field.name not in data:
                continue
            value = data[spec_field.name]
            default = spec_field.default
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, tuple):
                ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
                value = tuple(value) if ok else value
            else:  # text (the kind is text in JSON too)
                ok = isinstance(value, str) and len(value) <= MAX_FIELD_CHARS
            if not ok:
                raise TypeError(f"{spec_field.name}: unexpected value")
            kwargs[spec_field.name] = value
        if kwargs.get("profile_mode", "posts") not in PROFILE_MODES:
            raise ValueError("unknown profile mode")
        if "account" not in kwargs or "kind" not in kwargs:
            raise KeyError("account and kind are required")
        return cls(**kwargs)

    @property
    def key(self) -> str:
        """A stable id for caches and read positions; ignores ``title`` and display options."""
        identity = {k: v for k, v in self.to_json().items()
                    if k not in ("title", "hide_boosts", "hide_replies", "media_only")}
        digest = hashlib.sha256(
            json.dumps(identity, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        return f"{self.account}/{self.kind.value}/{digest[:16]}"

    @property
    def display_title(self) -> str:
        """``title`` or a sensible default header."""
        if self.title:
            return self.title
        defaults = {
            ColumnKind.HOME: N_("Home"), ColumnKind.NOTIFICATIONS: N_("Notifications"),
            ColumnKind.MENTIONS: N_("Mentions"), ColumnKind.LOCAL: N_("Local"),
            ColumnKind.FEDERATED: N_("Federated"), ColumnKind.BOOKMARKS: N_("Bookmarks"),
            ColumnKind.FAVOURITES: N_("Favourites"), ColumnKind.DIRECT: N_("Direct messages"),
            ColumnKind.TRENDING: N_("Trending"), ColumnKind.LIST: N_("List"),
        }
        if self.kind is ColumnKind.HASHTAG:
            # "any of" tags side by side, "all of" with +, "none of" with −.
            words = [f"#{t}" for t in self.tags] + [f"+#{t}" for t in self.all_tags] \
                + [f"−#{t}" for t in self.none_tags]
            title = " ".join(words) or _("Hashtag")
            return f"{title} · {_('Local')}" if self.local_only else title
        if self.kind is ColumnKind.PROFILE:
            return f"@{self.acct}" if self.acct else _("Profile")
        if self.kind is ColumnKind.SEARCH:
            return _("Search: {query}").format(query=self.query)
        if self.kind is ColumnKind.REMOTE:
            return self.server.split("://", 1)[-1] or _("Remote")
        return _(defaults[self.kind])

    @property
    def id_ordered(self) -> bool:
        """True when ``sort_id`` is the paging cursor (gap fill works)."""
        return self.kind in ID_ORDERED

    def with_options(self, **options: Any) -> ColumnSpec:
        """A copy with some fields changed."""
        return replace(self, **options)


@dataclass(frozen=True)
class TimelineItem:
    """One row of a column: a status, a notification or a conversation.

    ``id`` is unique across kinds (``status:1``); ``sort_id`` is the server id that orders
    rows and feeds paging cursors; ``status`` is the post to render (``None`` for e.g. a
    follow notification).
    """

    kind: ItemKind
    entity: Status | Notification | Conversation = field(compare=False)
    sort_id: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.entity_id}"

    @property
    def entity_id(self) -> str:
        return self.entity.id

    @property
    def status(self) -> Status | None:
        if isinstance(self.entity, Status):
            return self.entity
        if isinstance(self.entity, Notification):
            return self.entity.status
        return self.entity.last_status

    def with_status(self, status: Status) -> TimelineItem:
        """This row showing ``status`` in place of ``self.status`` (same id and order)."""
        entity = self.entity
        if isinstance(entity, Status):
            entity = status
        elif isinstance(entity, Notification):
            entity = replace(entity, status=status)
        else:
            entity = replace(entity, last_status=status)
        return TimelineItem(self.kind, entity, self.sort_id)

    @property
    def raw(self) -> dict[str, Any]:
        """The API JSON this item was built from (for the cache)."""
        return self.entity.raw if not isinstance(self.entity, Conversation) else {}

    @classmethod
    def of(cls, entity: Status | Notification | Conversation) -> TimelineItem:
        """Wrap an entity."""
        if isinstance(entity, Status):
            return cls("status", entity, entity.id)
        if isinstance(entity, Notification):
            return cls("notification", entity, entity.id)
        last = entity.last_status
        return cls("conversation", entity, last.id if last is not None else entity.id)


@dataclass(frozen=True)
class StreamSpec:
    """A streaming channel: Mastodon stream ``name`` and its SSE ``path`` + query ``params``."""

    name: str
    path: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def url_path(self) -> str:
        return f"/api/v1/streaming/{self.path}"


# --- fetching -----------------------------------------------------------------


def remote_api(spec: ColumnSpec, account_api: MastodonApi) -> MastodonApi:
    """The anonymous API for a remote column's server, sharing the account's HTTP client."""
    return MastodonApi(spec.server, None, client=account_api.client, clock=account_api.clock)


def api_for(spec: ColumnSpec, account_api: MastodonApi) -> MastodonApi:
    """The API a column fetches from: the account's, or an anonymous one for ``remote``."""
    return remote_api(spec, account_api) if spec.kind is ColumnKind.REMOTE else account_api


def _wrap(page: Page[Any]) -> Page[TimelineItem]:
    return Page([TimelineItem.of(e) for e in page.items], page.next_params, page.prev_params)


#: Ids of profile columns known only by address, as each server knows them:
#: (server base URL, ``user@domain``) → account id. Ids are per server, not per user.
_profile_ids: dict[tuple[str, str], str] = {}


async def profile_account_id(api: MastodonApi, spec: ColumnSpec) -> str:
    """The id of a profile column's account on ``api``'s server.

    ``spec.account_id`` when the column has one; otherwise ``spec.acct`` (a bare name is an
    account of the column's own server) is looked up once, asking the server to fetch a
    remote account it does not know yet. ``NotFoundError`` when there is no such account.
    """
    if spec.account_id:
        return spec.account_id
    domain = spec.account.rsplit("@", 1)[-1]
    acct = spec.acct.strip().lstrip("@")
    if acct and "@" not in acct:
        acct = f"{acct}@{domain}"
    key = (api.base_url, acct.casefold())
    if key not in _profile_ids:
        user, _at, host = acct.partition("@")
        valid = bool(user and host and "@" not in host and "/" not in acct)
        account = await resolve_on_server(api, acct, local_domain=domain) if valid else None
        if account is None or not account.id:
            raise NotFoundError(_("{account} could not be found from {server}.").format(
                account=acct, server=domain))
        _profile_ids[key] = account.id
    return _profile_ids[key]


async def fetch_page(api: MastodonApi, spec: ColumnSpec, paging: Paging) -> Page[TimelineItem]:
    """One page of ``spec``'s column. ``api`` must be ``api_for(spec, account_api)``.

    Search and trending have no cursors: ``paging`` with a cursor returns an empty page.
    """
    kind, p = spec.kind, paging
    if kind is ColumnKind.HOME:
        return _wrap(await api.timeline_home(**p))
    if kind is ColumnKind.NOTIFICATIONS:
        if spec.grouped:
            from fedidesk.core.notifgroups import fetch_grouped  # (imports this module)

            return await fetch_grouped(api, list(spec.types) or None, p)
        return _wrap(await api.notifications(types=list(spec.types) or None, **p))
    if kind is ColumnKind.MENTIONS:
        return _wrap(await api.notifications(types=["mention"], **p))
    if kind is ColumnKind.LOCAL:
        return _wrap(await api.timeline_public(local=True, only_media=spec.media_only, **p))
    if kind is ColumnKind.FEDERATED:
        return _wrap(await api.timeline_public(only_media=spec.media_only, **p))
    if kind is ColumnKind.REMOTE:
        return _wrap(await api.timeline_public(local=True, only_media=spec.media_only, **p))
    if kind is ColumnKind.HASHTAG:
        main, *rest = spec.tags or ("",)
        return _wrap(await api.timeline_tag(
            main, any_tags=rest, all_tags=spec.all_tags, none_tags=spec.none_tags,
            local=spec.local_only, only_media=spec.media_only, **p))
    if kind is ColumnKind.LIST:
        return _wrap(await api.timeline_list(spec.list_id, **p))
    if kind is ColumnKind.PROFILE:
        return _wrap(await api.account_statuses(
            await profile_account_id(api, spec), exclude_replies=spec.profile_mode == "posts",
            only_media=spec.profile_mode == "media" or spec.media_only,
            exclude_reblogs=spec.hide_boosts, **p))
    if kind is ColumnKind.BOOKMARKS:
        return _wrap(await api.bookmarks(**p))
    if kind is ColumnKind.FAVOURITES:
        return _wrap(await api.favourites(**p))
    if kind is ColumnKind.DIRECT:
        return _wrap(await api.conversations(**p))
    if any(k in p for k in ("max_id", "min_id", "since_id")):
        return Page([])
    if kind is ColumnKind.SEARCH:
        results = await api.search(spec.query, type="statuses", limit=p.get("limit"))
        return Page([TimelineItem.of(s) for s in results.statuses])
    return Page([TimelineItem.of(s) for s in await api.trends_statuses(limit=p.get("limit"))])


# --- streaming and filtering --------------------------------------------------


def stream_for(spec: ColumnSpec) -> StreamSpec | None:
    """The streaming channel feeding ``spec``, or ``None`` when the column must poll."""
    kind, media = spec.kind, spec.media_only
    if kind is ColumnKind.HOME:
        return StreamSpec("user", "user")
    if kind in (ColumnKind.NOTIFICATIONS, ColumnKind.MENTIONS):
        return StreamSpec("user:notification", "user/notification")
    if kind is ColumnKind.LOCAL:
        return StreamSpec("public:local:media" if media else "public:local", "public/local",
                          (("only_media", "true"),) if media else ())
    if kind is ColumnKind.FEDERATED:
        return StreamSpec("public:media" if media else "public", "public",
                          (("only_media", "true"),) if media else ())
    if kind is ColumnKind.HASHTAG and len(spec.tags) == 1:
        if spec.local_only:
            return StreamSpec("hashtag:local", "hashtag/local", (("tag", spec.tags[0]),))
        return StreamSpec("hashtag", "hashtag", (("tag", spec.tags[0]),))
    if kind is ColumnKind.LIST and spec.list_id:
        return StreamSpec("list", "list", (("list", spec.list_id),))
    if kind is ColumnKind.DIRECT:
        return StreamSpec("direct", "direct")
    # remote (another server, no token), profile, search, bookmarks, favourites, trending,
    # multi-tag hashtags: poll.
    return None


def _tag_names(status: Status) -> set[str]:
    return {t.name.lower() for t in status.original.tags}


def _status_ok(spec: ColumnSpec, status: Status) -> bool:
    if spec.hide_boosts and status.is_boost:
        return False
    original = status.original
    if (spec.hide_replies and original.in_reply_to_id is not None
            and original.in_reply_to_account_id != original.account.id):
        return False
    if spec.media_only and not original.media_attachments:
        return False
    if spec.kind is ColumnKind.HASHTAG:
        names = _tag_names(status)
        if spec.all_tags and not {t.lower() for t in spec.all_tags} <= names:
            return False
        if names & {t.lower() for t in spec.none_tags}:
            return False
    return True


_STATUS_KINDS = frozenset({
    ColumnKind.HOME, ColumnKind.LOCAL, ColumnKind.FEDERATED, ColumnKind.REMOTE,
    ColumnKind.HASHTAG, ColumnKind.LIST, ColumnKind.PROFILE, ColumnKind.SEARCH,
    ColumnKind.BOOKMARKS, ColumnKind.FAVOURITES, ColumnKind.TRENDING,
})


def accepts(spec: ColumnSpec, item: TimelineItem) -> bool:
    """Whether ``item`` belongs in ``spec``'s column (kind match plus the column's options)."""
    entity = item.entity
    if isinstance(entity, Status):
        return spec.kind in _STATUS_KINDS and _status_ok(spec, entity)
    if isinstance(entity, Notification):
        if spec.kind is ColumnKind.MENTIONS:
            wanted: tuple[str, ...] = ("mention",)
        elif spec.kind is ColumnKind.NOTIFICATIONS:
            wanted = spec.types
        else:
            return False
        if wanted and entity.type not in wanted:
            return False
        if spec.hide_boosts and entity.type == "reblog":
            return False
        return not (spec.media_only and (entity.status is None
                                         or not entity.status.original.media_attachments))
    return spec.kind is ColumnKind.DIRECT
