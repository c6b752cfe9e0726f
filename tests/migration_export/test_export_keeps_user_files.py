"""An export never writes over files it did not make, or over another account's export."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.core.migration.export import export_account
from fedidesk.core.migration.journal import JournalMismatchError
from tests.migration_export.test_export import api_for, run_export, seed

pytestmark = pytest.mark.integration


def export_as(mock: MockServer, user: str, dest: Path) -> None:
    async def go() -> None:
        async with api_for(mock, user) as api:
            await export_account(api, dest, categories={"follows"})
    asyncio.run(go())


def test_files_from_the_servers_export_page_are_kept(mock: MockServer, tmp_path: Path) -> None:
    seed(mock)
    mine = tmp_path / "following_accounts.csv"
    mine.write_text("Account address,Show boosts\nimportant@friend.example,true\n")
    with pytest.raises(JournalMismatchError, match="did not write"):
        run_export(mock, tmp_path, categories={"follows"})
    assert "important@friend.example" in mine.read_text()
    assert not (tmp_path / "manifest.json").exists()


def test_another_accounts_finished_export_is_kept(mock: MockServer, tmp_path: Path) -> None:
    seed(mock)
    run_export(mock, tmp_path, categories={"follows"})  # alice
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    with pytest.raises(JournalMismatchError, match="holds an export of alice@"):
        export_as(mock, "bob", tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before
    run_export(mock, tmp_path, categories={"follows"})  # alice again: a refresh is fine
