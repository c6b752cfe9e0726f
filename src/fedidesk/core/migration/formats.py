"""Mastodon's migration CSV files: writers that match its web export, readers like its importer.

Formats (``mastodon.md`` §7.1; mastodon/mastodon ``app/models/export.rb``):

=================  ========================  ==================================================
kind               file                      header / row
=================  ========================  ==================================================
``following``      following_accounts.csv    ``Account address,Show boosts,Notify on new
                                             posts,Languages`` / ``a@b,true,false,"en, de"``
``muting``         muted_accounts.csv        ``Account address,Hide notifications`` / ``a@b,true``
``blocking``       blocked_accounts.csv      none / ``a@b``
``domain_blocking`` blocked_domains.csv      none / ``example.com``
``bookmarks``      bookmarks.csv             none / status URI, newest first
``lists``          lists.csv                 none / ``List name,a@b`` (one row per membership)
=================  ========================  ==================================================

Lines end in ``\\n``, booleans are ``true``/``false``, languages are ``", "``-joined in one
(quoted) cell, local accounts are written ``user@domain`` like every other.

Readers follow ``Form::Import`` / ``BulkImportService`` (§7.2): the first row is a header
only if its first cell is ``Account address``, ``#domain``, ``#uri`` or ``List name``,
otherwise the file is headerless with the kind's default columns; UTF-8 with or without
BOM; CRLF or LF; at most ``MAX_ROWS`` rows and ``MAX_FILE_BYTES`` bytes; a leading ``@``
is stripped from addresses and domains are lowercased. Rows that cannot be used are
reported as ``RowProblem`` and skipped, never fatal; duplicates are dropped (and reported).

**Formula escaping** (``security.md`` item 15, OWASP ASVS 1.2.10): a cell that a spreadsheet
would run as a formula (starting with ``= + - @``, tab, CR or NUL) is written with a
leading ``'``. Valid account addresses (written without ``@``), lowercased domains, status
URIs, booleans and language codes never start with one of those, so in practice only list
names are ever escaped. Mastodon's importer takes cells verbatim (``List name`` is only
stripped of whitespace), so on a *Mastodon* re-import a list named ``=cmd`` would come back
as a list named ``'=cmd``; memberships are unaffected. fedidesk's reader undoes the escape
exactly (``unescape_cell``). To keep the mapping lossless a name that already starts with
apostrophes followed by a trigger (``'=x``) gets one more apostrophe, and the reader removes
exactly one from any cell that matches ``'+`` then a trigger.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, cast

from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _
from fedidesk.core.migration.atomic import atomic_write_text

Kind = Literal["following", "muting", "blocking", "domain_blocking", "bookmarks", "lists"]
KINDS: tuple[Kind, ...] = ("following", "muting", "blocking", "domain_blocking", "bookmarks",
                           "lists")

#: The file name Mastodon's export (and ours) uses for each kind.
FILENAMES: dict[Kind, str] = {
    "following": "following_accounts.csv",
    "muting": "muted_accounts.csv",
    "blocking": "blocked_accounts.csv",
    "domain_blocking": "blocked_domains.csv",
    "bookmarks": "bookmarks.csv",
    "lists": "lists.csv",
}

FOLLOWING_HEADER = ("Account address", "Show boosts", "Notify on new posts", "Languages")
MUTING_HEADER = ("Account address", "Hide notifications")
#: Header row Mastodon writes (``None``: the export is headerless).
WRITTEN_HEADERS: dict[Kind, tuple[str, ...] | None] = {
    "following": FOLLOWING_HEADER, "muting": MUTING_HEADER, "blocking": None,
    "domain_blocking": None, "bookmarks": None, "lists": None,
}
#: Columns the importer assumes when a file has no recognised header.
DEFAULT_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "following": ("Account address",),
    "muting": ("Account address",),
    "blocking": ("Account address",),
    "domain_blocking": ("#domain",),
    "bookmarks": ("#uri",),
    "lists": ("List name", "Account address"),
}
KNOWN_FIRST_HEADERS = frozenset({"Account address", "#domain", "#uri", "List name"})
#: Filename prefixes the importer uses to guess a type, in its order.
FILENAME_PREFIXES: tuple[tuple[str, Kind], ...] = (
    ("follows", "following"), ("following_accounts", "following"),
    ("mutes", "muting"), ("muted_accounts", "muting"),
    ("blocks", "blocking"), ("blocked_accounts", "blocking"),
    ("domain_blocks", "domain_blocking"), ("blocked_domains", "domain_blocking"),
    ("bookmarks", "bookmarks"), ("lists", "lists"),
)

MAX_ROWS = 20_000  # BulkImport row limit
MAX_FILE_BYTES = 20 * 1024 * 1024  # import upload limit
MAX_FIELD_CHARS = 64 * 1024  # one cell; a longer one is a bad row, not a crash
MAX_PROBLEMS = 1_000  # problems kept per file (the count keeps going)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
_ESCAPED = re.compile(r"'+[=+\-@\t\r\x00]")
_FALSE = frozenset({"0", "f", "false", "off"})  # ActiveModel::Type::Boolean, lowercased
_USER = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
_HOST = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*"
                   r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?::\d{1,5})?")


class FormatError(FedideskError):
    """A migration file cannot be read at all (not a single bad row)."""

    user_message = N_("fedidesk could not read this file.")


# --- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowRow:
    """One ``following_accounts.csv`` row. Defaults are Mastodon's for an empty cell."""

    acct: str
    show_boosts: bool = True
    notify: bool = False
    #: Empty means "all languages".
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class MuteRow:
    """One ``muted_accounts.csv`` row."""

    acct: str
    hide_notifications: bool = True


@dataclass(frozen=True)
class ListRow:
    """One ``lists.csv`` row: a membership of ``acct`` in the list titled ``list_name``."""

    list_name: str
    acct: str


T = TypeVar("T")


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped (or a file-level note), with its 1-based physical line."""

    line: int
    reason: str
    text: str = ""


@dataclass
class ReadResult(Generic[T]):
    """What a reader got from one file."""

    kind: Kind
    rows: list[T] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    #: The first row was a recognised header.
    had_header: bool = False
    #: Header/filename suggest another kind (Mastodon's ``likely_mismatched``).
    guessed_kind: Kind | None = None
    #: Rows beyond ``MAX_ROWS`` were not read.
    truncated: bool = False
    duplicates: int = 0
    problem_count: int = 0

    @property
    def likely_mismatched(self) -> bool:
        return self.guessed_kind is not None and self.guessed_kind != self.kind

    def problem(self, line: int, reason: str, text: str = "") -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(line, reason, text[:200]))


# --- escaping and values --------------------------------------------------------------------


def escape_cell(value: str) -> str:
    """Neutralise a spreadsheet formula with a leading ``'`` (reversible, see module doc)."""
    if value.startswith(FORMULA_TRIGGERS) or _ESCAPED.match(value):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Undo ``escape_cell``: drop one ``'`` before apostrophes and a formula trigger."""
    return value[1:] if _ESCAPED.match(value) else value


def format_bool(value: bool) -> str:
    return "true" if value else "false"


def parse_bool(value: str | None) -> bool | None:
    """``ActiveModel::Type::Boolean`` on a lowercased cell: empty → ``None``."""
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() not in _FALSE


def parse_languages(value: str | None) -> tuple[str, ...]:
    """``"en, de"`` → ``("en", "de")``; empty means all languages."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def normalise_acct(value: str, local_domain: str | None = None) -> str | None:
    """``@Alice@Example.COM`` → ``Alice@example.com``; ``None`` when not an address.

    A bare username becomes ``user@local_domain`` when ``local_domain`` is given.
    """
    text = value.strip().removeprefix("acct:").removeprefix("@")
    user, at, host = text.rpartition("@")
    if not at:
        user, host = text, (local_domain or "")
    host = host.strip().lower().rstrip(".")
    if not _USER.fullmatch(user) or not host or not _HOST.fullmatch(host):
        return None
    return f"{user}@{host}"


def normalise_domain(value: str) -> str | None:
    """A domain block entry: stripped, lowercased; ``None`` when not a host name."""
    text = value.strip().lower().rstrip(".")
    if text.startswith("*."):
        text = text[2:]
    return text if text and _HOST.fullmatch(text) else None


def _acct_key(acct: str) -> str:
    return acct.casefold()


# --- writing ----------------------------------------------------------------------------------


def render_csv(rows: Iterable[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """RFC 4180 text with ``\\n`` line ends (as Mastodon writes); data cells escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return out.getvalue()


def following_cells(row: FollowRow) -> list[str]:
    return [row.acct, format_bool(row.show_boosts), format_bool(row.notify),
            ", ".join(row.languages)]


def muting_cells(row: MuteRow) -> list[str]:
    return [row.acct, format_bool(row.hide_notifications)]


def list_cells(row: ListRow) -> list[str]:
    return [row.list_name, row.acct]


def _write(path: str | os.PathLike[str], kind: Kind, rows: list[list[str]]) -> int:
    atomic_write_text(path, render_csv(rows, WRITTEN_HEADERS[kind]))
    return len(rows)


def _unique(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    seen: set[str] = set()
    out: list[T] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def write_following(path: str | os.PathLike[str], rows: Iterable[FollowRow]) -> int:
    """Write ``following_accounts.csv`` atomically; returns the row count (deduplicated)."""
    unique = _unique(rows, lambda r: _acct_key(r.acct))
    return _write(path, "following", [following_cells(r) for r in unique])


def write_muting(path: str | os.PathLike[str], rows: Iterable[MuteRow]) -> int:
    """Write ``muted_accounts.csv`` atomically."""
    unique = _unique(rows, lambda r: _acct_key(r.acct))
    return _write(path, "muting", [muting_cells(r) for r in unique])


def write_blocking(path: str | os.PathLike[str], accts: Iterable[str]) -> int:
    """Write the headerless ``blocked_accounts.csv`` atomically."""
    return _write(path, "blocking", [[a] for a in _unique(accts, _acct_key)])


def write_domain_blocking(path: str | os.PathLike[str], domains: Iterable[str]) -> int:
    """Write the headerless ``blocked_domains.csv`` atomically."""
    return _write(path, "domain_blocking", [[d] for d in _unique(domains, str.lower)])


def write_bookmarks(path: str | os.PathLike[str], uris: Iterable[str]) -> int:
    """Write the headerless ``bookmarks.csv`` (status URIs, newest first) atomically."""
    return _write(path, "bookmarks", [[u] for u in _unique(uris, str)])


def write_lists(path: str | os.PathLike[str], rows: Iterable[ListRow]) -> int:
    """Write the headerless ``lists.csv`` atomically (one row per membership)."""
    unique = _unique(rows, lambda r: f"{r.list_name}\x00{_acct_key(r.acct)}")
    return _write(path, "lists", [list_cells(r) for r in unique])


# --- reading ----------------------------------------------------------------------------------


def guess_kind(header: Sequence[str] | None, filename: str | None) -> Kind | None:
    """Mastodon's ``Form::Import#guessed_type``: header names first, then filename prefix.

    Also recognises the ``#domain``/``#uri``/``List name`` headers the importer documents.
    """
    names = {cell.strip() for cell in header or ()}
    if "Hide notifications" in names:
        return "muting"
    if names & {"Show boosts", "Notify on new posts", "Languages"}:
        return "following"
    base = Path(filename).name if filename else ""
    for prefix, kind in FILENAME_PREFIXES:
        if base.startswith(prefix):
            return kind
    first = header[0].strip() if header else ""
    by_header: dict[str, Kind] = {"#domain": "domain_blocking", "#uri": "bookmarks",
                                  "List name": "lists"}
    return by_header.get(first)


Source = str | os.PathLike[str] | bytes


def _load_text(source: Source) -> tuple[str, str | None]:
    """The decoded text (BOM removed) and the filename, if any."""
    if isinstance(source, bytes):
        data, name = source, None
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise FormatError(_("{name} is larger than {size} MB, Mastodon's import limit.")
                                  .format(name=path.name, size=MAX_FILE_BYTES // 2**20))
            data = path.read_bytes()
        except OSError as exc:
            raise FormatError(_("Could not read {name}: {error}.").format(
                name=path.name, error=exc.strerror or exc)) from exc
        name = path.name
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(_("The file is larger than {size} MB, Mastodon's import limit.")
                          .format(size=MAX_FILE_BYTES // 2**20))
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        if name:
            raise FormatError(_("{name} is not UTF-8 text.").format(name=name)) from exc
        raise FormatError(_("The file is not UTF-8 text.")) from exc


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _records(text: str, result: ReadResult[T]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with their starting line; bad records become problems."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    with _field_limit(MAX_FIELD_CHARS):
        while True:
            line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                result.problem(line, _("unreadable CSV row ({error})").format(error=exc))
                continue
            if not any(cell.strip() for cell in record):
                continue  # skip_blanks
            yield line, record


def read_rows(source: Source, kind: Kind | None = None, *, filename: str | None = None
              ) -> tuple[ReadResult[dict[str, str]], list[tuple[int, dict[str, str]]]]:
    """Low level: the file's rows as ``{column: raw cell}`` dicts (unescaped), per line.

    ``kind`` may be ``None`` to guess it from header and filename; ``FormatError`` when it
    cannot be guessed or the file is unreadable.
    """
    text, name = _load_text(source)
    name = filename or name
    result: ReadResult[dict[str, str]] = ReadResult(kind or "following")
    records = _records(text, result)
    first = next(records, None)
    header = [c.strip() for c in first[1]] if first else []
    guessed = guess_kind(header, name)
    if kind is None:
        if guessed is None:
            raise FormatError(_("fedidesk cannot tell what {name} contains. "
                                "Choose the kind of data (follows, mutes, blocks, …).")
                              .format(name=name or _("this file")))
        kind = guessed
    result.kind, result.guessed_kind = kind, guessed
    result.had_header = bool(header) and header[0] in KNOWN_FIRST_HEADERS
    columns: Sequence[str] = header if result.had_header else DEFAULT_COLUMNS[kind]
    rows: list[tuple[int, dict[str, str]]] = []
    pending = records if result.had_header or first is None else _chain(first, records)
    for line, record in pending:
        if len(rows) >= MAX_ROWS:
            result.truncated = True
            # The one note about it (callers add none), kept even past MAX_PROBLEMS.
            result.problem_count += 1
            result.problems.append(RowProblem(line, _(
                "more than {n} rows: the rest was not read (Mastodon refuses such files; "
                "split it)").format(n=f"{MAX_ROWS:,}")))
            break
        cells = {col: unescape_cell(record[i]) if i < len(record) else ""
                 for i, col in enumerate(columns)}
        rows.append((line, cells))
    return result, rows


def _chain(first: tuple[int, list[str]], rest: Iterator[tuple[int, list[str]]]
           ) -> Iterator[tuple[int, list[str]]]:
    yield first
    yield from rest


def _read_accounts(source: Source, kind: Kind, build: Callable[[str, dict[str, str]], T],
                   filename: str | None, local_domain: str | None,
                   key: Callable[[T], str] | None = None) -> ReadResult[T]:
    raw, rows = read_rows(source, kind, filename=filename)
    result: ReadResult[T] = ReadResult(kind, problems=raw.problems, had_header=raw.had_header,
                                       guessed_kind=raw.guessed_kind, truncated=raw.truncated,
                                       problem_count=raw.problem_count)
    seen: dict[str, int] = {}
    for line, cells in rows:
        raw_acct = cells.get("Account address", "")
        acct = normalise_acct(raw_acct, local_domain)
        if acct is None:
            result.problem(line, _("not an account address (user@server)"), raw_acct)
            continue
        if kind == "lists" and not cells.get("List name", "").strip():
            result.problem(line, _("no list name"), raw_acct)
            continue
        item = build(acct, cells)
        k = key(item) if key else _acct_key(acct)
        if k in seen:
            result.duplicates += 1
            result.problem(line, _("duplicate of line {line}").format(line=seen[k]), raw_acct)
            continue
        seen[k] = line
        result.rows.append(item)
    return result


def read_following(source: Source, *, filename: str | None = None,
                   local_domain: str | None = None) -> ReadResult[FollowRow]:
    """Read a follows file (ours, Mastodon's, or a one-column list of addresses)."""
    def build(acct: str, cells: dict[str, str]) -> FollowRow:
        boosts = parse_bool(cells.get("Show boosts"))
        notify = parse_bool(cells.get("Notify on new posts"))
        return FollowRow(acct, True if boosts is None else boosts, bool(notify),
                         parse_languages(cells.get("Languages")))
    return _read_accounts(source, "following", build, filename, local_domain)


def read_muting(source: Source, *, filename: str | None = None,
                local_domain: str | None = None) -> ReadResult[MuteRow]:
    """Read a mutes file; an empty ``Hide notifications`` means ``true`` (MuteService)."""
    def build(acct: str, cells: dict[str, str]) -> MuteRow:
        hide = parse_bool(cells.get("Hide notifications"))
        return MuteRow(acct, True if hide is None else hide)
    return _read_accounts(source, "muting", build, filename, local_domain)


def read_blocking(source: Source, *, filename: str | None = None,
                  local_domain: str | None = None) -> ReadResult[str]:
    """Read a blocks file: account addresses."""
    return _read_accounts(source, "blocking", lambda acct, _cells: acct, filename,
                          local_domain)


def read_lists(source: Source, *, filename: str | None = None,
               local_domain: str | None = None) -> ReadResult[ListRow]:
    """Read ``lists.csv``: ``List name,Account address`` memberships."""
    return _read_accounts(
        source, "lists", lambda acct, cells: ListRow(cells["List name"].strip(), acct),
        filename, local_domain, key=lambda r: f"{r.list_name}\x00{_acct_key(r.acct)}")


def read_domain_blocking(source: Source, *, filename: str | None = None) -> ReadResult[str]:
    """Read a domain blocks file: lowercased host names."""
    raw, rows = read_rows(source, "domain_blocking", filename=filename)
    result: ReadResult[str] = ReadResult("domain_blocking", problems=raw.problems,
                                         had_header=raw.had_header,
                                         guessed_kind=raw.guessed_kind,
                                         truncated=raw.truncated,
                                         problem_count=raw.problem_count)
    return _collect(result, rows, "#domain", normalise_domain, _("not a domain name"))


def read_bookmarks(source: Source, *, filename: str | None = None) -> ReadResult[str]:
    """Read a bookmarks file: ``http(s)`` status URIs."""
    raw, rows = read_rows(source, "bookmarks", filename=filename)
    result: ReadResult[str] = ReadResult("bookmarks", problems=raw.problems,
                                         had_header=raw.had_header,
                                         guessed_kind=raw.guessed_kind,
                                         truncated=raw.truncated,
                                         problem_count=raw.problem_count)

    def uri(value: str) -> str | None:
        text = value.strip()
        ok = re.fullmatch(r"https?://[^\s/]+/\S*", text)
        return text if ok else None
    return _collect(result, rows, "#uri", uri, _("not a status address (https://…)"))


def _collect(result: ReadResult[str], rows: list[tuple[int, dict[str, str]]], column: str,
             clean: Callable[[str], str | None], reason: str) -> ReadResult[str]:
    seen: dict[str, int] = {}
    for line, cells in rows:
        value = clean(cells.get(column, ""))
        if value is None:
            result.problem(line, reason, cells.get(column, ""))
            continue
        if value in seen:
            result.duplicates += 1
            result.problem(line, _("duplicate of line {line}").format(line=seen[value]),
                           value)
            continue
        seen[value] = line
        result.rows.append(value)
    return result


AnyRow = FollowRow | MuteRow | ListRow | str


def read_any(source: Source, kind: Kind | None = None, *, filename: str | None = None,
             local_domain: str | None = None) -> ReadResult[AnyRow]:
    """Read a file of any kind (guessed like Mastodon when ``kind`` is ``None``)."""
    if kind is None:
        raw, _rows = read_rows(source, None, filename=filename)
        kind = raw.kind
    result: ReadResult[Any]
    if kind == "following":
        result = read_following(source, filename=filename, local_domain=local_domain)
    elif kind == "muting":
        result = read_muting(source, filename=filename, local_domain=local_domain)
    elif kind == "blocking":
        result = read_blocking(source, filename=filename, local_domain=local_domain)
    elif kind == "lists":
        result = read_lists(source, filename=filename, local_domain=local_domain)
    elif kind == "domain_blocking":
        result = read_domain_blocking(source, filename=filename)
    else:
        result = read_bookmarks(source, filename=filename)
    return cast(ReadResult[AnyRow], result)
