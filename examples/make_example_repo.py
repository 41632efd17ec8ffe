"""Create the small git repository the example dev log reads its authors' PRs from.

The example site lists `git:repo` under `[params.roastbot] repos`, so roastbot reads
merged pull requests from `examples/devlog/repo/` without any network. This script
builds that repository the way GitHub leaves one behind: merge commits
("Merge pull request #N from owner/branch") and squash commits ("Title (#N)"),
dated a few days before `--now` so they fall inside the authors' weekly window.

    python examples/make_example_repo.py examples/devlog/repo [--now ISO8601]

The tests build the same repository with a fixed clock.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

ADA = ("Ada Quill", "1001+adaquill@users.noreply.github.com")
BO = ("Bo Tern", "bo@example.org")
MAINTAINER = ("Queue Maintainer", "maintainer@example.org")


class Repo:
    """A git repository whose commits carry chosen authors and dates."""

    def __init__(self, path: Path, now: datetime) -> None:
        self.path = path
        self.now = now

    def git(self, *args: str, who: tuple[str, str] = MAINTAINER, days_ago: float = 0) -> str:
        """Run git with the given author and committer and date."""
        when = (self.now - timedelta(days=days_ago)).isoformat()
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": who[0],
            "GIT_AUTHOR_EMAIL": who[1],
            "GIT_COMMITTER_NAME": who[0],
            "GIT_COMMITTER_EMAIL": who[1],
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        result = subprocess.run(
            ["git", "-C", str(self.path), *args],
            env=env, capture_output=True, text=True, check=True,
        )
        return result.stdout

    def write(self, name: str, text: str) -> None:
        """Write a file in the work tree and stage it."""
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.git("add", name)

    def commit(self, message: str, *, who: tuple[str, str], days_ago: float) -> None:
        """Commit what is staged."""
        self.git("commit", "-q", "-m", message, who=who, days_ago=days_ago)


def build(path: Path, now: datetime) -> Path:
    """Create the example repository at `path` (replacing it), return its path."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    repo = Repo(path, now)
    repo.git("init", "-q", "-b", "main")
    repo.git("remote", "add", "origin", "https://github.com/example/queue-service.git")
    repo.write("README.md", "# queue-service\n")
    repo.write("queue/worker.py", "def run():\n    pass\n")
    repo.commit("Initial commit", who=MAINTAINER, days_ago=30)

    # PR #40 by Ada, merged before the window: it does not count this week.
    repo.write("queue/limits.py", "LIMIT = 10\n")
    repo.commit("Cap the queue at ten jobs (#40)", who=ADA, days_ago=12)

    # PR #41 by Ada: a branch with fix-ups, merged with a merge commit.
    repo.git("checkout", "-q", "-b", "retry-backoff")
    repo.write("queue/retry.py", "".join(f"DELAY_{i} = {2 ** i}\n" for i in range(40)))
    repo.commit("Add exponential backoff to retries", who=ADA, days_ago=4)
    repo.write("queue/retry.py", "".join(f"DELAY_{i} = {2 ** i}\n" for i in range(38)))
    repo.commit("fix off-by-one in backoff table", who=ADA, days_ago=3.9)
    repo.write("queue/test_retry.py", "def test_backoff():\n    assert True\n")
    repo.commit("oops, forgot the test", who=ADA, days_ago=3.8)
    repo.write("docs/retries.md", "# Retries\n\n" + "Backoff doubles.\n" * 30)
    repo.commit("Document the backoff plan", who=ADA, days_ago=3.7)
    repo.git("checkout", "-q", "main")
    repo.git(
        "merge", "--no-ff", "-q", "retry-backoff", "-m",
        "Merge pull request #41 from adaquill/retry-backoff\n\n"
        "Add exponential backoff to retries\n\nFixes #12",
        who=MAINTAINER, days_ago=3,
    )

    # PR #42 by Bo: squashed, the squashed commits listed in the body.
    repo.write("queue/worker.py", "def run():\n    return drain()\n\n\ndef drain():\n    return 0\n")
    repo.commit(
        "Drain the queue before shutdown (#42)\n\n"
        "* Drain the queue before shutdown\n* address review comments\n* fix lint",
        who=BO, days_ago=2,
    )

    return path


def main() -> None:
    """Parse arguments and build the repository."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--now", help="ISO 8601 instant the commit dates count back from")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    build(args.path, now.replace(microsecond=0))
    print(f"created {args.path} (PRs #40, #41, #42 of example/queue-service)")


if __name__ == "__main__":
    main()
