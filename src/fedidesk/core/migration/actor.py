"""Read an account's ActivityPub actor document from outside (``mastodon.md`` §7.3).

The REST Account entity does not expose ``also_known_as``; the actor JSON does, as
``alsoKnownAs``. ``find_actor`` tries, in order, the WebFinger ``self`` link
(``application/activity+json``) of ``user@domain`` on the account's server, then the
account entity's ``uri`` and ``url``; the first that answers with an actor wins.

Every request: https only except loopback (``require_secure_url``, redirects included via
``make_client``), no credentials, ``Accept: application/activity+json``, and the body is
read in chunks and abandoned past ``MAX_ACTOR_BYTES``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from fedidesk.core.entities import Account
from fedidesk.core.errors import FedideskError, NetworkError
from fedidesk.core.http import require_secure_url
from fedidesk.core.i18n import N_, _

#: An actor document is a few KB; 1 MiB is generous and still bounds memory.
MAX_ACTOR_BYTES = 1 << 20
ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
JRD_ACCEPT = "application/jrd+json, application/json"


class ActorError(FedideskError):
    """The actor document could not be fetched or was not an actor."""

    user_message = N_("The account's public profile data could not be read.")


@dataclass(frozen=True)
class Actor:
    """The parts of an actor document the move needs."""

    id: str
    also_known_as: tuple[str, ...] = ()
    moved_to: str = ""
    followers: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Actor:
        aka = data.get("alsoKnownAs") or ()
        if isinstance(aka, str):
            aka = (aka,)
        return cls(id=str(data.get("id") or ""),
                   also_known_as=tuple(str(a) for a in aka if isinstance(a, str)),
                   moved_to=str(data.get("movedTo") or ""),
                   followers=str(data.get("followers") or ""), raw=data)

    def knows_as(self, uri: str) -> bool:
        """True when ``alsoKnownAs`` lists ``uri`` (trailing slashes ignored)."""
        wanted = uri.rstrip("/")
        return any(a.rstrip("/") == wanted for a in self.also_known_as)


async def get_capped_json(client: httpx.AsyncClient, url: str, accept: str,
                          params: dict[str, str] | None = None,
                          limit: int = MAX_ACTOR_BYTES) -> Any:
    """GET ``url`` without credentials and parse at most ``limit`` bytes of JSON.

    Raises ``ActorError`` for a non-2xx answer, an oversized or unparsable body,
    ``InsecureUrlError`` for a non-https non-loopback URL, ``NetworkError`` when unreachable.
    """
    require_secure_url(url)
    host = httpx.URL(url).host
    try:
        async with client.stream("GET", url, params=params,
                                 headers={"Accept": accept}) as response:
            if not response.is_success:
                raise ActorError(_("{host} answered HTTP {status}.").format(
                    host=host, status=response.status_code),
                                 detail=f"GET {httpx.URL(url).path}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise ActorError(_("{host} sent a document that is too large.").format(
                    host=host))
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > limit:
                    raise ActorError(_("{host} sent a document that is too large.")
                                     .format(host=host))
    except httpx.TransportError as exc:
        raise NetworkError(_("Could not reach {host}.").format(host=host),
                           detail=f"{type(exc).__name__}") from exc
    try:
        return json.loads(bytes(body))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ActorError(_("{host} did not send JSON.").format(host=host)) from exc


async def fetch_actor(client: httpx.AsyncClient, url: str) -> Actor:
    """The actor document at ``url``; ``ActorError`` if it is not one."""
    data = await get_capped_json(client, url, ACCEPT)
    if not isinstance(data, dict) or not data.get("id"):
        raise ActorError(_("{host} did not send an ActivityPub actor.").format(
            host=httpx.URL(url).host))
    return Actor.from_json(data)


async def webfinger_actor_url(client: httpx.AsyncClient, base_url: str, handle: str) -> str:
    """The ``self`` (activity+json) link of ``acct:handle`` on ``base_url``, or ``""``."""
    try:
        data = await get_capped_json(client, f"{base_url.rstrip('/')}/.well-known/webfinger",
                                     JRD_ACCEPT, {"resource": f"acct:{handle.lstrip('@')}"})
    except ActorError:
        return ""
    links = data.get("links") if isinstance(data, dict) else None
    for link in links if isinstance(links, list) else []:
        if (isinstance(link, dict) and link.get("rel") == "self"
                and "json" in str(link.get("type", "")) and link.get("href")):
            return str(link["href"])
    return ""


async def find_actor(client: httpx.AsyncClient, base_url: str, handle: str,
                     account: Account | None = None) -> Actor:
    """The actor of ``handle``: WebFinger on ``base_url``, then ``account.uri``/``url``.

    Raises ``ActorError`` naming what was tried when no candidate gives an actor.
    """
    candidates = [await webfinger_actor_url(client, base_url, handle)]
    if account is not None:
        candidates += [account.uri, account.url]
    tried: list[str] = []
    last: FedideskError | None = None
    for url in dict.fromkeys(c for c in candidates if c):
        tried.append(url)
        try:
            return await fetch_actor(client, url)
        except FedideskError as exc:  # ActorError, NetworkError, InsecureUrlError
            last = exc
    where = ", ".join(tried) or _("no address (WebFinger found nothing)")
    if last:
        raise ActorError(_("Could not read the ActivityPub profile of {handle}: tried {where} "
                           "({reason}).").format(handle=handle, where=where,
                                                 reason=last.user_message))
    raise ActorError(_("Could not read the ActivityPub profile of {handle}: tried {where}.")
                     .format(handle=handle, where=where))
