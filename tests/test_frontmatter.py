"""Front matter in TOML, YAML or JSON, with or without BOM, LF or CRLF."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from roastbot.errors import FrontMatterError
from roastbot.frontmatter import parse_front_matter, read_front_matter

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


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_front_matter_longer_than_the_first_read(tmp_path: Path, fmt: str) -> None:
    """Front matter past the first 16 KiB, with a multi-byte character at the cut."""
    summary = "é" * 9000  # 18,000 bytes of two-byte characters
    if fmt == "toml":
        text = f'+++\ntitle = "T"\nsummary = "{summary}"\ndate = 2026-12-01\n+++\nBody'
    else:
        text = f'{{"title": "T", "summary": "{summary}", "date": "2026-12-01"}}\nBody'
    path = tmp_path / "long.md"
    path.write_text(text, encoding="utf-8")

    matter = read_front_matter(path)

    assert matter.data["summary"] == summary
    assert matter.data["date"] in (date(2026, 12, 1), "2026-12-01")


def test_a_long_body_is_not_needed(tmp_path: Path) -> None:
    """A file whose body runs past the first read parses from its head alone."""
    path = tmp_path / "post.md"
    path.write_text('+++\ntitle = "T"\n+++\n' + "word " * 10000, encoding="utf-8")

    assert read_front_matter(path).data == {"title": "T"}


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    """A file that is not UTF-8 is refused with where the bad byte is."""
    path = tmp_path / "latin1.md"
    path.write_bytes(b'+++\ntitle = "caf\xe9"\n+++\n')

    with pytest.raises(FrontMatterError) as caught:
        read_front_matter(path, display="content/latin1.md")

    assert str(caught.value).startswith(
        "content/latin1.md:2: not UTF-8 text: byte 0xe9 at offset 16"
    )
