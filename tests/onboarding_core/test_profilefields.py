"""Adding a verified-link field keeps the others (mastodon-mock); polling for verified_at."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.api import MastodonApi
from fedidesk.core.clock import FakeClock
from fedidesk.core.entities import Account, Field, Json
from fedidesk.core.errors import FedideskError
from fedidesk.core.probe import Limits, ServerInfo
from fedidesk.core.profilefields import (
    RETRIGGER_HELP,
    AddedField,
    ProfileFieldsFullError,
    VerificationStatus,
    add_verified_field,
    as_json,
    wait_for_verification,
)
from tests.helpers.mockserver import token_for

SITE = "https://alice.example/"


def run_on_mock(mock: MockServer, fields: Sequence[tuple[str, str]] | None,
                url: str = SITE, **kw: object) -> tuple[AddedField, Account]:
    async def go() -> tuple[AddedField, Account]:
        async with MastodonApi(mock.base_url, token_for(mock)) as api:
            if fields is not None:
                await api.update_credentials(fields=list(fields))
            added = await add_verified_field(api, url, **kw)  # type: ignore[arg-type]
            return added, await api.verify_credentials()

    return asyncio.run(go())


@pytest.mark.integration
def test_adding_keeps_every_existing_field(mock: MockServer) -> None:
    existing = [("Pronouns", "she/her"), ("Blog", "https://blog.example/")]
    added, fresh = run_on_mock(mock, existing)
    assert added.added
    assert [(f.name, f.value) for f in fresh.fields] == [*existing, ("Website", SITE)]
    assert added.fields == (*existing, ("Website", SITE))


@pytest.mark.integration
def test_adding_to_an_empty_profile_with_a_label(mock: MockServer) -> None:
    _, fresh = run_on_mock(mock, None, label="Homepage")
    assert [(f.name, f.value) for f in fresh.fields] == [("Homepage", SITE)]


@pytest.mark.integration
def test_an_existing_link_is_not_added_twice(mock: MockServer) -> None:
    added, fresh = run_on_mock(mock, [("Site", SITE)])
    assert not added.added
    assert [(f.name, f.value) for f in fresh.fields] == [("Site", SITE)]


@pytest.mark.integration
def test_full_profile_is_a_clear_error_and_nothing_changes(mock: MockServer) -> None:
    four = [(f"F{i}", f"v{i}") for i in range(4)]
    with pytest.raises(ProfileFieldsFullError, match=r"All 4 profile fields are in use \(F0"):
        run_on_mock(mock, four)

    async def read() -> Account:
        async with MastodonApi(mock.base_url, token_for(mock)) as api:
            return await api.verify_credentials()

    assert [(f.name, f.value) for f in asyncio.run(read()).fields] == four


@pytest.mark.integration
def test_server_limit_from_server_info_is_respected(mock: MockServer) -> None:
    info = ServerInfo(domain="x", base_url=mock.base_url, limits=Limits(max_profile_fields=2))
    with pytest.raises(ProfileFieldsFullError, match="All 2"):
        run_on_mock(mock, [("A", "a"), ("B", "b")], server=info)
    single = ServerInfo(domain="x", base_url=mock.base_url, limits=Limits(max_profile_fields=1))
    with pytest.raises(ProfileFieldsFullError, match=r"^The server allows 1 profile field, and "
                       r"it is in use \(A\)\. Remove or replace it,"):
        run_on_mock(mock, [("A", "a")], server=single)
    bigger = ServerInfo(domain="x", base_url=mock.base_url, limits=Limits(max_profile_fields=6))
    _, fresh = run_on_mock(mock, [(f"F{i}", "v") for i in range(4)], server=bigger)
    assert len(fresh.fields) == 5


@pytest.mark.integration
@pytest.mark.parametrize("url", ["http://alice.example/", "https://Alice.example/"])
def test_unverifiable_links_are_refused_before_saving(mock: MockServer, url: str) -> None:
    with pytest.raises(FedideskError):
        run_on_mock(mock, [("Keep", "me")], url=url)


@pytest.mark.integration
def test_wait_explains_how_to_retrigger_when_it_never_verifies(mock: MockServer) -> None:
    clock = FakeClock()

    async def go() -> VerificationStatus:
        async with MastodonApi(mock.base_url, token_for(mock)) as api:
            await add_verified_field(api, SITE)
            return await wait_for_verification(api, SITE, attempts=3, delay=5, clock=clock)

    status = asyncio.run(go())
    assert not status.verified
    assert status.attempts == 3
    assert clock.sleeps == [5, 5]
    assert RETRIGGER_HELP in status.message
    assert "change or remove the field" in status.message


class FakeProfileApi:
    """verify_credentials shows ``verified_at`` from the ``verify_on``-th call on."""

    base_url = "https://social.example"

    def __init__(self, verify_on: int) -> None:
        self.calls = 0
        self.verify_on = verify_on

    async def verify_credentials(self) -> Account:
        self.calls += 1
        when = datetime(2026, 11, 29, tzinfo=UTC) if self.calls >= self.verify_on else None
        value = f'<a href="{SITE}" rel="nofollow noopener me" target="_blank">alice.example</a>'
        return Account(id="1", fields=(Field("Pronouns", "she/her"),
                                       Field("Website", value, when)),
                       source={"fields": [{"name": "Pronouns", "value": "she/her"},
                                          {"name": "Website", "value": SITE}]})

    async def instance(self) -> Json:
        return {}

    async def update_credentials(self, display_name: str | None = None,
                                 note: str | None = None,
                                 fields: Sequence[tuple[str, str]] | None = None) -> Account:
        raise AssertionError("not expected")


def test_wait_returns_once_verified_at_appears() -> None:
    api = FakeProfileApi(verify_on=3)
    clock = FakeClock()
    status = asyncio.run(wait_for_verification(api, SITE, attempts=10, delay=2, clock=clock))
    assert status.verified
    assert status.attempts == 3
    assert clock.sleeps == [2, 2]
    assert as_json(status)["verified_at"] == "2026-11-29T00:00:00+00:00"


def test_wait_reports_a_missing_field() -> None:
    status = asyncio.run(wait_for_verification(FakeProfileApi(1), "https://other.example/",
                                               clock=FakeClock()))
    assert not status.verified
    assert "Add it first" in status.message


def test_wait_matches_rendered_html_without_source() -> None:
    class NoSource(FakeProfileApi):
        async def verify_credentials(self) -> Account:
            account = await super().verify_credentials()
            return Account(id="1", fields=account.fields)

    status = asyncio.run(wait_for_verification(NoSource(1), SITE, clock=FakeClock()))
    assert status.verified
