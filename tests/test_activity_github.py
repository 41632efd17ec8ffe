"""`roastbot generate` against a fake GitHub on 127.0.0.1, through the variables.

The CLI runs as a subprocess with GITHUB_API_URL and GITHUB_GRAPHQL_URL pointing at
the fake; each fault mode must leave a data file, one warning and exit 0.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import SiteFactory, run_cli
from fake_github import FakeGitHub, serve

NOW = "2026-12-03T12:00:00+00:00"
MERGED = datetime.fromisoformat(NOW) - timedelta(days=2)
TOKEN = "ghp_faketoken_0123456789abcdef"
CONFIG = """
title = "Log"
[params]
mainSections = ["posts"]
[params.roastbot]
repos = ["octo/app"]
timeout_seconds = 0.5
[[params.roastbot.authors]]
handle = "ada"
name = "Ada Quill"
"""
ENTRY = '+++\ntitle = "A"\ndate = 2026-11-01\nauthor = "Ada Quill"\n+++\n'


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fake GitHub with two of Ada's PRs merged this week and one of Bo's."""
    with serve() as fake:
        fake.add_pr("octo/app", 7, "ada", MERGED, title="Tidy", files=2, commits=1)
        fake.add_pr(
            "octo/app",
            8,
            "ada",
            MERGED + timedelta(hours=1),
            title="Rewrite everything",
            files=40,
            commits=12,
        )
        fake.add_pr("octo/app", 9, "bo", MERGED, title="Not Ada's")
        fake.hang_seconds = 3
        yield fake


@pytest.fixture
def site(make_site: SiteFactory) -> Path:
    """A one-author site whose repos list octo/app."""
    return make_site({"hugo.toml": CONFIG, "content/posts/a.md": ENTRY})


def generate(
    site: Path, fake: FakeGitHub, *args: str, token: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `roastbot generate` with the GitHub variables pointing at the fake."""
    env = {"GITHUB_API_URL": fake.url, "GITHUB_GRAPHQL_URL": f"{fake.url}/graphql"}
    if token:
        env["GITHUB_TOKEN"] = TOKEN
    return run_cli("generate", "--site", str(site), "--now", NOW, *args, env=env)


def data_of(site: Path) -> Any:
    """Return the site's data file."""
    return json.loads((site / "data" / "roastbot.json").read_text())


def everything_written(site: Path, result: subprocess.CompletedProcess[str]) -> str:
    """Return all output and every file under the site, as one text."""
    texts = [result.stdout, result.stderr]
    texts += [p.read_text(errors="replace") for p in site.rglob("*") if p.is_file()]
    return "\n".join(texts)


@pytest.mark.parametrize("token", [True, False])
def test_prs_come_from_github(site: Path, github: FakeGitHub, token: bool) -> None:
    """With or without a token, Ada's two PRs are listed and the messier one picked."""
    result = generate(site, github, "--verbose", token=token)

    assert result.returncode == 0, result.stderr
    activity = data_of(site)["authors"][0]["activity"]
    assert [p["number"] for p in activity["prs"]] == [7, 8]
    assert activity["picked"] == {"repo": "octo/app", "number": 8}
    [source] = data_of(site)["sources"]
    assert (source["name"], source["status"]) == ("github:octo/app", "fresh")
    assert TOKEN not in everything_written(site, result)
    assert (
        "POST /graphql 200" in result.stderr
        if token
        else "GET /search/issues 200" in result.stderr
    )


def test_a_rerun_inside_the_freshness_window_asks_nothing(
    site: Path, github: FakeGitHub
) -> None:
    """The second run answers from the cache: status cached, no new request."""
    generate(site, github)
    before = len(github.requests)

    result = generate(site, github)

    assert result.returncode == 0, result.stderr
    assert len(github.requests) == before
    assert data_of(site)["sources"][0]["status"] == "cached"


@pytest.mark.parametrize(
    "mode", ["5xx", "ratelimit", "garbage", "graphql-errors", "hang"]
)
def test_faults_keep_the_last_good_prs(
    site: Path, github: FakeGitHub, mode: str
) -> None:
    """After a good run, a failing GitHub gives stale PRs, one warning, exit 0."""
    (site / "hugo.toml").write_text(
        CONFIG.replace("[params.roastbot]", "[params.roastbot]\ncache_minutes = 0")
    )
    assert generate(site, github).returncode == 0
    github.mode = mode

    started = time.monotonic()
    result = generate(site, github)
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert len(warnings) == 1, result.stderr
    assert "github:octo/app: stale" in warnings[0]
    source = data_of(site)["sources"][0]
    assert source["status"] == "stale"
    assert [p["number"] for p in data_of(site)["authors"][0]["activity"]["prs"]] == [
        7,
        8,
    ]
    assert elapsed < 20, f"a {mode} GitHub held the build for {elapsed:.1f} s"


def test_a_cold_failure_is_an_error_and_strict_fails(
    site: Path, github: FakeGitHub
) -> None:
    """With nothing cached, a broken GitHub is an error entry; --strict exits 1."""
    github.mode = "5xx"

    relaxed = generate(site, github)
    strict = generate(site, github, "--strict")

    assert relaxed.returncode == 0, relaxed.stderr
    assert data_of(site)["sources"][0]["status"] == "error"
    assert strict.returncode == 1


def test_offline_makes_no_request(site: Path, github: FakeGitHub) -> None:
    """--offline never touches the network, and says what it served."""
    generate(site, github)
    before = len(github.requests)

    result = generate(site, github, "--offline")

    assert result.returncode == 0, result.stderr
    assert len(github.requests) == before
    assert data_of(site)["sources"][0]["status"] == "offline"


def test_handles_made_from_names_are_not_sent_to_github(
    make_site: SiteFactory, github: FakeGitHub
) -> None:
    """With no authors configured, only handles from authorGitHubHandle are searched."""
    site = make_site(
        {
            "hugo.toml": '[params]\nmainSections = ["posts"]\n'
            '[params.roastbot]\nrepos = ["octo/app"]\n',
            "content/posts/a.md": '+++\ntitle = "A"\ndate = 2026-11-01\n'
            'author = "Alex Streed"\n+++\n',
            "content/posts/b.md": '+++\ntitle = "B"\ndate = 2026-11-02\n'
            'authorGitHubHandle = "ada"\n+++\n',
        }
    )

    result = generate(site, github)

    assert result.returncode == 0, result.stderr
    bodies = b" ".join(r.body for r in github.requests).decode()
    assert "author:ada" in bodies
    assert "alex-streed" not in bodies
    ada, alex = data_of(site)["authors"]
    assert (alex["handle"], alex["activity"]["prs"]) == ("alex-streed", [])
    assert [p["number"] for p in ada["activity"]["prs"]] == [7, 8]
