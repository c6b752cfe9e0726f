"""Onboarding sign-up tests: mastodon-mock fixtures, a profile with accounts and keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fedidesk.core.accounts import AccountManager
from fedidesk.core.paths import resolve_paths
from fedidesk.core.secrets import SecretStore
from fedidesk.core.settings import Settings
from fedidesk.core.storage import Database
from tests.helpers.mockserver import mock, mock_server

__all__ = ["mock", "mock_server"]


@pytest.fixture
def db(profile_dir: Path) -> Iterator[Database]:
    paths = resolve_paths(profile_dir).ensure()
    database = Database(paths.database_file)
    yield database
    database.close()


@pytest.fixture
def secrets() -> SecretStore:
    return SecretStore.open()


@pytest.fixture
def accounts(profile_dir: Path, db: Database, secrets: SecretStore) -> AccountManager:
    paths = resolve_paths(profile_dir).ensure()
    return AccountManager(Settings(paths.settings_file), secrets, db)
