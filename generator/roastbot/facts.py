"""What an author shipped: pull request facts, as sources report them.

Sources (GitHub, a local git clone) turn their own payloads into these models and
nothing else; scoring, the data file and (later) the roaster read only these. They
are pydantic models so the on-disk cache and the data file round-trip them exactly.
Detail a roast may quote (commit messages, review remarks, file names) is kept in
the cache; the data file carries the compact `PullRequestSummary`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SourceStatus = Literal["fresh", "cached", "stale", "offline", "error"]

# GitHub's closing keywords: https://docs.github.com/issues/tracking-your-work-with-issues/linking-a-pull-request-to-an-issue
_CLOSING = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?::\s*|\s+)"
    r"(?:(?P<repo>[\w.-]+/[\w.-]+)?#(?P<number>\d+)\b"
    r"|https?://github\.com/(?P<url_repo>[\w.-]+/[\w.-]+)/issues/(?P<url_number>\d+))",
    re.IGNORECASE,
)


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Fact):
    """The promise period activity is gathered for: `[start, end)`."""

    start: AwareDatetime
    end: AwareDatetime

    def contains(self, moment: datetime) -> bool:
        """Return whether `moment` falls inside the window."""
        return self.start <= moment < self.end


class CommitFact(_Fact):
    """One commit of a pull request."""

    sha: str
    message: str
    authored_at: AwareDatetime | None = None


class FileFact(_Fact):
    """One changed file of a pull request, with its line counts."""

    path: str
    additions: int = Field(ge=0)
    deletions: int = Field(ge=0)


class ReviewFact(_Fact):
    """A review or a review comment on a pull request."""

    author: str
    body: str
    kind: Literal["review", "comment"]
    state: str | None = None


class PullRequestFact(_Fact):
    """A merged pull request, with what a roast needs to know about it.

    `files` and `commits` may be partial (GitHub stops listing commits at 250 and
    files at 3,000, and sources fetch no more than they need); `changed_files`,
    `additions`, `deletions` and `commit_count` are always the whole PR's totals.
    """

    repo: str = Field(description="owner/name")
    number: int = Field(ge=1)
    title: str
    url: str
    body: str = ""
    author: str = Field(description="GitHub handle of the PR's author.")
    created_at: AwareDatetime | None = None
    merged_at: AwareDatetime
    additions: int = Field(ge=0)
    deletions: int = Field(ge=0)
    changed_files: int = Field(ge=0)
    commit_count: int = Field(ge=0)
    files: tuple[FileFact, ...] = ()
    commits: tuple[CommitFact, ...] = ()
    reviews: tuple[ReviewFact, ...] = ()
    linked_issues: tuple[int, ...] = ()


class SourceOutcome(_Fact):
    """What one configured source yielded in one run.

    `prs` maps an author's handle (lower-cased) to the PRs they merged in their
    window. A `stale` outcome carries the last good PRs and says since when and why.
    """

    name: str = Field(description="As configured, kind first: github:o/r, git:../r.")
    status: SourceStatus
    fetched_at: AwareDatetime | None
    detail: str | None = None
    prs: dict[str, tuple[PullRequestFact, ...]] = Field(default_factory=dict)
    requests: int = Field(default=0, description="HTTP requests this run made.")


class AuthorQuery(_Fact):
    """Whose merged PRs a source should list, and for which window."""

    handle: str
    window: Window
    names: tuple[str, ...] = Field(
        default=(), description="Name, aliases and emails, for matching git authors."
    )


def closing_issues(body: str, repo: str) -> tuple[int, ...]:
    """Return the issues of `repo` that `body` closes with a keyword ("fixes #12")."""
    numbers: set[int] = set()
    for match in _CLOSING.finditer(body):
        target = match["repo"] or match["url_repo"] or repo
        if target.lower() == repo.lower():
            numbers.add(int(match["number"] or match["url_number"]))

    return tuple(sorted(numbers))
