"""``fedidesk hashtags suggest`` text output: translated, with plural forms.

QA pass 4: it printed hard-coded English "posts/7d", "people" and "[trending]".
"""

from __future__ import annotations

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from fedidesk.cli.wizardcmds import usage
from fedidesk.core.accounts import AccountEntry, AccountManager
from fedidesk.core.suggestions import TagSuggestion
from tests.helpers.mockserver import token_for


@pytest.mark.parametrize(("uses", "accounts", "text"), [
    (0, 0, "no posts this week"),
    (1, 1, "1 person, 1 post this week"),
    (30, 12, "12 people, 30 posts this week"),
])
def test_usage_has_plural_forms(uses: int, accounts: int, text: str) -> None:
    assert usage(TagSuggestion("cats", uses, accounts)) == text


def test_usage_is_translated(german: None) -> None:
    text = usage(TagSuggestion("cats", 30, 12))
    assert "people" not in text and "posts" not in text and "12" in text and "30" in text


@pytest.mark.integration
def test_text_output_is_worded(mock: MockServer, accounts: AccountManager,
                               capsys: pytest.CaptureFixture[str]) -> None:
    entry = AccountEntry(handle="alice@mock", base_url=mock.base_url, account_id="1")
    accounts.add(entry, token_for(mock, "alice"))
    accounts.set_default("alice@mock")
    assert run(["hashtags", "suggest"]) == 0
    out = capsys.readouterr().out
    assert "posts/7d" not in out and "[trending]" not in out and " people  " not in out
    assert "#" in out and "Python" in out
    assert "this week" in out
