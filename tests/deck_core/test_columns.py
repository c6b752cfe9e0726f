"""ColumnSpec identity and JSON, stream mapping, filters, TimelineItem."""

from __future__ import annotations

import json

import pytest

from fedidesk.core.columns import ColumnKind, ColumnSpec, TimelineItem, accepts, stream_for
from fedidesk.core.entities import Conversation, Notification, Status, from_dict

A = "alice@social.example"


def status(**kw: object) -> Status:
    data = {"id": "10", "account": {"id": "1"}, **kw}
    return from_dict(Status, data)


def test_json_round_trip_and_stable_key() -> None:
    spec = ColumnSpec(A, ColumnKind.HASHTAG, tags=("#Cats", "dogs"), none_tags=("nsfw",),
                      local_only=True, title="Pets")
    data = json.loads(json.dumps(spec.to_json()))
    again = ColumnSpec.from_json(data)
    assert again == spec
    assert again.key == spec.key
    assert spec.tags == ("Cats", "dogs")
    # the key ignores the title and display options, not the identity
    assert spec.with_options(title="x", hide_boosts=True).key == spec.key
    assert spec.with_options(local_only=False).key != spec.key
    assert ColumnSpec(A, ColumnKind.HOME).key != ColumnSpec("bob@x", ColumnKind.HOME).key
    assert ColumnSpec.from_json({"account": A, "kind": "home", "future_field": 1}).kind == "home"


@pytest.mark.parametrize(("spec", "name", "path", "params"), [
    (ColumnSpec(A, ColumnKind.HOME), "user", "user", ()),
    (ColumnSpec(A, ColumnKind.NOTIFICATIONS), "user:notification", "user/notification", ()),
    (ColumnSpec(A, ColumnKind.MENTIONS), "user:notification", "user/notification", ()),
    (ColumnSpec(A, ColumnKind.FEDERATED), "public", "public", ()),
    (ColumnSpec(A, ColumnKind.LOCAL), "public:local", "public/local", ()),
    (ColumnSpec(A, ColumnKind.LOCAL, media_only=True), "public:local:media", "public/local",
     (("only_media", "true"),)),
    (ColumnSpec(A, ColumnKind.HASHTAG, tags=("cats",)), "hashtag", "hashtag", (("tag", "cats"),)),
    (ColumnSpec(A, ColumnKind.HASHTAG, tags=("cats",), local_only=True), "hashtag:local",
     "hashtag/local", (("tag", "cats"),)),
    (ColumnSpec(A, ColumnKind.LIST, list_id="5"), "list", "list", (("list", "5"),)),
    (ColumnSpec(A, ColumnKind.DIRECT), "direct", "direct", ()),
])
def test_stream_for(spec: ColumnSpec, name: str, path: str, params: tuple[object, ...]) -> None:
    stream = stream_for(spec)
    assert stream is not None
    assert (stream.name, stream.path, stream.params) == (name, path, params)


@pytest.mark.parametrize("kind", [ColumnKind.BOOKMARKS, ColumnKind.FAVOURITES, ColumnKind.SEARCH,
                                  ColumnKind.TRENDING, ColumnKind.REMOTE, ColumnKind.PROFILE])
def test_polling_columns_have_no_stream(kind: ColumnKind) -> None:
    assert stream_for(ColumnSpec(A, kind, server="https://other.example")) is None
    assert stream_for(ColumnSpec(A, ColumnKind.HASHTAG, tags=("a", "b"))) is None


def test_accepts_applies_kind_and_options() -> None:
    home = ColumnSpec(A, ColumnKind.HOME)
    plain = TimelineItem.of(status())
    boost = TimelineItem.of(status(id="11", reblog={"id": "3", "account": {"id": "2"}}))
    reply = TimelineItem.of(status(id="12", in_reply_to_id="1", in_reply_to_account_id="9"))
    self_reply = TimelineItem.of(status(id="13", in_reply_to_id="1",
                                        in_reply_to_account_id="1"))
    media = TimelineItem.of(status(id="14", media_attachments=[{"id": "m", "type": "image"}]))
    note = TimelineItem.of(from_dict(Notification, {"id": "n1", "type": "favourite",
                                                   "account": {"id": "2"}}))
    mention = TimelineItem.of(from_dict(Notification, {
        "id": "n2", "type": "mention", "account": {"id": "2"}, "status": {"id": "4"}}))
    convo = TimelineItem.of(from_dict(Conversation, {"id": "c", "last_status": {"id": "20"}}))

    assert all(accepts(home, i) for i in (plain, boost, reply, media))
    assert not accepts(home, note) and not accepts(home, convo)
    assert not accepts(home.with_options(hide_boosts=True), boost)
    assert not accepts(home.with_options(hide_replies=True), reply)
    assert accepts(home.with_options(hide_replies=True), self_reply)
    assert not accepts(home.with_options(media_only=True), plain)
    assert accepts(home.with_options(media_only=True), media)

    notes = ColumnSpec(A, ColumnKind.NOTIFICATIONS)
    assert accepts(notes, note) and accepts(notes, mention) and not accepts(notes, plain)
    assert not accepts(notes.with_options(types=("mention",)), note)
    assert accepts(ColumnSpec(A, ColumnKind.MENTIONS), mention)
    assert not accepts(ColumnSpec(A, ColumnKind.MENTIONS), note)
    assert accepts(ColumnSpec(A, ColumnKind.DIRECT), convo)

    tagged = TimelineItem.of(status(id="15", tags=[{"name": "cats"}, {"name": "dogs"}]))
    tag = ColumnSpec(A, ColumnKind.HASHTAG, tags=("cats",))
    assert accepts(tag.with_options(all_tags=("dogs",)), tagged)
    assert not accepts(tag.with_options(all_tags=("birds",)), tagged)
    assert not accepts(tag.with_options(none_tags=("Dogs",)), tagged)


def test_timeline_item_ids() -> None:
    item = TimelineItem.of(status(id="42"))
    assert (item.id, item.sort_id, item.status and item.status.id) == ("status:42", "42", "42")
    note = TimelineItem.of(from_dict(Notification, {"id": "7", "type": "follow"}))
    assert note.id == "notification:7" and note.status is None
    convo = TimelineItem.of(from_dict(Conversation, {"id": "c9", "last_status": {"id": "88"}}))
    assert (convo.id, convo.sort_id) == ("conversation:c9", "88")


def test_hashtag_titles_tell_the_columns_apart() -> None:
    def title(**options: object) -> str:
        return ColumnSpec("a@x.example", ColumnKind.HASHTAG, **options).display_title  # type: ignore[arg-type]

    assert title(tags=("python", "qt")) == "#python #qt"  # any of
    assert title(tags=("python",), all_tags=("qt",)) == "#python +#qt"
    assert title(tags=("python",), none_tags=("qt",)) == "#python −#qt"
    assert title(tags=("python",), local_only=True) == "#python · Local"
    assert len({title(tags=("python", "qt")), title(tags=("python",), all_tags=("qt",)),
                title(tags=("python",), none_tags=("qt",))}) == 3
