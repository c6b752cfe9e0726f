"""``fedidesk server-info`` text output: readable, translated, one response time.

QA pass 4: it printed Python reprs (``languages: ['en']``, ``registrations: {...}``), raw
field names and two response times (``response_ms`` and ``response time``).
"""

from __future__ import annotations

import pytest
from mastodon_mock.testing.server import MockServer

from fedidesk.cli.main import run
from fedidesk.cli.serverinfo import server_info_lines
from fedidesk.core.entities import Rule
from fedidesk.core.probe import Limits, Registrations, ServerInfo
from fedidesk.core.server_details import DomainBlocks, ServerDetails


def _details(**info: object) -> ServerDetails:
    server = ServerInfo(domain="cats.example", base_url="https://cats.example",
                        title="Cats", description="A server\nfor cats.", software_name="mastodon",
                        software_version="4.3.1", is_mastodon=True, languages=("en", "de"),
                        users_active_month=1, limits=Limits(max_characters=1),
                        registrations=Registrations(enabled=True, approval_required=True,
                                                    min_age=16),
                        response_ms=900, **info)  # type: ignore[arg-type]
    return ServerDetails(info=server, rules=(Rule("1", "Be  kind"), Rule("2", "No spam")),
                         extended_description="Long\n\ntext", contact_email="a@cats.example",
                         domain_blocks=DomainBlocks(True, 2, 1, 1), response_ms=42,
                         about_url="https://cats.example/about")


def test_lines_are_readable() -> None:
    text = "\n".join(server_info_lines(_details()))
    assert text.startswith("Cats (cats.example)\n  A server\n  for cats.\n")
    assert "Software: mastodon 4.3.1" in text
    assert "Sign-ups: Needs approval: a moderator reviews each sign-up. You must be at least " \
        "16." in text
    assert "Active users: 1 this month" in text
    assert "Languages: en, de" in text
    assert "Posts: up to 1 character\n" in text
    assert "Moderation list: 2 blocked servers (1 suspended, 1 limited)" in text
    assert "Response time: 42 ms" in text and "900" not in text
    assert "Rules:\n  1. Be kind\n  2. No spam" in text
    assert "About the server:\n  Long\n  text" in text
    for raw in ("[", "{", "_", "True", "None"):
        assert raw not in text.replace("a@cats.example", ""), raw


def test_lines_are_translated(german: None) -> None:
    text = "\n".join(server_info_lines(_details()))
    assert "Antwortzeit: 42 ms" in text
    assert "Sprachen: en, de" in text
    assert "Response time" not in text and "Sign-ups" not in text


@pytest.mark.integration
def test_cli_text_has_one_response_time_and_no_reprs(mock: MockServer,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["server-info", mock.base_url]) == 0
    out = capsys.readouterr().out
    assert out.lower().count("response") == 1
    assert "response_ms" not in out and "['" not in out and "{'" not in out
    assert "registrations:" not in out and "limits:" not in out and "languages:" not in out
    assert "Languages: en" in out
