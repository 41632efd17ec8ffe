"""Split a content file into front matter and body, and parse the front matter.

Hugo recognises front matter by its opening line: `+++` for TOML, `---` for YAML and
`{` for JSON, after an optional byte order mark. The closing delimiter repeats the
opening one on a line of its own. Keys are case-insensitive in Hugo, so every mapping
key is lower-cased here. Dates are left as the parser gives them; `dates.py` turns them
into instants the way Hugo does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roastbot.errors import FrontMatterError
from roastbot.formats import Format, SyntaxProblem, load, lower_keys

_BOM = "\ufeff"
_DELIMITERS: dict[str, Format] = {"+++": "toml", "---": "yaml"}
_HINTS: dict[Format, str] = {
    "toml": "fix the TOML between the +++ lines",
    "yaml": "fix the YAML between the --- lines",
    "json": "fix the JSON object at the top of the file",
}


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter: lower-cased keys, the format, and where each key stands."""

    data: dict[str, Any]
    format: Format | None
    first_line: int
    source: str = ""

    def line_of(self, key: str) -> int:
        """Return the file line where `key` is first set, else the opening line."""
        pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*[=:]', re.IGNORECASE)
        for index, line in enumerate(self.source.splitlines()):
            if pattern.match(line):
                return self.first_line + index + (0 if self.format == "json" else 1)

        return self.first_line


def read_front_matter(path: Path, *, display: Path | str | None = None) -> FrontMatter:
    """Read `path` and parse its front matter; raise `FrontMatterError` if malformed."""
    shown = display or path
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(
            f"not UTF-8 text (byte {exc.start})",
            path=shown,
            hint="save the file as UTF-8",
        ) from None

    return parse_front_matter(text, path=shown)


def parse_front_matter(text: str, *, path: Path | str = "<string>") -> FrontMatter:
    """Parse the front matter at the top of `text`."""
    text = text.removeprefix(_BOM)
    lines = text.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return FrontMatter({}, None, 1)

    opener = lines[first].strip()
    if opener in _DELIMITERS:
        return _parse_delimited(lines, first, _DELIMITERS[opener], path)
    if opener.startswith("{"):
        return _parse_json(text, lines, first, path)

    return FrontMatter({}, None, first + 1)


def _parse_delimited(
    lines: list[str], first: int, fmt: Format, path: Path | str
) -> FrontMatter:
    """Parse TOML or YAML front matter closed by a repeat of its opening line."""
    opener = lines[first].strip()
    for index in range(first + 1, len(lines)):
        if lines[index].rstrip() == opener:
            break
    else:
        raise FrontMatterError(
            f"front matter opened with {opener} on line {first + 1} is never closed",
            path=path,
            line=first + 1,
            hint=f"add a line containing only {opener} after the front matter",
        )

    source = "".join(lines[first + 1 : index])

    data = _load(fmt, source, path, first + 1)

    return FrontMatter(data, fmt, first + 1, source)


def _parse_json(
    text: str, lines: list[str], first: int, path: Path | str
) -> FrontMatter:
    """Parse a JSON object at the top of the file; the body follows its brace."""
    start = sum(len(line) for line in lines[:first])
    try:
        _, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise FrontMatterError(
            f"invalid JSON front matter: {exc.msg}",
            path=path,
            line=exc.lineno,
            hint=_HINTS["json"],
        ) from None

    source = text[start:end]

    return FrontMatter(_load("json", source, path, first), "json", first + 1, source)


def _load(fmt: Format, source: str, path: Path | str, offset: int) -> dict[str, Any]:
    """Parse `source`, reporting errors at their line in the whole file."""
    try:
        data = load(fmt, source)
    except SyntaxProblem as exc:
        line = None if exc.line is None else exc.line + offset
        raise FrontMatterError(
            f"invalid {fmt.upper()} front matter: {exc.message}",
            path=path,
            line=line,
            hint=_HINTS[fmt],
        ) from None

    result: dict[str, Any] = lower_keys(data)

    return result
