"""The async Mastodon client API: one ``MastodonApi`` per account (or per anonymous host).

Everything goes through ``request()``, which sends via ``fedidesk.core.http.send`` (rate
limits, bounded retries, no blind re-POSTs) and maps error responses onto
``fedidesk.core.errors`` with messages that quote the server's own ``error`` text.
Entity methods are thin: a path, parameters and the entity class to build.
"""

from __future__ import annotations

import copy
import json as jsonlib
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, is_dataclass
from typing import IO, TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack, cast
from urllib.parse import parse_qsl, urlsplit

import httpx

from fedidesk.core.clock import Clock, SystemClock
from fedidesk.core.entities import (
    Account,
    Context,
    Conversation,
    Filter,
    Json,
    Marker,
    MediaAttachment,
    Notification,
    Poll,
    Relationship,
    SearchResults,
    Status,
    Tag,
    UserList,
    from_dict,
)
from fedidesk.core.errors import (
    ApiError,
    AuthExpiredError,
    ForbiddenError,
    NotFoundError,
    NotSupportedError,
    RateLimitedError,
    ServerUnavailableError,
    ValidationError,
)
from fedidesk.core.http import (
    DEFAULT_TIMEOUT,
    RetryPolicy,
    Sender,
    make_client,
    require_secure_url,
    send,
)
from fedidesk.core.i18n import _
from fedidesk.core.ratelimit import USER, Priority, RateLimitGovernor, governor_for
from fedidesk.core.redact import register_secret

if TYPE_CHECKING:
    from fedidesk.core.mastopy import MastodonPyBridge

T = TypeVar("T")
Params = Mapping[str, object]
PAGING_KEYS = ("max_id", "min_id", "since_id")


class Paging(TypedDict, total=False):
    """Cursor parameters every paginated endpoint accepts."""

    max_id: str
    min_id: str
    since_id: str
    limit: int


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results plus the cursors from the ``Link`` header."""

    items: list[T]
    next_params: dict[str, str] | None = None
    prev_params: dict[str, str] | None = None
    raw: Json = field(default_factory=dict, repr=False)


def link_params(response: httpx.Response, rel: str) -> dict[str, str] | None:
    """The cursor parameters (``max_id``/``min_id``/``since_id``) of the ``rel`` link."""
    url = response.links.get(rel, {}).get("url")
    if not url:
        return None
    query = dict(parse_qsl(urlsplit(url).query))
    cursors = {k: v for k, v in query.items() if k in PAGING_KEYS}
    return cursors or None


def encode_params(params: Params | None) -> list[tuple[str, str]]:
    """Query parameters as Mastodon wants them: no ``None``, ``true``/``false``, ``k[]`` lists."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            name = key if key.endswith("[]") else f"{key}[]"
            pairs.extend((name, _scalar(v)) for v in value)
        else:
            pairs.append((key, _scalar(value)))
    return pairs


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _drop_none(data: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in data.items() if v is not None}


def _converter(entity: type[T] | Callable[[Any], T]) -> Callable[[Any], T]:
    if isinstance(entity, type) and is_dataclass(entity):
        cls = cast(type[T], entity)
        return lambda item: from_dict(cls, item if isinstance(item, dict) else {})
    return cast(Callable[[Any], T], entity)


def _error_body(response: httpx.Response) -> Json | None:
    """The JSON error body, or ``None`` when the server sent HTML or garbage."""
    try:
        body = response.json()
    except (jsonlib.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _quote(text: str) -> str:
    return f": “{text}”" if text else "."


def map_error(response: httpx.Response) -> ApiError:
    """The error for a non-2xx response; quotes the server's ``error`` text where it exists."""
    status, host = response.status_code, response.url.host
    body = _error_body(response)
    text = str((body or {}).get("error") or "")
    details = (body or {}).get("details")
    kw: dict[str, Any] = {"status": status, "server_error": text,
                          "detail": f"{response.request.method} {response.url.path} → {status}"}
    if status == 401:
        return AuthExpiredError(**kw)
    if status == 403:
        return ForbiddenError(_("{host} does not allow this for your account{quote}").format(
            host=host, quote=_quote(text)), **kw)
    if status == 404 and body is None:
        return NotSupportedError(_("This feature is not supported by {host}.").format(host=host),
                                 **kw)
    if status in (404, 410):
        return NotFoundError(_("{host} could not find it{quote}").format(
            host=host, quote=_quote(text)), **kw)
    if status == 422:
        return ValidationError(_("{host} did not accept this{quote}").format(host=host,
                                                                         quote=_quote(text)),
                               details=details if isinstance(details, dict) else None, **kw)
    if status == 429:
        return RateLimitedError(detail=kw["detail"])
    if status >= 500:
        return ServerUnavailableError(
            _("{host} is having trouble (HTTP {status}){quote} Try again in a few "
              "minutes.").format(host=host, status=status, quote=_quote(text)),
            **kw)
    return ApiError(_("{host} refused the request (HTTP {status}){quote}").format(
        host=host, status=status, quote=_quote(text)), **kw)


def parse_json(response: httpx.Response) -> Any:
    """The response body as JSON; ``ServerUnavailableError`` if it is truncated or not JSON."""
    try:
        return response.json()
    except (jsonlib.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ServerUnavailableError(
            _("{host} sent an incomplete or unreadable answer. Try again in a "
              "moment.").format(host=response.url.host),
            status=response.status_code,
            detail=f"{response.request.method} {response.url.path}: invalid JSON ({exc.msg})"
            if isinstance(exc, jsonlib.JSONDecodeError) else type(exc).__name__,
        ) from exc


class MastodonApi:
    """Async client for one account's server (or an anonymous one when ``token`` is None)."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        client: httpx.AsyncClient | None = None,
        governor: RateLimitGovernor | None = None,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = require_secure_url(base_url.rstrip("/"))
        register_secret(token)
        self._token = token
        self.clock: Clock = clock or SystemClock()
        self._owns_client = client is None
        self.client = client or make_client(timeout)
        self.governor = governor or governor_for(self.base_url, token, clock=self.clock)
        self._sender = Sender(self.client, self.governor, policy or RetryPolicy(), self.clock)
        self._bridge: MastodonPyBridge | None = None
        self.priority: Priority = USER  # what request() uses unless told otherwise

    def background(self) -> MastodonApi:
        """A view sharing client and budget whose requests default to ``BACKGROUND``."""
        view = copy.copy(self)
        view.priority, view._owns_client, view._bridge = Priority.BACKGROUND, False, None
        return view

    async def aclose(self) -> None:
        """Close the HTTP client if we created it, and the Mastodon.py worker pool."""
        if self._bridge is not None:
            self._bridge.close()
        if self._owns_client:
            await self.client.aclose()

    async def __aenter__(self) -> MastodonApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- core -----------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: object = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        priority: Priority | None = None,
    ) -> httpx.Response:
        """Send one API request; returns the 2xx response or raises a mapped error."""
        headers = {}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = self.client.build_request(
            method.upper(), self.base_url + path, params=tuple(encode_params(params)), json=json,
            data=data, files=files, headers=headers,
        )
        response = await send(self._sender, request, priority=priority or self.priority)
        if not response.is_success:
            raise map_error(response)
        return response

    async def get_json(self, path: str, params: Params | None = None, **kw: Any) -> Any:
        """GET ``path`` and return its JSON."""
        return parse_json(await self.request("GET", path, params=params, **kw))

    async def _call(self, method: str, path: str, **kw: Any) -> Any:
        return parse_json(await self.request(method, path, **kw))

    async def _one(self, cls: type[T], method: str, path: str, **kw: Any) -> T:
        data = await self._call(method, path, **kw)
        if not isinstance(data, dict):
            raise ServerUnavailableError(detail=f"{path}: expected an object")
        return from_dict(cls, data)

    async def _many(self, cls: type[T], path: str, params: Params | None = None) -> list[T]:
        data = await self.get_json(path, params)
        if not isinstance(data, list):
            raise ServerUnavailableError(detail=f"{path}: expected a list")
        return [from_dict(cls, item) for item in data if isinstance(item, dict)]

    async def get_page(
        self, path: str, entity: type[T] | Callable[[Any], T], params: Params | None = None,
        *, priority: Priority | None = None,
    ) -> Page[T]:
        """GET one page of a list endpoint, with ``Link`` cursors."""
        response = await self.request("GET", path, params=params, priority=priority)
        data = parse_json(response)
        if not isinstance(data, list):
            raise ServerUnavailableError(detail=f"{path}: expected a list")
        convert = _converter(entity)
        return Page([convert(item) for item in data], link_params(response, "next"),
                    link_params(response, "prev"))

    async def paginate(
        self, path: str, entity_cls: type[T] | Callable[[Any], T],
        params: Params | None = None, max_pages: int | None = None,
        *, priority: Priority | None = None,
    ) -> AsyncIterator[list[T]]:
        """Yield pages following ``rel=next`` until the end or ``max_pages``."""
        base = {k: v for k, v in (params or {}).items() if k not in PAGING_KEYS}
        current: Params | None = params
        pages = 0
        while current is not None and (max_pages is None or pages < max_pages):
            page = await self.get_page(path, entity_cls, current, priority=priority)
            pages += 1
            if not page.items:
                return
            yield page.items
            current = {**base, **page.next_params} if page.next_params else None

    # --- accounts -------------------------------------------------------------

    async def verify_credentials(self) -> Account:
        return await self._one(Account, "GET", "/api/v1/accounts/verify_credentials")

    async def instance(self) -> Json:
        """The instance document: ``/api/v2/instance``, falling back to v1 on old servers."""
        try:
            return cast(Json, await self.get_json("/api/v2/instance"))
        except (NotFoundError, NotSupportedError):
            return cast(Json, await self.get_json("/api/v1/instance"))

    async def account(self, account_id: str) -> Account:
        return await self._one(Account, "GET", f"/api/v1/accounts/{account_id}")

    async def lookup(self, acct: str) -> Account:
        return await self._one(Account, "GET", "/api/v1/accounts/lookup",
                               params={"acct": acct.lstrip("@")})

    async def following(self, account_id: str, **paging: Unpack[Paging]) -> Page[Account]:
        return await self.get_page(f"/api/v1/accounts/{account_id}/following", Account,
                                   dict(paging))

    async def endorsements(self, **paging: Unpack[Paging]) -> Page[Account]:
        return await self.get_page("/api/v1/endorsements", Account, dict(paging))

    async def featured_tags(self) -> list[Json]:
        return cast(list[Json], await self.get_json("/api/v1/featured_tags"))

    async def relationships(self, ids: Sequence[str]) -> list[Relationship]:
        return await self._many(Relationship, "/api/v1/accounts/relationships",
                                {"id": list(ids), "with_suspended": True})

    async def follow(
        self, account_id: str, *, reblogs: bool | None = None, notify: bool | None = None,
        languages: Sequence[str] | None = None,
    ) -> Relationship:
        body = _drop_none({"reblogs": reblogs, "notify": notify,
                           "languages": list(languages) if languages is not None else None})
        return await self._one(Relationship, "POST", f"/api/v1/accounts/{account_id}/follow",
                               json=body)

    async def unfollow(self, account_id: str) -> Relationship:
        return await self._one(Relationship, "POST", f"/api/v1/accounts/{account_id}/unfollow")

    async def update_credentials(
        self, display_name: str | None = None, note: str | None = None,
        fields: Sequence[tuple[str, str]] | None = None,
    ) -> Account:
        """Update the profile through Mastodon.py, which encodes ``fields_attributes`` right."""
        return await self.bridge.call_entity(
            Account, "account_update_credentials", display_name=display_name, note=note,
            fields=list(fields) if fields is not None else None, idempotent=True)

    @property
    def bridge(self) -> MastodonPyBridge:
        """The Mastodon.py bridge sharing this API's token, governor and clock (lazy)."""
        if self._bridge is None:
            from fedidesk.core.mastopy import MastodonPyBridge  # lazy: Mastodon.py is heavy

            self._bridge = MastodonPyBridge(self.base_url, self._token, governor=self.governor,
                                            clock=self.clock, policy=self._sender.policy)
        return self._bridge

    # --- timelines ------------------------------------------------------------

    async def timeline_home(self, **paging: Unpack[Paging]) -> Page[Status]:
        return await self.get_page("/api/v1/timelines/home", Status, dict(paging))

    async def timeline_public(
        self, *, local: bool = False, remote: bool = False, only_media: bool = False,
        **paging: Unpack[Paging],
    ) -> Page[Status]:
        params = {"local": local or None, "remote": remote or None,
                  "only_media": only_media or None, **paging}
        return await self.get_page("/api/v1/timelines/public", Status, params)

    async def timeline_tag(
        self, tag: str, *, any_tags: Sequence[str] = (), all_tags: Sequence[str] = (),
        none_tags: Sequence[str] = (), local: bool = False, only_media: bool = False,
        **paging: Unpack[Paging],
    ) -> Page[Status]:
        params = {"any": list(any_tags) or None, "all": list(all_tags) or None,
                  "none": list(none_tags) or None, "local": local or None,
                  "only_media": only_media or None, **paging}
        return await self.get_page(f"/api/v1/timelines/tag/{tag.lstrip('#')}", Status, params)

    async def timeline_list(self, list_id: str, **paging: Unpack[Paging]) -> Page[Status]:
        return await self.get_page(f"/api/v1/timelines/list/{list_id}", Status, dict(paging))

    async def account_statuses(
        self, account_id: str, *, exclude_replies: bool = False, exclude_reblogs: bool = False,
        only_media: bool = False, pinned: bool = False, **paging: Unpack[Paging],
    ) -> Page[Status]:
        params = {"exclude_replies": exclude_replies or None, "only_media": only_media or None,
                  "exclude_reblogs": exclude_reblogs or None, "pinned": pinned or None, **paging}
        return await self.get_page(f"/api/v1/accounts/{account_id}/statuses", Status, params)

    async def bookmarks(self, **paging: Unpack[Paging]) -> Page[Status]:
        return await self.get_page("/api/v1/bookmarks", Status, dict(paging))

    async def favourites(self, **paging: Unpack[Paging]) -> Page[Status]:
        return await self.get_page("/api/v1/favourites", Status, dict(paging))

    async def conversations(self, **paging: Unpack[Paging]) -> Page[Conversation]:
        return await self.get_page("/api/v1/conversations", Conversation, dict(paging))

    async def trends_statuses(self, *, limit: int | None = None, offset: int | None = None
                              ) -> list[Status]:
        return await self._many(Status, "/api/v1/trends/statuses",
                                {"limit": limit, "offset": offset})

    # --- notifications --------------------------------------------------------

    async def notifications(
        self, *, types: Sequence[str] | None = None, exclude_types: Sequence[str] | None = None,
        **paging: Unpack[Paging],
    ) -> Page[Notification]:
        params = {"types": types, "exclude_types": exclude_types, **paging}
        return await self.get_page("/api/v1/notifications", Notification, params)

    async def notifications_grouped(
        self, *, types: Sequence[str] | None = None, exclude_types: Sequence[str] | None = None,
        grouped_types: Sequence[str] | None = None, **paging: Unpack[Paging],
    ) -> Page[Json]:
        """``/api/v2/notifications``: items are the raw groups; ``raw`` is the whole body."""
        params = {"types": types, "exclude_types": exclude_types,
                  "grouped_types": grouped_types, **paging}
        response = await self.request("GET", "/api/v2/notifications", params=params)
        body = parse_json(response)
        body = body if isinstance(body, dict) else {}
        groups = [g for g in body.get("notification_groups", []) if isinstance(g, dict)]
        return Page(groups, link_params(response, "next"), link_params(response, "prev"), body)

    # --- statuses -------------------------------------------------------------

    async def status(self, status_id: str) -> Status:
        return await self._one(Status, "GET", f"/api/v1/statuses/{status_id}")

    async def context(self, status_id: str) -> Context:
        return await self._one(Context, "GET", f"/api/v1/statuses/{status_id}/context")

    async def _status_action(self, status_id: str, action: str, **kw: Any) -> Status:
        return await self._one(Status, "POST", f"/api/v1/statuses/{status_id}/{action}", **kw)

    async def favourite(self, status_id: str) -> Status:
        return await self._status_action(status_id, "favourite")

    async def unfavourite(self, status_id: str) -> Status:
        return await self._status_action(status_id, "unfavourite")

    async def reblog(self, status_id: str, visibility: str | None = None) -> Status:
        return await self._status_action(status_id, "reblog",
                                         json=_drop_none({"visibility": visibility}))

    async def unreblog(self, status_id: str) -> Status:
        return await self._status_action(status_id, "unreblog")

    async def bookmark(self, status_id: str) -> Status:
        return await self._status_action(status_id, "bookmark")

    async def unbookmark(self, status_id: str) -> Status:
        return await self._status_action(status_id, "unbookmark")

    async def mute_conversation(self, status_id: str) -> Status:
        return await self._status_action(status_id, "mute")

    async def unmute_conversation(self, status_id: str) -> Status:
        return await self._status_action(status_id, "unmute")

    async def delete_status(self, status_id: str) -> Status:
        return await self._one(Status, "DELETE", f"/api/v1/statuses/{status_id}")

    async def post_status(
        self, text: str, *, in_reply_to_id: str | None = None, spoiler_text: str | None = None,
        visibility: str | None = None, language: str | None = None,
        media_ids: Sequence[str] | None = None, poll: Json | None = None,
        sensitive: bool | None = None, idempotency_key: str | None = None,
    ) -> Status:
        """Post; always with an ``Idempotency-Key`` so a retry can never post twice."""
        body = _drop_none({
            "status": text, "in_reply_to_id": in_reply_to_id, "spoiler_text": spoiler_text,
            "visibility": visibility, "language": language, "poll": poll,
            "media_ids": list(media_ids) if media_ids else None, "sensitive": sensitive})
        return await self._one(Status, "POST", "/api/v1/statuses", json=body,
                               idempotency_key=idempotency_key or str(uuid.uuid4()))

    async def edit_status(
        self, status_id: str, text: str, *, spoiler_text: str | None = None,
        sensitive: bool | None = None, language: str | None = None,
        media_ids: Sequence[str] | None = None, poll: Json | None = None,
        media_attributes: Sequence[Json] | None = None,
    ) -> Status:
        """``PUT /api/v1/statuses/:id``. ``media_attributes`` (``id``, ``description``…)
        change attachments the post already has: ``PUT /api/v1/media/:id`` refuses those."""
        body = _drop_none({"status": text, "spoiler_text": spoiler_text, "sensitive": sensitive,
                           "language": language, "poll": poll,
                           "media_ids": list(media_ids) if media_ids is not None else None,
                           "media_attributes": list(media_attributes)
                           if media_attributes else None})
        return await self._one(Status, "PUT", f"/api/v1/statuses/{status_id}", json=body)

    async def status_source(self, status_id: str) -> Json:
        """The plain text and CW of an own post, for editing."""
        return cast(Json, await self.get_json(f"/api/v1/statuses/{status_id}/source"))

    async def status_history(self, status_id: str) -> list[Json]:
        return cast(list[Json], await self.get_json(f"/api/v1/statuses/{status_id}/history"))

    async def vote(self, poll_id: str, choices: Sequence[int]) -> Poll:
        """``POST /api/v1/polls/:id/votes`` with ``choices[]`` (option indexes)."""
        return await self._one(Poll, "POST", f"/api/v1/polls/{poll_id}/votes",
                               data={"choices[]": [str(c) for c in choices]})

    async def translate(self, status_id: str, lang: str | None = None) -> Json:
        return cast(Json, await self._call("POST", f"/api/v1/statuses/{status_id}/translate",
                                           json=_drop_none({"lang": lang})))

    # --- media ----------------------------------------------------------------

    async def upload_media(
        self, file: bytes | IO[bytes], *, filename: str = "upload", mime_type: str | None = None,
        description: str | None = None, focus: tuple[float, float] | None = None,
    ) -> MediaAttachment:
        """``POST /api/v2/media``; a 202 means still processing (``url`` is ``None``)."""
        upload = (filename, file, mime_type) if mime_type else (filename, file)
        data = _drop_none({"description": description,
                           "focus": f"{focus[0]},{focus[1]}" if focus else None})
        return await self._one(MediaAttachment, "POST", "/api/v2/media",
                               files={"file": upload}, data=data)

    async def media(self, media_id: str) -> MediaAttachment:
        """Poll an upload: 206 while processing (returned as is), 200 when done."""
        return await self._one(MediaAttachment, "GET", f"/api/v1/media/{media_id}")

    # --- markers and lists ----------------------------------------------------

    async def markers(self, timelines: Sequence[str] = ("home", "notifications")
                      ) -> dict[str, Marker]:
        data = await self.get_json("/api/v1/markers", {"timeline": list(timelines)})
        return {k: from_dict(Marker, v) for k, v in (data or {}).items() if isinstance(v, dict)}

    async def set_markers(self, *, home: str | None = None, notifications: str | None = None
                          ) -> dict[str, Marker]:
        body = {name: {"last_read_id": value} for name, value
                in (("home", home), ("notifications", notifications)) if value}
        data = await self._call("POST", "/api/v1/markers", json=body)
        return {k: from_dict(Marker, v) for k, v in (data or {}).items() if isinstance(v, dict)}

    async def lists(self) -> list[UserList]:
        return await self._many(UserList, "/api/v1/lists")

    async def create_list(self, title: str, *, replies_policy: str = "list",
                          exclusive: bool = False) -> UserList:
        return await self._one(UserList, "POST", "/api/v1/lists", json={
            "title": title, "replies_policy": replies_policy, "exclusive": exclusive})

    async def list_accounts(self, list_id: str, **paging: Unpack[Paging]) -> Page[Account]:
        return await self.get_page(f"/api/v1/lists/{list_id}/accounts", Account, dict(paging))

    async def add_list_accounts(self, list_id: str, account_ids: Sequence[str]) -> None:
        await self.request("POST", f"/api/v1/lists/{list_id}/accounts",
                           json={"account_ids": list(account_ids)})

    # --- search, tags, discovery ----------------------------------------------

    async def search(
        self, q: str, *, type: str | None = None, resolve: bool = False,
        limit: int | None = None, following: bool = False,
    ) -> SearchResults:
        params = {"q": q, "type": type, "resolve": resolve, "limit": limit,
                  "following": following or None}
        return await self._one(SearchResults, "GET", "/api/v2/search", params=params)

    async def followed_tags(self, **paging: Unpack[Paging]) -> Page[Tag]:
        return await self.get_page("/api/v1/followed_tags", Tag, dict(paging))

    async def tag(self, name: str) -> Tag:
        return await self._one(Tag, "GET", f"/api/v1/tags/{name.lstrip('#')}")

    async def follow_tag(self, name: str) -> Tag:
        return await self._one(Tag, "POST", f"/api/v1/tags/{name.lstrip('#')}/follow")

    async def unfollow_tag(self, name: str) -> Tag:
        return await self._one(Tag, "POST", f"/api/v1/tags/{name.lstrip('#')}/unfollow")

    async def suggestions(self, limit: int | None = None) -> list[Account]:
        data = await self.get_json("/api/v2/suggestions", {"limit": limit})
        return [from_dict(Account, s["account"]) for s in data or []
                if isinstance(s, dict) and isinstance(s.get("account"), dict)]

    async def directory(self, *, offset: int | None = None, limit: int | None = None,
                        order: str = "active", local: bool = False) -> list[Account]:
        return await self._many(Account, "/api/v1/directory", {
            "offset": offset, "limit": limit, "order": order, "local": local or None})

    # --- moderation by the user -----------------------------------------------

    async def mutes(self, **paging: Unpack[Paging]) -> Page[Account]:
        return await self.get_page("/api/v1/mutes", Account, dict(paging))

    async def blocks(self, **paging: Unpack[Paging]) -> Page[Account]:
        return await self.get_page("/api/v1/blocks", Account, dict(paging))

    async def domain_blocks(self, **paging: Unpack[Paging]) -> Page[str]:
        return await self.get_page("/api/v1/domain_blocks", str, dict(paging))

    async def block(self, account_id: str) -> Relationship:
        return await self._one(Relationship, "POST", f"/api/v1/accounts/{account_id}/block")

    async def unblock(self, account_id: str) -> Relationship:
        return await self._one(Relationship, "POST", f"/api/v1/accounts/{account_id}/unblock")

    async def mute(self, account_id: str, *, duration: int | None = None,
                   notifications: bool = True) -> Relationship:
        return await self._one(Relationship, "POST", f"/api/v1/accounts/{account_id}/mute",
                               json=_drop_none({"duration": duration,
                                                "notifications": notifications}))

    async def unmute(self, account_id: str) -> Relationship:
        return await self._one(Relationship, "POST", f"/api/v1/accounts/{account_id}/unmute")

    async def domain_block(self, domain: str) -> None:
        await self.request("POST", "/api/v1/domain_blocks", data={"domain": domain})

    async def domain_unblock(self, domain: str) -> None:
        await self.request("DELETE", "/api/v1/domain_blocks", params={"domain": domain})

    async def report(
        self, account_id: str, *, status_ids: Sequence[str] = (), comment: str = "",
        forward: bool = False, category: str | None = None, rule_ids: Sequence[str] = (),
    ) -> Json:
        body = _drop_none({"account_id": account_id, "status_ids": list(status_ids),
                           "comment": comment, "forward": forward, "category": category,
                           "rule_ids": list(rule_ids) or None})
        return cast(Json, await self._call("POST", "/api/v1/reports", json=body))

    # --- filters (v2) ---------------------------------------------------------

    async def filters(self) -> list[Filter]:
        return await self._many(Filter, "/api/v2/filters")

    async def create_filter(
        self, title: str, context: Sequence[str], *, filter_action: str = "warn",
        expires_in: int | None = None, keywords: Sequence[tuple[str, bool]] = (),
    ) -> Filter:
        body = _drop_none({"title": title, "context": list(context), "expires_in": expires_in,
                           "filter_action": filter_action, "keywords_attributes": [
                               {"keyword": k, "whole_word": w} for k, w in keywords]})
        return await self._one(Filter, "POST", "/api/v2/filters", json=body)

    async def update_filter(
        self, filter_id: str, *, title: str | None = None, context: Sequence[str] | None = None,
        filter_action: str | None = None, expires_in: int | None = None,
    ) -> Filter:
        body = _drop_none({"title": title, "filter_action": filter_action,
                           "context": list(context) if context is not None else None,
                           "expires_in": expires_in})
        return await self._one(Filter, "PUT", f"/api/v2/filters/{filter_id}", json=body)

    async def delete_filter(self, filter_id: str) -> None:
        await self.request("DELETE", f"/api/v2/filters/{filter_id}")
