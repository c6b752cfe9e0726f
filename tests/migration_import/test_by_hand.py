"""What the export holds but no import brings is named in the report, to do by hand."""

from __future__ import annotations

import json
from pathlib import Path

from fedidesk.core.migration.bundle import Extras, Manifest, ProfileData, ProfileField
from fedidesk.core.migration.source import read_source
from fedidesk.core.migration.verify import Report


def test_featured_tags_endorsements_profile_and_download_notes_are_listed(
        tmp_path: Path) -> None:
    extras = Extras(followed_tags=["python"], featured_tags=["python", "#qt"],
                    endorsements=["ada@mock.local"],
                    profile=ProfileData(note="hi", fields=(ProfileField("Web", "x"),)))
    (tmp_path / "extras.json").write_text(json.dumps(extras.to_json()))
    manifest = Manifest("alice@old.example", "https://old.example", "2026-11-29T12:00:00+00:00",
                        notes=["Lists without members are not in lists.csv: Empty list."])
    (tmp_path / "manifest.json").write_text(json.dumps(manifest.to_json()))
    source = read_source(tmp_path)
    assert source.tags == ["python"]
    assert len(source.by_hand) == 4
    assert "#python, #qt" in source.by_hand[0]
    assert "ada@mock.local" in source.by_hand[1]
    assert "Edit profile" in source.by_hand[2]
    assert "Empty list" in source.by_hand[3]
    report = Report("bob@new.example", str(tmp_path), "now", by_hand=source.by_hand)
    text = report.to_text()
    assert "Not brought over by the import (do these by hand):" in text
    assert "- Featured hashtags on your profile: #python, #qt." in text
    assert report.to_json()["by_hand"] == source.by_hand


def test_nothing_to_do_by_hand_adds_no_section(tmp_path: Path) -> None:
    (tmp_path / "extras.json").write_text(json.dumps(Extras(followed_tags=["a"]).to_json()))
    source = read_source(tmp_path)
    assert source.by_hand == []
    assert "by hand" not in Report("b@x", str(tmp_path), "now").to_text()
