"""A message kept untranslated until it is shown, so saved text follows the language in use.

``Text`` holds a message id marked with ``N_`` (or a singular/plural pair marked with
``Nn_`` and the count that chooses between them) and its parameters. ``render()`` translates
it into the current language; ``to_json``/``from_json`` store it, e.g. with a step's result
in the database, so a result saved in German reads in French after the language changes.

Parameters are numbers, plain strings (shown as they are: handles, addresses, a server's
own words), other ``Text``s (translated in turn) or lists of those (joined with ", ").
``Text.verbatim`` wraps a text that is already worded, such as an error message; it is
never looked up in the catalogue.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from fedidesk.core.i18n import _, ngettext

log = logging.getLogger(__name__)

Param = Union[int, str, "Text", Sequence[Union[int, str, "Text"]]]
#: Nesting allowed when reading stored text back (stored data is not trusted to be sane).
MAX_DEPTH = 4


@dataclass(frozen=True)
class Text:
    """A message to translate when shown (see the module docstring)."""

    message: str
    plural: str = ""
    count: int = 0
    params: Mapping[str, Param] = field(default_factory=dict)
    verbatim_text: bool = False

    @classmethod
    def of(cls, message: str, **params: Param) -> Text:
        """``message`` (marked with ``N_``) with ``params`` for its ``{placeholders}``."""
        return cls(message, params=params)

    @classmethod
    def counted(cls, forms: tuple[str, str], count: int, **params: Param) -> Text:
        """A singular/plural pair (marked with ``Nn_``) chosen by ``count``."""
        return cls(forms[0], forms[1], count, params)

    @classmethod
    def verbatim(cls, text: str) -> Text:
        """Text that is already worded; shown as it is."""
        return cls(text, verbatim_text=True)

    def render(self) -> str:
        if self.verbatim_text:
            return self.message
        values = {key: _render_param(value) for key, value in self.params.items()}
        template = (ngettext(self.message, self.plural, self.count) if self.plural
                    else _(self.message))
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder must not hide the message.
            log.warning("Bad placeholders in the translation of %r", self.message)
            english = self.message if not self.plural or self.count == 1 else self.plural
            return english.format(**values)

    def __str__(self) -> str:
        return self.render()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message}
        if self.verbatim_text:
            data["verbatim"] = True
        if self.plural:
            data["plural"], data["count"] = self.plural, self.count
        if self.params:
            data["params"] = {key: _param_to_json(value) for key, value in self.params.items()}
        return data

    @classmethod
    def from_json(cls, data: object, _depth: int = 0) -> Text | None:
        """The ``Text`` stored by ``to_json``; ``None`` for anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("message"), str) \
                or _depth > MAX_DEPTH:
            return None
        plural, count = data.get("plural", ""), data.get("count", 0)
        if not isinstance(plural, str) or not isinstance(count, int):
            return None
        raw = data.get("params", {})
        if not isinstance(raw, dict):
            return None
        params: dict[str, Param] = {}
        for key, value in raw.items():
            param = _param_from_json(value, _depth + 1)
            if param is None:
                return None
            params[str(key)] = param
        return cls(data["message"], plural, count, params, bool(data.get("verbatim")))


def _render_param(value: Param) -> str | int:
    if isinstance(value, Text):
        return value.render()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_render_param(item)) for item in value)
    assert isinstance(value, (str, int))
    return value


def _param_to_json(value: Param) -> Any:
    if isinstance(value, Text):
        return {"text": value.to_json()}
    if isinstance(value, (list, tuple)):
        return [_param_to_json(item) for item in value]
    return value


def _param_from_json(value: object, depth: int) -> Param | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, dict):
        return Text.from_json(value.get("text"), depth)
    if isinstance(value, list):
        items: list[int | str | Text] = []
        for item in value:
            if isinstance(item, list):
                return None  # lists are not nested
            param = _param_from_json(item, depth + 1)
            if param is None or (isinstance(param, Sequence) and not isinstance(param, str)):
                return None
            items.append(param)
        return items
    return None
