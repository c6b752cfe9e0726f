"""Drafts in the kv table: round trips, listing, idempotency keys."""

from __future__ import annotations

from fedidesk.core.drafts import Draft, DraftMedia, DraftPoll, DraftStore
from fedidesk.core.storage import Database


def _full_draft() -> Draft:
    return Draft(
        account="alice@mock.local", text="Hello @bob 😀", spoiler="cw", visibility="private",
        language="de", sensitive=True, in_reply_to_id="42",
        media=(DraftMedia("/pics/a.png", "a cat", "m1", "a cat"), DraftMedia("/pics/b.jpg")),
        poll=DraftPoll(("yes", "no", "maybe"), 3600, multiple=True))


def test_save_and_load_round_trip(drafts: DraftStore) -> None:
    draft = _full_draft()
    saved = drafts.save(draft)
    loaded = drafts.load(draft.id)
    assert loaded == saved
    assert loaded is not None and loaded.updated_at > 0
    assert loaded.media[0].uploaded and not loaded.media[1].uploaded
    assert loaded.poll is not None and loaded.poll.options == ("yes", "no", "maybe")


def test_round_trip_survives_a_new_connection(tmp_path: object) -> None:
    path = f"{tmp_path}/db.sqlite3"
    first = Database(path)
    draft = DraftStore(first).save(_full_draft())
    first.close()
    second = Database(path)
    try:
        assert DraftStore(second).load(draft.id) == draft
    finally:
        second.close()


def test_idempotency_key_is_stable_across_saves_and_retries(drafts: DraftStore) -> None:
    draft = Draft(account="alice@mock.local", text="first")
    key = draft.idempotency_key
    drafts.save(draft)
    edited = drafts.save(draft.replace(text="first, edited"))
    assert edited.idempotency_key == key
    reloaded = drafts.load(draft.id)
    assert reloaded is not None and reloaded.idempotency_key == key
    # A different draft gets a different key.
    assert Draft(account="alice@mock.local").idempotency_key != key


def test_list_newest_first_and_by_account(drafts: DraftStore) -> None:
    times = iter([1.0, 2.0, 3.0])
    store = DraftStore(drafts._db, clock=lambda: next(times))
    a = store.save(Draft(account="a@x", text="one"))
    b = store.save(Draft(account="b@x", text="two"))
    c = store.save(Draft(account="a@x", text="three"))
    assert [d.id for d in store.list()] == [c.id, b.id, a.id]
    assert [d.id for d in store.list("a@x")] == [c.id, a.id]


def test_delete(drafts: DraftStore) -> None:
    draft = drafts.save(Draft(account="a@x", text="bye"))
    drafts.delete(draft.id)
    assert drafts.load(draft.id) is None
    assert drafts.list() == []


def test_corrupt_rows_are_skipped(drafts: DraftStore) -> None:
    drafts._db.execute("INSERT INTO kv VALUES ('drafts', 'bad', '{not json', 1)")
    good = drafts.save(Draft(account="a@x", text="ok"))
    assert [d.id for d in drafts.list()] == [good.id]


def test_empty_draft() -> None:
    assert Draft(account="a@x", text="  ").is_empty
    assert Draft(account="a@x", poll=DraftPoll(("", ""))).is_empty
    assert not Draft(account="a@x", media=(DraftMedia("/pics/x.png"),)).is_empty
    assert not Draft(account="a@x", spoiler="cw").is_empty


def test_poll_to_api() -> None:
    poll = DraftPoll((" a ", "b"), 300, multiple=True)
    assert poll.to_api() == {"options": ["a", "b"], "expires_in": 300, "multiple": True,
                             "hide_totals": False}
