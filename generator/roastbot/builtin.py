"""The built-in roaster: a roast written from the facts alone, with no model.

It is the fallback whenever a model is not configured, not reachable or not to be
trusted, so it must always produce a roast that passes grounding and the denylist:

- every number it writes is a fact (`roastbot.grounding` lists which), written with
  thousands separators from 1,000 up;
- every quote is a real commit message, title, body sentence or review remark,
  quoted in curly quotes and cut at a word boundary with "…" when long, so that what
  is quoted is always a prefix of the real text; text holding markup, links,
  shortcodes, invisible characters or a denied word is never quoted;
- it roasts the code and the process, never the person: the author's handle is not
  used at all.

The choice among phrasings is a stable hash of the PR's repository and number, so the
same PR always gets the same roast. Sections follow the largest score parts (two to
four, each about one fact); a tiny PR gets a section about its smallness instead.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from roastbot.facts import FileFact, PullRequestFact, ReviewFact
from roastbot.grounding import percent
from roastbot.roastdraft import RoastDraft, Section, Verdict
from roastbot.sanitize import clip, contains_denied, max_length
from roastbot.scoring import docs_lines, fixup_subjects, is_docs_path

T = TypeVar("T")

OPEN_QUOTE = "\u201c"
CLOSE_QUOTE = "\u201d"
PARTS = (
    "fixup_commits",
    "churn",
    "commits",
    "docs_ratio",
    "review_rounds",
    "files_touched",
)
TINY = "tiny"
# A part at least this large is worth a section of its own.
SECTION_THRESHOLD = 0.5
BIG_CHURN = 500

_UNQUOTABLE = re.compile(
    r"[<\u201c\u201d]|\{\{|\{%|%\}|\}\}|\]\(|!\[|\]:|https?:|www\.|"
    r"(?:java|vb)script:|data:|^\s*(?:\+{3}|-{3}|\.{3})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|spec|__tests__)/|(?:^|/)test_[^/]*$|_test\.\w+$|"
    r"\.(?:test|spec)\.\w+$",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class _Bank:
    """Phrasings of one section: each heading goes with the body at its place."""

    headings: tuple[str, ...]
    bodies: tuple[str, ...]


_FIXUP = _Bank(
    headings=("The aftercare ward", "Encore, encore", "Measure once, cut again"),
    bodies=(
        "After the first commit, {fixups_n} came back to patch things up, "
        "{fixes}. Each one is a small, honest receipt for a bug that made it as far "
        "as the branch.",
        "The first commit took a bow, and then {fixups_n} returned to the stage, "
        "{fixes}. An opening night is supposed to happen once.",
        "{fixups} of the {commits} commits repair the branch itself, {fixes}. The "
        "history reads like a carpenter's notebook in which every entry says the last "
        "shelf wobbled.",
    ),
)
_CHURN_BIG = _Bank(
    headings=("{adds} in, {dels} out", "Bring a bigger scroll bar", "Net weight"),
    bodies=(
        "The diff adds {adds} lines and deletes {dels}, {churn_n} in all. Somewhere "
        "a reviewer is still scrolling, and their mouse wheel has filed a complaint.",
        "{churn_n} ({adds} added, {dels} deleted) is less a pull request than a "
        "relocation. Reviewing it in one sitting takes snacks and a strong will.",
        "Adding {adds} lines while removing {dels} leaves the codebase {net_phrase}. "
        "{net_remark}",
    ),
)
_CHURN_MODEST = _Bank(
    headings=("The diff itself", "Size check", "Within limits"),
    bodies=(
        "{adds} lines added and {dels} removed: a modest diff, which only makes the "
        "rest of this story harder to explain.",
        "By line count, {churn_n}, this is a reasonable PR. The line count was never "
        "going to be the problem.",
        "At {churn_n} the diff fits on a few screens, which makes it the one part of "
        "this PR that needs no apology.",
    ),
)
_COMMITS_LONG = _Bank(
    headings=(
        "A long commit log",
        "Serialised",
        "Commit early, commit often, commit again",
    ),
    bodies=(
        "{commits_n} went into this branch, {first}. Squash-merging can make a "
        "history shorter; it cannot make it less eventful.",
        "The branch arrives in {commits_n}, {first}. It is less a pull request than "
        "a box set, and the reviewer had to watch it in one go.",
        "{commits_n}, {first}, and onward from there. Version control remembers "
        "every one of them so that the rest of us may forget.",
    ),
)
_COMMITS_SHORT = _Bank(
    headings=("A short log", "Brevity, committed", "The whole story"),
    bodies=(
        "The whole commit log is {commits_n}, {first}. A roaster likes a long paper "
        "trail; this one fits on a sticky note.",
        "{commits_n}, {first}, and that is the complete history. Historians would "
        "call it a thin archive.",
        "The full log reads in one breath: {commits_n}, {first}. Version control "
        "barely noticed.",
    ),
)
_COMMITS_QUIET = _Bank(
    headings=("Off the record", "Commits, offstage", "The silent log"),
    bodies=(
        "The facts count {commits_n}, but none of their messages made it into this "
        "roast. Whatever they said, they said it off the record.",
        "{commits_n} happened offstage: the count survived the trip, the messages "
        "did not. Each one stays innocent until quoted.",
        "All this roast knows is the tally, {commits_n}. A commit log without words "
        "is the most discreet kind there is.",
    ),
)
_DOCS = _Bank(
    headings=("Words, words, words", "Plan-driven development", "Read the manual"),
    bodies=(
        "{docs_pct}% of the changed lines are prose, and {docs_path} alone accounts "
        "for {docs_file_lines}. The code got a pull request; the documentation got a "
        "memoir.",
        "Docs and plans make up {docs_pct}% of the lines this PR changed, led by "
        "{docs_path} at {docs_file_lines}. Knowing what you will do is good. Doing it "
        "is also allowed.",
        "{docs_path} alone saw {docs_file_lines}, and {docs_pct}% of the diff is "
        "written for people rather than interpreters. Future readers will be "
        "grateful, if they reach the end.",
    ),
)
_REVIEW_QUOTED = _Bank(
    headings=("Notes from the gallery", "Rally length", "Feedback, received"),
    bodies=(
        "The review thread holds {reviews_n}. The one that sums it up came from "
        "{reviewer}: {remark}. Code review is a conversation; this one wanted a "
        "moderator.",
        "{reviews_n} went back and forth before the merge button was allowed near "
        "it. Exhibit A, from {reviewer}: {remark}.",
        "{reviewer} wrote {remark}, and that was one of {reviews_n}. Every round of "
        "review is a round the code could not win on its own.",
    ),
)
_REVIEW_PLAIN = _Bank(
    headings=("Paperwork", "The review desk", "Minutes of the meeting"),
    bodies=(
        "The review thread holds {reviews_n}, none short enough to quote here and "
        "all of them long enough to matter.",
        "{reviews_n} piled up before the merge. The reviewers did not come to chat; "
        "they came with homework.",
        "Before it merged, this PR collected {reviews_n}. That is not a review so "
        "much as a correspondence.",
    ),
)
_FILES = _Bank(
    headings=("A walking tour", "Blast radius", "Everywhere at once"),
    bodies=(
        "This PR visits {files_n}{folders}. Bring comfortable shoes.",
        "{files_n} changed{folders}. Whatever this PR is about, it is about all of it.",
        "Touching {files_n}{folders} leaves no single place to look for what "
        "changed, only a map.",
    ),
)
_SPOTLIGHT = (
    " The busiest stop is {big_path}, with {big_lines}.",
    " {big_path} took the most of it: {big_lines}.",
    " The largest pin on that map is {big_path} ({big_lines}).",
)
_TINY = _Bank(
    headings=("Blink and you miss it", "Bite-sized", "A light snack"),
    bodies=(
        "{adds} added, {dels} deleted, {files_n}. There is almost nothing here to "
        "roast, which is its own kind of provocation.",
        "At {churn_n} across {files_n}, this PR is over before the roast has found "
        "its glasses. Small, focused and reviewable: deeply inconvenient for comedy.",
        "{churn_n} in {files_n}. The reviewer probably spent longer on the title "
        "than on the diff.",
    ),
)

_TITLES = {
    "fixup_commits": (
        "Patch, Rinse, Repeat",
        "The Follow-Up Department",
        "Fixed It, Then Fixed That",
    ),
    "churn": (
        "The Heavy Lifting",
        "Scroll Wheel Endurance Test",
        "{churn} Lines Later",
    ),
    "commits": ("The Long Way Round", "A Branch With a Backstory", "Chapter and Verse"),
    "docs_ratio": ("The Paper Trail", "More Words Than Code", "Memo to Self"),
    "review_rounds": (
        "Round After Round",
        "Notes From the Review Desk",
        "The Negotiation Table",
    ),
    "files_touched": (
        "Wide Load",
        "A Change in Every Drawer",
        "The Grand Tour of {files} Files",
    ),
    TINY: ("Barely There", "Short and Suspiciously Sweet", "The Footnote"),
}
_DESCRIPTIONS = {
    "fixup_commits": (
        "{pr} lands its change, then spends {fixups_n} cleaning up after it.",
        "{pr} ships once and follows up with {fixups_n}; the log kept every receipt.",
    ),
    "churn": (
        "{pr} moves {churn_n} and hopes nobody counts them. This roast counted.",
        "{pr} adds {adds} lines and removes {dels}, and the scroll bar has notes.",
    ),
    "commits": (
        "{pr} tells its story in {commits_n}, one chapter at a time.",
        "{pr} needs {commits_n} to reach the merge button, and each leaves a mark.",
    ),
    "docs_ratio": (
        "{pr} is {docs_pct}% prose, which is a lot of reading for a pull request.",
        "{pr} writes more about the change than the change: {docs_pct}% of its lines "
        "are docs.",
    ),
    "review_rounds": (
        "{pr} collects {reviews_n} before the merge button stops looking nervous.",
        "{pr} and its reviewers trade {reviews_n} before anything merges.",
    ),
    "files_touched": (
        "{pr} touches {files_n}, because one place was never going to be enough.",
        "{pr} changes {files_n} at once, and this roast follows it into each one.",
    ),
    TINY: (
        "{pr} is so small that roasting it feels like cheating. It gets roasted "
        "anyway.",
        "{pr} changes {lines_n}; this roast will take longer to read than the diff.",
    ),
}
_PERSONAS = {
    "fixup_commits": (
        "The Patch Courier",
        "The Second-Draft Artist",
        "The Encore Mechanic",
    ),
    "churn": ("The Bulldozer", "The Landslide", "The Freight Train"),
    "commits": ("The Serial Committer", "The Metronome", "The Chronicler"),
    "docs_ratio": ("The Memoirist", "The Town Crier", "The Planner-in-Chief"),
    "review_rounds": ("The Negotiator", "The Rally Partner", "The Diplomat"),
    "files_touched": ("The Tourist", "The Cartographer", "The Grand Tourer"),
    TINY: ("The Minimalist", "The Haiku Poet", "The Whisperer"),
}
_REASONS = {
    "fixup_commits": (
        "ships the change, then ships {fixups_n} to make it true",
        "treats the first commit as a rough draft and the branch as the editor's desk",
    ),
    "churn": (
        "moves {churn_n} and calls it one change",
        "measures progress by the height of the scroll bar",
    ),
    "commits": (
        "tells the story in {commits_n} and lets squash-merge edit it down",
        "commits the way other people breathe",
    ),
    "docs_ratio": (
        "writes the plan, then the plan for the plan, then a little code",
        "spends {docs_pct}% of the diff describing the rest of it",
    ),
    "review_rounds": (
        "merges only after {reviews_n} of diplomacy",
        "turns every review into a best-of-five",
    ),
    "files_touched": (
        "visits {files_n} in one trip and sends postcards from none",
        "believes every folder deserves a little attention",
    ),
    TINY: (
        "ships {churn_n} and leaves the roaster nothing to work with",
        "proves a pull request can be short, which is rude to roasters",
    ),
}
_GOALS = (
    "The goal, in the title's own words: {title_q}. A fair thing to want.",
    "The title states the mission plainly: {title_q}. Nobody can fault the ambition.",
    "It set out to do what its title says, {title_q}, which is a perfectly "
    "reasonable plan.",
)
_GOAL_UNQUOTED = (
    "It arrives with a title this roast will leave unquoted, so the numbers will "
    "have to introduce it."
)
_BODY_LEADS = (" The description adds: {body_q}", " From the description: {body_q}")
_SIZES = (
    " It merged as +{adds}/-{dels} across {files_n} in {commits_n}.",
    " What shipped: {files_n} changed, {adds} lines added and {dels} removed, over "
    "{commits_n}.",
)
_FAIR = (
    " The intent is sound. What follows is about the journey.",
    " The idea holds up; the process is what this roast is about.",
    " Nothing is wrong with the destination. The route is another matter.",
)
_FAIR_TINY = " Roasting something this tidy feels unsporting, but here goes."
_COMPLIMENTS = {
    "tiny": (
        "It is small enough to review over coffee, which is the highest praise a diff "
        "can earn.",
    ),
    "tests": (
        "Credit where it is due: {test_path} is in the diff, so this PR brought its "
        "own tests.",
        "Grudgingly: {test_path} changed too, which means somebody thought about "
        "proving it works.",
    ),
    "issue": (
        "Fine, one nice thing: it closes {issue}, so at least one issue got its "
        "ending.",
        "It does close {issue}, and an issue closed is an issue nobody has to triage "
        "again.",
    ),
    "deletions": (
        "It deleted {dels} lines, and every line removed is one nobody has to review "
        "again. A grudging nod for that.",
        "To its credit, {dels} lines are gone. Deleting code is the rarest kind of "
        "generosity.",
    ),
    "default": (
        "It merged, and its title says what it does. Plenty of branches manage "
        "neither.",
        "Whatever the road, it got there: the PR merged, and the goal was worth the "
        "trip.",
    ),
}


def write_builtin(pr: PullRequestFact, parts: dict[str, float]) -> RoastDraft:
    """Return a roast of `pr` from its facts alone, the same one every time."""
    words = _words(pr)
    kinds = choose_sections(pr, parts)
    dominant = kinds[0]
    sections = [_SECTION_WRITERS[kind](pr, words) for kind in kinds]
    persona = _pick(pr, "persona", _PERSONAS[dominant])
    reason = _fill(_pick(pr, "reason", _REASONS[dominant]), words)
    title = _fill(_pick(pr, "title", _TITLES[dominant]), words)
    description = _fill(_pick(pr, "description", _DESCRIPTIONS[dominant]), words)

    return RoastDraft(
        title=_fit(RoastDraft, "title", title),
        description=_fit(RoastDraft, "description", description),
        opening=_fit(RoastDraft, "opening", _opening(pr, words)),
        sections=sections,
        compliment=_fit(RoastDraft, "compliment", _compliment(pr, words)),
        verdict=Verdict(
            persona=_fit(Verdict, "persona", persona),
            line=_fit(Verdict, "line", reason),
        ),
    )


def choose_sections(pr: PullRequestFact, parts: dict[str, float]) -> list[str]:
    """Return the section kinds of the roast, the dominant one first."""
    ranked = sorted(
        _suitable(pr), key=lambda kind: (-parts.get(kind, 0.0), PARTS.index(kind))
    )
    if is_tiny(pr):
        return [TINY, *[kind for kind in ranked if kind != "churn"][:1]]

    chosen = [kind for kind in ranked if parts.get(kind, 0.0) >= SECTION_THRESHOLD]
    chosen = chosen[:4]
    for kind in ranked:
        if len(chosen) >= 2:
            break
        if kind not in chosen:
            chosen.append(kind)

    return chosen


def is_tiny(pr: PullRequestFact) -> bool:
    """Return whether a PR is too small to roast for anything but its size."""
    return (
        pr.additions + pr.deletions <= 50
        and pr.changed_files <= 3
        and pr.commit_count <= 3
        and not fixup_subjects(pr)
    )


def _suitable(pr: PullRequestFact) -> list[str]:
    """Return the section kinds the facts can support."""
    kinds = ["churn", "commits"]
    if _quotable_fixups(pr):
        kinds.append("fixup_commits")
    if _docs_file(pr) is not None and _docs_percent(pr) >= 5:
        kinds.append("docs_ratio")
    if pr.reviews:
        kinds.append("review_rounds")
    if pr.changed_files >= 3:
        kinds.append("files_touched")

    return kinds


# --- sections -------------------------------------------------------------------


def _fixup_section(pr: PullRequestFact, words: dict[str, str]) -> Section:
    """Return the section that quotes the fix-up commits."""
    subjects = _quotable_fixups(pr)
    quotes = [_quote(s) for s in dict.fromkeys([subjects[0], subjects[-1]])]
    every = len(quotes) == len(fixup_subjects(pr))
    fixes = ("namely " if every else "among them ") + " and ".join(quotes)

    return _section(pr, "fixup_commits", _FIXUP, {**words, "fixes": fixes})


def _churn_section(pr: PullRequestFact, words: dict[str, str]) -> Section:
    """Return the section about the lines added and deleted."""
    big = pr.additions + pr.deletions >= BIG_CHURN
    net = pr.additions - pr.deletions
    if net > 0:
        phrase = f"{_count(net, 'line')} heavier"
        remark = "Nobody asked the codebase to bulk up."
    elif net < 0:
        phrase = f"{_count(-net, 'line')} lighter"
        remark = "Points for the diet; the reading time was still a feast."
    else:
        phrase = "exactly as long as it was"
        remark = "All that work, and the line count did not move."
    extra = {"net_phrase": phrase, "net_remark": remark}

    return _section(pr, "churn", _CHURN_BIG if big else _CHURN_MODEST, words | extra)


def _commits_section(pr: PullRequestFact, words: dict[str, str]) -> Section:
    """Return the section about the commit log, quoting it when it can."""
    first = _first_commit_clause(pr)
    if first is None:
        return _section(pr, "commits", _COMMITS_QUIET, words)
    bank = _COMMITS_LONG if pr.commit_count >= 3 else _COMMITS_SHORT

    return _section(pr, "commits", bank, {**words, "first": first})


def _docs_section(pr: PullRequestFact, words: dict[str, str]) -> Section:
    """Return the section about how much of the diff is prose."""
    file = _docs_file(pr)
    assert file is not None  # only chosen when `_suitable` found one
    extra = {
        "docs_path": f"`{file.path}`",
        "docs_file_lines": _count(file.additions + file.deletions, "changed line"),
    }

    return _section(pr, "docs_ratio", _DOCS, words | extra)


def _review_section(pr: PullRequestFact, words: dict[str, str]) -> Section:
    """Return the section about the review thread, quoting one short remark."""
    review = _remark(pr)
    if review is None:
        section = _section(pr, "review_rounds", _REVIEW_PLAIN, words)
    else:
        extra = {
            "reviewer": review.author if _is_quotable(review.author) else "a reviewer",
            "remark": _quote(" ".join(review.body.split()), limit=140),
        }
        section = _section(pr, "review_rounds", _REVIEW_QUOTED, words | extra)
    requests = sum(
        1 for r in pr.reviews if r.kind == "review" and r.state == "CHANGES_REQUESTED"
    )
    if requests:
        tail = f" {_number(requests)} of them asked for changes outright."
        section = Section(heading=section.heading, body=section.body + tail)

    return section


def _files_section(pr: PullRequestFact, words: dict[str, str]) -> Section:
    """Return the section about how many files the PR touches."""
    folders = {f.path.split("/", 1)[0] for f in pr.files if "/" in f.path}
    spread = f", spread over {_count(len(folders), 'top-level folder')}"
    extra = {"folders": spread if len(folders) >= 2 else ""}
    section = _section(pr, "files_touched", _FILES, words | extra)
    biggest = _biggest_file(pr)
    if biggest is None:
        return section
    detail = {
        "big_path": f"`{biggest.path}`",
        "big_lines": _count(biggest.additions + biggest.deletions, "changed line"),
    }
    tail = _fill(_pick(pr, "spotlight", _SPOTLIGHT), detail)

    return Section(heading=section.heading, body=section.body + tail)


def _tiny_section(pr: PullRequestFact, words: dict[str, str]) -> Section:
    """Return the section that roasts a PR for being small."""
    return _section(pr, TINY, _TINY, words)


_SECTION_WRITERS: dict[str, Callable[[PullRequestFact, dict[str, str]], Section]] = {
    "fixup_commits": _fixup_section,
    "churn": _churn_section,
    "commits": _commits_section,
    "docs_ratio": _docs_section,
    "review_rounds": _review_section,
    "files_touched": _files_section,
    TINY: _tiny_section,
}


def _section(
    pr: PullRequestFact, kind: str, bank: _Bank, words: dict[str, str]
) -> Section:
    """Return a section with a heading and body picked from `bank`."""
    pairs = list(zip(bank.headings, bank.bodies, strict=True))
    heading, body = (_fill(t, words) for t in _pick(pr, kind, pairs))

    return Section(
        heading=clip(heading, max_length(Section, "heading")),
        body=clip(body, max_length(Section, "body")),
    )


# --- opening and compliment ------------------------------------------------------


def _opening(pr: PullRequestFact, words: dict[str, str]) -> str:
    """Return an opening that states the PR's goal fairly, then its size."""
    extra = {}
    if _is_quotable(pr.title):
        template = _pick(pr, "goal", _GOALS)
        extra["title_q"] = _quote(pr.title, 120)
    else:
        template = _GOAL_UNQUOTED
    sentence = _first_sentence(pr.body)
    if sentence is not None:
        template += _pick(pr, "body", _BODY_LEADS)
        extra["body_q"] = _quote(sentence, 200)
    template += _pick(pr, "size", _SIZES)
    template += _FAIR_TINY if is_tiny(pr) else _pick(pr, "fair", _FAIR)

    return _fill(template, words | extra)


def _compliment(pr: PullRequestFact, words: dict[str, str]) -> str:
    """Return one grudging compliment, tied to a fact the PR can show."""
    test = next((f for f in pr.files if _is_test_path(f.path)), None)
    if is_tiny(pr):
        kind, extra = "tiny", {}
    elif test is not None:
        kind, extra = "tests", {"test_path": f"`{test.path}`"}
    elif pr.linked_issues:
        kind, extra = "issue", {"issue": f"#{pr.linked_issues[0]}"}
    elif pr.deletions >= 10:
        kind, extra = "deletions", {}
    else:
        kind, extra = "default", {}

    return _fill(_pick(pr, "compliment", _COMPLIMENTS[kind]), words | extra)


# --- facts, worded --------------------------------------------------------------


def _words(pr: PullRequestFact) -> dict[str, str]:
    """Return the facts every phrasing may use, written out."""
    churn = pr.additions + pr.deletions
    fixups = len(fixup_subjects(pr))

    return {
        "pr": f"PR #{pr.number}",
        "adds": _number(pr.additions),
        "dels": _number(pr.deletions),
        "churn": _number(churn),
        "churn_n": _count(churn, "changed line"),
        "lines_n": _count(churn, "line"),
        "files": _number(pr.changed_files),
        "files_n": _count(pr.changed_files, "file"),
        "commits": _number(pr.commit_count),
        "commits_n": _count(pr.commit_count, "commit"),
        "fixups": _number(fixups),
        "fixups_n": _count(fixups, "fix-up commit"),
        "reviews_n": _count(len(pr.reviews), "review note"),
        "docs_pct": str(_docs_percent(pr)),
    }


def _quotable_fixups(pr: PullRequestFact) -> list[str]:
    """Return the fix-up commit subjects that are safe to quote."""
    return [s for s in fixup_subjects(pr) if _is_quotable(s)]


def _first_commit_clause(pr: PullRequestFact) -> str | None:
    """Return "opening with “…”" for the log's first quotable message, if any."""
    subjects = [c.message.split("\n", 1)[0].strip() for c in pr.commits]
    for i, subject in enumerate(subjects):
        if _is_quotable(subject):
            if pr.commit_count == 1:
                return f"namely {_quote(subject)}"
            return f"{'opening with' if i == 0 else 'including'} {_quote(subject)}"

    return None


def _docs_percent(pr: PullRequestFact) -> int:
    """Return the share of the listed changed lines that are docs, in percent."""
    docs, listed = docs_lines(pr)

    return percent(docs, listed)


def _docs_file(pr: PullRequestFact) -> FileFact | None:
    """Return the docs file with the most changed lines, if one is quotable."""
    docs = [
        f
        for f in pr.files
        if is_docs_path(f.path) and f.additions + f.deletions and _is_code_safe(f.path)
    ]

    return max(docs, key=lambda f: f.additions + f.deletions, default=None)


def _biggest_file(pr: PullRequestFact) -> FileFact | None:
    """Return the listed file with the most changed lines, if one is quotable."""
    files = [f for f in pr.files if f.additions + f.deletions and _is_code_safe(f.path)]

    return max(files, key=lambda f: f.additions + f.deletions, default=None)


def _remark(pr: PullRequestFact) -> ReviewFact | None:
    """Return a short review remark worth quoting, the same one every time."""
    short = [
        r
        for r in pr.reviews
        if 2 <= len(" ".join(r.body.split())) <= 140 and _is_quotable(r.body)
    ]

    return _pick(pr, "remark", short) if short else None


def _first_sentence(body: str) -> str | None:
    """Return the body's first sentence if it is plain prose and short."""
    for line in body.splitlines()[:8]:
        text = line.strip()
        if not text or not text[0].isalpha():
            continue
        match = _SENTENCE.match(text)
        sentence = match.group(1) if match else text
        fits = 20 <= len(sentence) <= 200 and len(sentence.split()) >= 4
        return sentence if fits and _is_quotable(sentence) else None

    return None


def _is_quotable(text: str) -> bool:
    """Return whether text is safe to quote: plain, printable, and not denied."""
    if not text.strip() or _UNQUOTABLE.search(text):
        return False
    if any(unicodedata.category(c) in {"Cc", "Cf", "Co"} for c in text if c != "\n"):
        return False

    return contains_denied(text) is None


def _is_code_safe(path: str) -> bool:
    """Return whether a file path can sit in backticks unchanged."""
    return "`" not in path and "\n" not in path and _is_quotable(path)


def _is_test_path(path: str) -> bool:
    """Return whether a changed file is a test."""
    return bool(_TEST_PATH.search(path)) and _is_code_safe(path)


def _quote(text: str, limit: int = 90) -> str:
    """Return text in curly quotes, cut at a word boundary with an ellipsis."""
    return f"{OPEN_QUOTE}{clip(' '.join(text.split()), limit)}{CLOSE_QUOTE}"


def _number(value: int) -> str:
    """Return a number as the roast writes it: 1,838."""
    return f"{value:,}"


def _count(value: int, noun: str) -> str:
    """Return "1 file" or "38 files"."""
    return f"{_number(value)} {noun if value == 1 else noun + 's'}"


def _fill(template: str, words: dict[str, str]) -> str:
    """Return a phrasing with its `{name}` slots filled in, in one pass.

    One pass, so braces inside a quoted commit message are never read as slots.
    """
    return _SLOT.sub(lambda m: words[m.group(1)], template)


def _fit(model: type[BaseModel], field: str, text: str) -> str:
    """Return text cut to the length a draft field allows."""
    return clip(text, max_length(model, field))


def _pick(pr: PullRequestFact, slot: str, options: Sequence[T]) -> T:
    """Return one of `options`, chosen by a stable hash of the PR and the slot."""
    key = f"{pr.repo.lower()}#{pr.number}/{slot}".encode()
    digest = hashlib.sha256(key).digest()

    return options[int.from_bytes(digest[:8], "big") % len(options)]
