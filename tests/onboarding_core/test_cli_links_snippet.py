"""``fedidesk links snippet`` checks ``--profile`` like ``links check`` does.

QA pass 4: ``links snippet --profile garbage`` (or an empty one) printed a useless snippet.
"""

from __future__ import annotations

import pytest

from fedidesk.cli.main import run

PROFILE = "https://social.example/@alice"
MESSAGE = "fedidesk: The profile address must be a web address like https://mastodon.social/@you."


@pytest.mark.parametrize("profile", ["garbage", "", "   ", "social.example/@alice",
                                     "mailto:alice@social.example", "https:///@alice"])
@pytest.mark.parametrize("action", [["snippet"], ["check", "https://alice.example/"]])
def test_bad_profile_is_refused_the_same_way(profile: str, action: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["links", *action, "--profile", profile]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == MESSAGE + "\n"


def test_good_profile_gives_the_snippet(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["links", "snippet", "--profile", f" {PROFILE} "]) == 0
    out = capsys.readouterr().out
    assert f'<a rel="me" href="{PROFILE}">Mastodon</a>' in out
