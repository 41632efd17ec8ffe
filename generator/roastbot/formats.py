"""Parse TOML, YAML and JSON text into plain mappings, with error positions.

Front matter and Hugo config use the same three formats. Each loader returns a dict or
raises `SyntaxProblem` with the 1-based line (within the given text) and a short
description, which the caller turns into an error that names its file.

YAML timestamps are kept as strings: PyYAML would turn `2026-12-01 10:00:00` into a
naive datetime in UTC, losing the distinction Hugo makes (a value without an offset is
read in the site's `timeZone`). `dates.py` applies Hugo's rule to all three formats.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

Format = Literal["toml", "yaml", "json"]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class SyntaxProblem(ValueError):
    """Text that is not valid in its format."""

    def __init__(self, message: str, line: int | None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


def load(fmt: Format, text: str) -> dict[str, Any]:
    """Parse `text` as `fmt` and return the top-level mapping (empty text gives {})."""
    data = {"toml": _load_toml, "yaml": _load_yaml, "json": _load_json}[fmt](text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SyntaxProblem(
            f"expected keys and values, found a {type(data).__name__}", 1
        )

    return data


def lower_keys(value: Any) -> Any:
    """Return `value` with every mapping key lower-cased, as Hugo treats them."""
    # Only containers recurse: this runs on every page of large sites.
    if isinstance(value, dict):
        return {
            str(key).lower(): lower_keys(item)
            if isinstance(item, (dict, list))
            else item
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            lower_keys(item) if isinstance(item, (dict, list)) else item
            for item in value
        ]

    return value


def _load_toml(text: str) -> Any:
    import tomli

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        message = str(exc)
        line = getattr(exc, "lineno", None)
        if line is None and (match := _TOML_POSITION.search(message)):
            line = int(match.group(1))

        raise SyntaxProblem(_TOML_POSITION.sub("", message), line) from None


def _load_yaml(text: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise SyntaxProblem(problem, None if mark is None else mark.line + 1) from None
    except yaml.YAMLError as exc:
        raise SyntaxProblem(str(exc), None) from None


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(exc.msg, exc.lineno) from None


_LOADER: Any = None


def _yaml_loader() -> Any:
    """Return (and build once) a safe YAML loader that resolves no timestamps."""
    global _LOADER  # noqa: PLW0603 - built on first use to keep PyYAML off the import path
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        resolvers = {
            first: [(tag, rx) for tag, rx in entries if tag != _TIMESTAMP_TAG]
            for first, entries in base.yaml_implicit_resolvers.items()
        }
        _LOADER = type(
            "TextDatesLoader", (base,), {"yaml_implicit_resolvers": resolvers}
        )

    return _LOADER
