"""Make a roast's text safe to publish: the site renders raw HTML in Markdown.

The dev log renders Markdown with goldmark's `unsafe = true`, and Hugo expands
shortcodes before Markdown is parsed, so whatever a writer puts in a draft reaches
the page as HTML or as a template call unless it is taken out here. Grounding runs
first; this is the only line of defence after it.

`sanitize_text` treats its input as untrusted Markdown and, in this order:

1. drops control characters and invisible format characters (bidi overrides,
   zero-width spaces, private-use characters), keeping newlines;
2. repeats until nothing changes, because removing one construct can assemble
   another: removes HTML comments, `<script>`/`<style>`-like elements with their
   contents, then every other tag or declaration; unwraps autolinks `<https://…>`
   into bare URLs; turns images `![alt](url)` into their alt text; keeps a link
   `[text](url)` only when its URL is allowed (below), else keeps its text; drops
   link reference definitions `[x]: url`;
3. neutralises what is left: removes bare URLs that are not allowed (goldmark's
   Linkify would make them links) and writes the `@` of e-mail addresses as
   `&#64;` (for the same reason), removes `javascript:`, `vbscript:` and
   `data:<type>/` schemes, breaks Hugo shortcode delimiters (`{{<` becomes `{ {<`,
   `>}}` becomes `>} }`, likewise with `%`), writes every remaining `<` as `&lt;`
   (a `>` alone opens nothing), drops lines that are only `+++`, `---` or `...`
   (front matter delimiters), and defuses a trailing `{.class key=value}` attribute
   block by writing its brace as `&#123;`.

A URL is allowed when it starts with `allowed_link_prefix` (the PR's repository,
`https://github.com/OWNER/REPO/`) and, if `allowed_urls` is given, is one of them.
`sanitize_draft` allows exactly the PR's page, its /commits and /files pages, and
the linked issues. Single-line fields (title, description, headings, the verdict)
keep no links at all, lose any heading or quote markers, and write `<` as a single
guillemet (U+2039), which reads the same in front matter, templates and Markdown.

The denylist holds common English slurs and identity attacks. It is stored rot13
encoded so this file is not a wall of slurs; `DENYLIST` is the decoded tuple.
`contains_denied` matches whole words only (so "Scunthorpe" is not a hit), ignores
case, and undoes simple leetspeak (`0`→o, `1`→i or l, `3`→e, `4`/`@`→a, `5`/`$`→s,
`7`→t, `!`→i before a letter). Spacing tricks such as "s l u r" are not caught.
Words with a common innocent sense ("chink in the armour", "coon" for a raccoon,
"dyke" for an embankment, "cripple" as a verb) are left out on purpose: a hit makes
the caller throw the whole roast away.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Collection

from annotated_types import MaxLen
from pydantic import BaseModel

from roastbot.facts import PullRequestFact
from roastbot.roastdraft import RoastDraft, Section, Verdict

ELLIPSIS = "…"

_DENYLIST_ROT13 = (
    "avttre", "avttn", "fnaqavttre", "fcvp", "jrgonpx", "ornare", "tbbx", "xvxr",
    "urro", "ulzvr", "enturnq", "gbjryurnq", "pnzry wbpxrl", "cnxv", "jbt",
    "tbyyvjbt", "qnexvr", "wvtnobb", "cbepu zbaxrl", "whatyr ohaal", "mvccreurnq",
    "puvanzna", "erqfxva", "fdhnj", "vawha", "qntb", "jbc", "ternfronyy", "tlccb",
    "cvxrl", "snttbg", "snt", "genaal", "genaavr", "furznyr", "cbbsgre", "yrfob",
    "ergneq", "ergneqrq", "gneq", "fcnm", "fcnfgvp", "zbatbybvq", "zvqtrg", "phag",
    "juber", "fyhg", "fhouhzna",
)  # fmt: skip
DENYLIST: tuple[str, ...] = tuple(codecs.decode(w, "rot13") for w in _DENYLIST_ROT13)

# Control characters other than newline, invisible format characters that can hide
# text or reorder it, and the private-use area (this module's placeholders).
_INVISIBLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f"
    "\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ue000-\uf8ff]"
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_RAW_ELEMENT = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript|textarea|svg|math)\b"
    r"[^>]*>.*?</\1\s*>",
    re.DOTALL | re.IGNORECASE,
)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^\s<>]*)>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<[!?][^>]*>")
# Link text may nest one level of brackets; the destination one level of parens
# and, as CommonMark allows, a title that runs over a line break.
_LABEL = r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
_DESTINATION = r"\(((?:[^()]|\([^()]*\))*)\)"
_IMAGE = re.compile(rf"!{_LABEL}(?:{_DESTINATION}|\[[^\[\]]*\])")
_LINK = re.compile(rf"{_LABEL}{_DESTINATION}")
_DEFINITION = re.compile(r"^[ \t>*+\-0-9.)]*\[[^\]\n]+\]:.*$", re.MULTILINE)
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_BARE_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?)]'\"*_"
# The `@` of an e-mail address, which Linkify would turn into a mailto: link.
_EMAIL_AT = re.compile(r"(?<=[\w.+-])@(?=[\w-]+\.[\w.-]*\w)")
_SCHEME = re.compile(
    r"\b(?:javascript|vbscript)\s*:|\bdata\s*:(?=\s*[\w.+-]+/)", re.IGNORECASE
)
_SHORTCODE_OPEN = re.compile(r"\{\{(?=\s*[<%])")
_SHORTCODE_CLOSE = re.compile(r"([<>%])(\s*)\}\}")
_DELIMITER_LINE = re.compile(
    r"^[ \t]*(?:\+{3,}|-{3,}|\.{3,})[ \t]*(?:\n|$)", re.MULTILINE
)
_ATTRIBUTES = re.compile(r"\{([^{}\n]*)\}[ \t]*$", re.MULTILINE)
# Heading and quote markers at the start, a closing run of `#` at the end.
_LINE_MARKERS = re.compile(r"^(?:[#>]+(?:[ \t]+|$))+|[ \t]+#+[ \t]*$")
_BLANK_RUN = re.compile(r"\n{3,}")

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "5": "s",
                       "$": "s", "7": "t"})  # fmt: skip
_DENIED = re.compile(
    r"\b(?:"
    + "|".join(
        r"[\s_-]*".join(re.escape(part) for part in term.split())
        for term in sorted(DENYLIST, key=len, reverse=True)
    )
    + r")(?:e?s)?\b",
    re.IGNORECASE,
)


def sanitize_draft(draft: RoastDraft, pr: PullRequestFact) -> RoastDraft:
    """Return the draft with every text field made safe to render on the site."""
    prefix, urls = allowed_links(pr)

    def markdown(text: str) -> str:
        return sanitize_text(text, allowed_link_prefix=prefix, allowed_urls=urls)

    sections = [
        Section(
            heading=_fit(Section, "heading", sanitize_line(s.heading), "Exhibit"),
            body=_fit(Section, "body", markdown(s.body), "Nothing printable remained."),
        )
        for s in draft.sections
    ]
    verdict = Verdict(
        persona=_fit(
            Verdict, "persona", sanitize_line(draft.verdict.persona), "The Unprintable"
        ),
        line=_fit(
            Verdict, "line", sanitize_line(draft.verdict.line), "left nothing to print"
        ),
    )

    return RoastDraft(
        title=_fit(RoastDraft, "title", sanitize_line(draft.title), f"PR #{pr.number}"),
        description=_fit(
            RoastDraft,
            "description",
            sanitize_line(draft.description),
            f"A roast of PR #{pr.number}.",
        ),
        opening=_fit(RoastDraft, "opening", markdown(draft.opening), "It merged."),
        sections=sections,
        compliment=_fit(RoastDraft, "compliment", markdown(draft.compliment), "Fine."),
        verdict=verdict,
    )


def sanitize_text(
    text: str,
    *,
    allowed_link_prefix: str,
    allowed_urls: Collection[str] | None = None,
) -> str:
    """Return untrusted Markdown with HTML, shortcodes and foreign links taken out."""
    allowed = frozenset(_url_key(u) for u in allowed_urls or ())

    def is_allowed(url: str) -> bool:
        if not allowed_link_prefix:
            return False
        if not url.lower().startswith(allowed_link_prefix.lower()):
            return False
        return allowed_urls is None or _url_key(url) in allowed

    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _INVISIBLE.sub("", text)
    kept: list[str] = []
    text = _until_stable(text, lambda t: _remove_constructs(t, is_allowed, kept))
    text = _neutralise(text, is_allowed)

    return _restore(text, kept).strip()


def sanitize_line(text: str) -> str:
    """Return untrusted text as one plain line: no links, markers or raw HTML."""
    text = sanitize_text(text, allowed_link_prefix="")
    text = " ".join(text.split())
    text = _LINE_MARKERS.sub("", text)

    return text.replace("&lt;", "\u2039").strip()


def allowed_links(pr: PullRequestFact) -> tuple[str, frozenset[str]]:
    """Return the link prefix of the PR's repository and the URLs a roast may link."""
    prefix = _repo_prefix(pr)
    if not prefix:
        return "", frozenset()
    page = pr.url.rstrip("/")
    if not page.lower().startswith(prefix.lower()):
        page = f"{prefix}pull/{pr.number}"
    urls = {page, f"{page}/commits", f"{page}/files"}
    urls.update(f"{prefix}issues/{n}" for n in pr.linked_issues)

    return prefix, frozenset(urls)


def contains_denied(text: str) -> str | None:
    """Return the first denylisted word in `text`, masked ("s**r"), or None."""
    plain = _INVISIBLE.sub("", text)
    for variant in _leet_variants(plain):
        match = _DENIED.search(variant)
        if match:
            return _mask(match.group(0))

    return None


def clip(text: str, limit: int) -> str:
    """Return `text` cut to `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]

    return cut.rstrip() + ELLIPSIS


def max_length(model: type[BaseModel], field: str) -> int:
    """Return the `max_length` a draft model declares for one of its text fields."""
    for item in model.model_fields[field].metadata:
        if isinstance(item, MaxLen):
            return item.max_length

    raise ValueError(f"{model.__name__}.{field} declares no max_length")


def _remove_constructs(
    text: str, is_allowed: Callable[[str], bool], kept: list[str]
) -> str:
    """Return the text with one pass of HTML, images, links and definitions removed."""
    text = _COMMENT.sub("", text)
    text = _RAW_ELEMENT.sub("", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: _link(m, is_allowed, kept), text)

    return _DEFINITION.sub("", text)


def _link(
    match: re.Match[str], is_allowed: Callable[[str], bool], kept: list[str]
) -> str:
    """Return an allowed link as a placeholder, any other link as its text."""
    label, destination = match.group(1), match.group(2).strip()
    if destination.startswith("<"):
        url = destination[1:].partition(">")[0]
    else:
        url = destination.split(maxsplit=1)[0] if destination else ""
    # A label holding brackets or another link is unwrapped and read again next pass,
    # so a link can never hide inside an allowed one.
    nested = any(mark in label for mark in "[]\ue000")
    if nested or not label.strip() or not is_allowed(url):
        return label
    kept.append(f"[{_neutralise(label, is_allowed)}]({url})")

    return f"\ue000{len(kept) - 1}\ue001"


def _neutralise(text: str, is_allowed: Callable[[str], bool]) -> str:
    """Return the text with bare URLs, schemes, shortcodes and delimiters defused."""
    text = _BARE_URL.sub(lambda m: _bare_url(m.group(0), is_allowed), text)
    text = _EMAIL_AT.sub("&#64;", text)
    text = _until_stable(text, lambda t: _SCHEME.sub("", t))
    text = _until_stable(text, lambda t: _SHORTCODE_OPEN.sub("{ {", t))
    text = _until_stable(text, lambda t: _SHORTCODE_CLOSE.sub(r"\1\2} }", t))
    text = text.replace("<", "&lt;")
    text = _DELIMITER_LINE.sub("", text)
    text = _ATTRIBUTES.sub(_attributes, text)

    return _BLANK_RUN.sub("\n\n", text)


def _bare_url(url: str, is_allowed: Callable[[str], bool]) -> str:
    """Return a bare URL if it may be linked, else nothing but its trailing text."""
    core = url.rstrip(_URL_TAIL)
    tail = url[len(core) :]

    return url if is_allowed(core) else tail


def _attributes(match: re.Match[str]) -> str:
    """Return a trailing `{...}` block as text if goldmark could read attributes."""
    inner = match.group(1)
    if re.match(r"\s*[.#]", inner) or "=" in inner:
        return "&#123;" + match.group(0)[1:]

    return match.group(0)


def _restore(text: str, kept: list[str]) -> str:
    """Return the text with the allowed links put back in place of placeholders."""
    return _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)


def _until_stable(text: str, step: Callable[[str], str]) -> str:
    """Return `step` applied until the text stops changing (at most 20 times)."""
    for _ in range(20):
        changed = step(text)
        if changed == text:
            return text
        text = changed

    return text


def _repo_prefix(pr: PullRequestFact) -> str:
    """Return `https://HOST/OWNER/REPO/` for the PR's own repository, or ""."""
    match = re.fullmatch(r"(https://[^/\s]+/)([^/\s]+/[^/\s]+)/pull/\d+/?", pr.url)
    if match and match.group(2).lower() == pr.repo.lower():
        return f"{match.group(1)}{match.group(2)}/"
    if re.fullmatch(r"[\w.-]+/[\w.-]+", pr.repo):
        return f"https://github.com/{pr.repo}/"

    return ""


def _url_key(url: str) -> str:
    """Return a URL as compared for allowing: lower case, no trailing slash."""
    return url.strip().rstrip("/").lower()


def _fit(model: type[BaseModel], field: str, text: str, fallback: str) -> str:
    """Return the text clipped to the field's length, or `fallback` if it is empty."""
    return clip(text or fallback, max_length(model, field))


def _leet_variants(text: str) -> tuple[str, str]:
    """Return the text with leetspeak undone, reading `1` as i and as l."""
    text = re.sub(r"!(?=\w)", "i", text)
    as_i = text.translate(_LEET)

    return as_i, text.replace("1", "l").translate(_LEET)


def _mask(word: str) -> str:
    """Return a word with all but its first and last letters starred."""
    letters = "".join(word.split())
    if len(letters) <= 2:
        return "*" * len(letters)

    return letters[0] + "*" * (len(letters) - 2) + letters[-1]
