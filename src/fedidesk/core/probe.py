"""Find out what a server is and what it can do, before anyone signs in.

``probe_server("mastodon.social")`` reads, concurrently and without a token:

* ``/.well-known/nodeinfo`` → the NodeInfo 2.x document (software name/version, users,
  ``openRegistrations``). Forks (glitch-soc, hometown) report ``mastodon`` too; anything else
  is allowed but flagged in ``warnings`` (``mastodon.md`` §1.3, §10);
* ``/api/v2/instance`` (``/api/v1/instance`` on servers older than 4.0) → limits, rules,
  registrations, streaming URL, ``api_versions.mastodon``;
* ``/.well-known/oauth-authorization-server`` (RFC 8414, Mastodon 4.3+) → PKCE support.

Feature flags are feature-detected, never guessed from version strings, except
``profile_api`` which has no other signal (see ``_features``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from fedidesk.core.api import map_error, parse_json
from fedidesk.core.entities import Json, Rule, from_dict
from fedidesk.core.errors import (
    FedideskError,
    InvalidAddressError,
    NetworkError,
    NotFoundError,
    NotSupportedError,
    ServerUnavailableError,
)
from fedidesk.core.http import is_loopback_host, make_client, require_secure_url
from fedidesk.core.i18n import _

NODEINFO_SCHEMA = re.compile(r"^https?://nodeinfo\.diaspora\.software/ns/schema/2\.\d+$")
_HOST = re.compile(r"^[a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff.-]*[a-z0-9\u00a1-\uffff])?$")


@dataclass(frozen=True)
class Registrations:
    """Whether and how people can sign up here."""

    enabled: bool = False
    approval_required: bool = False
    reason_required: bool = False
    min_age: int | None = None
    message: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Limits:
    """What the composer and profile editor must respect (Mastodon defaults when absent)."""

    max_characters: int = 500
    max_media_attachments: int = 4
    characters_reserved_per_url: int = 23
    poll_max_options: int = 4
    poll_max_characters_per_option: int = 50
    poll_min_expiration: int = 300
    poll_max_expiration: int = 2_629_746
    max_profile_fields: int = 4
    profile_field_name_limit: int = 255
    profile_field_value_limit: int = 255


@dataclass(frozen=True)
class Features:
    """What this server supports, as far as it tells us."""

    pkce: bool = False
    followed_tags: bool = False
    filters_v2: bool = False
    grouped_notifications: bool = False
    profile_api: bool = False
    translation: bool = False
    streaming: bool = False


@dataclass(frozen=True)
class ServerInfo:
    """Everything the onboarding wizard and ``fedidesk server-info`` show about a server."""

    domain: str
    base_url: str
    title: str = ""
    description: str = ""
    version: str = ""
    software_name: str = ""
    software_version: str = ""
    is_mastodon: bool = False
    api_version: int = 0
    languages: tuple[str, ...] = ()
    users_total: int | None = None
    users_active_month: int | None = None
    open_registrations: bool | None = None
    registrations: Registrations = field(default_factory=Registrations)
    contact_email: str = ""
    rules: tuple[Rule, ...] = ()
    streaming_url: str | None = None
    limits: Limits = field(default_factory=Limits)
    features: Features = field(default_factory=Features)
    instance_api: int = 2
    response_ms: int = 0
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able data (tuples become lists), for ``fedidesk server-info --json``."""
        data: dict[str, Any] = _jsonable(dataclasses.asdict(self))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --- address normalisation ----------------------------------------------------------


def normalize_address(address: str) -> str:
    """``mastodon.social``, ``https://x/``, ``@user@x``, ``user@x`` → ``https://x`` (base URL).

    Loopback hosts get ``http://`` unless a scheme was given; anything else must be https.
    """
    text = address.strip()
    if not text:
        raise InvalidAddressError()
    if "://" not in text:
        text = text.lstrip("@").rsplit("@", 1)[-1]
        host = urlsplit(f"//{text}").hostname or ""
        text = f"{'http' if is_loopback_host(host) else 'https'}://{text}"
    parts = urlsplit(text)
    host = (parts.hostname or "").rstrip(".")
    if not host or not (_valid_host(host)):
        raise InvalidAddressError(detail=f"invalid host in {address!r}")
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return require_secure_url(f"{parts.scheme.lower()}://{netloc}")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    return bool(_HOST.match(host)) and ("." in host or is_loopback_host(host))


# --- fetching ---------------------------------------------------------------------


async def _get(client: httpx.AsyncClient, url: str) -> httpx.Response:
    try:
        return await client.get(url, headers={"Accept": "application/json"})
    except httpx.TimeoutException as exc:
        host = httpx.URL(url).host
        raise NetworkError(_("{host} did not answer in time. Check the address and your "
                             "connection.").format(host=host), detail=type(exc).__name__) from exc
    except httpx.TransportError as exc:
        host = httpx.URL(url).host
        raise NetworkError(_("Could not reach {host}. Check the address and your "
                             "connection.").format(host=host),
                           detail=f"{type(exc).__name__}: {exc}") from exc


async def _get_json(client: httpx.AsyncClient, url: str) -> Any:
    response = await _get(client, url)
    if not response.is_success:
        raise map_error(response)
    return parse_json(response)


async def _optional_json(client: httpx.AsyncClient, url: str) -> Json | None:
    """A document that may legitimately be missing; any failure is ``None``."""
    try:
        data = await _get_json(client, url)
    except FedideskError:
        return None
    return data if isinstance(data, dict) else None


async def fetch_nodeinfo(client: httpx.AsyncClient, base_url: str) -> Json | None:
    """The NodeInfo 2.x document, following ``/.well-known/nodeinfo``; ``None`` if absent."""
    index = await _optional_json(client, f"{base_url}/.well-known/nodeinfo")
    links = index.get("links") if index else None
    hrefs = [link.get("href") for link in links or [] if isinstance(link, dict)
             and NODEINFO_SCHEMA.match(str(link.get("rel", "")))]
    # Highest schema version first (2.1 over 2.0).
    for href in sorted((h for h in hrefs if isinstance(h, str)), reverse=True):
        try:
            require_secure_url(href)
        except FedideskError:
            continue
        document = await _optional_json(client, href)
        if document:
            return document
    return None


async def fetch_instance(client: httpx.AsyncClient, base_url: str) -> tuple[Json, int]:
    """``(instance document, 2 or 1)``; ``NotSupportedError`` if there is no client API."""
    for version in (2, 1):
        try:
            data = await _get_json(client, f"{base_url}/api/v{version}/instance")
        except (NotFoundError, NotSupportedError):
            continue
        except ServerUnavailableError as exc:
            if exc.status == 200:  # 200 but not JSON: a web page, not an API
                break
            raise
        if isinstance(data, dict):
            return data, version
        break
    host = httpx.URL(base_url).host
    raise NotSupportedError(
        _("{host} does not offer the Mastodon client API, so fedidesk cannot use it. "
          "Check the address, or pick a Mastodon server.").format(host=host))


async def probe_server(address: str, *, client: httpx.AsyncClient | None = None) -> ServerInfo:
    """Probe ``address`` and describe the server (see the module docstring)."""
    base_url = normalize_address(address)
    own = client is None
    http = client or make_client(timeout=15)
    try:
        started = time.monotonic()
        instance_task = asyncio.ensure_future(fetch_instance(http, base_url))
        nodeinfo, oauth = await asyncio.gather(
            fetch_nodeinfo(http, base_url),
            _optional_json(http, f"{base_url}/.well-known/oauth-authorization-server"))
        instance, instance_api = await instance_task
        elapsed_ms = int((time.monotonic() - started) * 1000)
    finally:
        if own:
            await http.aclose()
    return build_server_info(base_url, instance, instance_api, nodeinfo, oauth, elapsed_ms)


# --- interpretation ---------------------------------------------------------------


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _registrations(instance: Json) -> Registrations:
    reg = instance.get("registrations")
    if isinstance(reg, dict):
        return Registrations(
            enabled=bool(reg.get("enabled")),
            approval_required=bool(reg.get("approval_required")),
            reason_required=bool(reg.get("reason_required")),
            min_age=reg.get("min_age") if isinstance(reg.get("min_age"), int) else None,
            message=reg.get("message") or None, url=reg.get("url") or None)
    # v1: a bare boolean plus a sibling flag.
    return Registrations(enabled=bool(reg), approval_required=bool(
        instance.get("approval_required")))


def _limits(instance: Json) -> Limits:
    config = instance.get("configuration") or {}
    statuses, polls = config.get("statuses") or {}, config.get("polls") or {}
    accounts = config.get("accounts") or {}
    d = Limits()
    return Limits(
        max_characters=_int(statuses.get("max_characters"),
                            _int(instance.get("max_toot_chars"), d.max_characters)),
        max_media_attachments=_int(statuses.get("max_media_attachments"),
                                   d.max_media_attachments),
        characters_reserved_per_url=_int(statuses.get("characters_reserved_per_url"),
                                         d.characters_reserved_per_url),
        poll_max_options=_int(polls.get("max_options"), d.poll_max_options),
        poll_max_characters_per_option=_int(polls.get("max_characters_per_option"),
                                            d.poll_max_characters_per_option),
        poll_min_expiration=_int(polls.get("min_expiration"), d.poll_min_expiration),
        poll_max_expiration=_int(polls.get("max_expiration"), d.poll_max_expiration),
        max_profile_fields=_int(accounts.get("max_profile_fields"), d.max_profile_fields),
        profile_field_name_limit=_int(accounts.get("profile_field_name_limit"),
                                      d.profile_field_name_limit),
        profile_field_value_limit=_int(accounts.get("profile_field_value_limit"),
                                       d.profile_field_value_limit),
    )


def _version_tuple(version: str) -> tuple[int, ...]:
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _features(instance: Json, instance_api: int, api_version: int, is_mastodon: bool,
              oauth: Json | None, streaming_url: str | None) -> Features:
    """Decisions (documented here because other modules rely on them):

    * ``pkce``: the RFC 8414 metadata lists S256, or ``api_versions.mastodon >= 2`` (4.3,
      where PKCE arrived, also introduced ``api_versions``). Sending PKCE to a server that
      ignores it is harmless (Takahē), so the login flow may send it regardless.
    * ``followed_tags``/``filters_v2``: Mastodon 4.0+, detected by a working v2 instance
      endpoint on Mastodon software; other software must prove it by using them.
    * ``grouped_notifications``: ``api_versions.mastodon >= 2`` (4.3).
    * ``profile_api`` (``/api/v1/profile``, 4.6): the 4.6 ``max_profile_fields`` setting is
      present, or Mastodon reports version 4.6 or later; there is no other signal.
    """
    accounts = _dig(instance, "configuration", "accounts") or {}
    modern = is_mastodon and instance_api == 2
    s256 = "S256" in ((oauth or {}).get("code_challenge_methods_supported") or [])
    profile = "max_profile_fields" in accounts or (
        is_mastodon and _version_tuple(str(instance.get("version", ""))) >= (4, 6))
    return Features(
        pkce=s256 or api_version >= 2,
        followed_tags=modern,
        filters_v2=modern,
        grouped_notifications=api_version >= 2,
        profile_api=profile,
        translation=bool(_dig(instance, "configuration", "translation", "enabled")),
        streaming=bool(streaming_url),
    )


def _software(nodeinfo: Json | None, instance: Json) -> tuple[str, str]:
    software = (nodeinfo or {}).get("software") or {}
    name = str(software.get("name") or "").lower()
    version = str(software.get("version") or "")
    if not name:
        # No NodeInfo: versions like "takahe/0.11.0" name their software; Mastodon's don't.
        raw = str(instance.get("version", ""))
        name, version = (raw.split("/", 1) if "/" in raw else ("mastodon", raw))
        name = name.lower()
    return name, version


def _warnings(name: str, nodeinfo: Json | None, instance_api: int,
              streaming_url: str | None) -> tuple[str, ...]:
    notes = []
    if name != "mastodon":
        notes.append(_("This server runs {software}, not Mastodon. fedidesk will work, but "
                       "some features may be missing or behave differently.").format(
                           software=name or _("unknown software")))
    if nodeinfo is None:
        notes.append(_("The server does not publish NodeInfo; its software could not be "
                       "confirmed."))
    if instance_api == 1:
        notes.append(_("This is an older server (before Mastodon 4.0); newer features such "
                       "as followed hashtags and filters are unavailable."))
    if not streaming_url:
        notes.append(_("No live updates (streaming); timelines will refresh periodically."))
    return tuple(notes)


def build_server_info(base_url: str, instance: Json, instance_api: int, nodeinfo: Json | None,
                      oauth: Json | None, response_ms: int = 0) -> ServerInfo:
    """Combine the fetched documents into a ``ServerInfo`` (pure; tested directly)."""
    name, software_version = _software(nodeinfo, instance)
    is_mastodon = name == "mastodon"
    api_version = _int(_dig(instance, "api_versions", "mastodon"), 0)
    streaming = (_dig(instance, "configuration", "urls", "streaming")
                 or _dig(instance, "urls", "streaming_api") or None)
    host = httpx.URL(base_url).host
    contact = instance.get("contact")
    email = (contact.get("email") if isinstance(contact, dict) else instance.get("email")) or ""
    return ServerInfo(
        domain=str(instance.get("domain") or instance.get("uri") or host),
        base_url=base_url,
        title=str(instance.get("title") or ""),
        description=str(instance.get("description") or instance.get("short_description") or ""),
        version=str(instance.get("version") or ""),
        software_name=name, software_version=software_version, is_mastodon=is_mastodon,
        api_version=api_version,
        languages=tuple(str(x) for x in instance.get("languages") or []),
        users_total=_dig(nodeinfo, "usage", "users", "total"),
        users_active_month=_dig(instance, "usage", "users", "active_month"),
        open_registrations=(nodeinfo or {}).get("openRegistrations"),
        registrations=_registrations(instance),
        contact_email=str(email),
        rules=tuple(from_dict(Rule, r) for r in instance.get("rules") or []
                    if isinstance(r, dict)),
        streaming_url=str(streaming) if streaming else None,
        limits=_limits(instance),
        features=_features(instance, instance_api, api_version, is_mastodon, oauth,
                           str(streaming) if streaming else None),
        instance_api=instance_api,
        response_ms=response_ms,
        warnings=_warnings(name, nodeinfo, instance_api, str(streaming) if streaming else None),
    )
