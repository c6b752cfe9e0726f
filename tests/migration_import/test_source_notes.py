"""``read_source`` notes: one note for a file over the row cap, filter contexts, filter files."""

from __future__ import annotations

import json
from pathlib import Path

from fedidesk.core.migration import formats
from fedidesk.core.migration.source import DEFAULT_CONTEXT, filter_from_json, read_source
from tests.migration_import.conftest import write_folder


def domains(count: int, *, bad: int = 0) -> str:
    return "".join(f"not a domain {i}\n" for i in range(bad)) + "".join(
        f"d{i}.example\n" for i in range(count - bad))


def test_a_file_over_the_row_cap_gets_one_note(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"blocked_domains.csv": domains(formats.MAX_ROWS + 5)})
    source = read_source(folder)
    assert len(source.domain_blocks) == formats.MAX_ROWS
    over = [p for p in source.problems if "more than" in p]
    assert over == ["blocked_domains.csv line 20001: more than 20,000 rows: the rest was not "
                    "read (Mastodon refuses such files; split it)"]


def test_the_row_cap_note_survives_many_bad_rows(tmp_path: Path) -> None:
    text = domains(formats.MAX_ROWS + 1, bad=formats.MAX_PROBLEMS + 10)
    source = read_source(write_folder(tmp_path, {"blocked_domains.csv": text}))
    assert sum("more than 20,000 rows" in p for p in source.problems) == 1


def test_filter_context_may_be_one_string_and_unknown_ones_are_dropped() -> None:
    one = filter_from_json({"title": "A", "context": "home"})
    assert one is not None and one.context == ("home",)
    mixed = filter_from_json({"title": "B", "context": ["home", "bogus", "Thread", "home"]})
    assert mixed is not None and mixed.context == ("home", "thread")
    missing = filter_from_json({"title": "C"})
    assert missing is not None and missing.context == DEFAULT_CONTEXT


def test_a_filter_without_a_known_context_is_noted_and_skipped(tmp_path: Path) -> None:
    data = {"custom_filters": [{"title": "Nowhere", "context": ["bogus"]},
                               {"title": "Spoilers", "context": "public", "action": "hide",
                                "keywords_attributes": [{"keyword": "finale"}]}]}
    source = read_source(write_folder(tmp_path, {"custom_filters.json": json.dumps(data)}))
    assert [(f.title, f.context) for f in source.filters] == [("Spoilers", ("public",))]
    assert len(source.problems) == 1 and "Nowhere" in source.problems[0]
    assert "home, notifications, public, thread, account" in source.problems[0]


def test_a_filters_file_of_another_shape_is_noted(tmp_path: Path) -> None:
    listed = [{"title": "Spoilers", "context": ["home"]}]
    source = read_source(write_folder(tmp_path, {"custom_filters.json": json.dumps(listed)}))
    assert source.filters == []
    assert source.problems == ["custom_filters.json: expected an object with a "
                               "“custom_filters” list, as Mastodon exports it; skipped."]
    empty = read_source(write_folder(tmp_path / "b", {"custom_filters.json":
                                                      '{"custom_filters": []}'}))
    assert empty.filters == [] and empty.problems == []
