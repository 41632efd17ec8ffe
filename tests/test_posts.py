"""Roast posts: found on the site, rendered in the site's format, never overwritten."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from roastbot.facts import PullRequestFact
from roastbot.frontmatter import parse_front_matter
from roastbot.ledger import Standing
from roastbot.pages import Page
from roastbot.posts import (
    Provenance,
    create_exclusive,
    find_roasts,
    render_post,
    site_format,
    slugify,
)
from roastbot.roastdraft import RoastDraft, Section, Verdict
from roastbot.roasting import period_of

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)
PR = PullRequestFact(
    repo="example/queue",
    number=41,
    title="Add backoff",
    url="https://github.com/example/queue/pull/41",
    author="ada",
    merged_at=NOW,
    additions=72,
    deletions=0,
    changed_files=3,
    commit_count=4,
)
DRAFT = RoastDraft(
    title="The Backoff Ballet",
    description="Four commits to wait politely.",
    opening="PR 41 set out to make retries wait longer each time.",
    sections=[Section(heading="Oops", body='It says "oops, forgot the test".')],
    compliment="The table of delays is, grudgingly, tidy.",
    verdict=Verdict(persona="The Metronome", line="keeps time, loses tests"),
)
PROVENANCE = Provenance(
    writer="builtin",
    model=None,
    prompt_version="roast-v1",
    cached=False,
    tokens_in=None,
    tokens_out=None,
    fallback=None,
)


def page(path: str, **changes: object) -> Page:
    """Return a page with defaults for what these tests do not look at."""
    base = Page(
        path=path,
        section="posts",
        title="T",
        date=NOW,
        publish_date=NOW,
        expiry_date=None,
        draft=False,
        listed=True,
        handles=(),
        names=(),
        line=1,
    )
    return Page(**{**base.__dict__, **changes})


@pytest.mark.parametrize("fmt", ["toml", "yaml", "json"])
def test_post_front_matter_reads_back(fmt: str) -> None:
    """The post parses as front matter of its format with roastbot's own keys."""
    text = render_post(
        DRAFT,
        PR,
        handle="ada",
        period="2026-11-27",
        now=NOW,
        fmt=fmt,
        bot_handle="roast-bot",
        review=False,
        provenance=PROVENANCE,
    )

    matter = parse_front_matter(text)

    assert matter.format == fmt
    assert matter.data["title"] == "The Backoff Ballet"
    assert matter.data["tags"] == ["roast"]
    assert "draft" not in matter.data
    params = matter.data["params"]
    assert (params["author"], params["authorgithubhandle"]) == (
        "roast-bot",
        "roast-bot",
    )
    assert params["roastbot"]["handle"] == "ada"
    assert params["roastbot"]["pr"] == PR.url
    assert params["roastbot"]["period"] == "2026-11-27"
    assert params["roastbot"]["verdict"] == {
        "persona": "The Metronome",
        "line": "keeps time, loses tests",
    }


def test_body_has_the_shape_of_a_roast() -> None:
    """Link and opening, a heading per section, the compliment, the verdict."""
    text = render_post(
        DRAFT,
        PR,
        handle="ada",
        period="p",
        now=NOW,
        fmt="toml",
        bot_handle="roast-bot",
        review=True,
        provenance=PROVENANCE,
    )
    body = text.split("+++\n", 2)[2]

    assert body.startswith(
        "\n[example/queue#41](https://github.com/example/queue/pull/41): PR 41"
    )
    assert '## Oops\n\nIt says "oops, forgot the test".' in body
    assert body.endswith(
        "**Final Verdict:**\n**The Metronome** — keeps time, loses tests\n"
    )
    assert parse_front_matter(text).data["draft"] is True


def test_create_exclusive_never_replaces(tmp_path: Path) -> None:
    """An existing file is left alone and no temporary file stays behind."""
    target = tmp_path / "posts" / "roast.md"
    create_exclusive(target, "first\n")

    with pytest.raises(FileExistsError):
        create_exclusive(target, "second\n")

    assert target.read_text() == "first\n"
    assert [p.name for p in target.parent.iterdir()] == ["roast.md"]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("The Backoff Ballet", "the-backoff-ballet"),
        ("Ça va? Très bien!", "ca-va-tres-bien"),
        ("🔥🔥", "roast"),
        ("x" * 100, "x" * 60),
    ],
)
def test_slugs_are_ascii(title: str, slug: str) -> None:
    """Slugs keep letters and digits, fold accents, and never come out empty."""
    assert slugify(title) == slug


def test_roasts_by_hand_and_by_roastbot_are_found() -> None:
    """Bot-authored posts and roastbot's own count as roasts, newest first."""
    pages = [
        page(
            "posts/roast-ada-old.md",
            names=("roast-bot",),
            date=datetime(2026, 3, 1, tzinfo=UTC),
        ),
        page(
            "posts/roast-ada-new.md",
            handles=("roast-bot",),
            roastbot={
                "handle": "ada",
                "repo": "o/r",
                "number": 4,
                "writer": "model",
                "model": "m",
                "tokens_in": 10,
                "tokens_out": 5,
                "cached": False,
            },
        ),
        page("posts/mea-culpa.md", names=("Ada",)),
    ]

    roasts = find_roasts(pages, "roast-bot", ["ada", "bo"])

    assert [r.path for r in roasts] == [
        "posts/roast-ada-new.md",
        "posts/roast-ada-old.md",
    ]
    new, old = roasts
    assert (new.writer, new.number, new.tokens_in) == ("model", 4, 10)
    assert (old.handle, old.writer, old.number) == ("ada", "unknown", None)


def test_site_format_follows_the_majority() -> None:
    """New posts use the front matter format most pages use."""
    pages = [
        page("a.md", format="yaml"),
        page("b.md", format="yaml"),
        page("c.md", format="toml"),
    ]

    assert site_format(pages) == "yaml"
    assert site_format([]) == "toml"


@pytest.mark.parametrize(
    ("days", "missed", "period"),
    [(8, 1, "2026-11-27"), (14, 1, "2026-11-27"), (15, 2, "2026-12-04"), (6, 0, None)],
)
def test_each_missed_period_is_named_by_its_first_day(
    days: int, missed: int, period: str | None
) -> None:
    """One roast per missed period: the period key moves on every cadence_days."""
    status = "overdue" if missed else "on_track"
    standing = Standing(
        days_since=days,
        status=status,
        due_date=date(2026, 11, 27),
        days_left=7 - days,
        missed_periods=missed,
        streak=0,
    )

    assert period_of(standing, 7) == period
