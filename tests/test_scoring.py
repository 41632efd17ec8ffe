"""Roastability scores come from facts, keep their parts, and pick one PR."""

from __future__ import annotations

from datetime import datetime, timedelta

from roastbot.facts import CommitFact, FileFact, PullRequestFact, ReviewFact
from roastbot.scoring import pick, score, score_parts

MERGED = datetime.fromisoformat("2026-12-01T12:00:00+00:00")


def pr(number: int = 1, **changes: object) -> PullRequestFact:
    """Return a small, clean PR with `changes` applied."""
    base = PullRequestFact(
        repo="o/r",
        number=number,
        title="T",
        url="https://github.com/o/r/pull/1",
        author="ada",
        merged_at=MERGED,
        additions=10,
        deletions=0,
        changed_files=1,
        commit_count=1,
        files=(FileFact(path="src/a.py", additions=10, deletions=0),),
        commits=(CommitFact(sha="a", message="Add a"),),
    )
    return base.model_copy(update=changes)


def test_a_clean_small_pr_scores_little() -> None:
    """One commit, ten lines, one file: nearly nothing to roast."""
    parts = score_parts(pr())

    assert parts == {
        "fixup_commits": 0.0,
        "churn": 0.04,
        "commits": 0.0,
        "docs_ratio": 0.0,
        "review_rounds": 0.0,
        "files_touched": 0.2,
    }
    assert score(parts) == 0.24


def test_fixups_after_the_first_commit_count() -> None:
    """fix/oops/revert/fixup! commits after the first score; the first never does."""
    messages = [
        "Fix the parser",
        "oops",
        'Revert "Add a"',
        "fixup! Fix the parser",
        "Add tests",
        "address review comments",
    ]
    commits = tuple(CommitFact(sha=str(i), message=m) for i, m in enumerate(messages))

    parts = score_parts(pr(commits=commits, commit_count=6))

    assert parts["fixup_commits"] == 3.0 * 4
    assert parts["commits"] == 2.5


def test_caps_keep_one_habit_from_drowning_the_rest() -> None:
    """Churn, commit count, reviews and files are each capped."""
    reviews = tuple(ReviewFact(author="r", body="x", kind="comment") for _ in range(40))

    parts = score_parts(
        pr(
            additions=50_000,
            deletions=20_000,
            commit_count=250,
            changed_files=400,
            reviews=reviews,
        )
    )

    assert (parts["churn"], parts["commits"], parts["files_touched"]) == (
        20.0,
        10.0,
        10.0,
    )
    assert parts["review_rounds"] == 10.0


def test_docs_and_plan_files_raise_the_docs_ratio() -> None:
    """Half the changed lines in docs/ and PLAN.md: half the docs weight."""
    files = (
        FileFact(path="docs/guide.md", additions=30, deletions=0),
        FileFact(path="PLAN.md", additions=20, deletions=0),
        FileFact(path="src/a.py", additions=50, deletions=0),
    )

    assert score_parts(pr(files=files))["docs_ratio"] == 4.0


def test_review_back_and_forth_counts() -> None:
    """Each change request and each review comment adds to review_rounds."""
    reviews = (
        ReviewFact(author="r", body="no", kind="review", state="CHANGES_REQUESTED"),
        ReviewFact(author="r", body="ok", kind="review", state="APPROVED"),
        ReviewFact(author="r", body="nit", kind="comment"),
    )

    assert score_parts(pr(reviews=reviews))["review_rounds"] == 2.0


def test_pick_takes_the_highest_score_then_the_newest() -> None:
    """The most roastable PR wins; a tie goes to the one merged last."""
    plain, messy = pr(1), pr(2, additions=5000)
    older, newer = pr(3), pr(4, merged_at=MERGED + timedelta(hours=1))

    assert pick([plain, messy]) == messy
    assert pick([older, newer]) == newer
    assert pick([]) is None
