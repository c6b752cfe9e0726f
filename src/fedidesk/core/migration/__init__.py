"""The migration assistant's Qt-free core: Mastodon's file formats, export and import.

* ``formats``: the CSV files Mastodon's web export writes and its importer reads
  (``mastodon.md`` §7.1, §7.2), with formula escaping that survives a round trip.
* ``bundle``: ``extras.json`` (what has no CSV) and ``manifest.json`` (counts, completeness).
* ``atomic``: crash-safe file writes (temporary file, fsync, rename).
* ``export``: the client-side export over REST (§7.4), resumable and rate-limit aware.
"""
