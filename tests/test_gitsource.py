"""Merged PRs recovered from a local git clone: merge and squash commits, offline."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import build_example_repo, example_repo_module
from roastbot.facts import AuthorQuery, Window
from roastbot.gitsource import list_prs

NOW = datetime.fromisoformat("2026-12-03T12:00:00+00:00")
WEEK = Window(start=NOW - timedelta(days=7), end=NOW)
ADA = AuthorQuery(handle="adaquill", window=WEEK, names=("Ada Quill",))
BO = AuthorQuery(handle="botern", window=WEEK, names=("Bo Tern", "bo@example.org"))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository: #41 merged, #42 squashed, #40 before the window."""
    return build_example_repo(tmp_path_factory.mktemp("git") / "repo", NOW.isoformat())


def test_merge_commit_gives_the_pr_and_its_branch_commits(repo: Path) -> None:
    """A merge of #41 yields its title, body, branch commits and diff stats."""
    outcome = list_prs(repo.parent, "git:repo", "repo", [ADA], name=None, now=NOW)

    [pr] = outcome.prs["adaquill"]
    assert (pr.repo, pr.number, pr.title) == (
        "example/queue-service",
        41,
        "Add exponential backoff to retries",
    )
    assert pr.url == "https://github.com/example/queue-service/pull/41"
    assert [c.message for c in pr.commits] == [
        "Add exponential backoff to retries",
        "fix off-by-one in backoff table",
        "oops, forgot the test",
        "Document the backoff plan",
    ]
    assert pr.commit_count == 4
    assert {f.path: (f.additions, f.deletions) for f in pr.files} == {
        "docs/retries.md": (32, 0),
        "queue/retry.py": (38, 0),
        "queue/test_retry.py": (2, 0),
    }
    assert (pr.additions, pr.deletions, pr.changed_files) == (72, 0, 3)
    assert pr.linked_issues == (12,)
    assert pr.merged_at == NOW - timedelta(days=3)
    assert outcome.status == "fresh"
    assert outcome.name == "git:repo"


def test_squash_commit_lists_the_squashed_messages(repo: Path) -> None:
    """A squash of #42 keeps its `* message` lines as the PR's commits."""
    outcome = list_prs(repo.parent, "git:repo", "repo", [BO], name=None, now=NOW)

    [pr] = outcome.prs["botern"]
    assert (pr.number, pr.title) == (42, "Drain the queue before shutdown")
    assert [c.message for c in pr.commits] == [
        "Drain the queue before shutdown",
        "address review comments",
        "fix lint",
    ]
    assert (pr.additions, pr.deletions, pr.changed_files) == (5, 1, 1)


def test_only_the_window_counts(repo: Path) -> None:
    """#40 was merged twelve days ago: in a 14-day window, not in a 7-day one."""
    fortnight = ADA.model_copy(
        update={"window": Window(start=NOW - timedelta(days=14), end=NOW)}
    )

    week = list_prs(repo.parent, "git:repo", "repo", [ADA], name=None, now=NOW)
    longer = list_prs(repo.parent, "git:repo", "repo", [fortnight], name=None, now=NOW)

    assert [p.number for p in week.prs["adaquill"]] == [41]
    assert [p.number for p in longer.prs["adaquill"]] == [40, 41]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ((), []),  # Bo's commits use a plain address that names no handle
        (("bo tern",), [42]),  # the author name, any case
        (("BO@example.org",), [42]),  # a configured email
    ],
)
def test_authors_match_by_noreply_name_or_email(
    repo: Path, names: tuple[str, ...], expected: list[int]
) -> None:
    """A commit is an author's by noreply address, name, alias or configured email."""
    query = AuthorQuery(handle="botern", window=WEEK, names=names)

    outcome = list_prs(repo.parent, "git:repo", "repo", [query], name=None, now=NOW)

    assert [p.number for p in outcome.prs["botern"]] == expected


def test_explicit_name_wins_over_origin(repo: Path) -> None:
    """`name` in the config sets the owner/name used for links."""
    outcome = list_prs(repo.parent, "git:repo", "repo", [ADA], name="acme/q", now=NOW)

    assert outcome.prs["adaquill"][0].url == "https://github.com/acme/q/pull/41"


def test_a_missing_clone_is_an_error_not_an_exception(tmp_path: Path) -> None:
    """A path that is not there, or not a repository, is an error outcome."""
    (tmp_path / "plain").mkdir()

    missing = list_prs(tmp_path, "git:nope", "nope", [ADA], name=None, now=NOW)
    plain = list_prs(tmp_path, "git:plain", "plain", [ADA], name=None, now=NOW)

    assert (missing.status, missing.detail) == (
        "error",
        "nope does not exist (it is resolved from the site root)",
    )
    assert (plain.status, plain.detail) == ("error", "plain is not a git repository")


def test_a_shallow_clone_says_so(repo: Path, tmp_path: Path) -> None:
    """A depth-1 clone cannot see the week's PRs, and the outcome says why."""
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)],
        check=True,
    )

    outcome = list_prs(tmp_path, "git:shallow", "shallow", [ADA], name=None, now=NOW)

    assert outcome.status == "error"
    assert "shallow clone with only back to 2026-12-01" in (outcome.detail or "")
    assert "git fetch --unshallow" in (outcome.detail or "")


def test_a_deep_enough_shallow_clone_still_works(repo: Path, tmp_path: Path) -> None:
    """A shallow clone whose history reaches past the window start is fine."""
    deep = tmp_path / "deep"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--shallow-since=2026-11-01",
            f"file://{repo}",
            str(deep),
        ],
        check=True,
    )

    outcome = list_prs(tmp_path, "git:deep", "deep", [ADA], name=None, now=NOW)

    assert outcome.status == "fresh", outcome.detail
    assert [p.number for p in outcome.prs["adaquill"]] == [41]


def test_commits_that_are_not_prs_are_ignored(tmp_path: Path) -> None:
    """Direct pushes and local merges are not pull requests."""
    module = example_repo_module()
    repo = module.Repo(tmp_path / "r", NOW)
    repo.path.mkdir()
    repo.git("init", "-q", "-b", "main")
    repo.write("a.txt", "a\n")
    repo.commit("Direct push, no PR", who=module.ADA, days_ago=2)
    repo.write("b.txt", "b\n")
    repo.commit("Mention #7 in passing", who=module.ADA, days_ago=1)

    outcome = list_prs(tmp_path, "git:r", "r", [ADA], name=None, now=NOW)

    assert outcome.prs == {"adaquill": ()}
    assert outcome.status == "fresh"
