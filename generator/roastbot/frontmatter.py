"""Split a content file into front matter and body, and parse the front matter.

Hugo recognises front matter by its opening line: `+++` for TOML, `---` for YAML and
`{` for JSON, after an optional byte order mark. The closing delimiter repeats the
opening one on a line of its own. Keys are case-insensitive in Hugo, so every mapping
key is lower-cased here. Dates are left as the parser gives them; `dates.py` turns them
into instants the way Hugo does.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roastbot.errors import FrontMatterError
from roastbot.formats import Format, SyntaxProblem, load, lower_keys

_BOM = "\ufeff"
_DELIMITERS: dict[str, Format] = {"+++": "toml", "---": "yaml"}
_CLOSERS = {
    opener: re.compile(rf"^{re.escape(opener)}[ \t]*\r?$", re.MULTILINE)
    for opener in _DELIMITERS
}
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


# Front matter sits at the top; reading a file's head is enough for nearly every page.
_HEAD_BYTES = 16384


class _NeedMore(Exception):
    """The head of the file ended before the front matter did."""


def read_front_matter(
    path: Path | str, *, display: Path | str | None = None
) -> FrontMatter:
    """Read `path` and parse its front matter; raise `FrontMatterError` if malformed."""
    shown = display or path
    # os.read on a raw descriptor: half the cost of a buffered file object, which
    # matters on sites with thousands of pages.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        head = os.read(descriptor, _HEAD_BYTES)
        if len(head) == _HEAD_BYTES:
            try:
                text = _decode(head, shown, final=False)
                return parse_front_matter(text, path=shown, complete=False)
            except _NeedMore:
                head += _read_rest(descriptor)
    finally:
        os.close(descriptor)

    return parse_front_matter(_decode(head, shown, final=True), path=shown)


def _read_rest(descriptor: int) -> bytes:
    """Read a descriptor to its end."""
    chunks = []
    while chunk := os.read(descriptor, 1 << 20):
        chunks.append(chunk)

    return b"".join(chunks)


def _decode(data: bytes, shown: Path | str, *, final: bool) -> str:
    """Decode UTF-8, tolerating a character cut at the end of a partial read."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError as exc:
        raise FrontMatterError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            path=shown,
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="save the file as UTF-8",
        ) from None


def parse_front_matter(
    text: str, *, path: Path | str = "<string>", complete: bool = True
) -> FrontMatter:
    """Parse the front matter at the top of `text`.

    With `complete=False`, `text` is only the head of a file, and `_NeedMore` says
    the front matter runs past it.
    """
    text = text.removeprefix(_BOM)
    body = text.lstrip()
    if not body:
        return FrontMatter({}, None, 1)

    start = len(text) - len(body)
    first_line = text.count("\n", 0, start) + 1
    line_end = text.find("\n", start)
    opener = text[start : len(text) if line_end == -1 else line_end].strip()
    if opener in _DELIMITERS:
        return _parse_delimited(
            text, line_end, opener, first_line=first_line, path=path, complete=complete
        )
    if opener.startswith("{"):
        return _parse_json(text, start, first_line, path, complete)

    return FrontMatter({}, None, first_line)


def _parse_delimited(
    text: str,
    line_end: int,
    opener: str,
    *,
    first_line: int,
    path: Path | str,
    complete: bool,
) -> FrontMatter:
    """Parse TOML or YAML front matter closed by a repeat of its opening line."""
    closing = _CLOSERS[opener].search(text, line_end + 1) if line_end != -1 else None
    if closing is None:
        if not complete:
            raise _NeedMore
        raise FrontMatterError(
            f"front matter opened with {opener} on line {first_line} is never closed",
            path=path,
            line=first_line,
            hint=f"add a line containing only {opener} after the front matter",
        )

    fmt = _DELIMITERS[opener]
    source = text[line_end + 1 : closing.start()]
    data = _load(fmt, source, path, first_line)

    return FrontMatter(data, fmt, first_line, source)


def _parse_json(
    text: str, start: int, first_line: int, path: Path | str, complete: bool
) -> FrontMatter:
    """Parse a JSON object at the top of the file; the body follows its brace."""
    try:
        _, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        if not complete:
            raise _NeedMore from None
        raise FrontMatterError(
            f"invalid JSON front matter: {exc.msg}",
            path=path,
            line=exc.lineno,
            hint=_HINTS["json"],
        ) from None

    source = text[start:end]
    data = _load("json", source, path, first_line - 1)

    return FrontMatter(data, "json", first_line, source)


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
