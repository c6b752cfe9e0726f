"""``extras.json`` and ``manifest.json``: the parts of an export that have no Mastodon CSV.

``extras.json`` keeps followed hashtags, featured hashtags, filters (v2, with keywords),
endorsed accounts and the profile (display name, note and fields as plain source text).
``manifest.json`` says whose export it is, from which server and when, how many rows each
file holds, the account's own counters for comparison, notes explaining differences, and
whether the export finished (``complete``). Both are versioned; unknown keys are ignored
and missing ones default, so older and newer fedidesk versions read each other's files.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fedidesk.core.i18n import _
from fedidesk.core.migration.atomic import atomic_write_json
from fedidesk.core.migration.formats import FormatError

EXTRAS_FILE = "extras.json"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1
MAX_JSON_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FilterKeywordData:
    keyword: str
    whole_word: bool = True


@dataclass(frozen=True)
class FilterData:
    """A v2 filter as ``POST /api/v2/filters`` takes it back."""

    title: str
    context: tuple[str, ...] = ()
    filter_action: str = "warn"
    #: ISO 8601, or ``None`` for "never".
    expires_at: str | None = None
    keywords: tuple[FilterKeywordData, ...] = ()
    #: Filtered posts, as status URIs where known (informational: ids are per server).
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileField:
    name: str
    value: str


@dataclass(frozen=True)
class ProfileData:
    display_name: str = ""
    #: Plain text source of the bio (``source.note``), else the HTML ``note``.
    note: str = ""
    fields: tuple[ProfileField, ...] = ()
    locked: bool = False
    bot: bool = False
    discoverable: bool | None = None


@dataclass
class Extras:
    """Everything in ``extras.json``."""

    followed_tags: list[str] = field(default_factory=list)
    featured_tags: list[str] = field(default_factory=list)
    filters: list[FilterData] = field(default_factory=list)
    #: Endorsed ("featured") accounts as ``user@domain``.
    endorsements: list[str] = field(default_factory=list)
    profile: ProfileData | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["version"] = FORMAT_VERSION
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Extras:
        profile = data.get("profile")
        return cls(
            followed_tags=_strings(data.get("followed_tags")),
            featured_tags=_strings(data.get("featured_tags")),
            filters=[_filter(f) for f in _dicts(data.get("filters"))],
            endorsements=_strings(data.get("endorsements")),
            profile=_profile(profile) if isinstance(profile, dict) else None,
        )


@dataclass
class Manifest:
    """Everything in ``manifest.json``."""

    source_account: str
    server: str
    created_at: str
    complete: bool = False
    #: Rows per written file (``following_accounts.csv`` → 120; ``extras.json`` items too).
    counts: dict[str, int] = field(default_factory=dict)
    #: The account's own counters at export time (``following_count``, ``followers_count``,
    #: ``statuses_count``), to compare with ``counts``.
    account_counters: dict[str, int] = field(default_factory=dict)
    #: Human-readable explanations of differences and skipped parts.
    notes: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    generator: str = "fedidesk"
    version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            source_account=str(data.get("source_account", "")),
            server=str(data.get("server", "")),
            created_at=str(data.get("created_at", "")),
            complete=bool(data.get("complete", False)),
            counts={str(k): int(v) for k, v in _mapping(data.get("counts")).items()
                    if isinstance(v, int)},
            account_counters={str(k): int(v) for k, v
                              in _mapping(data.get("account_counters")).items()
                              if isinstance(v, int)},
            notes=_strings(data.get("notes")),
            categories=_strings(data.get("categories")),
            generator=str(data.get("generator", "")),
            version=int(data.get("version", FORMAT_VERSION) or FORMAT_VERSION),
        )


def write_extras(folder: str | os.PathLike[str], extras: Extras) -> Path:
    path = Path(folder) / EXTRAS_FILE
    atomic_write_json(path, extras.to_json())
    return path


def write_manifest(folder: str | os.PathLike[str], manifest: Manifest) -> Path:
    path = Path(folder) / MANIFEST_FILE
    atomic_write_json(path, manifest.to_json())
    return path


def read_extras(path: str | os.PathLike[str]) -> Extras:
    """Read ``extras.json`` (a file or the export folder); ``FormatError`` if unreadable."""
    return Extras.from_json(_load(path, EXTRAS_FILE))


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read ``manifest.json`` (a file or the export folder); ``FormatError`` if unreadable."""
    return Manifest.from_json(_load(path, MANIFEST_FILE))


def _load(path: str | os.PathLike[str], default_name: str) -> dict[str, Any]:
    target = Path(path)
    if target.is_dir():
        target = target / default_name
    try:
        if target.stat().st_size > MAX_JSON_BYTES:
            raise FormatError(_("{name} is too large.").format(name=target.name))
        data = json.loads(target.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(_("Could not read {name}: {error}.").format(
            name=target.name, error=exc)) from exc
    if not isinstance(data, dict):
        raise FormatError(_("{name} is not a fedidesk export file.").format(name=target.name))
    return data


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _filter(data: dict[str, Any]) -> FilterData:
    expires = data.get("expires_at")
    return FilterData(
        title=str(data.get("title", "")),
        context=tuple(_strings(data.get("context"))),
        filter_action=str(data.get("filter_action", "warn")),
        expires_at=expires if isinstance(expires, str) else None,
        keywords=tuple(FilterKeywordData(str(k.get("keyword", "")),
                                         bool(k.get("whole_word", True)))
                       for k in _dicts(data.get("keywords"))),
        statuses=tuple(_strings(data.get("statuses"))),
    )


def _profile(data: dict[str, Any]) -> ProfileData:
    discoverable = data.get("discoverable")
    return ProfileData(
        display_name=str(data.get("display_name", "")),
        note=str(data.get("note", "")),
        fields=tuple(ProfileField(str(f.get("name", "")), str(f.get("value", "")))
                     for f in _dicts(data.get("fields"))),
        locked=bool(data.get("locked", False)),
        bot=bool(data.get("bot", False)),
        discoverable=discoverable if isinstance(discoverable, bool) else None,
    )
