"""Check that a roast says only what the PR's facts say: its numbers and its quotes.

Every text field of a draft is read (title, description, opening, section headings
and bodies, compliment, verdict persona and line).

Numbers. A number is a run of digits, with `,` thousands separators and `.` parts
("1,838", "3.11", "1.2.3"), that does not follow a letter, digit, `_` or `.`: "v2",
"py311" and "sha256" are names, not numbers, while "+614/-4", "#21478", "12th" and
"5x" are checked. Separators are ignored ("1,838" is 1838) and so are leading zeros.
A number is grounded when it is one of:

- the PR's number, additions, deletions, additions + deletions, the difference of
  additions and deletions, changed files, commit count and commit count - 1;
- how many commits, files and reviews are listed, fix-up commits (as the score counts
  them), reviews, review comments, reviews in each state, distinct reviewers, docs
  files and their changed lines, listed changed lines, top-level folders touched;
- a listed file's additions, deletions or both together, and a linked issue's number;
- the year, month and day the PR was created or merged (as recorded, and in UTC),
  and the whole days between the two (rounded down or to the nearest);
- a number written in the facts' own text: title, body, commit messages and SHAs,
  file paths, review bodies and authors, the author, repository and URL;
- a score part's value or the total, when `parts` is given;
- before "%" or "percent": the nearest whole percentage (half up) of additions or
  deletions in additions + deletions, of docs lines in listed lines, or of fix-up
  commits in the commit count or the listed commits;
- an ordinal ("3rd") no larger than the largest count among commits, files and
  reviews.

Small numbers get no free pass: "3 seconds" is as ungrounded as "4,200". Write
counts as words when they are not facts.

Quotes. Text in double quotes, straight or curly, is a quote when it holds at least
two words (one quoted word is a scare quote, not checked). Text in backticks is a
quote when it holds a space (a sentence or a commit message); a lone identifier or
path in backticks is not checked. The earliest opening mark wins, so a commit message
quoted in curly quotes may itself contain backticks. Single quotes are never read as
quotes: they are apostrophes too often. A quote is grounded when it appears in a
commit message, the title, the body, a review body or a file path, ignoring case,
whitespace, `*` emphasis, backslash escapes, HTML entities and tags and the style of
quote marks and apostrophes. A quote may elide with "…" or "...": each piece between
ellipses must appear, so a truncated commit message ("fix the launcher…") passes
when it is a prefix. Trailing sentence punctuation inside the quote is forgiven.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import UTC

from roastbot.facts import PullRequestFact
from roastbot.roastdraft import RoastDraft
from roastbot.scoring import docs_lines, fixup_subjects, is_docs_path, score

_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)*")
_PERCENT = re.compile(r"\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)
_QUOTED = re.compile(r"(`+)(.+?)\1|“([^”\n]+)”|\"([^\"\n]+)\"", re.DOTALL)
_ELLIPSIS = re.compile(r"…|\.\.\.")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_MARKS = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "*": None}
)
_TRAILING = ".,;:!?"


def check_grounding(
    draft: RoastDraft, pr: PullRequestFact, parts: dict[str, float] | None = None
) -> str | None:
    """Return None if every number and quote in the draft is in the facts, else why."""
    numbers = _fact_numbers(pr, parts)
    percents = _fact_percents(pr)
    ordinal_limit = max(pr.commit_count, pr.changed_files, len(pr.reviews))
    sources = [_plain(text) for text in _fact_texts(pr)]
    for where, text in draft_fields(draft):
        problem = _check_numbers(text, numbers, percents, ordinal_limit) or (
            _check_quotes(text, sources)
        )
        if problem:
            return f"{problem} ({where})"

    return None


def draft_fields(draft: RoastDraft) -> list[tuple[str, str]]:
    """Return each text field of a draft with its dotted name."""
    fields = [
        ("title", draft.title),
        ("description", draft.description),
        ("opening", draft.opening),
    ]
    for i, section in enumerate(draft.sections):
        fields.append((f"sections[{i}].heading", section.heading))
        fields.append((f"sections[{i}].body", section.body))
    fields.append(("compliment", draft.compliment))
    fields.append(("verdict.persona", draft.verdict.persona))
    fields.append(("verdict.line", draft.verdict.line))

    return fields


def percent(part: int, whole: int) -> int:
    """Return `part` as a whole percentage of `whole`, rounded half up."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def _check_numbers(
    text: str, numbers: set[str], percents: set[str], ordinal_limit: int
) -> str | None:
    """Return a problem with the first number in `text` the facts do not hold."""
    for match in _NUMBER.finditer(text):
        written = match.group(0)
        value = _number_key(written)
        after = text[match.end() :]
        if value in numbers:
            continue
        if _PERCENT.match(after) and value in percents:
            continue
        if _ORDINAL.match(after) and value.isdigit() and int(value) <= ordinal_limit:
            continue
        return f"the number {written} is not in the PR's facts"

    return None


def _check_quotes(text: str, sources: list[str]) -> str | None:
    """Return a problem with the first quote in `text` the facts do not hold."""
    for quote in _quotes(text):
        if not _is_grounded_quote(quote, sources):
            shown = " ".join(quote.split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            return (
                f'the quote "{shown}" is not a commit message, title or review remark'
            )

    return None


def _quotes(text: str) -> Iterator[str]:
    """Yield the spans of `text` that read as quotes and so must be found."""
    for match in _QUOTED.finditer(text):
        code, doubled = match.group(2), match.group(3) or match.group(4)
        if code is not None and len(match.group(1)) >= 3 and "\n" in code:
            # A fenced block: its first line is the info string, not the quote.
            code = code.partition("\n")[2]
        if code is not None:
            if code.strip() and any(c.isspace() for c in code.strip()):
                yield code.strip()
        elif doubled is not None and len(doubled.split()) >= 2:
            yield doubled.strip()


def _is_grounded_quote(quote: str, sources: list[str]) -> bool:
    """Return whether every ellipsis-separated piece of a quote is in a source."""
    pieces = [_plain(p) for p in _ELLIPSIS.split(quote)]
    pieces = [p for p in pieces if p]
    if not pieces:
        return True

    return all(_in_sources(p, sources) for p in pieces)


def _in_sources(piece: str, sources: list[str]) -> bool:
    """Return whether a normalised piece appears in a source, trailing dots forgiven."""
    trimmed = piece.rstrip(_TRAILING).rstrip()
    candidates = {piece, trimmed} - {""}

    return any(c in s for c in candidates for s in sources)


def _plain(text: str) -> str:
    """Return text as compared for quotes: unescaped, untagged, folded, one-spaced."""
    text = html.unescape(text)
    text = _TAG.sub(" ", text)
    text = _ESCAPE.sub("", text).translate(_MARKS)

    return " ".join(text.split()).casefold()


def _fact_texts(pr: PullRequestFact) -> Iterator[str]:
    """Yield the facts' own text: what a roast may quote, and where numbers hide."""
    yield pr.title
    yield pr.body
    for commit in pr.commits:
        yield commit.message
    for file in pr.files:
        yield file.path
    for review in pr.reviews:
        yield review.body


def _fact_numbers(pr: PullRequestFact, parts: dict[str, float] | None) -> set[str]:
    """Return every number a roast of `pr` may write, as `_number_key` keys."""
    values: set[int] = {*_totals(pr), *_counts(pr), *_per_file(pr), *_dates(pr)}
    keys = {str(v) for v in values}
    texts = [
        *_fact_texts(pr),
        *(c.sha for c in pr.commits),
        *(r.author for r in pr.reviews),
        pr.author,
        pr.repo,
        pr.url,
    ]
    keys.update(_number_key(m.group(0)) for t in texts for m in _NUMBER.finditer(t))
    if parts is not None:
        keys.update(_part_keys([*parts.values(), score(parts)]))

    return keys


def _fact_percents(pr: PullRequestFact) -> set[str]:
    """Return the percentages a roast of `pr` may write, as keys."""
    churn = pr.additions + pr.deletions
    docs, listed = docs_lines(pr)
    fixups = len(fixup_subjects(pr))
    pairs = [
        (pr.additions, churn),
        (pr.deletions, churn),
        (docs, listed),
        (fixups, pr.commit_count),
        (fixups, len(pr.commits)),
    ]

    return {str(percent(part, whole)) for part, whole in pairs if whole}


def _totals(pr: PullRequestFact) -> Iterable[int]:
    """Return the PR's own totals and the sums and differences of them."""
    return (
        pr.number,
        pr.additions,
        pr.deletions,
        pr.additions + pr.deletions,
        abs(pr.additions - pr.deletions),
        pr.changed_files,
        pr.commit_count,
        max(0, pr.commit_count - 1),
        *pr.linked_issues,
    )


def _counts(pr: PullRequestFact) -> Iterable[int]:
    """Return counts of what the facts list."""
    reviews = [r for r in pr.reviews if r.kind == "review"]
    states = {r.state for r in reviews}
    docs_files = [f for f in pr.files if is_docs_path(f.path)]
    folders = {f.path.split("/", 1)[0] for f in pr.files if "/" in f.path}

    return (
        len(pr.commits),
        max(0, len(pr.commits) - 1),
        len(pr.files),
        len(pr.reviews),
        len(reviews),
        len(pr.reviews) - len(reviews),
        *(sum(1 for r in reviews if r.state == s) for s in states),
        len({r.author.lower() for r in pr.reviews}),
        len(fixup_subjects(pr)),
        len(docs_files),
        *docs_lines(pr),
        len(folders),
    )


def _per_file(pr: PullRequestFact) -> Iterable[int]:
    """Return each listed file's additions, deletions and their sum."""
    for file in pr.files:
        yield file.additions
        yield file.deletions
        yield file.additions + file.deletions


def _dates(pr: PullRequestFact) -> Iterable[int]:
    """Return the year, month and day of the PR's dates and the days it was open."""
    moments = [m for m in (pr.created_at, pr.merged_at) if m is not None]
    for moment in moments:
        for seen in (moment, moment.astimezone(UTC)):
            yield from (seen.year, seen.month, seen.day)
    if pr.created_at is not None:
        open_for = pr.merged_at - pr.created_at
        days = open_for.total_seconds() / 86_400
        yield from (int(days), int(days + 0.5))


def _part_keys(values: Iterable[float]) -> set[str]:
    """Return the keys of score values as a roast may write them: 4, 4.0, 0.04."""
    keys: set[str] = set()
    for value in values:
        rounded = round(value, 2)
        keys.add(_number_key(f"{rounded:g}"))
        if rounded.is_integer():
            keys.add(f"{int(rounded)}.0")

    return keys


def _number_key(written: str) -> str:
    """Return a written number as compared: no separators, no leading zeros."""
    plain = written.replace(",", "")
    if plain.isdigit():
        return str(int(plain))

    return plain
