"""Activity end to end: sources in the config, PRs and picks in the data file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import EXAMPLE_CLOCK, SiteFactory, run_cli
from roastbot.activity import load_facts
from roastbot.cache import JsonCache


def generate(
    site: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `roastbot generate` on the site at the example's clock."""
    return run_cli(
        "generate", "--site", str(site), "--now", EXAMPLE_CLOCK, *args, env=env
    )


def test_example_site_reports_each_authors_prs(copy_example: Path) -> None:
    """The example's local clone gives Ada #41 and Bo #42, each picked, with reasons."""
    result = generate(copy_example)

    assert result.returncode == 0, result.stderr
    assert (
        "adaquill: last entry 13 day(s) ago, overdue, 1 PR merged in the window "
        "(picked example/queue-service#41)" in result.stderr
    )
    data = json.loads((copy_example / "data" / "roastbot.json").read_text())
    ada, bo = data["authors"]
    assert ada["activity"]["window"] == {
        "start": "2026-11-26T09:00:00-06:00",
        "end": "2026-12-03T09:00:00-06:00",
    }
    assert [p["number"] for p in ada["activity"]["prs"]] == [41]
    assert ada["activity"]["picked"] == {"repo": "example/queue-service", "number": 41}
    assert ada["activity"]["prs"][0]["score_parts"]["fixup_commits"] == 6.0
    assert ada["activity"]["prs"][0]["commits"] == 4
    assert [p["number"] for p in bo["activity"]["prs"]] == [42]
    [source] = data["sources"]
    assert (source["name"], source["status"]) == ("git:repo", "fresh")


def test_full_facts_go_to_the_cache_not_the_data_file(copy_example: Path) -> None:
    """Commit messages stay in .roastbot/cache/ for the roast stage."""
    generate(copy_example)

    text = (copy_example / "data" / "roastbot.json").read_text()
    facts = load_facts(
        JsonCache(copy_example / ".roastbot" / "cache"), "example/queue-service", 41
    )
    assert "oops, forgot the test" not in text
    assert facts is not None
    assert "oops, forgot the test" in [c.message for c in facts.commits]


def test_cache_dir_can_move(copy_example: Path, tmp_path: Path) -> None:
    """ROASTBOT_CACHE_DIR points the cache where a CI cache step keeps it."""
    generate(copy_example, env={"ROASTBOT_CACHE_DIR": str(tmp_path / "ci-cache")})

    assert list((tmp_path / "ci-cache" / "facts").glob("*.json"))
    assert not (copy_example / ".roastbot").exists()


def test_a_broken_source_warns_and_the_build_goes_on(make_site: SiteFactory) -> None:
    """A missing clone is a warning and an error entry; --strict makes it exit 1."""
    site = make_site(
        {
            "hugo.toml": '[params]\nmainSections = ["posts"]\n'
            '[params.roastbot]\nrepos = ["git:../nowhere"]\n'
            '[[params.roastbot.authors]]\nhandle = "ada"\n',
            "content/posts/a.md": (
                '+++\ntitle = "A"\ndate = 2026-12-01\nauthor = "ada"\n+++\n'
            ),
        }
    )

    relaxed = generate(site)
    strict = generate(site, "--strict")

    assert relaxed.returncode == 0, relaxed.stderr
    assert "warning: git:../nowhere: error: ../nowhere does not exist" in relaxed.stderr
    data = json.loads((site / "data" / "roastbot.json").read_text())
    assert data["sources"] == [
        {
            "name": "git:../nowhere",
            "status": "error",
            "fetched_at": None,
            "detail": "../nowhere does not exist (it is resolved from the site root)",
        }
    ]
    assert data["authors"][0]["activity"]["prs"] == []
    assert data["authors"][0]["activity"]["picked"] is None
    assert strict.returncode == 1


def test_without_repos_there_is_no_activity(make_site: SiteFactory) -> None:
    """No repos configured: activity is null and sources is empty."""
    page = '+++\ntitle = "A"\ndate = 2026-12-01\nauthor = "Ada"\n+++\n'
    site = make_site({"content/posts/a.md": page})

    result = generate(site, "--dry-run")

    data = json.loads(result.stdout)
    assert data["sources"] == []
    assert [a["activity"] for a in data["authors"]] == [None]


def test_status_shows_prs_and_the_pick(copy_example: Path) -> None:
    """status adds each author's PR count and picked PR, and the sources."""
    result = run_cli("status", "--site", str(copy_example), "--now", EXAMPLE_CLOCK)

    assert result.returncode == 0, result.stderr
    ada = next(line for line in result.stdout.splitlines() if "adaquill" in line)
    assert "│   1 │ #41 Add exponential" in ada
    assert "source git:repo: fresh" in result.stdout


def test_bad_repo_settings_are_refused(make_site: SiteFactory) -> None:
    """A repo that is neither owner/name nor git:PATH is a config error at its line."""
    site = make_site({"hugo.toml": '[params.roastbot]\nrepos = ["just-a-name"]\n'})

    result = generate(site)

    assert result.returncode == 1
    assert (
        "hugo.toml:2: params.roastbot.repos.0.source: Value error, 'just-a-name' is not"
        in result.stderr
    )
