"""Typed, frozen Mastodon entities built from API JSON.

One dataclass per entity; each docstring is the entity's documentation URL. ``from_dict``
is driven by the type hints, ignores unknown keys (servers add fields all the time) and
tolerates missing ones (other server software omits fields), so quirks stay in the
per-class ``_prepare`` hook instead of leaking into the UI.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar, Union

T = TypeVar("T")
Json = dict[str, Any]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_datetime(value: object) -> datetime | None:
    """Parse Mastodon's ISO 8601 timestamps (``Z`` or offset); ``None`` when absent/invalid."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(args[0], value) if len(args) == 1 else value
    if origin in (list, tuple):
        (item_tp, *_rest) = typing.get_args(tp) or (Any,)
        if not isinstance(value, list | tuple):
            return ()
        return tuple(_convert(item_tp, v) for v in value)
    if origin is dict or tp is dict:
        return dict(value) if isinstance(value, dict) else {}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return from_dict(tp, value) if isinstance(value, dict) else None
    if tp is datetime:
        return parse_datetime(value)
    if tp is str:
        return value if isinstance(value, str) else str(value)
    if tp is bool:
        return bool(value)
    if tp is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0
    if tp is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            return 0.0
    return value


def from_dict(cls: type[T], data: Json) -> T:
    """Build entity ``cls`` from API JSON ``data``, by type hints, ignoring unknown keys."""
    prepare = getattr(cls, "_prepare", None)
    if prepare is not None:
        data = prepare(dict(data))
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name == "raw":
            kwargs["raw"] = data
            continue
        key = f.metadata.get("key", f.name)
        if key in data:
            kwargs[f.name] = _convert(hints[f.name], data[key])
            if kwargs[f.name] is None and f.default is not dataclasses.MISSING:
                kwargs[f.name] = f.default
    return cls(**kwargs)


def _raw() -> Any:
    return field(default_factory=dict, repr=False, compare=False, hash=False)


@dataclass(frozen=True)
class CustomEmoji:
    """https://docs.joinmastodon.org/entities/CustomEmoji/"""

    shortcode: str = ""
    url: str = ""
    static_url: str = ""
    visible_in_picker: bool = True
    category: str | None = None


@dataclass(frozen=True)
class Field:
    """https://docs.joinmastodon.org/entities/Account/#Field"""

    name: str = ""
    value: str = ""
    verified_at: datetime | None = None


@dataclass(frozen=True)
class Account:
    """https://docs.joinmastodon.org/entities/Account/"""

    id: str = ""
    username: str = ""
    acct: str = ""
    url: str = ""
    uri: str = ""
    display_name: str = ""
    note: str = ""
    avatar: str = ""
    avatar_static: str = ""
    header: str = ""
    locked: bool = False
    bot: bool = False
    group: bool = False
    discoverable: bool | None = None
    created_at: datetime | None = None
    last_status_at: str | None = None
    statuses_count: int = 0
    followers_count: int = 0
    following_count: int = 0
    fields: tuple[Field, ...] = ()
    emojis: tuple[CustomEmoji, ...] = ()
    moved: Account | None = None
    suspended: bool = False
    limited: bool = False
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    raw: Json = _raw()

    @property
    def name(self) -> str:
        """What to show as the author's name: display name, falling back to the username."""
        return self.display_name.strip() or self.username

    def full_handle(self, local_domain: str) -> str:
        """``user@domain``, qualifying local accounts (whose ``acct`` has no domain)."""
        return self.acct if "@" in self.acct else f"{self.acct}@{local_domain}"


@dataclass(frozen=True)
class MediaAttachment:
    """https://docs.joinmastodon.org/entities/MediaAttachment/"""

    id: str = ""
    type: str = "unknown"
    url: str | None = None
    preview_url: str | None = None
    remote_url: str | None = None
    description: str | None = None
    blurhash: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Mention:
    """https://docs.joinmastodon.org/entities/Status/#Mention"""

    id: str = ""
    username: str = ""
    acct: str = ""
    url: str = ""


@dataclass(frozen=True)
class TagHistory:
    """https://docs.joinmastodon.org/entities/Tag/#history"""

    day: str = ""
    uses: int = 0
    accounts: int = 0


@dataclass(frozen=True)
class Tag:
    """https://docs.joinmastodon.org/entities/Tag/"""

    name: str = ""
    url: str = ""
    history: tuple[TagHistory, ...] = ()
    following: bool | None = None


@dataclass(frozen=True)
class PreviewCard:
    """https://docs.joinmastodon.org/entities/PreviewCard/"""

    url: str = ""
    title: str = ""
    description: str = ""
    type: str = "link"
    provider_name: str = ""
    image: str | None = None
    blurhash: str | None = None


@dataclass(frozen=True)
class PollOption:
    """https://docs.joinmastodon.org/entities/Poll/#Option"""

    title: str = ""
    votes_count: int | None = None


@dataclass(frozen=True)
class Poll:
    """https://docs.joinmastodon.org/entities/Poll/"""

    id: str = ""
    expires_at: datetime | None = None
    expired: bool = False
    multiple: bool = False
    votes_count: int = 0
    voters_count: int | None = None
    options: tuple[PollOption, ...] = ()
    voted: bool | None = None
    own_votes: tuple[int, ...] = ()
    emojis: tuple[CustomEmoji, ...] = ()


@dataclass(frozen=True)
class FilterKeyword:
    """https://docs.joinmastodon.org/entities/FilterKeyword/"""

    id: str = ""
    keyword: str = ""
    whole_word: bool = False


@dataclass(frozen=True)
class Filter:
    """https://docs.joinmastodon.org/entities/Filter/"""

    id: str = ""
    title: str = ""
    context: tuple[str, ...] = ()
    expires_at: datetime | None = None
    filter_action: str = "warn"
    keywords: tuple[FilterKeyword, ...] = ()


@dataclass(frozen=True)
class FilterResult:
    """https://docs.joinmastodon.org/entities/FilterResult/"""

    filter: Filter | None = None
    keyword_matches: tuple[str, ...] = ()
    status_matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class Application:
    """https://docs.joinmastodon.org/entities/Application/ (as attached to a status)"""

    name: str = ""
    website: str | None = None


@dataclass(frozen=True)
class Status:
    """https://docs.joinmastodon.org/entities/Status/"""

    id: str = ""
    uri: str = ""
    url: str | None = None
    created_at: datetime | None = None
    edited_at: datetime | None = None
    account: Account = field(default_factory=Account)
    content: str = ""
    text: str | None = None
    visibility: str = "public"
    sensitive: bool = False
    spoiler_text: str = ""
    language: str | None = None
    media_attachments: tuple[MediaAttachment, ...] = ()
    mentions: tuple[Mention, ...] = ()
    tags: tuple[Tag, ...] = ()
    emojis: tuple[CustomEmoji, ...] = ()
    reblogs_count: int = 0
    favourites_count: int = 0
    replies_count: int = 0
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    reblog: Status | None = None
    quote: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    poll: Poll | None = None
    card: PreviewCard | None = None
    application: Application | None = None
    favourited: bool | None = None
    reblogged: bool | None = None
    muted: bool | None = None
    bookmarked: bool | None = None
    pinned: bool | None = None
    filtered: tuple[FilterResult, ...] = ()
    raw: Json = _raw()

    @property
    def original(self) -> Status:
        """The status whose content is shown: the boosted one for a boost, else itself."""
        return self.reblog or self

    @property
    def is_boost(self) -> bool:
        return self.reblog is not None

    @property
    def quoted_status(self) -> Status | None:
        """The quoted post (Mastodon 4.4+ ``quote.quoted_status``), when accepted and visible."""
        if not self.quote:
            return None
        inner = self.quote.get("quoted_status") if isinstance(self.quote, dict) else None
        return from_dict(Status, inner) if isinstance(inner, dict) else None


@dataclass(frozen=True)
class Notification:
    """https://docs.joinmastodon.org/entities/Notification/"""

    TYPES: ClassVar[tuple[str, ...]] = (
        "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll",
        "update", "quote", "admin.sign_up", "admin.report", "severed_relationships",
        "moderation_warning", "quoted_update",
    )

    id: str = ""
    type: str = ""
    created_at: datetime | None = None
    group_key: str | None = None
    account: Account = field(default_factory=Account)
    status: Status | None = None
    # Grouped notifications (Mastodon 4.3+): how many, and who (newest first).
    notifications_count: int = 1
    sample_accounts: tuple[Account, ...] = ()
    raw: Json = _raw()

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Everyone behind this (possibly grouped) notification, newest first."""
        return self.sample_accounts or (self.account,)


@dataclass(frozen=True)
class Relationship:
    """https://docs.joinmastodon.org/entities/Relationship/"""

    id: str = ""
    following: bool = False
    showing_reblogs: bool = True
    notifying: bool = False
    languages: tuple[str, ...] | None = None
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    requested: bool = False
    requested_by: bool = False
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""


@dataclass(frozen=True)
class UserList:
    """https://docs.joinmastodon.org/entities/List/"""

    id: str = ""
    title: str = ""
    replies_policy: str = "list"
    exclusive: bool = False


@dataclass(frozen=True)
class Marker:
    """https://docs.joinmastodon.org/entities/Marker/"""

    last_read_id: str = ""
    version: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Context:
    """https://docs.joinmastodon.org/entities/Context/"""

    ancestors: tuple[Status, ...] = ()
    descendants: tuple[Status, ...] = ()


@dataclass(frozen=True)
class Rule:
    """https://docs.joinmastodon.org/entities/Rule/"""

    id: str = ""
    text: str = ""
    hint: str = ""


@dataclass(frozen=True)
class OAuthApp:
    """https://docs.joinmastodon.org/entities/Application/#CredentialApplication"""

    id: str = ""
    name: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    redirect_uri: str = ""
    redirect_uris: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversation:
    """https://docs.joinmastodon.org/entities/Conversation/"""

    id: str = ""
    unread: bool = False
    accounts: tuple[Account, ...] = ()
    last_status: Status | None = None


@dataclass(frozen=True)
class SearchResults:
    """https://docs.joinmastodon.org/entities/Search/"""

    accounts: tuple[Account, ...] = ()
    statuses: tuple[Status, ...] = ()
    hashtags: tuple[Tag, ...] = ()


def status_sort_key(status_id: str) -> tuple[int, str]:
    """Order ids newest-last: Mastodon ids are numeric strings, others compare as text."""
    return (len(status_id), status_id) if status_id.isdigit() else (0, status_id)


def epoch() -> datetime:
    """A timezone-aware datetime at the Unix epoch, for sorting entities without a time."""
    return _EPOCH
