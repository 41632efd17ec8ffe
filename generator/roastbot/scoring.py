"""How roastable a pull request is, from its facts alone, with the reasons kept.

Each part of the score is a plain count times a weight, capped so no single habit
drowns the rest. The parts are stored with the score, so the data file shows why a
PR was picked:

    fixup_commits  3.0 per commit after the first that fixes, reverts or apologises
    churn          1.0 per 250 changed lines (additions + deletions), at most 20
    commits        0.5 per commit after the first, at most 10
    docs_ratio     8.0 times the share of changed lines in docs or plan files
    review_rounds  1.5 per review asking for changes, 0.5 per review comment, at most 10
    files_touched  0.2 per changed file, at most 10
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from roastbot.facts import PullRequestFact

_FIXUP = re.compile(
    r"^(?:fixup!|squash!|revert\b)|\b(?:fix(?:es|ed)?|oops|typo|again|forgot|"
    r"lint|wip|address(?:ed)? (?:review|comments?)|try|actually)\b",
    re.IGNORECASE,
)
_DOCS = re.compile(
    r"(?:^|/)(?:docs?|plans?|adr|rfcs?)/|\.(?:md|mdx|rst|txt|adoc)$|"
    r"(?:^|/)(?:plan|todo|notes|changelog)[^/]*$",
    re.IGNORECASE,
)


def score_parts(pr: PullRequestFact) -> dict[str, float]:
    """Return the named parts of a PR's roastability score."""
    fixups = len(fixup_subjects(pr))
    churn = pr.additions + pr.deletions
    changes_requested = sum(
        1 for r in pr.reviews if r.kind == "review" and r.state == "CHANGES_REQUESTED"
    )
    comments = sum(1 for r in pr.reviews if r.kind == "comment")

    parts = {
        "fixup_commits": 3.0 * fixups,
        "churn": min(20.0, churn / 250),
        "commits": min(10.0, 0.5 * max(0, pr.commit_count - 1)),
        "docs_ratio": 8.0 * _docs_share(pr),
        "review_rounds": min(10.0, 1.5 * changes_requested + 0.5 * comments),
        "files_touched": min(10.0, 0.2 * pr.changed_files),
    }

    return {name: round(value, 2) for name, value in parts.items()}


def score(parts: dict[str, float]) -> float:
    """Return the total of the parts."""
    return round(sum(parts.values()), 2)


def pick(prs: Sequence[PullRequestFact]) -> PullRequestFact | None:
    """Return the most roastable PR: highest score, then newest, then by number."""
    if not prs:
        return None

    return max(
        prs,
        key=lambda pr: (score(score_parts(pr)), pr.merged_at, pr.repo, pr.number),
    )


def fixup_subjects(pr: PullRequestFact) -> list[str]:
    """Return the first lines of the commits after the first that are fix-ups."""
    subjects = [c.message.split("\n", 1)[0].strip() for c in pr.commits[1:]]

    return [s for s in subjects if _FIXUP.search(s)]


def is_docs_path(path: str) -> bool:
    """Return whether a changed file counts as docs or plans."""
    return bool(_DOCS.search(path))


def docs_lines(pr: PullRequestFact) -> tuple[int, int]:
    """Return the listed files' changed lines in docs or plans, and in all."""
    listed = sum(f.additions + f.deletions for f in pr.files)
    docs = sum(f.additions + f.deletions for f in pr.files if is_docs_path(f.path))

    return docs, listed


def _docs_share(pr: PullRequestFact) -> float:
    """Return the share of the listed files' changed lines that are docs or plans."""
    docs, listed = docs_lines(pr)

    return docs / listed if listed else 0.0
