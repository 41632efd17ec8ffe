"""Grounding accepts only numbers and quotes the PR's facts hold."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from roastbot.builtin import write_builtin
from roastbot.facts import CommitFact, FileFact, PullRequestFact, ReviewFact
from roastbot.grounding import check_grounding, percent
from roastbot.roastdraft import RoastDraft, Section, Verdict
from roastbot.sanitize import DENYLIST, contains_denied, sanitize_draft
from roastbot.scoring import score_parts

MERGED = datetime.fromisoformat("2026-04-13T13:01:00+00:00")


def pr(**changes: object) -> PullRequestFact:
    """Return a PR with a little of everything, with `changes` applied."""
    base = PullRequestFact(
        repo="acme/rockets",
        number=21478,
        title="Add configurable bundle launchers",
        url="https://github.com/acme/rockets/pull/21478",
        body="Bundles were hardwired to `uv run`; this takes 0.8 seconds off.",
        author="ada",
        created_at=MERGED - timedelta(days=9, hours=20),
        merged_at=MERGED,
        additions=1838,
        deletions=95,
        changed_files=38,
        commit_count=7,
        files=(
            FileFact(path="src/launcher.py", additions=900, deletions=20),
            FileFact(path="docs/v3/launchers.md", additions=300, deletions=0),
        ),
        commits=(
            CommitFact(sha="1234567abc", message="add configurable bundle launchers"),
            CommitFact(sha="b2", message="fix windows bundle launcher roundtrip"),
            CommitFact(sha="c3", message="fix harness server isolation\n\nLong."),
        ),
        reviews=(
            ReviewFact(
                author="zz", body="Ooops these aren't getting run", kind="comment"
            ),
            ReviewFact(author="zz", body="", kind="review", state="CHANGES_REQUESTED"),
        ),
        linked_issues=(21400,),
    )
    return base.model_copy(update=changes)


def draft(text: str, *, title: str = "A roast") -> RoastDraft:
    """Return a draft whose opening is `text` and whose other fields are plain."""
    return RoastDraft(
        title=title,
        description="A description.",
        opening=text,
        sections=[Section(heading="Heading", body="Body.")],
        compliment="Fine.",
        verdict=Verdict(persona="The Tester", line="tests things"),
    )


def check(text: str, *, parts: dict[str, float] | None = None) -> str | None:
    """Return the grounding problem of an opening about `pr()`, if any."""
    return check_grounding(draft(text), pr(), parts)


# --- numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "PR #21478 adds 1,838 lines and deletes 95.",
        "It adds 1838 lines, 1,933 changed in all, 1,743 net.",
        "38 files, 7 commits, 6 after the first.",
        "3 commits listed, 2 files listed, 2 review notes, 1 fix-up counted.",
        "src/launcher.py took 920 changed lines, 900 of them new.",
        "It closes #21400.",
        "Merged on 2026-04-13, after 9 days (10, rounded).",
        "The body says 0.8 seconds.",
        "Commit 1234567abc started it.",
        "95% of the diff is additions; 5 percent is deletions.",
        "The 3rd commit and the 7th commit.",
        "Version v2 of py311 and sha256 are names, not numbers.",
    ],
)
def test_numbers_from_the_facts_are_grounded(text: str) -> None:
    """Totals, counts, per-file lines, issues, dates, text and shares are facts."""
    assert check(text) is None


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("It adds 4,200 lines.", "4,200"),
        ("It adds 4200 lines.", "4200"),
        ("Merged in 17 seconds.", "17"),
        ("A 12.5 second build.", "12.5"),
        ("37% of the diff is additions.", "37"),
        ("The 40th commit.", "40"),
        ("It was 5x slower.", "5"),
    ],
)
def test_invented_numbers_fail(text: str, written: str) -> None:
    """A number not derivable from the facts is named in the problem."""
    assert check(text) == f"the number {written} is not in the PR's facts (opening)"


def test_a_percentage_is_only_grounded_as_a_percentage() -> None:
    """5 is the deletions' share, so it passes before % but not as a plain count."""
    assert percent(95, 1933) == 5
    assert check("5% deletions.") is None
    assert check("5 percent deletions.") is None
    assert check("5 lines.") is not None


def test_score_parts_are_grounded_only_when_given() -> None:
    """A roast may cite its score parts when the caller passes them."""
    parts = {"fixup_commits": 6.0, "churn": 7.73}

    assert check("Churn scored 7.73, fix-ups 6.0.", parts=parts) is None
    assert check("Churn scored 7.73.") is not None


def test_every_text_field_is_checked() -> None:
    """The problem names the field holding the invented number."""
    invented = draft("Fine.", title="The 999-Line Mop")

    problem = check_grounding(invented, pr())

    assert problem == "the number 999 is not in the PR's facts (title)"


# --- quotes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It starts with \u201cadd configurable bundle launchers\u201d.",
        'Then "FIX   windows bundle launcher roundtrip."',
        "A reviewer said \u201cOoops these aren\u2019t getting run\u201d.",
        "The title: \u201cAdd configurable bundle launchers\u201d.",
        "The body: \u201cBundles were hardwired to `uv run`\u201d.",
        'Truncated: \u201cfix windows bundle\u2026\u201d and "fix harness...".',
        "Elided: \u201cadd configurable \u2026 launchers\u201d.",
        "A path: \u201csrc/launcher.py\u201d, a scare \u201cquote\u201d.",
        "An identifier in backticks is not a quote: `helper_name`.",
        "A code span with spaces from the body: `uv run`.",
    ],
)
def test_quotes_from_the_facts_are_grounded(text: str) -> None:
    """Commit messages, title, body, reviews and paths may be quoted, loosely."""
    assert check(text) is None


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Its commit said \u201cfix everything\u201d.", "fix everything"),
        ('The reviewer wrote "this is fine".', "this is fine"),
        ("The code reads `getattr(flow, None)`.", "getattr(flow, None)"),
        ("Cut: \u201cwindows bundle launcher roundtrip tests\u2026\u201d.", "windows"),
    ],
)
def test_invented_quotes_fail(text: str, quote: str) -> None:
    """A quote found nowhere in the facts is named in the problem."""
    problem = check(text)

    assert problem is not None
    assert problem.startswith(f'the quote "{quote}')
    assert problem.endswith("is not a commit message, title or review remark (opening)")


# --- the built-in roaster, over many shapes -------------------------------------

TITLES = [
    "Add retries",
    "",
    "Refactor the runner into 14 services",
    "<script>alert(1)</script> tidy",
    "A very long title " * 10,
    "Fix {curly} braces in {{< shortcodes >}}",
]
BODIES = [
    "",
    "This PR adds retry budgets to 3 launchers.\n\nMore detail.",
    "## Summary\n\nMoves 12 things around so the next 2 changes are easy.",
    "<!-- template -->\nCloses #9",
]
MESSAGES = [
    "Initial work on the feature",
    "fix lint",
    "oops",
    'Revert "Add a thing"',
    "fixup! Initial work on the feature",
    "address review comments",
    "Add `helper` for {braces}",
    "try again with 250 retries",
    "fix " + "very long message " * 12,
    "Update docs/plan.md",
    "Tidy\u200b up",
    f"fix the {DENYLIST[5]} typo",
]
PATHS = [
    "src/app.py",
    "src/util/io.py",
    "docs/guide.md",
    "PLAN.md",
    "tests/test_app.py",
    "web/v2/index.ts",
    "CHANGELOG.md",
    "src/big_module_2024.py",
]
REMARKS = [
    "LGTM",
    "",
    "Please split this up.",
    "waow",
    "These aren't getting run.",
    "x" * 300,
    "<img src=x onerror=alert(1)>",
    f"what a {DENYLIST[1]}",
]


def shaped_pr(seed: int) -> PullRequestFact:
    """Return a PR of a shape drawn from `seed`: sizes, lists and texts vary."""
    rng = random.Random(seed)
    files = tuple(
        FileFact(
            path=f"{rng.choice(PATHS)}.{n}" if n else rng.choice(PATHS),
            additions=rng.choice([0, 1, 12, 480, 1500, 22000]),
            deletions=rng.choice([0, 3, 95, 2400]),
        )
        for n in range(rng.choice([0, 1, 3, 9]))
    )
    listed = rng.random() < 0.8
    log = tuple(
        CommitFact(sha=f"{seed:x}{n}", message=rng.choice(MESSAGES))
        for n in range(rng.choice([1, 2, 5, 30]) if listed else 0)
    )
    reviews = tuple(
        ReviewFact(
            author=rng.choice(["zz", "ada", "bot42"]),
            body=rng.choice(REMARKS),
            kind=rng.choice(["review", "comment"]),
            state=rng.choice(["APPROVED", "CHANGES_REQUESTED", "COMMENTED"]),
        )
        for _ in range(rng.choice([0, 0, 1, 4, 12]))
    )
    additions = sum(f.additions for f in files) or rng.choice([0, 7, 3100])
    deletions = sum(f.deletions for f in files) or rng.choice([0, 40])

    return PullRequestFact(
        repo=rng.choice(["acme/rockets", "o/r"]),
        number=rng.randint(1, 99_999),
        title=rng.choice(TITLES),
        url="https://github.com/acme/rockets/pull/1",
        body=rng.choice(BODIES),
        author="ada",
        created_at=MERGED - timedelta(hours=rng.randint(1, 2000)),
        merged_at=MERGED,
        additions=additions,
        deletions=deletions,
        changed_files=max(len(files), rng.choice([0, 1, 4, 60, 400])),
        commit_count=max(len(log), rng.choice([1, 3, 14])),
        files=files,
        commits=log,
        reviews=reviews,
        linked_issues=rng.choice([(), (9,), (4, 1200)]),
    )


@pytest.mark.parametrize("seed", range(60))
def test_the_builtin_roast_is_always_grounded(seed: int) -> None:
    """Any PR's built-in roast is grounded, clean, and unchanged by sanitizing."""
    fact = shaped_pr(seed)
    parts = score_parts(fact)

    roast = write_builtin(fact, parts)
    cleaned = sanitize_draft(roast, fact)

    assert check_grounding(roast, fact, parts) is None
    assert check_grounding(cleaned, fact, parts) is None
    assert cleaned == roast
    assert contains_denied(cleaned.model_dump_json()) is None
    assert 2 <= len(roast.sections) <= 4
