"""Front matter in TOML, YAML or JSON, with or without BOM, LF or CRLF."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from roastbot.errors import FrontMatterError
from roastbot.frontmatter import parse_front_matter

TOML = (
    '+++\ntitle = "T"\ndate = 2026-12-01\n[params]\nAuthorGitHubHandle = "ada"\n'
    "+++\nBody\n"
)
YAML = "---\ntitle: T\ndate: 2026-12-01 10:00:00\nparams:\n  Author: Ada\n---\nBody\n"
JSON = '{\n  "title": "T",\n  "date": "2026-12-01",\n  "Draft": true\n}\nBody\n'


@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize(
    ("text", "fmt"), [(TOML, "toml"), (YAML, "yaml"), (JSON, "json")]
)
def test_every_format_parses_with_bom_and_crlf(
    text: str, fmt: str, bom: str, newline: str
) -> None:
    """The three formats parse the same with a BOM and with Windows line endings."""
    matter = parse_front_matter(bom + text.replace("\n", newline))

    assert matter.format == fmt
    assert matter.data["title"] == "T"


def test_keys_are_lower_cased_at_every_level() -> None:
    """Hugo's keys are case-insensitive, so nested keys are lower-cased too."""
    assert parse_front_matter(TOML).data["params"] == {"authorgithubhandle": "ada"}
    assert parse_front_matter(YAML).data["params"] == {"author": "Ada"}
    assert parse_front_matter(JSON).data["draft"] is True


def test_dates_stay_as_written() -> None:
    """TOML dates stay TOML dates and YAML timestamps stay text for dates.py."""
    assert parse_front_matter(TOML).data["date"] == date(2026, 12, 1)
    assert parse_front_matter(YAML).data["date"] == "2026-12-01 10:00:00"
    toml_datetime = parse_front_matter("+++\ndate = 2026-12-01T10:00:00\n+++\n")
    assert toml_datetime.data["date"] == datetime(2026, 12, 1, 10)


def test_a_file_without_front_matter_has_none() -> None:
    """Plain Markdown has empty front matter."""
    matter = parse_front_matter("# Just a heading\n")

    assert matter.data == {}
    assert matter.format is None


def test_closing_delimiter_may_carry_trailing_spaces() -> None:
    """A closing `+++` followed by spaces still closes the front matter."""
    assert parse_front_matter('+++\ntitle = "T"\n+++   \nBody').data == {"title": "T"}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('+++\ntitle = "T"\ndate = = 3\n+++\n', 3, "invalid TOML front matter"),
        ("---\ntitle: T\ntags: [a, b\n---\n", 4, "invalid YAML front matter"),
        ('{\n  "title": "T",\n  "date": \n}\n', 4, "invalid JSON front matter"),
        ('+++\ntitle = "T"\n', 1, "never closed"),
        ("---\n- a\n- b\n---\n", 2, "expected keys and values"),
    ],
)
def test_malformed_front_matter_names_the_line(
    text: str, line: int, message: str
) -> None:
    """Errors carry the line in the file (the opener is line 1) and a fix."""
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(text, path="content/posts/x.md")

    error = caught.value
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(f"content/posts/x.md:{line}: ")
    assert error.hint


def test_line_of_finds_a_key() -> None:
    """line_of points at the line where a key is set, for date errors."""
    matter = parse_front_matter('+++\ntitle = "T"\nDate = "soon"\n+++\n')

    assert matter.line_of("date") == 3
