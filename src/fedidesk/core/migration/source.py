"""Read what is to be imported: our export folder or the files of Mastodon's web export.

The import side only needs simple rows (``mastodon.md`` §7.1, §7.2):

* ``following_accounts.csv`` (or ``follows.csv``): ``Account address, Show boosts, Notify on
  new posts, Languages``; ``muted_accounts.csv`` (``mutes.csv``): ``Account address, Hide
  notifications``; ``blocked_accounts.csv`` (``blocks.csv``); ``blocked_domains.csv``
  (``domain_blocks.csv``); ``bookmarks.csv``; ``lists.csv`` (``List name, Account address``);
* ``custom_filters.json`` (Mastodon 4.6) and our ``extras.json`` (followed tags, filters).

The CSV files are read with ``formats`` (Mastodon's header detection, ``@`` stripped,
hosts lowercased, duplicates dropped, 20 MB / 20,000 rows); bad rows become ``problems``.

``read_source`` is lenient (a missing file is an empty category); ``require_export_files``
is the gate before an import or a check: a folder that does not exist or holds none of these
files raises ``NoExportFilesError`` naming the folder and the files expected.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import _
from fedidesk.core.migration import formats
from fedidesk.core.migration.bundle import (
    EXTRAS_FILE,
    MANIFEST_FILE,
    Extras,
    FilterData,
    read_extras,
    read_manifest,
)
from fedidesk.core.migration.formats import FollowRow, ListRow, MuteRow, ReadResult

__all__ = ["FilterRow", "FollowRow", "ImportSource", "ListRow", "MuteRow", "NoExportFilesError",
           "export_files", "read_source", "require_export_files"]

MAX_FILE_BYTES = formats.MAX_FILE_BYTES
#: Also accepted: the names Mastodon's export URLs use (``follows.csv`` …).
ALIASES: dict[formats.Kind, tuple[str, ...]] = {
    "following": ("follows.csv",), "muting": ("mutes.csv",), "blocking": ("blocks.csv",),
    "domain_blocking": ("domain_blocks.csv",), "bookmarks": (), "lists": (),
}
FILTER_FILES = ("custom_filters.json", "filters.json")
#: Where a Mastodon filter can apply (``CustomFilter::VALID_CONTEXTS``).
FILTER_CONTEXTS = ("home", "notifications", "public", "thread", "account")
DEFAULT_CONTEXT = ("home", "public")


class NoExportFilesError(FedideskError):
    """The folder to import from does not exist or holds no export file."""


def expected_files() -> tuple[str, ...]:
    """The names to tell people: Mastodon's export files and our ``extras.json``."""
    return (*(formats.FILENAMES[kind] for kind in ALIASES), FILTER_FILES[0], EXTRAS_FILE)


def known_files() -> tuple[str, ...]:
    """Every file name the import reads: ``expected_files`` and the other names accepted."""
    aliases = (alias for names in ALIASES.values() for alias in names)
    return (*expected_files(), *aliases, *FILTER_FILES[1:])


def export_files(directory: str | Path) -> list[Path]:
    """The known export files in ``directory`` (none if it is not a folder)."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    return [folder / name for name in known_files() if (folder / name).is_file()]


def require_export_files(directory: str | Path) -> list[Path]:
    """``export_files(directory)``, or ``NoExportFilesError`` naming the folder and the
    files expected when it does not exist or holds none."""
    expected = ", ".join(expected_files())
    if not Path(directory).is_dir():
        raise NoExportFilesError(_(
            "{folder} does not exist or is not a folder. Choose the folder with your export "
            "files ({files}).").format(folder=directory, files=expected))
    found = export_files(directory)
    if not found:
        raise NoExportFilesError(_(
            "No export files found in {folder}. Expected one or more of: {files}.").format(
                folder=directory, files=expected))
    return found


@dataclass(frozen=True)
class FilterRow:
    """One keyword filter to recreate (``custom_filters.json`` or ``extras.json``)."""

    title: str
    context: tuple[str, ...] = DEFAULT_CONTEXT
    action: str = "warn"
    keywords: tuple[tuple[str, bool], ...] = ()
    expires_at: float | None = None


@dataclass
class ImportSource:
    """Everything read from one folder; ``problems`` are human-readable warnings."""

    directory: Path
    follows: list[FollowRow] = field(default_factory=list)
    mutes: list[MuteRow] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    domain_blocks: list[str] = field(default_factory=list)
    lists: list[ListRow] = field(default_factory=list)
    bookmarks: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    filters: list[FilterRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: What the export holds that no import brings over (worded, for the report): featured
    #: hashtags, endorsed accounts, profile fields, and the download's own notes (such as
    #: lists without members, which Mastodon's lists.csv cannot hold).
    by_hand: list[str] = field(default_factory=list)


def _find(directory: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        path = directory / name
        if path.is_file():
            return path
    return None


def _rows(source: ImportSource, kind: formats.Kind, read: Any) -> list[Any]:
    path = _find(source.directory, (formats.FILENAMES[kind], *ALIASES[kind]))
    if path is None:
        return []
    try:
        result: ReadResult[Any] = read(path)
    except formats.FormatError as exc:
        source.problems.append(f"{path.name}: {exc.user_message}")
        return []
    # A file over the row cap has its note among these ("line 20001: more than 20,000 …").
    source.problems.extend(_("{file} line {line}: {reason}").format(
        file=path.name, line=p.line, reason=p.reason) for p in result.problems)
    return list(result.rows)


def _read_csvs(source: ImportSource) -> None:
    source.follows = _rows(source, "following", formats.read_following)
    source.mutes = _rows(source, "muting", formats.read_muting)
    source.blocks = _rows(source, "blocking", formats.read_blocking)
    source.domain_blocks = _rows(source, "domain_blocking", formats.read_domain_blocking)
    source.bookmarks = _rows(source, "bookmarks", formats.read_bookmarks)
    source.lists = _rows(source, "lists", formats.read_lists)


def _timestamp(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def filter_contexts(value: Any) -> tuple[str, ...] | None:
    """A filter's known contexts, in order, from a list or a single string (``"home"``);
    ``DEFAULT_CONTEXT`` when none is given, ``None`` when none of those given is known."""
    given = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    names = [str(c).strip().lower() for c in given if str(c).strip()]
    if not names:
        return DEFAULT_CONTEXT
    known = tuple(dict.fromkeys(n for n in names if n in FILTER_CONTEXTS))
    return known or None


def filter_from_json(item: dict[str, Any], problems: list[str] | None = None
                     ) -> FilterRow | None:
    """One filter from ``custom_filters.json`` or the v2 API shape; ``None`` if unusable
    (no title, or no known context: then a note goes to ``problems``). Unknown contexts
    are dropped."""
    title = str(item.get("title") or "").strip()
    if not title:
        return None
    context = filter_contexts(item.get("context"))
    if context is None:
        if problems is not None:
            problems.append(_("Filter “{title}”: no known context (one of {known}); "
                              "skipped.").format(title=title, known=", ".join(FILTER_CONTEXTS)))
        return None
    raw = item.get("keywords_attributes", item.get("keywords")) or []
    keywords = tuple((str(k.get("keyword", "")), bool(k.get("whole_word", False)))
                     for k in raw if isinstance(k, dict) and k.get("keyword"))
    action = str(item.get("action") or item.get("filter_action") or "warn")
    return FilterRow(title, context, action, keywords, _timestamp(item.get("expires_at")))


def _load_json(path: Path, problems: list[str]) -> Any:
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(_("{file}: larger than 20 MB; skipped.").format(file=path.name))
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        problems.append(_("{file}: not valid JSON ({error}); skipped.").format(
            file=path.name, error=exc.msg))
        return None


def _from_extras(data: FilterData) -> FilterRow:
    return FilterRow(data.title, data.context or DEFAULT_CONTEXT, data.filter_action,
                     tuple((k.keyword, k.whole_word) for k in data.keywords if k.keyword),
                     _timestamp(data.expires_at))


def _filters_file(path: Path, problems: list[str]) -> list[FilterRow]:
    """The filters in ``custom_filters.json``: ``{"custom_filters": [{…}, …]}`` (Mastodon's
    export, ``mastodon.md`` §7.1; ``filters`` also accepted). Another shape is noted."""
    data = _load_json(path, problems)
    if data is None:
        return []
    key = next((k for k in ("custom_filters", "filters") if isinstance(data, dict) and k in data),
               None)
    items = (data[key] or []) if key is not None else None
    if not isinstance(items, list):
        problems.append(_("{file}: expected an object with a “custom_filters” list, as "
                          "Mastodon exports it; skipped.").format(file=path.name))
        return []
    return [row for item in items if isinstance(item, dict)
            and (row := filter_from_json(item, problems)) is not None]


#: Notes of the download carried into the report, at most.
MAX_NOTES = 50


def _not_imported(extras: Extras) -> list[str]:
    """What ``extras`` holds that has to be set by hand on the new account."""
    out = []
    if extras.featured_tags:
        out.append(_("Featured hashtags on your profile: {tags}. Add them under Edit profile "
                     "→ Featured hashtags.").format(tags=", ".join(
                         f"#{t.lstrip('#')}" for t in extras.featured_tags[:MAX_NOTES])))
    if extras.endorsements:
        out.append(_("Accounts you featured on your profile: {accounts}. Feature them again "
                     "from their profiles.").format(
                         accounts=", ".join(extras.endorsements[:MAX_NOTES])))
    if extras.profile is not None and (extras.profile.fields or extras.profile.note):
        out.append(_("Your bio and profile fields are in extras.json; copy them under Edit "
                     "profile."))
    return out


def _read_json(source: ImportSource) -> None:
    filters: list[FilterRow] = []
    if path := _find(source.directory, (EXTRAS_FILE,)):
        try:
            extras = read_extras(path)
        except formats.FormatError as exc:
            source.problems.append(f"{path.name}: {exc.user_message}")
        else:
            names = (t.strip().lstrip("#").lower() for t in extras.followed_tags)
            source.tags = list(dict.fromkeys(n for n in names if n))
            filters.extend(_from_extras(f) for f in extras.filters if f.title.strip())
            source.by_hand += _not_imported(extras)
    if path := _find(source.directory, (MANIFEST_FILE,)):
        with contextlib.suppress(formats.FormatError):
            source.by_hand += [str(n) for n in read_manifest(path).notes[:MAX_NOTES]]
    if path := _find(source.directory, FILTER_FILES):
        filters.extend(_filters_file(path, source.problems))
    seen: set[str] = set()
    for row in filters:
        if row.title not in seen:
            seen.add(row.title)
            source.filters.append(row)


def read_source(directory: str | Path) -> ImportSource:
    """Read every known file in ``directory``; missing files mean an empty category."""
    source = ImportSource(Path(directory).resolve())
    if not source.directory.is_dir():
        source.problems.append(_("{folder} is not a folder.").format(folder=directory))
        return source
    _read_csvs(source)
    _read_json(source)
    return source
