"""Days since, promise status, streaks and who wrote what."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SiteFactory
from roastbot.pipeline import Run, generate

CONFIG = """
title = "Log"
timeZone = "America/Chicago"
[params]
mainSections = ["posts"]
[params.roastbot]
cadence_days = 7
[[params.roastbot.authors]]
handle = "ada"
name = "Ada Quill"
aliases = ["Ada"]
[[params.roastbot.authors]]
handle = "bo"
name = "Bo Tern"
cadence_days = 14
"""


def entry(
    date: str, *, handle: str | None = None, author: str | None = None, extra: str = ""
) -> str:
    """Return a TOML front matter entry."""
    lines = [f'title = "Entry {date}"', f"date = {date}", extra]
    if handle or author:
        lines.append("[params]")
    if handle:
        lines.append(f'authorGitHubHandle = "{handle}"')
    if author:
        lines.append(f'author = "{author}"')
    return "+++\n" + "\n".join(lines) + "\n+++\nText\n"


def author(run: Run, handle: str):  # type: ignore[no-untyped-def]
    """Return the author's report from a run."""
    return next(a for a in run.data.authors if a.handle == handle)


def run_at(root: Path, now: str, **kwargs: str) -> Run:
    return generate(root, now=now, **kwargs)


@pytest.mark.parametrize(
    ("now", "days", "status", "days_left"),
    [
        ("2026-12-01T23:59:00-06:00", 0, "on_track", 7),
        ("2026-12-07T12:00:00-06:00", 6, "on_track", 1),
        ("2026-12-08T00:00:00-06:00", 7, "due", 0),
        ("2026-12-08T23:59:59-06:00", 7, "due", 0),
        ("2026-12-09T00:00:00-06:00", 8, "overdue", -1),
    ],
)
def test_status_turns_on_calendar_days_in_the_site_zone(
    make_site: SiteFactory, now: str, days: int, status: str, days_left: int
) -> None:
    """on_track while days < cadence, due on the day it equals it, overdue after."""
    root = make_site(
        {
            "hugo.toml": CONFIG,
            "content/posts/a.md": entry("2026-12-01T09:00:00", handle="ada"),
        }
    )

    ada = author(run_at(root, now), "ada")

    assert (ada.days_since, ada.status, ada.days_left) == (days, status, days_left)
    assert str(ada.due_date) == "2026-12-08"


def test_days_are_counted_in_the_zone_not_in_utc(make_site: SiteFactory) -> None:
    """An entry late on Dec 1 in Chicago is Dec 2 in UTC; days count from Dec 1."""
    root = make_site(
        {
            "hugo.toml": CONFIG,
            "content/posts/a.md": entry("2026-12-01T22:00:00", handle="ada"),
        }
    )

    run = run_at(root, "2026-12-02T09:00:00Z")  # 03:00 on Dec 2 in Chicago

    assert author(run, "ada").days_since == 1
    assert run.data.timezone == "America/Chicago"
    assert run.data.generated_at.isoformat() == "2026-12-02T03:00:00-06:00"


def test_tz_variable_counts_days_when_the_site_sets_no_zone(
    make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without timeZone, TZ decides the calendar, but offset-less dates stay UTC."""
    config = CONFIG.replace('timeZone = "America/Chicago"\n', "")
    root = make_site(
        {
            "hugo.toml": config,
            "content/posts/a.md": entry("2026-12-01T20:00:00", handle="ada"),
        }
    )

    tokyo = generate(root, now="2026-12-02T02:00:00Z", tz_variable="Asia/Tokyo")
    utc = generate(root, now="2026-12-02T02:00:00Z")

    # 20:00 UTC on Dec 1 is 05:00 on Dec 2 in Tokyo, the same day as the clock.
    assert author(tokyo, "ada").days_since == 0
    assert author(utc, "ada").days_since == 1
    assert tokyo.data.timezone == "Asia/Tokyo"
    assert (
        author(tokyo, "ada").last_post.date.isoformat() == "2026-12-01T20:00:00+00:00"
    )


def test_missed_periods_count_each_full_period_past_due(make_site: SiteFactory) -> None:
    """One missed period once overdue, another for each further full period."""
    root = make_site(
        {"hugo.toml": CONFIG, "content/posts/a.md": entry("2026-11-01", handle="ada")}
    )

    def missed(now: str) -> int:
        return author(run_at(root, now), "ada").missed_periods

    assert missed("2026-11-08") == 0  # due
    assert missed("2026-11-09") == 1
    assert missed("2026-11-15") == 1
    assert missed("2026-11-16") == 2
    assert missed("2026-11-23") == 3


def test_author_cadence_overrides_the_site_cadence(make_site: SiteFactory) -> None:
    """An author's own cadence_days sets their promise."""
    root = make_site(
        {"hugo.toml": CONFIG, "content/posts/b.md": entry("2026-11-20", handle="bo")}
    )

    bo = author(run_at(root, "2026-12-01"), "bo")

    assert (bo.cadence_days, bo.days_since, bo.status) == (14, 11, "on_track")


def test_an_author_without_entries_is_overdue(make_site: SiteFactory) -> None:
    """No entry at all: overdue, with nulls for the dates."""
    root = make_site(
        {"hugo.toml": CONFIG, "content/posts/a.md": entry("2026-11-30", handle="ada")}
    )

    bo = author(run_at(root, "2026-12-01"), "bo")

    assert (bo.status, bo.last_post, bo.days_since, bo.due_date) == (
        "overdue",
        None,
        None,
        None,
    )


def test_streak_counts_entries_kept_within_the_cadence(make_site: SiteFactory) -> None:
    """Consecutive entries each within cadence_days of the one before."""
    files = {"hugo.toml": CONFIG}
    for day in ("2026-10-01", "2026-10-20", "2026-10-26", "2026-11-02", "2026-11-09"):
        files[f"content/posts/{day}.md"] = entry(day, handle="ada")
    root = make_site(files)

    assert author(run_at(root, "2026-11-10"), "ada").streak == 4
    assert author(run_at(root, "2026-11-20"), "ada").streak == 0  # overdue


@pytest.mark.parametrize(
    ("front_matter", "counted_for"),
    [
        ('[params]\nauthorGitHubHandle = "ADA"', ["ada"]),
        ('AuthorGitHubHandle = "bo"', ["bo"]),
        ('[params]\nauthor = "ada quill"', ["ada"]),
        ('author = "Ada"', ["ada"]),
        ('authors = ["Ada Quill", "Bo Tern"]', ["ada", "bo"]),
        ('[params]\nauthorGitHubHandle = ["ada", "bo"]', ["ada", "bo"]),
        # The handle decides; a name that disagrees does not add an author.
        ('[params]\nauthorGitHubHandle = "bo"\nauthor = "Ada Quill"', ["bo"]),
    ],
)
def test_entries_match_authors_by_handle_then_name(
    make_site: SiteFactory, front_matter: str, counted_for: list[str]
) -> None:
    """authorGitHubHandle, then author/authors, any letter case, several allowed."""
    page = f'+++\ntitle = "x"\ndate = 2026-11-30\n{front_matter}\n+++\n'
    root = make_site({"hugo.toml": CONFIG, "content/posts/x.md": page})

    run = run_at(root, "2026-12-01")

    counted = [a.handle for a in run.data.authors if a.entry_count]
    assert counted == counted_for
    assert not run.diagnostics.warnings


@pytest.mark.parametrize(
    "front_matter",
    [
        '[params]\nauthorGitHubHandle = "Roast-Bot"',
        'author = "roast-bot"',
        '[params]\nauthor = "ROAST-BOT"\nauthorGitHubHandle = "roast-bot"',
    ],
)
def test_pages_by_the_bot_never_count(
    make_site: SiteFactory, front_matter: str
) -> None:
    """Roast posts by the bot, by handle or name in any case, are not entries."""
    page = f'+++\ntitle = "Roast"\ndate = 2026-11-30\n{front_matter}\n+++\n'
    root = make_site(
        {
            "hugo.toml": CONFIG,
            "content/posts/roast.md": page,
            "content/posts/a.md": entry("2026-11-01", handle="ada"),
        }
    )

    run = run_at(root, "2026-12-01")

    assert run.data.site.entry_count == 1
    assert run.data.site.last_post.path == "posts/a.md"


def test_unknown_author_warns_and_counts_for_the_site(make_site: SiteFactory) -> None:
    """A name no author has is a warning with the file and line; the site counts it."""
    root = make_site(
        {"hugo.toml": CONFIG, "content/posts/x.md": entry("2026-11-30", author="Zed")}
    )

    run = run_at(root, "2026-12-01")

    [warning] = run.diagnostics.warnings
    assert warning.path == "content/posts/x.md"
    assert warning.line == 1
    assert "'Zed'" in warning.message
    assert run.data.site.entry_count == 1
    assert all(a.entry_count == 0 for a in run.data.authors)


def test_undated_entry_warns_and_does_not_count(make_site: SiteFactory) -> None:
    """An entry with no date cannot keep a promise; it says so."""
    root = make_site(
        {
            "hugo.toml": CONFIG,
            "content/posts/x.md": '+++\ntitle = "x"\nauthor = "Ada"\n+++\n',
        }
    )

    run = run_at(root, "2026-12-01")

    undated, empty = run.diagnostics.warnings
    assert "entry has no date" in undated.message
    assert (undated.path, undated.line) == ("content/posts/x.md", 1)
    assert "no published entries" in empty.message
    assert run.data.site.entry_count == 0


def test_authors_are_derived_from_pages_when_none_are_configured(
    make_site: SiteFactory,
) -> None:
    """With no authors list, each handle (or name) on the entries is an author."""
    root = make_site(
        {
            "hugo.toml": '[params]\nmainSections = ["posts"]\n',
            "content/posts/a.md": entry("2026-11-20", handle="zed", author="Zed Z"),
            "content/posts/b.md": entry("2026-11-25", author="Alex Streed"),
        }
    )

    run = run_at(root, "2026-12-01")

    assert [(a.handle, a.name, a.days_since) for a in run.data.authors] == [
        ("alex-streed", "Alex Streed", 6),
        ("zed", "Zed Z", 11),
    ]


def test_site_summary_covers_all_authors(make_site: SiteFactory) -> None:
    """site.last_post is the newest entry of anyone; ties break by path."""
    root = make_site(
        {
            "hugo.toml": CONFIG,
            "content/posts/b.md": entry("2026-11-25", handle="bo"),
            "content/posts/a.md": entry("2026-11-25", handle="ada"),
            "content/posts/old.md": entry("2026-10-01", handle="ada"),
        }
    )

    run = run_at(root, "2026-12-01")

    assert run.data.site.last_post.path == "posts/a.md"
    assert (run.data.site.days_since, run.data.site.entry_count) == (6, 3)


def test_default_main_section_is_the_largest(make_site: SiteFactory) -> None:
    """Without mainSections, the section with the most built pages is the main one."""
    root = make_site(
        {
            "hugo.toml": 'title = "x"',
            "content/notes/a.md": entry("2026-11-01"),
            "content/notes/b.md": entry("2026-11-02"),
            "content/posts/c.md": entry("2026-11-03"),
            "content/posts/d.md": entry("2026-11-04", extra="draft = true"),
            "content/posts/e.md": entry("2026-11-05", extra="draft = true"),
        }
    )

    run = run_at(root, "2026-12-01")

    assert run.data.site.main_sections == ["notes"]


def test_a_main_section_without_entries_warns(make_site: SiteFactory) -> None:
    """No published entry at all is a warning that names the main sections."""
    root = make_site(
        {
            "hugo.toml": CONFIG,
            "content/posts/draft.md": entry(
                "2026-11-01", handle="ada", extra="draft = true"
            ),
        }
    )

    run = run_at(root, "2026-12-01")

    [warning] = run.diagnostics.warnings
    assert "no published entries in the main sections ('posts')" in warning.message
    assert warning.path == "hugo.toml"
    assert {a.status for a in run.data.authors} == {"overdue"}
