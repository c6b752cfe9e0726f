"""The inputs of a contact scan as ``TextSource`` rows (``security.md`` item 15).

* a Twitter/X archive zip (``archive.read_archive``): the owner's tweets and their links;
* a CSV of accounts: the header is detected case-insensitively (``handle``, ``name``,
  ``bio``/``description``, ``url``/``website``, ``location``, ``pinned``…; a column named
  after Mastodon or the fediverse counts as a hint), ``utf-8-sig``, a byte cap, a
  per-field size limit and a row cap; bad rows are reported, never fatal;
* pasted text (a ``.txt`` file or standard input): one source per line.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fedidesk.core.contacts.archive import ArchiveLimits, TwitterArchive, read_archive
from fedidesk.core.contacts.extract import TextSource
from fedidesk.core.errors import FedideskError
from fedidesk.core.i18n import N_, _, ngettext

MAX_INPUT_BYTES = 20 * 1024 * 1024  # Mastodon's own import limit
MAX_ROWS = 10_000
MAX_FIELD = 64 * 1024
#: The owner's tweets may carry other people's handles: trust them a little less.
TWEET_WEIGHT = 0.8
_ZIP_MAGIC = b"PK\x03\x04"
_csv_lock = threading.Lock()

ACCOUNT_COLUMNS = frozenset({"handle", "username", "user name", "screen name", "screenname",
                             "twitter", "twitter handle", "account", "user", "login"})
NAME_COLUMNS = frozenset({"name", "display name", "displayname", "full name"})
TEXT_COLUMNS = frozenset({"bio", "description", "about", "profile", "url", "website", "link",
                          "homepage", "expanded url", "location", "pinned", "pinned tweet",
                          "pinned text", "note", "notes"})
HINT_WORDS = ("mastodon", "fedi", "account address", "activitypub")


class ContactInputError(FedideskError):
    """An input file cannot be used at all."""

    user_message = N_("fedidesk could not read this file.")


@dataclass
class ScanInput:
    """Everything one input contributed."""

    label: str
    sources: list[TextSource] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    archive: TwitterArchive | None = None


# -- plain text -------------------------------------------------------------------------------


def _decode(data: bytes, label: str, problems: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(_("{label} is not valid UTF-8; unreadable characters were replaced.")
                        .format(label=label))
        return data.decode("utf-8-sig", errors="replace")


def read_text(data: bytes, label: str | None = None, *,
              max_lines: int = MAX_ROWS) -> ScanInput:
    """One source per non-empty line (``label`` defaults to “pasted text”)."""
    label = label if label is not None else _("pasted text")
    result = ScanInput(label)
    text = _decode(data, label, result.problems)
    for number, line in enumerate(text.splitlines(), start=1):
        if number > max_lines:
            result.problems.append(_("{label}: only the first {n} lines were read.").format(
                label=label, n=f"{max_lines:,}"))
            break
        if line.strip():
            result.sources.append(TextSource(line, _("line {number}").format(number=number)))
    return result


# -- CSV --------------------------------------------------------------------------------------


def _column(header: str) -> str:
    return " ".join(header.strip().lower().replace("_", " ").split())


def _is_header(row: list[str]) -> bool:
    known = ACCOUNT_COLUMNS | NAME_COLUMNS | TEXT_COLUMNS
    return any(_column(c) in known or any(w in _column(c) for w in HINT_WORDS) for c in row)


def _rows(text: str, max_field: int, problems: list[str], label: str
          ) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(_("{label} row {row}: skipped ({error}).").format(
                label=label, row=reader.line_num, error=exc))
            continue
        if any("\x00" in cell for cell in row):
            problems.append(_("{label} row {row}: skipped (it contains NUL bytes).").format(
                label=label, row=reader.line_num))
            continue
        if any(len(cell) > max_field for cell in row):  # belt and braces
            problems.append(_("{label} row {row}: skipped (a field is too large).").format(
                label=label, row=reader.line_num))
            continue
        yield reader.line_num, row


def read_csv(data: bytes, label: str = "CSV", *, max_rows: int = MAX_ROWS,
             max_field: int = MAX_FIELD) -> ScanInput:
    """Sources from a CSV of accounts; bad rows end up in ``problems``."""
    result = ScanInput(label)
    text = _decode(data, label, result.problems)
    with _csv_lock:  # the field size limit is process-wide
        previous = csv.field_size_limit(max_field)
        try:
            rows = list(_limited(_rows(text, max_field, result.problems, label), max_rows,
                                 result.problems, label))
        finally:
            csv.field_size_limit(previous)
    if not rows:
        return result
    header = [_column(c) for c in rows[0][1]] if _is_header(rows[0][1]) else []
    for line, row in rows[1:] if header else rows:
        _add_row(result, header, line, row)
    return result


def _limited(rows: Iterator[tuple[int, list[str]]], max_rows: int, problems: list[str],
             label: str) -> Iterator[tuple[int, list[str]]]:
    for count, item in enumerate(rows):
        if count > max_rows:  # the header row is not counted
            problems.append(_("{label}: only the first {n} rows were read.").format(
                label=label, n=f"{max_rows:,}"))
            return
        yield item


def _add_row(result: ScanInput, header: list[str], line: int, row: list[str]) -> None:
    names = [header[i] if i < len(header) and header[i]
             else _("column {number}").format(number=i + 1) for i in range(len(row))]
    if header and len(row) != len(header):
        result.problems.append(ngettext("{label} row {row}: {count} field instead of "
                                        "{expected}; read anyway.",
                                        "{label} row {row}: {count} fields instead of "
                                        "{expected}; read anyway.", len(row)).format(
                                   label=result.label, row=line, count=len(row),
                                   expected=len(header)))
    cells = list(zip(names, row, strict=True))
    account = next((c.strip().lstrip("@") for n, c in cells if n in ACCOUNT_COLUMNS and c.strip()),
                   "")
    account = account or next((c.strip() for n, c in cells if n in NAME_COLUMNS and c.strip()),
                              "")
    for name, cell in cells:
        if cell.strip():
            hinted = any(w in name for w in HINT_WORDS)
            result.sources.append(TextSource(cell, name, account[:100], hinted=hinted))


# -- archives and files -------------------------------------------------------------------------


def archive_input(path: Path, *, limits: ArchiveLimits | None = None) -> ScanInput:
    """Sources from the owner's tweets in a Twitter/X archive."""
    archive = read_archive(path, limits=limits)
    result = ScanInput(path.name, archive=archive)
    for tweet in archive.tweets:
        text = " ".join([tweet.text, *tweet.urls])
        result.sources.append(TextSource(text, _("tweet {id}").format(id=tweet.tweet_id).strip(),
                                         archive.owner, weight=TWEET_WEIGHT))
    return result


def _read_capped(handle: BinaryIO, label: str, cap: int) -> bytes:
    data = handle.read(cap + 1)
    if len(data) > cap:
        raise ContactInputError(_("{label} is larger than {size} MB.").format(
            label=label, size=cap // (1024 * 1024)))
    return data


def load_input(name: str, *, stdin: BinaryIO | None = None,
               max_bytes: int = MAX_INPUT_BYTES) -> ScanInput:
    """Read ``name`` (``.zip``, ``.csv``, anything else as text; ``-`` is standard input)."""
    if name == "-":
        if stdin is None:
            raise ContactInputError(_("No standard input to read."))
        return read_text(_read_capped(stdin, _("Standard input"), max_bytes),
                         _("standard input"))
    path = Path(name)
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
            if path.suffix.lower() == ".zip" or magic == _ZIP_MAGIC:
                return archive_input(path)
            handle.seek(0)
            data = _read_capped(handle, path.name, max_bytes)
    except OSError as exc:
        raise ContactInputError(_("Could not read {name}: {error}.").format(
            name=name, error=exc.strerror or exc)) from exc
    if path.suffix.lower() == ".csv":
        return read_csv(data, path.name)
    return read_text(data, path.name)
