"""Find former Twitter/X contacts on the fediverse (Qt-free core).

* ``archive``: read a Twitter/X data archive zip without extracting it (``mastodon.md`` §6.1,
  ``security.md`` item 14);
* ``extract``: fediverse handle candidates in names, bios, URLs and tweets (§6.2);
* ``sources``: the inputs (archive, CSV of accounts, pasted text) as ``TextSource`` rows
  (``security.md`` item 15);
* ``resolve``: verify candidates by WebFinger or the user's own server (§6.3);
* ``follow``: follow through the API under the 400 per UTC day budget (§8.2);
* ``export``: Mastodon's ``following_accounts.csv`` for the web importer (§7.1, §7.2).
"""

from __future__ import annotations

from fedidesk.core.contacts.archive import ArchiveError, ArchiveLimits, TwitterArchive, read_archive
from fedidesk.core.contacts.export import write_following_csv
from fedidesk.core.contacts.extract import Candidate, TextSource, extract_candidates
from fedidesk.core.contacts.follow import FollowBudget, FollowReport, follow_selected
from fedidesk.core.contacts.resolve import Resolution, WebFinger, resolve_candidates
from fedidesk.core.contacts.sources import ContactInputError, ScanInput, read_csv, read_text

__all__ = [
    "ArchiveError",
    "ArchiveLimits",
    "Candidate",
    "ContactInputError",
    "FollowBudget",
    "FollowReport",
    "Resolution",
    "ScanInput",
    "TextSource",
    "TwitterArchive",
    "WebFinger",
    "extract_candidates",
    "follow_selected",
    "read_archive",
    "read_csv",
    "read_text",
    "resolve_candidates",
    "write_following_csv",
]
