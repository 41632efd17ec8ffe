"""The footer partial, rendered by real Hugo (current and oldest supported), parsed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import REPO, Hugo, SiteFactory, run_cli

pytestmark = pytest.mark.hugo

NOW = "2026-12-03T09:00:00-06:00"
CONFIG = """
title = "Log"
timeZone = "America/Chicago"
[params]
mainSections = ["posts"]
[[params.roastbot.authors]]
handle = "ada"
name = "Ada <Quill>"
[[params.roastbot.authors]]
handle = "bo"
name = "Bo Tern"
[[params.roastbot.authors]]
handle = "cy"
"""


def generate(site: Path, now: str = NOW) -> dict[str, object]:
    """Run `roastbot generate` on the site and return the data file."""
    result = run_cli("generate", "--site", str(site), "--now", now)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(
        (site / "data" / "roastbot.json").read_text(encoding="utf-8")
    )

    return data


def build(
    hugo: Hugo, site: Path, tmp_path: Path, page: str = "index.html"
) -> tuple[BeautifulSoup, str]:
    """Build the site at NOW and return the parsed page and Hugo's log."""
    out = tmp_path / f"public-{hugo.version}"
    result = hugo.build(site, clock=NOW, destination=out)
    html = (out / page).read_text(encoding="utf-8")

    return BeautifulSoup(html, "html.parser"), result.stdout + result.stderr


def authors(soup: BeautifulSoup) -> dict[str, Tag]:
    """Return the footer's author elements by handle."""
    return {
        str(tag["data-roastbot-author"]): tag
        for tag in soup.select(".roastbot-footer [data-roastbot-author]")
    }


def test_example_footer_shows_each_author(
    any_hugo: Hugo, copy_example: Path, tmp_path: Path
) -> None:
    """Days since, status, the entry's link and the last run, for both authors."""
    data = generate(copy_example)
    soup, log = build(any_hugo, copy_example, tmp_path)

    [footer] = soup.select("footer .roastbot-footer")
    assert footer["data-generated-at"] == "2026-12-03T09:00:00-06:00"
    shown = authors(soup)
    assert list(shown) == ["adaquill", "botern"]

    for report in data["authors"]:  # type: ignore[attr-defined]
        tag = shown[report["handle"]]
        assert tag["data-days-since"] == str(report["days_since"])
        assert tag["data-status"] == report["status"]
        assert f"roastbot-status-{report['status']}" in tag["class"]
        assert (
            tag.select_one("time.roastbot-days")["datetime"]
            == (report["last_post"]["date"])
        )

    ada, bo = shown["adaquill"], shown["botern"]
    assert ada.select_one("a.roastbot-entry")["href"] == "/posts/cache-layers/"
    assert bo.select_one("a.roastbot-entry")["href"] == "/posts/migrating-the-queue/"
    assert " ".join(ada.get_text().split()) == (
        "Ada Quill: Last entry Three cache layers, one bug 13 days ago "
        "· weekly promise: overdue · 1 PR merged in the last 7 days"
    )
    assert ada.select_one(".roastbot-shipped")["data-prs"] == "1"
    run = footer.select_one(".roastbot-run")
    assert run.get_text() == "roast-bot last ran Dec 3, 2026"
    assert run.time["datetime"] == "2026-12-03T09:00:00-06:00"
    assert "WARN" not in log, log


def test_footer_is_the_same_on_the_oldest_supported_hugo(
    hugo: Hugo, hugo_old: Hugo, copy_example: Path, tmp_path: Path
) -> None:
    """Hugo 0.148 renders the same footer as the current Hugo."""
    generate(copy_example)
    current, _ = build(hugo, copy_example, tmp_path)
    old, _ = build(hugo_old, copy_example, tmp_path)

    assert str(old.select_one(".roastbot-footer")) == str(
        current.select_one(".roastbot-footer")
    )


def test_no_deprecation_notice_on_current_hugo(
    hugo: Hugo, copy_example: Path, tmp_path: Path
) -> None:
    """At --logLevel info the current Hugo prints no deprecation for the partials."""
    generate(copy_example)
    _, log = build(hugo, copy_example, tmp_path)

    assert "deprecated" not in log.lower(), log


@pytest.fixture
def three_authors(
    theme_site: Callable[[dict[str, str]], Path],
) -> Callable[[str], Path]:
    """Return a factory: a site with three authors whose home calls `call`."""

    def make(call: str) -> Path:
        return theme_site(
            {
                "hugo.toml": CONFIG + '\n[permalinks]\nposts = "/:year/:slug/"\n',
                "layouts/home.html": f"<footer>{call}</footer>",
                "content/posts/a.md": '+++\ntitle = "A & B"\nslug = "ab"\n'
                "date = 2026-11-30T10:00:00\n"
                '[params]\nauthorGitHubHandle = "ada"\n+++\n',
                "content/posts/b.md": '+++\ntitle = "Bo\'s"\ndate = 2026-11-20\n'
                'author = "Bo Tern"\n+++\n',
            }
        )

    return make


@pytest.mark.parametrize(
    ("now", "text"),
    [
        ("2026-11-30T20:00:00-06:00", "today"),
        ("2026-12-01T08:00:00-06:00", "yesterday"),
        ("2026-12-05T08:00:00-06:00", "5 days ago"),
    ],
)
def test_days_read_naturally(
    hugo: Hugo,
    three_authors: Callable[[str], Path],
    tmp_path: Path,
    now: str,
    text: str,
) -> None:
    """0 days is "today", 1 is "yesterday", then "N days ago"."""
    site = three_authors('{{ partial "roastbot/footer.html" . }}')
    generate(site, now)
    soup, _ = build(hugo, site, tmp_path)

    assert authors(soup)["ada"].select_one("time.roastbot-days").get_text() == text


def test_links_follow_hugo_permalinks(
    hugo: Hugo, three_authors: Callable[[str], Path], tmp_path: Path
) -> None:
    """The entry link is Hugo's own permalink (site.GetPage), slug and all."""
    site = three_authors('{{ partial "roastbot/footer.html" . }}')
    generate(site)
    soup, _ = build(hugo, site, tmp_path)

    link = authors(soup)["ada"].select_one("a.roastbot-entry")
    assert link["href"] == "/2026/ab/"
    assert link.get_text() == "A & B"


def test_names_are_escaped(
    hugo: Hugo, three_authors: Callable[[str], Path], tmp_path: Path
) -> None:
    """Text from the data file is escaped by html/template, never raw markup."""
    site = three_authors('{{ partial "roastbot/footer.html" . }}')
    generate(site)
    out = tmp_path / "public"
    hugo.build(site, clock=NOW, destination=out)
    html = (out / "index.html").read_text(encoding="utf-8")

    assert "Ada &lt;Quill&gt;" in html
    assert "<Quill>" not in html


def test_an_author_without_entries_has_no_day_count(
    hugo: Hugo, three_authors: Callable[[str], Path], tmp_path: Path
) -> None:
    """No entry yet: the line says so and carries no data-days-since."""
    site = three_authors('{{ partial "roastbot/footer.html" . }}')
    generate(site)
    soup, _ = build(hugo, site, tmp_path)

    cy = authors(soup)["cy"]
    assert not cy.has_attr("data-days-since")
    assert cy["data-status"] == "overdue"
    assert (
        " ".join(cy.get_text().split())
        == "cy: No entries yet · weekly promise: overdue"
    )


def test_dict_argument_picks_one_author_and_hides_the_run(
    hugo: Hugo, three_authors: Callable[[str], Path], tmp_path: Path
) -> None:
    """(dict "author" "bo" "showRun" false) renders only Bo's line."""
    site = three_authors(
        '{{ partial "roastbot/footer.html" '
        '(dict "page" . "author" "BO" "showRun" false) }}'
    )
    generate(site)
    soup, _ = build(hugo, site, tmp_path)

    assert list(authors(soup)) == ["bo"]
    assert soup.select(".roastbot-run") == []


def test_unknown_author_warns_with_the_known_ones(
    hugo: Hugo, three_authors: Callable[[str], Path], tmp_path: Path
) -> None:
    """A handle not in the data renders no line, and a warning lists the handles."""
    site = three_authors('{{ partial "roastbot/footer.html" (dict "author" "zed") }}')
    generate(site)
    soup, log = build(hugo, site, tmp_path)

    assert authors(soup) == {}
    assert 'no author "zed" in data/roastbot.json (known: ada, bo, cy)' in log


def test_missing_data_renders_nothing_and_warns(
    any_hugo: Hugo, three_authors: Callable[[str], Path], tmp_path: Path
) -> None:
    """Before the first `roastbot generate`, the footer is left out with one warning."""
    site = three_authors('{{ partial "roastbot/footer.html" . }}')
    soup, log = build(any_hugo, site, tmp_path)

    assert soup.select(".roastbot-footer") == []
    assert log.count("run `roastbot generate` before `hugo`") == 1
    assert "roastbot-no-data" in log


@pytest.mark.parametrize("document", ['{"schema_version": 0}', '["not", "a", "map"]'])
def test_an_unknown_schema_renders_nothing(
    any_hugo: Hugo,
    three_authors: Callable[[str], Path],
    tmp_path: Path,
    document: str,
) -> None:
    """A data file from another schema version is not half-read."""
    site = three_authors('{{ partial "roastbot/footer.html" . }}')
    (site / "data").mkdir()
    (site / "data" / "roastbot.json").write_text(document, encoding="utf-8")
    soup, log = build(any_hugo, site, tmp_path)

    assert soup.select(".roastbot-footer") == []
    assert "roastbot-schema" in log


def test_warnings_can_be_silenced_with_ignore_logs(
    hugo: Hugo, three_authors: Callable[[str], Path], tmp_path: Path
) -> None:
    """ignoreLogs = ['roastbot-no-data'] silences the missing-data warning."""
    site = three_authors('{{ partial "roastbot/footer.html" . }}')
    config = site / "hugo.toml"
    config.write_text(
        "ignoreLogs = ['roastbot-no-data']\n" + config.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    _, log = build(hugo, site, tmp_path)

    assert "roastbot generate" not in log


def test_the_repository_works_as_a_theme_by_name(
    any_hugo: Hugo, make_site: SiteFactory, tmp_path: Path
) -> None:
    """`theme = ["roastbot"]` with the repository in themes/, as the README says."""
    site = make_site(
        {
            "hugo.toml": CONFIG.replace(
                'title = "Log"', 'title = "Log"\ntheme = ["roastbot"]'
            ),
            "layouts/home.html": (
                '<footer>{{ partial "roastbot/footer.html" . }}</footer>'
            ),
            "content/posts/a.md": '+++\ntitle = "A"\ndate = 2026-12-01\n'
            'author = "Bo Tern"\n+++\n',
        }
    )
    theme = site / "themes" / "roastbot"
    theme.mkdir(parents=True)
    shutil.copy(REPO / "hugo.toml", theme / "hugo.toml")
    shutil.copytree(REPO / "layouts-partials", theme / "layouts-partials")
    generate(site)

    soup, _ = build(any_hugo, site, tmp_path)

    assert authors(soup)["bo"]["data-days-since"] == "2"
