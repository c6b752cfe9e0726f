"""Text kept untranslated until shown: the language in use when it is read applies."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from fedidesk.core import i18n
from fedidesk.core.i18n import N_, Nn_
from fedidesk.core.lazytext import Text
from fedidesk.core.migration.move import MOVE_WARNING


@pytest.fixture
def restore_english() -> Iterator[None]:
    yield
    i18n.install("en")


def stored(text: Text) -> Text:
    """Through JSON and back, as the database keeps it."""
    back = Text.from_json(json.loads(json.dumps(text.to_json())))
    assert back == text
    return back


def test_text_is_worded_in_the_language_in_use_when_shown(restore_english: None) -> None:
    text = stored(Text.of(N_("{old} has not moved yet (its profile shows no new address)."),
                          old="ann@old.example"))
    assert text.render() == "ann@old.example has not moved yet (its profile shows no new " \
                            "address)."
    i18n.install("de")
    assert str(text) == "ann@old.example ist noch nicht umgezogen (das Profil zeigt keine " \
                        "neue Adresse)."


def test_counts_choose_the_plural_form_of_the_language(restore_english: None) -> None:
    forms = Nn_("{gained} follower has arrived so far ({now} now, {before} before the move).",
                "{gained} followers have arrived so far ({now} now, {before} before the move).")
    one = stored(Text.counted(forms, 1, gained=1, now=4, before=3))
    two = stored(Text.counted(forms, 2, gained=2, now=5, before=3))
    assert one.render().startswith("1 follower has arrived")
    assert two.render().startswith("2 followers have arrived")
    i18n.install("de")
    assert one.render() != two.render()
    assert "1" in one.render() and "Follower" in one.render()


def test_nested_texts_and_lists_are_translated_too(restore_english: None) -> None:
    text = stored(Text.of(N_("{warning} On the page, enter the new handle {new} and your "
                             "current password, then confirm."),
                          warning=Text.of(MOVE_WARNING), new="ann2@new.example"))
    listed = stored(Text.of(N_("{category} ({n})"), category=Text.of(N_("Follows")), n=2))
    both = stored(Text.of(N_("Could not look up {old}: {problems}"), old="a@b.example",
                          problems=[listed, "raw"]))
    assert text.render().startswith("Moving cannot be undone.")
    assert both.render() == "Could not look up a@b.example: Follows (2), raw"
    i18n.install("de")
    assert "ann2@new.example" in text.render()
    assert not text.render().startswith("Moving cannot be undone.")
    assert both.render().endswith("Gefolgte Konten (2), raw")


def test_verbatim_text_is_never_looked_up_or_formatted(restore_english: None) -> None:
    text = stored(Text.verbatim("Follows {not a placeholder}"))
    i18n.install("de")
    assert text.render() == "Follows {not a placeholder}"


def test_a_broken_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fedidesk.core.lazytext._", lambda m: m.replace("{old}", "{alt}"))
    text = Text.of(N_("{old} now points to {new}."), old="a@x.example", new="b@y.example")
    assert text.render() == "a@x.example now points to b@y.example."


@pytest.mark.parametrize("data", [
    None, "text", [], {}, {"message": 3}, {"message": "x", "plural": 1},
    {"message": "x", "count": "1", "plural": "xs"}, {"message": "x", "params": []},
    {"message": "{a}", "params": {"a": True}}, {"message": "{a}", "params": {"a": None}},
    {"message": "{a}", "params": {"a": [[1]]}}, {"message": "{a}", "params": {"a": {"x": 1}}},
])
def test_unusable_stored_data_is_refused(data: object) -> None:
    assert Text.from_json(data) is None


def test_deeply_nested_stored_data_is_refused() -> None:
    data: dict[str, object] = {"message": "x"}
    for _level in range(50):
        data = {"message": "{a}", "params": {"a": {"text": data}}}
    assert Text.from_json(data) is None
