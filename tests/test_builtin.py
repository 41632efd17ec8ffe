"""The built-in roaster writes a deterministic, grounded roast from the facts alone."""

from __future__ import annotations

import re
from datetime import datetime

from roastbot import builtin
from roastbot.builtin import choose_sections, write_builtin
from roastbot.facts import CommitFact, FileFact, PullRequestFact, ReviewFact
from roastbot.grounding import check_grounding, draft_fields
from roastbot.roastdraft import RoastDraft
from roastbot.sanitize import DENYLIST, sanitize_draft
from roastbot.scoring import score_parts

MERGED = datetime.fromisoformat("2026-04-10T12:00:00+00:00")


def pr(**changes: object) -> PullRequestFact:
    """Return a mid-sized, clean PR with `changes` applied."""
    base = PullRequestFact(
        repo="acme/rockets",
        number=321,
        title="Teach the launcher to retry",
        url="https://github.com/acme/rockets/pull/321",
        body="This change makes launches retry on transient errors.\n\nDetails.",
        author="ada",
        merged_at=MERGED,
        additions=240,
        deletions=30,
        changed_files=4,
        commit_count=3,
        files=(
            FileFact(path="src/launcher.py", additions=200, deletions=20),
            FileFact(path="src/retry.py", additions=30, deletions=10),
            FileFact(path="README.md", additions=10, deletions=0),
        ),
        commits=(
            CommitFact(sha="a1", message="Add retries to the launcher"),
            CommitFact(sha="b2", message="Cover the retry budget"),
            CommitFact(sha="c3", message="Name the backoff constant"),
        ),
    )
    return base.model_copy(update=changes)


def roast(fact: PullRequestFact) -> RoastDraft:
    """Return the built-in roast of `fact` with its own score parts."""
    return write_builtin(fact, score_parts(fact))


def text_of(draft: RoastDraft) -> str:
    """Return every text field of a draft, joined."""
    return "\n".join(text for _, text in draft_fields(draft))


def commits(*messages: str) -> tuple[CommitFact, ...]:
    """Return commits with the given messages."""
    return tuple(CommitFact(sha=f"s{i}", message=m) for i, m in enumerate(messages))


FIXUPS = commits(
    "Add the bundle launcher",
    "fix windows launcher roundtrip",
    "Add launcher docs",
    "fix harness isolation",
    "oops, forgot the lockfile",
)


def test_the_same_pr_always_gets_the_same_roast() -> None:
    """Phrasing comes from a stable hash, never from chance or the clock."""
    assert roast(pr()) == roast(pr())


def test_different_prs_get_different_phrasings() -> None:
    """The hash spreads PRs over the phrase bank."""
    titles = {roast(pr(number=n)).title for n in range(1, 40)}
    openings = {roast(pr(number=n)).opening for n in range(1, 40)}

    assert len(titles) > 1
    assert len(openings) > 3


def test_fixup_commits_are_quoted_exactly() -> None:
    """The fix-up section quotes real fix-up commit messages in curly quotes."""
    draft = roast(pr(commits=FIXUPS, commit_count=5))

    section = draft.sections[0]
    quoted = re.findall("\u201c([^\u201d]+)\u201d", section.body)
    assert quoted
    assert set(quoted) <= {
        "fix windows launcher roundtrip",
        "fix harness isolation",
        "oops, forgot the lockfile",
    }
    assert "3 fix-up commits" in section.body or "3 of the 5" in section.body


def test_churn_numbers_use_thousands_separators() -> None:
    """Large line counts are written 1,838 and still pass grounding."""
    fact = pr(additions=1838, deletions=1200, changed_files=2, commit_count=1)
    fact = fact.model_copy(update={"commits": fact.commits[:1], "files": ()})

    draft = roast(fact)

    assert "1,838" in text_of(draft)
    assert "1838" not in text_of(draft)
    assert check_grounding(draft, fact, score_parts(fact)) is None


def test_many_commits_get_a_commit_log_section() -> None:
    """A long log opens with the first commit's message."""
    log = commits(*(f"Step {n} of the migration" for n in range(1, 25)))
    fact = pr(commits=log, commit_count=24, additions=40, deletions=5)

    draft = roast(fact)

    assert choose_sections(fact, score_parts(fact))[0] == "commits"
    assert "24 commits" in draft.sections[0].body
    assert "\u201cStep 1 of the migration\u201d" in draft.sections[0].body


def test_docs_heavy_prs_get_a_docs_section() -> None:
    """A PR of mostly prose is roasted for it, naming its biggest docs file."""
    files = (
        FileFact(path="docs/plan/rollout.md", additions=600, deletions=40),
        FileFact(path="src/app.py", additions=30, deletions=0),
    )
    fact = pr(files=files, changed_files=2, additions=630, deletions=40)

    draft = roast(fact)

    docs = next(s for s in draft.sections if "`docs/plan/rollout.md`" in s.body)
    assert "96%" in docs.body
    assert "640 changed lines" in docs.body


def test_review_back_and_forth_quotes_a_short_remark() -> None:
    """The review section quotes one real, short review remark and its author."""
    reviews = (
        ReviewFact(author="grace", body="", kind="review", state="CHANGES_REQUESTED"),
        ReviewFact(author="grace", body="These aren't getting run.", kind="comment"),
        ReviewFact(author="linus", body="x" * 400, kind="comment"),
        ReviewFact(author="grace", body="", kind="review", state="CHANGES_REQUESTED"),
    )
    fact = pr(reviews=reviews)

    draft = roast(fact)

    review = next(s for s in draft.sections if "review note" in s.body)
    assert "\u201cThese aren't getting run.\u201d" in review.body
    assert "grace" in review.body
    assert "2 of them asked for changes outright." in review.body


def test_many_files_get_a_files_section() -> None:
    """A sprawling PR is roasted for its file count and its busiest file."""
    files = tuple(
        FileFact(path=f"pkg{n % 5}/mod{n}.py", additions=n, deletions=1)
        for n in range(1, 61)
    )
    fact = pr(files=files, changed_files=60, additions=1830, deletions=60)

    draft = roast(fact)

    section = next(s for s in draft.sections if "60 files" in s.body)
    assert "5 top-level folders" in section.body
    assert "`pkg0/mod60.py`" in section.body
    assert "61 changed lines" in section.body


def test_tiny_prs_are_roasted_for_being_tiny() -> None:
    """A handful of lines in one commit leads with a section about its size."""
    fact = pr(
        additions=3,
        deletions=1,
        changed_files=1,
        commit_count=1,
        files=(FileFact(path="src/a.py", additions=3, deletions=1),),
        commits=commits("Correct the retry delay"),
    )

    draft = roast(fact)

    assert choose_sections(fact, score_parts(fact)) == ["tiny", "commits"]
    assert draft.title in builtin._TITLES["tiny"]
    assert draft.verdict.persona in builtin._PERSONAS["tiny"]
    assert "\u201cCorrect the retry delay\u201d" in draft.sections[1].body


def test_prs_without_listed_commits_say_so() -> None:
    """REST facts without commit messages get the quiet commit section."""
    fact = pr(commits=(), commit_count=14, files=())

    draft = roast(fact)

    section = next(s for s in draft.sections if "14 commits" in s.body)
    assert "\u201c" not in section.body
    assert section.heading in builtin._COMMITS_QUIET.headings


def test_two_to_four_sections_follow_the_largest_parts() -> None:
    """Sections are the parts over the threshold, largest first, at most four."""
    fact = pr(commits=FIXUPS, commit_count=5)
    parts = {
        "fixup_commits": 9.0,
        "churn": 6.0,
        "commits": 2.0,
        "docs_ratio": 0.0,
        "review_rounds": 0.0,
        "files_touched": 4.0,
    }

    assert choose_sections(fact, parts) == [
        "fixup_commits",
        "churn",
        "files_touched",
        "commits",
    ]
    assert len(choose_sections(pr(), dict.fromkeys(parts, 0.0))) == 2


def test_long_commit_messages_are_cut_to_a_prefix() -> None:
    """A long quoted message ends in an ellipsis and is a prefix of the real one."""
    long = "fix " + " ".join(f"word{n}" for n in range(60))
    fact = pr(commits=commits("Start", long), commit_count=2)

    draft = roast(fact)

    body = next(s.body for s in draft.sections if "\u2026" in s.body)
    quoted = re.search("\u201c([^\u201d]+)\u2026\u201d", body)
    assert quoted is not None
    assert long.startswith(quoted.group(1))
    assert check_grounding(draft, fact, score_parts(fact)) is None


def test_titles_stay_within_their_limit() -> None:
    """Even with huge numbers the title is non-empty and at most 80 characters."""
    fact = pr(additions=10**12, deletions=10**12, changed_files=10**9, files=())

    draft = roast(fact)

    assert 0 < len(draft.title) <= 80


def test_the_persona_follows_the_dominant_part() -> None:
    """The verdict's persona comes from the bank of the largest score part."""
    fact = pr(commits=FIXUPS, commit_count=5)

    draft = roast(fact)

    assert draft.verdict.persona in builtin._PERSONAS["fixup_commits"]
    assert draft.verdict.line


def test_the_opening_states_the_goal_from_title_and_body() -> None:
    """The opening quotes the title and the body's short first sentence."""
    draft = roast(pr())

    assert "\u201cTeach the launcher to retry\u201d" in draft.opening
    assert "This change makes launches retry on transient errors." in draft.opening


def test_the_compliment_is_tied_to_a_fact() -> None:
    """Tests in the diff, then a closed issue, earn the grudging compliment."""
    with_tests = pr(
        files=(FileFact(path="tests/test_retry.py", additions=5, deletions=0),)
    )
    with_issue = pr(linked_issues=(77,))

    assert "`tests/test_retry.py`" in roast(with_tests).compliment
    assert "#77" in roast(with_issue).compliment


def test_the_author_is_never_named() -> None:
    """The roast is about the code and the process, not the person."""
    draft = roast(pr(author="grace-hopper-the-author"))

    assert "grace-hopper-the-author" not in text_of(draft)


def test_unsafe_or_denied_text_is_never_quoted() -> None:
    """Markup, links and denylisted words in the facts stay out of the roast."""
    fact = pr(
        title="<script>alert(1)</script> launcher",
        body="See https://evil.example for {{< details >}}.",
        commits=commits("Start", "fix [it](javascript:alert(1))", f"fix {DENYLIST[0]}"),
        commit_count=3,
        reviews=(ReviewFact(author="x", body=f"what a {DENYLIST[3]}", kind="comment"),),
    )

    draft = roast(fact)

    text = text_of(draft)
    assert "<script>" not in text
    assert "javascript" not in text
    assert "{{<" not in text
    assert DENYLIST[0] not in text
    assert DENYLIST[3] not in text.split()


def test_clean_roasts_survive_sanitizing_unchanged() -> None:
    """The built-in roast never writes anything the sanitizer would alter."""
    fact = pr(commits=FIXUPS, commit_count=5, linked_issues=(12,))

    draft = roast(fact)

    assert sanitize_draft(draft, fact) == draft


def test_the_phrase_bank_holds_no_digits() -> None:
    """Every number in a roast comes from the facts, never from a phrasing."""
    banks = [
        builtin._FIXUP,
        builtin._CHURN_BIG,
        builtin._CHURN_MODEST,
        builtin._COMMITS_LONG,
        builtin._COMMITS_SHORT,
        builtin._COMMITS_QUIET,
        builtin._DOCS,
        builtin._REVIEW_QUOTED,
        builtin._REVIEW_PLAIN,
        builtin._FILES,
        builtin._TINY,
    ]
    phrases = [p for bank in banks for p in (*bank.headings, *bank.bodies)]
    for table in (
        builtin._TITLES,
        builtin._DESCRIPTIONS,
        builtin._PERSONAS,
        builtin._REASONS,
        builtin._COMPLIMENTS,
    ):
        phrases.extend(p for options in table.values() for p in options)
    phrases.extend((*builtin._GOALS, *builtin._SIZES, *builtin._FAIR))

    assert [p for p in phrases if re.search(r"\d", p)] == []
