"""Read a Twitter/X data archive zip without extracting it (``security.md`` item 14).

Nothing is ever written to disk. Only whitelisted members are read (``mastodon.md`` §6.1):
``data/following.js``, ``data/follower.js``, ``data/account.js``, ``data/manifest.js`` and
``data/tweet*.js`` / ``data/tweets*.js`` (with ``-partN``). Before any member is read the
whole central directory is checked: entry count, unsafe names (``..``, absolute, backslash,
drive letters, NUL), duplicates, overlapping entries, sizes that do not fit the file. While
reading, bytes are counted chunk by chunk against the per-member cap, the total cap and
the compression ratio; the declared ``file_size`` is never trusted.

Each member is JavaScript of the form ``window.YTD.<name>.partN = [ … ]``. The prefix is
stripped and the rest parsed with ``json.loads``: the file is data, never evaluated. Any
other shape is an ``ArchiveError``.

``following.js`` holds only account ids; screen names are recovered from ``userLink`` when
it names the account, and from ``tweets.js`` mentions (``entities.user_mentions``) and
reply fields, which map ids to screen names for accounts the owner talked to.
"""

from __future__ import annotations

import json
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _

MIB = 1024 * 1024
CHUNK = 64 * 1024
#: Below this many decompressed bytes the ratio is not checked (tiny files compress well).
RATIO_FLOOR = 1 * MIB
_LOCAL_HEADER = 30

MEMBER_RE = re.compile(
    r"data/(?:following|follower|account|manifest|tweets?(?:-part\d+)?)\.js")
_PREFIX_RE = re.compile(r"\A\s*window\.[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\s*=\s*")
_SCREEN_NAME_RE = re.compile(r"[A-Za-z0-9_]{1,15}")
_NOT_SCREEN_NAMES = frozenset({"intent", "i", "home", "search", "hashtag", "share", "settings"})
_TWITTER_HOSTS = frozenset({"twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com",
                            "www.x.com"})


class ArchiveError(FedideskError):
    """The file is not a Twitter/X archive fedidesk can read safely."""

    user_message = N_("This file is not a Twitter/X archive fedidesk can read.")


class ArchiveCancelled(ArchiveError):
    """The reader was asked to stop."""

    user_message = N_("Reading the archive was cancelled.")


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps that keep a hostile archive from exhausting memory or time."""

    max_entries: int = 100_000
    max_member_bytes: int = 256 * MIB
    max_total_bytes: int = 1024 * MIB
    max_ratio: float = 100.0


@dataclass(frozen=True)
class ArchivedAccount:
    """One entry of ``following.js`` / ``follower.js``; ``screen_name`` when recoverable."""

    account_id: str
    user_link: str = ""
    screen_name: str | None = None
    name_source: str = ""  # "userLink" or "tweets" (a mention or reply)


@dataclass(frozen=True)
class ArchivedTweet:
    """The parts of one of the owner's tweets that can carry handles."""

    tweet_id: str
    text: str
    urls: tuple[str, ...] = ()


@dataclass
class TwitterArchive:
    """What fedidesk takes from an archive."""

    owner: str = ""
    owner_id: str = ""
    following: list[ArchivedAccount] = field(default_factory=list)
    followers: list[ArchivedAccount] = field(default_factory=list)
    screen_names: dict[str, str] = field(default_factory=dict)  # account id → screen name
    tweets: list[ArchivedTweet] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # the members that were read

    @property
    def recovered(self) -> int:
        """How many followed accounts have a screen name."""
        return sum(1 for a in self.following if a.screen_name)


Cancel = Callable[[], bool]


# -- names and the central directory ----------------------------------------------------------


def unsafe_name_reason(name: str) -> str | None:
    """Why ``name`` is not an acceptable member name, or ``None`` when it is."""
    # TRANSLATORS: completes "The archive contains a file name with {reason}; …".
    if not name:
        return _("an empty name")
    if "\x00" in name:
        return _("a NUL byte")
    if "\\" in name:
        return _("a backslash")
    if name.startswith("/"):
        return _("an absolute path")
    if re.match(r"[A-Za-z]:", name):
        return _("a drive letter")
    if ".." in name.split("/"):
        return _("a '..' component")
    return None


def check_directory(zf: zipfile.ZipFile, archive_size: int, limits: ArchiveLimits) -> None:
    """Reject the archive before reading anything when its central directory is unsafe."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveError(_("The archive has too many files ({count}; at most "
                             "{limit} are accepted).").format(
                               count=f"{len(infos):,}", limit=f"{limits.max_entries:,}"))
    seen: set[str] = set()
    for info in infos:
        reason = unsafe_name_reason(info.orig_filename)
        if reason is not None:
            raise ArchiveError(_("The archive contains a file name with {reason}; fedidesk "
                                 "will not read it.").format(reason=reason),
                               detail=repr(info.orig_filename[:80]))
        if info.filename in seen:
            raise ArchiveError(_("The archive lists the same file twice; fedidesk will not "
                                 "read it."), detail=info.filename[:80])
        seen.add(info.filename)
        if info.compress_size > archive_size or info.header_offset > archive_size:
            raise ArchiveError(_("The archive is damaged: a file is larger than the archive."),
                               detail=info.filename[:80])
    _check_overlap(infos, getattr(zf, "start_dir", archive_size))


def _check_overlap(infos: list[zipfile.ZipInfo], end: int) -> None:
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for current, following in zip(ordered, [*ordered[1:], None], strict=True):
        limit = following.header_offset if following is not None else end
        span = _LOCAL_HEADER + len(current.orig_filename.encode("utf-8")) + current.compress_size
        if current.header_offset + span > limit:
            raise ArchiveError(_("The archive has overlapping entries (a zip bomb); fedidesk "
                                 "will not read it."), detail=current.filename[:80])


# -- reading members ----------------------------------------------------------------------------


@dataclass
class _Reader:
    zf: zipfile.ZipFile
    limits: ArchiveLimits
    cancel: Cancel | None
    total: int = 0

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member's bytes, counted while streaming against every cap."""
        name = info.filename
        if info.file_size > self.limits.max_member_bytes:
            raise _too_big(name, self.limits.max_member_bytes)
        buffer = bytearray()
        try:
            with self.zf.open(info) as handle:
                while chunk := handle.read(CHUNK):
                    if self.cancel is not None and self.cancel():
                        raise ArchiveCancelled
                    buffer += chunk
                    self.total += len(chunk)
                    self._check(info, len(buffer))
        except ArchiveError:
            raise
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError,
                RuntimeError, NotImplementedError, ValueError) as exc:
            raise ArchiveError(_("The archive is damaged or uses an unsupported format "
                                 "({name}).").format(name=name),
                               detail=f"{type(exc).__name__}: {exc}") from exc
        return bytes(buffer)

    def _check(self, info: zipfile.ZipInfo, size: int) -> None:
        if size > self.limits.max_member_bytes:
            raise _too_big(info.filename, self.limits.max_member_bytes)
        if self.total > self.limits.max_total_bytes:
            raise ArchiveError(_("The archive's data files are larger than {size} MB together.")
                               .format(size=f"{self.limits.max_total_bytes // MIB:,}"))
        if size > RATIO_FLOOR and size > self.limits.max_ratio * max(1, info.compress_size):
            raise ArchiveError(_("{name} expands suspiciously far (a zip bomb); "
                                 "fedidesk stopped reading it.").format(name=info.filename),
                               detail=f"{size} bytes read")


def _too_big(name: str, cap: int) -> ArchiveError:
    return ArchiveError(_("{name} is larger than {size} MB; fedidesk will not read it.")
                        .format(name=name, size=f"{cap // MIB:,}"))


def parse_js(data: bytes, name: str) -> Any:
    """``window.YTD.x.part0 = [...]`` → the JSON value; never evaluates anything."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArchiveError(_("{name} is not UTF-8 text.").format(name=name),
                           detail=str(exc)) from exc
    match = _PREFIX_RE.match(text)
    if match is None:
        raise ArchiveError(_("{name} is not in the Twitter archive format "
                             "(it should start with 'window.YTD.… = ').").format(name=name))
    body = text[match.end():].strip().removesuffix(";")
    try:
        return json.loads(body)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ArchiveError(_("{name} does not contain valid archive data.").format(name=name),
                           detail=f"{type(exc).__name__}") from exc


# -- interpreting members --------------------------------------------------------------------


def _records(value: Any, key: str) -> Iterable[dict[str, Any]]:
    """The ``{key: {...}}`` objects of a YTD list (or the bare objects of older archives)."""
    if not isinstance(value, list):
        return
    for item in value:
        if isinstance(item, dict):
            inner = item.get(key, item)
            if isinstance(inner, dict):
                yield inner


def screen_name_from_link(link: str) -> str | None:
    """``https://twitter.com/bob`` → ``bob``; intent links (ids only) → ``None``."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in _TWITTER_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) != 1 or segments[0].lower() in _NOT_SCREEN_NAMES:
        return None
    name = segments[0]
    return name if _SCREEN_NAME_RE.fullmatch(name) else None


def _accounts(value: Any, key: str) -> list[ArchivedAccount]:
    result = []
    for record in _records(value, key):
        account_id = str(record.get("accountId") or "").strip()
        if not account_id:
            continue
        link = str(record.get("userLink") or "")
        name = screen_name_from_link(link)
        result.append(ArchivedAccount(account_id, link, name, "userLink" if name else ""))
    return result


def _add_name(names: dict[str, str], account_id: object, screen_name: object) -> None:
    if isinstance(account_id, str | int) and isinstance(screen_name, str):
        name = screen_name.strip().lstrip("@")
        if str(account_id) and _SCREEN_NAME_RE.fullmatch(name):
            names.setdefault(str(account_id), name)


def _tweets(value: Any, names: dict[str, str]) -> list[ArchivedTweet]:
    tweets = []
    for record in _records(value, "tweet"):
        entities = record.get("entities") if isinstance(record.get("entities"), dict) else {}
        assert isinstance(entities, dict)
        for mention in entities.get("user_mentions") or []:
            if isinstance(mention, dict):
                _add_name(names, mention.get("id_str") or mention.get("id"),
                          mention.get("screen_name"))
        _add_name(names, record.get("in_reply_to_user_id_str"),
                  record.get("in_reply_to_screen_name"))
        urls = tuple(str(u.get("expanded_url")) for u in entities.get("urls") or []
                     if isinstance(u, dict) and u.get("expanded_url"))
        text = record.get("full_text") or record.get("text") or ""
        if isinstance(text, str):
            tweets.append(ArchivedTweet(str(record.get("id_str") or ""), text, urls))
    return tweets


def _owner(value: Any, archive: TwitterArchive) -> None:
    for record in _records(value, "account"):
        archive.owner = str(record.get("username") or archive.owner)
        archive.owner_id = str(record.get("accountId") or archive.owner_id)


def _manifest_owner(value: Any, archive: TwitterArchive) -> None:
    info = value.get("userInfo") if isinstance(value, dict) else None
    if isinstance(info, dict) and not archive.owner:
        archive.owner = str(info.get("userName") or "")
        archive.owner_id = str(info.get("accountId") or archive.owner_id)


def _with_names(accounts: list[ArchivedAccount], names: dict[str, str]) -> list[ArchivedAccount]:
    result = []
    for account in accounts:
        name = names.get(account.account_id)
        if account.screen_name is None and name:
            account = ArchivedAccount(account.account_id, account.user_link, name, "tweets")
        result.append(account)
    return result


# -- entry point ---------------------------------------------------------------------------


def read_archive(path: str | os.PathLike[str], *, limits: ArchiveLimits | None = None,
                 cancel: Cancel | None = None) -> TwitterArchive:
    """Read the whitelisted members of the archive at ``path``; raises ``ArchiveError``.

    Safe to run in a worker thread; ``cancel`` is polled between chunks.
    """
    limits = limits or ArchiveLimits()
    archive_path = Path(path)
    try:
        size = archive_path.stat().st_size
        with zipfile.ZipFile(archive_path) as zf:
            check_directory(zf, size, limits)
            return _read(zf, limits, cancel)
    except ArchiveError:
        raise
    except zipfile.BadZipFile as exc:
        raise ArchiveError(_("This file is not a zip archive, or it is damaged."),
                           detail=str(exc)) from exc
    except OSError as exc:
        raise ArchiveError(_("Could not open {name}: {error}.").format(
                               name=archive_path.name, error=exc.strerror or exc),
                           detail=type(exc).__name__) from exc


def _read(zf: zipfile.ZipFile, limits: ArchiveLimits, cancel: Cancel | None) -> TwitterArchive:
    reader = _Reader(zf, limits, cancel)
    wanted = sorted((i for i in zf.infolist() if MEMBER_RE.fullmatch(i.filename)),
                    key=lambda i: i.filename)
    if not wanted:
        raise ArchiveError(_("This zip has no data/following.js or data/tweets.js: it does not "
                             "look like a Twitter/X archive."))
    archive = TwitterArchive()
    names: dict[str, str] = {}
    following: list[ArchivedAccount] = []
    followers: list[ArchivedAccount] = []
    for info in wanted:
        value = parse_js(reader.read(info), info.filename)
        archive.members.append(info.filename)
        base = info.filename.removeprefix("data/").removesuffix(".js")
        if base == "following":
            following = _accounts(value, "following")
        elif base == "follower":
            followers = _accounts(value, "follower")
        elif base == "account":
            _owner(value, archive)
        elif base == "manifest":
            _manifest_owner(value, archive)
        else:
            archive.tweets.extend(_tweets(value, names))
    archive.screen_names = names
    archive.following = _with_names(following, names)
    archive.followers = _with_names(followers, names)
    return archive
