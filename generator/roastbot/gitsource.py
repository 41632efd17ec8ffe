"""Merged pull requests recovered from a local git clone, with no network at all.

GitHub leaves two kinds of trace on a repository's main line:

- a merge commit, subject `Merge pull request #N from OWNER/BRANCH`, body starting
  with the PR's title; the PR's commits are those the merge brought in
  (`M^1..M^2`), and its change is `git diff M^1 M`;
- a squash commit, subject `Title (#N)`, whose body lists the squashed commits as
  `* message` lines; its change is the commit's own diff.

A PR belongs to an author when its commits' author email is the handle's GitHub
noreply address (`123+handle@users.noreply.github.com`), or the author name or email
matches the author's name, aliases or configured `emails`, or (for a merge) the
branch is on the author's fork (`from handle/branch`).

Hosted builds clone shallow, which hides most history. A shallow clone whose
history does not reach back to the window is reported as an error that says so,
not as an author who shipped nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from roastbot.facts import (
    AuthorQuery,
    CommitFact,
    FileFact,
    PullRequestFact,
    SourceOutcome,
    closing_issues,
)

_MERGE = re.compile(r"^Merge pull request #(\d+) from ([\w.-]+)/\S+")
_SQUASH = re.compile(r"^(.*\S)\s+\(#(\d+)\)$")
_NOREPLY = re.compile(r"^(?:\d+\+)?([\w-]+)@users\.noreply\.github\.com$", re.I)
_REMOTE = re.compile(r"github\.com[:/]+([\w.-]+/[\w.-]+?)(?:\.git)?/?$")
_RECORD = "\x1e"
_FIELD = "\x00"
# A record starts with \x1e so that --numstat lines, which git prints after the
# message, stay inside the record they belong to.
_LOG_FORMAT = "%x1e%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%B%x00"
GIT_TIMEOUT = 60


class GitError(RuntimeError):
    """A git command failed or git is missing."""


@dataclass(frozen=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    message: str
    files: tuple[FileFact, ...] = ()

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()


def list_prs(
    root: Path,
    label: str,
    path: str,
    queries: Sequence[AuthorQuery],
    *,
    name: str | None,
    now: datetime,
) -> SourceOutcome:
    """Return the PRs each queried author merged in their window, from a clone."""
    clone = (root / path).resolve()
    try:
        shallow = _check_clone(clone, path)
        repo = name or _origin_name(clone) or clone.name
        since = min(q.window.start for q in queries) if queries else now
        if shallow is not None:
            _check_depth(clone, path, since, shallow)
        commits = _first_parent_log(clone, since - timedelta(days=1))
        prs = _pull_requests(clone, repo, commits, queries)
    except GitError as exc:
        return SourceOutcome(
            name=label, status="error", fetched_at=None, detail=str(exc)
        )

    return SourceOutcome(
        name=label,
        status="fresh",
        fetched_at=now,
        detail=f"{len(commits)} main-line commits read from {path}",
        prs=prs,
    )


def _git(clone: Path, *args: str) -> str:
    """Run git in the clone and return its output; raise GitError on failure."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(
            ["git", "-C", str(clone), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            check=False,
            timeout=GIT_TIMEOUT,
        )
    except FileNotFoundError:
        raise GitError(
            "git is not installed; install git to read local clones"
        ) from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took over {GIT_TIMEOUT} s") from None
    if result.returncode != 0:
        raise GitError(f"git {args[0]} failed: {result.stderr.strip() or 'no output'}")

    return result.stdout


def _check_clone(clone: Path, path: str) -> Path | None:
    """Refuse a path that is not a git work tree; return its shallow file if shallow."""
    if not clone.is_dir():
        raise GitError(f"{path} does not exist (it is resolved from the site root)")
    try:
        out = _git(
            clone, "rev-parse", "--is-shallow-repository", "--git-path", "shallow"
        )
    except GitError:
        raise GitError(f"{path} is not a git repository") from None
    is_shallow, shallow = [*out.splitlines(), "", ""][:2]
    if is_shallow.strip() != "true":
        return None
    shallow_path = Path(shallow.strip())

    return shallow_path if shallow_path.is_absolute() else clone / shallow_path


def _origin_name(clone: Path) -> str | None:
    """Return owner/name from the `origin` remote, if it points at GitHub."""
    try:
        url = _git(clone, "remote", "get-url", "origin").strip()
    except GitError:
        return None
    match = _REMOTE.search(url)

    return match.group(1) if match else None


def _check_depth(clone: Path, path: str, since: datetime, shallow: Path) -> None:
    """Raise if a shallow clone's history stops after `since`."""
    boundary = shallow.read_text(encoding="utf-8").split() if shallow.is_file() else []
    dates = [
        datetime.fromisoformat(_git(clone, "show", "-s", "--format=%cI", sha).strip())
        for sha in boundary
    ]
    oldest = min(dates, default=None)
    if oldest is None or oldest > since:
        reach = f"only back to {oldest:%Y-%m-%d}" if oldest else "no history"
        raise GitError(
            f"{path} is a shallow clone with {reach}, so PRs merged since "
            f"{since:%Y-%m-%d} cannot be seen; clone with full history "
            "(git fetch --unshallow, or fetch-depth: 0 in GitHub Actions)"
        )


def _first_parent_log(clone: Path, since: datetime) -> list[_Commit]:
    """Return the main line's commits since `since`, newest first, with file stats.

    One `git log` gives every commit's change against its first parent, merges
    included (`--diff-merges=first-parent`): for a merge that is the PR's change.
    """
    out = _git(
        clone,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--numstat",
        "--no-renames",
        f"--since={since.isoformat()}",
        f"--format={_LOG_FORMAT}",
        "HEAD",
    )

    return _parse_log(out)


def _parse_log(out: str) -> list[_Commit]:
    """Parse `git log` output in _LOG_FORMAT, with or without --numstat."""
    return [_parse_commit(record) for record in out.split(_RECORD) if record.strip()]


def _parse_commit(record: str) -> _Commit:
    sha, parents, name, email, authored, committed, message, stats = record.split(
        _FIELD, 7
    )

    return _Commit(
        sha=sha,
        parents=tuple(parents.split()),
        author_name=name,
        author_email=email,
        authored_at=datetime.fromisoformat(authored),
        committed_at=datetime.fromisoformat(committed),
        message=message.strip(),
        files=_numstat(stats),
    )


def _pull_requests(
    clone: Path, repo: str, commits: list[_Commit], queries: Sequence[AuthorQuery]
) -> dict[str, tuple[PullRequestFact, ...]]:
    """Recover each PR on the main line and give it to the authors it belongs to."""
    found: dict[str, list[PullRequestFact]] = {q.handle.lower(): [] for q in queries}
    for commit in commits:
        merge = _MERGE.match(commit.subject)
        squash = None if merge else _SQUASH.match(commit.subject)
        if not (merge and len(commit.parents) > 1) and not squash:
            continue
        for query in queries:
            if not query.window.contains(commit.committed_at):
                continue
            pr = (
                _from_merge(clone, repo, commit, merge, query)
                if merge
                else _from_squash(clone, repo, commit, squash, query)  # type: ignore[arg-type]
            )
            if pr is not None:
                found[query.handle.lower()].append(pr)

    return {
        handle: tuple(sorted(prs, key=lambda p: (p.merged_at, p.number)))
        for handle, prs in found.items()
    }


def _from_merge(
    clone: Path, repo: str, merge: _Commit, match: re.Match[str], query: AuthorQuery
) -> PullRequestFact | None:
    """Build the PR a merge commit brought in, if it is the queried author's."""
    number, fork_owner = int(match.group(1)), match.group(2)
    out = _git(
        clone, "log", f"--format={_LOG_FORMAT}", f"{merge.parents[0]}..{merge.sha}^2"
    )
    branch = _parse_log(out)
    by_fork = fork_owner.lower() == query.handle.lower()
    if not by_fork and not any(_is_author(c, query) for c in branch):
        return None
    title, _, body = merge.message.partition("\n")
    title, _, body = body.strip().partition("\n")

    return _fact(
        repo,
        number=number,
        title=title.strip() or merge.subject,
        body=body.strip(),
        handle=query.handle,
        merged=merge,
        commits=[
            CommitFact(sha=c.sha, message=c.message, authored_at=c.authored_at)
            for c in reversed(branch)
        ],
    )


def _from_squash(
    clone: Path, repo: str, commit: _Commit, match: re.Match[str], query: AuthorQuery
) -> PullRequestFact | None:
    """Build the PR a squash commit stands for, if it is the queried author's."""
    if not _is_author(commit, query):
        return None
    _, _, body = commit.message.partition("\n")
    bullets = [line[2:].strip() for line in body.splitlines() if line.startswith("* ")]
    messages = bullets or [commit.subject]

    return _fact(
        repo,
        number=int(match.group(2)),
        title=match.group(1),
        body=body.strip(),
        handle=query.handle,
        merged=commit,
        # The squashed commits are gone; their messages survive in the body.
        commits=[
            CommitFact(sha=commit.sha, message=message, authored_at=commit.authored_at)
            for message in messages
        ],
    )


def _fact(
    repo: str,
    *,
    number: int,
    title: str,
    body: str,
    handle: str,
    merged: _Commit,
    commits: list[CommitFact],
) -> PullRequestFact:
    """Assemble a PR fact; its files are the main-line commit's change."""
    files = merged.files

    return PullRequestFact(
        repo=repo,
        number=number,
        title=title,
        url=f"https://github.com/{repo}/pull/{number}" if "/" in repo else "",
        body=body,
        author=handle,
        created_at=min((c.authored_at for c in commits if c.authored_at), default=None),
        merged_at=merged.committed_at,
        additions=sum(f.additions for f in files),
        deletions=sum(f.deletions for f in files),
        changed_files=len(files),
        commit_count=len(commits),
        files=tuple(files),
        commits=tuple(commits),
        linked_issues=closing_issues(body, repo),
    )


def _numstat(stats: str) -> tuple[FileFact, ...]:
    """Parse --numstat lines: each changed file, added and deleted lines (binary: 0)."""
    files = []
    for line in stats.splitlines():
        parts = line.split("\t", 2)
        if len(parts) != 3:
            continue
        added, deleted, path = parts
        files.append(
            FileFact(
                path=path,
                additions=int(added) if added.isdigit() else 0,
                deletions=int(deleted) if deleted.isdigit() else 0,
            )
        )

    return tuple(files)


def _is_author(commit: _Commit, query: AuthorQuery) -> bool:
    """Return whether a commit was written by the queried author."""
    email = commit.author_email.strip().lower()
    noreply = _NOREPLY.match(email)
    if noreply:
        return noreply.group(1).lower() == query.handle.lower()
    known = {query.handle.lower(), *(n.lower() for n in query.names)}

    return email in known or commit.author_name.strip().lower() in known
