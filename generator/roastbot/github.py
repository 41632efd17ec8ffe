"""Merged pull requests from GitHub, within a small and predictable request budget.

Request plan, for one repository and one author who merged N PRs in their window:

    with a token     list_prs     1 GraphQL POST: a search of up to 50 PRs, each with
                                  up to 100 commits, 100 files, 50 reviews, 50 review
                                  threads of 20 comments and 10 closing issues
                                  (+1 POST per further 50 PRs, at most 10 pages)
                     complete_pr  0 requests for a PR of at most 100 files and 100
                                  commits; else REST pages of 100 for what is
                                  missing: files up to 500 kept (a 400-file PR costs
                                  3, a 3,000-file one 4), commits up to GitHub's 250
                                  (a 250-commit PR costs 2)
    without a token  list_prs     1 REST search + N REST pull requests (the search
                                  answer's merged_at skips PRs outside the window)
                     complete_pr  4: one page of 100 each of commits, files, reviews
                                  and review comments; closing issues come from the
                                  body ("fixes #12") at no cost

So picking and completing one author's PR costs 1 to 7 requests with a token, and
at most 1 + N + 4 without one (GitHub allows 60 unauthenticated requests an hour).

Each REST answer is kept in the cache (namespace "github-http", keyed by method and
URL, never the token) with its ETag, and asked for again with If-None-Match: a 304
reuses it. GraphQL POSTs are not HTTP-cacheable, so they are keyed by a hash of the
query and variables. Within `fresh_seconds` of being stored, an answer is reused with
no request at all. A successful listing is also kept as the "last good" outcome of
its source and author set; when GitHub fails (rate limits, 5xx, hangs, bad JSON,
GraphQL errors) that outcome is served as `stale`, and nothing is raised. The
`max_wait` budget for rate-limit waits and backoff applies to each call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, TypeVar

import httpx
from pydantic import ValidationError

from roastbot import __version__
from roastbot.cache import JsonCache
from roastbot.facts import (
    AuthorQuery,
    CommitFact,
    FileFact,
    PullRequestFact,
    ReviewFact,
    SourceOutcome,
    SourceStatus,
    Window,
    closing_issues,
)

logger = logging.getLogger("roastbot")

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
HTTP_NAMESPACE = "github-http"
LAST_GOOD_NAMESPACE = "github-last-good"

PER_PAGE = 100  # the most a REST list page holds
SEARCH_PAGE = 50  # PRs per GraphQL search page
MAX_SEARCH_PAGES = 10
MAX_FILES = 500  # files kept per PR; GitHub itself lists no more than 3,000
GITHUB_FILE_LIMIT = 3000
MAX_COMMITS = 250  # GitHub lists no more commits on a PR
MAX_RATE_LIMIT_WAITS = 2  # per request
FIRST_BACKOFF = 0.5  # seconds; doubles with each retry
DEFAULT_RATE_LIMIT_WAIT = 60.0  # GitHub: wait at least a minute when it names no time

# Node limit check (GitHub allows 500,000 per query): 50 PRs x (100 commits + 100
# files + 50 reviews + 50 threads x (1 + 20 comments) + 10 issues) = 65,550 nodes.
SEARCH_QUERY = """
query RoastbotMergedPulls($q: String!, $first: Int!, $after: String) {
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        number title url body createdAt mergedAt
        additions deletions changedFiles
        author { login }
        commits(first: 100) { totalCount nodes { commit { oid message authoredDate } } }
        files(first: 100) { nodes { path additions deletions } }
        reviews(first: 50) { nodes { author { login } body state } }
        reviewThreads(first: 50) {
          nodes { comments(first: 20) { nodes { author { login } body } } }
        }
        closingIssuesReferences(first: 10) {
          nodes { number repository { nameWithOwner } }
        }
      }
    }
  }
}
"""

T = TypeVar("T")
Sleep = Callable[[float], None]


@dataclass(frozen=True, repr=False)
class GitHubConfig:
    """How to reach GitHub, and how patient to be with it."""

    token: str | None
    api_url: str = DEFAULT_API_URL
    graphql_url: str | None = None
    timeout: float = 10.0
    max_wait: float = 30.0
    retries: int = 2
    fresh_seconds: int = 3600

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> GitHubConfig:
        """Return the config that GITHUB_TOKEN, GITHUB_API_URL and so on describe.

        GITHUB_GRAPHQL_URL is read too (GitHub Actions sets all three); keyword
        `overrides` replace any field.
        """
        values: dict[str, Any] = {
            "token": env.get("GITHUB_TOKEN", "").strip() or None,
            "api_url": env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL,
            "graphql_url": env.get("GITHUB_GRAPHQL_URL", "").strip() or None,
        }

        return cls(**{**values, **overrides})

    @property
    def rest_url(self) -> str:
        """Return the REST base URL without a trailing slash."""
        return self.api_url.rstrip("/")

    @property
    def graphql_endpoint(self) -> str:
        """Return GITHUB_GRAPHQL_URL, else the API URL's /graphql."""
        return self.graphql_url or f"{self.rest_url}/graphql"

    def __repr__(self) -> str:
        """Return the settings with the token masked."""
        shown = {field.name: getattr(self, field.name) for field in fields(self)}
        if self.token:
            shown["token"] = "***"
        inner = ", ".join(f"{name}={value!r}" for name, value in shown.items())

        return f"GitHubConfig({inner})"


def list_prs(
    repo: str,
    queries: Sequence[AuthorQuery],
    *,
    config: GitHubConfig,
    cache: JsonCache,
    now: datetime,
    offline: bool = False,
    transport: httpx.BaseTransport | None = None,
    sleep: Sleep = time.sleep,
) -> SourceOutcome:
    """Return the PRs each queried author merged in `repo` within their window.

    `repo` is "owner/name". Never raises for network, HTTP or JSON trouble: the
    outcome is then "stale" (the last good listing) or "error", with the reason in
    `detail`.
    """
    name = f"github:{repo}"
    key = _last_good_key(name, queries)
    if offline:
        return _offline_outcome(name, _load_last_good(cache, key), queries)
    if not _is_repo(repo):
        return _failed(name, f"{repo!r} is not owner/name", None, queries, requests=0)

    session = _Session(config, cache, now=now, transport=transport, sleep=sleep)
    try:
        with session:
            prs = {
                query.handle.lower(): _list_author(session, repo, query)
                for query in queries
            }
    except _Failure as failure:
        last_good = _load_last_good(cache, key)
        return _failed(
            name, str(failure), last_good, queries, requests=session.requests
        )

    outcome = SourceOutcome(
        name=name,
        status=session.status,
        fetched_at=session.fetched_at,
        prs=prs,
        requests=session.requests,
    )
    if queries:
        cache.put(LAST_GOOD_NAMESPACE, key, outcome.model_dump(mode="json"))

    return outcome


def complete_pr(
    pr: PullRequestFact,
    *,
    config: GitHubConfig,
    cache: JsonCache,
    now: datetime,
    offline: bool = False,
    transport: httpx.BaseTransport | None = None,
    sleep: Sleep = time.sleep,
) -> tuple[PullRequestFact, int]:
    """Return the picked PR with the detail a roast needs, and the requests made.

    Never raises for network trouble: returns the PR as it was (and logs one
    warning). Offline, it completes the PR from cached answers when it can.
    """
    if not _is_repo(pr.repo):
        return pr, 0

    session = _Session(
        config, cache, now=now, transport=transport, sleep=sleep, offline=offline
    )
    try:
        with session:
            completed = _complete(session, pr, authenticated=bool(config.token))
    except _NotCached:
        logger.info("github:%s: #%d is not completed offline", pr.repo, pr.number)
        return pr, session.requests
    except _Failure as failure:
        logger.warning(
            "github:%s: could not complete #%d: %s", pr.repo, pr.number, failure
        )
        return pr, session.requests

    return completed, session.requests


class _Failure(Exception):
    """Stop the current call; the message says why, in words fit for a user."""


class _NotCached(_Failure):
    """Offline, with no cached answer for a request."""


class _Retryable(Exception):
    """A trouble worth another attempt after a pause (5xx, a dropped connection)."""


def _build_client(
    config: GitHubConfig,
    transport: httpx.BaseTransport | None,
    *,
    on_request: Callable[[httpx.Request], None],
    on_response: Callable[[httpx.Response], None],
) -> httpx.Client:
    """Return the one HTTP client of a call, with GitHub's headers and firm timeouts."""
    headers = {
        "User-Agent": f"roastbot/{__version__}",
        "X-GitHub-Api-Version": API_VERSION,
    }
    if config.token:
        headers["Authorization"] = f"Bearer {config.token}"

    # Renamed repositories answer 301; httpx drops Authorization on other origins.
    return httpx.Client(
        headers=headers,
        timeout=httpx.Timeout(config.timeout),
        transport=transport,
        follow_redirects=True,
        event_hooks={"request": [on_request], "response": [on_response]},
    )


class _Session:
    """Send one call's requests through the cache, one at a time, on a wait budget."""

    def __init__(
        self,
        config: GitHubConfig,
        cache: JsonCache,
        *,
        now: datetime,
        transport: httpx.BaseTransport | None,
        sleep: Sleep,
        offline: bool = False,
    ) -> None:
        self.config = config
        self.cache = cache
        self.now = now
        self.offline = offline
        self.requests = 0
        self._transport = transport
        self._sleep = sleep
        self._client: httpx.Client | None = None
        self._wait_left = config.max_wait
        self._network_answers = 0
        self._oldest: datetime | None = None

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._client is not None:
            self._client.close()

    @property
    def status(self) -> SourceStatus:
        """Return "fresh" if GitHub sent any new answer, else "cached"."""
        return "fresh" if self._network_answers else "cached"

    @property
    def fetched_at(self) -> datetime:
        """Return when the oldest answer used was fetched or revalidated."""
        return self._oldest or self.now

    def get_json(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """Return the JSON body of a REST GET, from the cache while it is good."""
        url = str(httpx.URL(f"{self.config.rest_url}{path}", params=params))
        key = f"GET {url}"
        stored = self._stored(key)
        if stored is not None and self._may_reuse(key):
            return stored["body"]

        headers = {"Accept": "application/vnd.github+json"}
        if stored is not None and isinstance(stored.get("etag"), str):
            headers["If-None-Match"] = stored["etag"]
        response = self._send("GET", url, headers=headers)
        if response.status_code == httpx.codes.NOT_MODIFIED and stored is not None:
            self._note(self.now)
            self.cache.put(HTTP_NAMESPACE, key, stored)
            return stored["body"]

        body = _json_body(response)
        self._keep(key, {"etag": response.headers.get("etag"), "body": body})

        return body

    def post_graphql(self, query: str, variables: Mapping[str, Any]) -> Any:
        """Return the `data` of a GraphQL query; any GraphQL error is a failure."""
        url = self.config.graphql_endpoint
        document = {"query": query, "variables": dict(variables)}
        digest = hashlib.sha256(
            json.dumps(document, sort_keys=True).encode()
        ).hexdigest()
        key = f"POST {url} {digest}"
        stored = self._stored(key)
        if stored is not None and self._may_reuse(key):
            return stored["body"]

        headers = {"Accept": "application/json"}
        response = self._send("POST", url, headers=headers, json_=document)
        data = _graphql_data(_json_body(response), response)
        self._keep(key, {"etag": None, "body": data})

        return data

    def _stored(self, key: str) -> dict[str, Any] | None:
        """Return a cached answer, or None when there is no usable one."""
        entry = self.cache.get(HTTP_NAMESPACE, key)

        return entry if isinstance(entry, dict) and "body" in entry else None

    def _may_reuse(self, key: str) -> bool:
        """Return whether a cached answer stands in for a request: fresh, or offline."""
        saved = self.cache.saved_at(HTTP_NAMESPACE, key)
        if saved is None or saved.tzinfo is None:
            return self.offline
        age = (self.now - saved).total_seconds()
        if self.offline or 0 <= age < self.config.fresh_seconds:
            self._note(saved)
            return True

        return False

    def _keep(self, key: str, entry: dict[str, Any]) -> None:
        """Store a new answer from GitHub."""
        self.cache.put(HTTP_NAMESPACE, key, entry)
        self._network_answers += 1
        self._note(self.now)

    def _note(self, moment: datetime) -> None:
        """Remember the oldest answer used."""
        if self._oldest is None or moment < self._oldest:
            self._oldest = moment

    def _http(self) -> httpx.Client:
        """Return the call's client, built on first use."""
        if self._client is None:
            self._client = _build_client(
                self.config,
                self._transport,
                on_request=self._count,
                on_response=self._log,
            )

        return self._client

    def _count(self, request: httpx.Request) -> None:
        """Count a request as it goes out (redirects included)."""
        self.requests += 1

    def _log(self, response: httpx.Response) -> None:
        """Log one INFO line per answer: method, endpoint, status."""
        request = response.request
        logger.info("%s %s %s", request.method, request.url.path, response.status_code)

    def _send(
        self, method: str, url: str, *, headers: dict[str, str], json_: Any = None
    ) -> httpx.Response:
        """Send until GitHub answers, retrying 5xx and waiting out short rate limits."""
        if self.offline:
            raise _NotCached("offline, and not cached")
        client = self._http()
        request = client.build_request(method, url, headers=headers, json=json_)
        failures = waits = 0
        while True:
            try:
                response = self._attempt(client, request)
                if response.status_code >= httpx.codes.INTERNAL_SERVER_ERROR:
                    raise _Retryable(f"HTTP {response.status_code}")
            except _Retryable as trouble:
                failures += 1
                self._back_off(str(trouble), failures, request)
                continue
            wait = _rate_limit_wait(response)
            if wait is None:
                return response
            waits += 1
            self._wait_out(wait, waits, response)

    def _attempt(self, client: httpx.Client, request: httpx.Request) -> httpx.Response:
        """Send once; the one place httpx's exceptions become this module's."""
        where = f"{request.method} {request.url.path}"
        try:
            return client.send(request)
        except httpx.TimeoutException:
            logger.info("%s timeout", where)
            message = f"timed out after {self.config.timeout:g} s ({where})"
            raise _Failure(message) from None
        except httpx.UnsupportedProtocol:
            raise _Failure(f"the GitHub URL is not http(s) ({where})") from None
        except httpx.TransportError as error:
            logger.info("%s %s", where, type(error).__name__)
            host = request.url.host
            raise _Retryable(
                f"could not reach {host} ({type(error).__name__})"
            ) from None
        except httpx.RequestError as error:
            raise _Failure(f"{type(error).__name__} ({where})") from None

    def _back_off(self, trouble: str, failures: int, request: httpx.Request) -> None:
        """Pause before the next attempt, or fail once retries or budget run out."""
        delay = FIRST_BACKOFF * 2 ** (failures - 1)
        if failures > self.config.retries or not self._spend(delay):
            attempts = f"{failures} attempt{'' if failures == 1 else 's'}"
            where = f"{request.method} {request.url.path}"
            raise _Failure(f"{trouble} after {attempts} ({where})")
        self._sleep(delay)

    def _wait_out(self, wait: float, waits: int, response: httpx.Response) -> None:
        """Sleep through a rate limit that fits the budget, or fail saying when."""
        if waits > MAX_RATE_LIMIT_WAITS or not self._spend(wait):
            raise _Failure(_rate_limit_reason(response))
        logger.info("waiting %.0f s for GitHub's rate limit", wait)
        self._sleep(wait)

    def _spend(self, seconds: float) -> bool:
        """Take `seconds` from the wait budget; return False if they do not fit."""
        if seconds > self._wait_left:
            return False
        self._wait_left -= seconds

        return True


def _json_body(response: httpx.Response) -> Any:
    """Return a successful response's JSON, or fail saying what was wrong."""
    path = response.request.url.path
    if not response.is_success:
        raise _Failure(_http_reason(response))
    try:
        return response.json()
    except ValueError:
        raise _Failure(f"invalid JSON from {path}") from None


def _http_reason(response: httpx.Response) -> str:
    """Return an unexpected status as a sentence, with GitHub's own message."""
    reason = f"HTTP {response.status_code} from {response.request.url.path}"
    messages = _error_messages(response)
    if messages:
        reason += f": {_clip(': '.join(messages))}"
    if response.status_code == httpx.codes.UNAUTHORIZED:
        reason += " (check GITHUB_TOKEN)"

    return reason


def _error_messages(response: httpx.Response) -> list[str]:
    """Return GitHub's `message` and those of its `errors` (422s explain there)."""
    try:
        body = response.json()
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    details = errors if isinstance(errors, list) else []
    said = [body.get("message")]
    said += [error.get("message") for error in details if isinstance(error, dict)]

    return [text for text in said if isinstance(text, str) and text]


def _graphql_data(body: Any, response: httpx.Response) -> Any:
    """Return a GraphQL answer's `data`; an `errors` array fails, even with HTTP 200."""
    if not isinstance(body, dict):
        raise _Failure("unexpected answer from /graphql")
    errors = body.get("errors")
    if errors:
        listed = errors if isinstance(errors, list) else [errors]
        kinds = {error.get("type") for error in listed if isinstance(error, dict)}
        if "RATE_LIMITED" in kinds:
            raise _Failure(_rate_limit_reason(response))
        messages = [
            str(error.get("message", error)) if isinstance(error, dict) else str(error)
            for error in listed
        ]
        raise _Failure(_clip("GraphQL errors: " + "; ".join(messages)))
    if not isinstance(body.get("data"), dict):
        raise _Failure("unexpected answer from /graphql")

    return body["data"]


def _rate_limit_wait(response: httpx.Response) -> float | None:
    """Return the seconds GitHub asks to wait, or None when this is no rate limit."""
    if response.status_code not in (
        httpx.codes.FORBIDDEN,
        httpx.codes.TOO_MANY_REQUESTS,
    ):
        return None
    headers = response.headers
    retry_after = _number(headers.get("retry-after"))
    if retry_after is not None:
        return max(retry_after, 1.0)
    reset = _number(headers.get("x-ratelimit-reset"))
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(reset - _server_time(response), 0.0) + 1.0
    too_many = response.status_code == httpx.codes.TOO_MANY_REQUESTS
    if too_many or _says_rate_limit(response):
        return DEFAULT_RATE_LIMIT_WAIT

    return None


def _rate_limit_reason(response: httpx.Response) -> str:
    """Return why GitHub refused, and when it will answer again."""
    headers = response.headers
    retry_after = _number(headers.get("retry-after"))
    if retry_after is not None:
        return f"GitHub secondary rate limit; retry after {retry_after:g} s"
    reset = _number(headers.get("x-ratelimit-reset"))
    if reset is not None:
        resets = datetime.fromtimestamp(reset, UTC)
        return f"GitHub rate limit; resets at {resets:%H:%M} UTC"

    return "GitHub rate limit"


def _says_rate_limit(response: httpx.Response) -> bool:
    """Return whether a 403's message speaks of a rate limit (a secondary limit)."""
    try:
        message = response.json().get("message", "")
    except (ValueError, AttributeError):
        return False

    return isinstance(message, str) and "rate limit" in message.lower()


def _server_time(response: httpx.Response) -> float:
    """Return GitHub's clock from the Date header (its resets use it), else ours."""
    date = response.headers.get("date")
    if date:
        try:
            return parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            pass

    return time.time()


def _number(text: str | None) -> float | None:
    """Return a header's number, or None."""
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _clip(text: str, limit: int = 200) -> str:
    """Return `text` on one line, cut to `limit` characters."""
    flat = " ".join(text.split())

    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _parse(where: str, parse: Callable[[Any], T], payload: Any) -> T:
    """Return `parse(payload)`; an answer of the wrong shape fails the call."""
    try:
        return parse(payload)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        logger.debug("unexpected answer from %s: %r", where, error)
        raise _Failure(f"unexpected answer from {where}") from None


def _list_author(
    session: _Session, repo: str, query: AuthorQuery
) -> tuple[PullRequestFact, ...]:
    """Return an author's merged PRs inside their window, oldest first."""
    if session.config.token:
        found = _search_graphql(session, repo, query)
    else:
        found = _search_rest(session, repo, query)
    unique = {pr.number: pr for pr in found if query.window.contains(pr.merged_at)}

    return tuple(sorted(unique.values(), key=lambda pr: (pr.merged_at, pr.number)))


def _search_text(repo: str, query: AuthorQuery) -> str:
    """Return the search for an author's merged PRs since their window's first day."""
    # Search takes a day (in UTC); the exact window is applied to the answers.
    day = query.window.start.astimezone(UTC).date().isoformat()

    return f"is:pr is:merged author:{query.handle} repo:{repo} merged:>={day}"


def _search_graphql(
    session: _Session, repo: str, query: AuthorQuery
) -> list[PullRequestFact]:
    """Return the PRs the GraphQL search finds, one POST per 50."""
    variables: dict[str, Any] = {
        "q": _search_text(repo, query),
        "first": SEARCH_PAGE,
        "after": None,
    }
    found: list[PullRequestFact] = []
    for _ in range(MAX_SEARCH_PAGES):
        data = session.post_graphql(SEARCH_QUERY, variables)
        prs, cursor = _parse("/graphql", lambda d: _search_page(repo, d), data)
        found.extend(prs)
        if cursor is None:
            break
        variables["after"] = cursor

    return found


def _search_page(
    repo: str, data: Mapping[str, Any]
) -> tuple[list[PullRequestFact], str | None]:
    """Return a search page's PRs and the cursor of the next page, if any."""
    search = data["search"]
    prs = [_pr_from_node(repo, node) for node in search["nodes"] if node]
    page = search["pageInfo"]

    return prs, (page["endCursor"] if page["hasNextPage"] else None)


def _pr_from_node(repo: str, node: Mapping[str, Any]) -> PullRequestFact:
    """Return the fact for one PullRequest node of the GraphQL search."""
    commits = node["commits"]

    return PullRequestFact(
        repo=repo,
        number=node["number"],
        title=node["title"],
        url=node["url"],
        body=node.get("body") or "",
        author=_login(node.get("author")),
        created_at=node.get("createdAt"),
        merged_at=node["mergedAt"],
        additions=node["additions"],
        deletions=node["deletions"],
        changed_files=node["changedFiles"],
        commit_count=commits["totalCount"],
        files=tuple(_file(item["path"], item) for item in _nodes(node.get("files"))),
        commits=tuple(
            _commit(item["commit"]["oid"], item["commit"]) for item in _nodes(commits)
        ),
        reviews=_reviews_from_node(node),
        linked_issues=_closing_from_node(repo, node),
    )


def _reviews_from_node(node: Mapping[str, Any]) -> tuple[ReviewFact, ...]:
    """Return a PR node's submitted reviews, then its review comments."""
    reviews = [
        _review(item, "author", kind="review")
        for item in _nodes(node.get("reviews"))
        if item.get("state") != "PENDING"
    ]
    comments = [
        _review(comment, "author", kind="comment")
        for thread in _nodes(node.get("reviewThreads"))
        for comment in _nodes(thread.get("comments"))
    ]

    return tuple(reviews + comments)


def _closing_from_node(repo: str, node: Mapping[str, Any]) -> tuple[int, ...]:
    """Return the numbers of this repository's issues a PR node closes."""
    numbers = {
        item["number"]
        for item in _nodes(node.get("closingIssuesReferences"))
        if str(item.get("repository", {}).get("nameWithOwner", repo)).lower()
        == repo.lower()
    }

    return tuple(sorted(numbers))


def _search_rest(
    session: _Session, repo: str, query: AuthorQuery
) -> list[PullRequestFact]:
    """Return the PRs the REST search finds, fetching each one inside the window."""
    body = session.get_json(
        "/search/issues", {"q": _search_text(repo, query), "per_page": PER_PAGE}
    )
    numbers = _parse(
        "/search/issues", lambda b: _numbers_in_window(b, query.window), body
    )
    found: list[PullRequestFact] = []
    for number in numbers:
        path = f"/repos/{repo}/pulls/{number}"
        pull = session.get_json(path)
        if isinstance(pull, dict) and pull.get("merged_at"):
            found.append(_parse(path, lambda p: _pr_from_rest(repo, p), pull))

    return found


def _numbers_in_window(body: Mapping[str, Any], window: Window) -> list[int]:
    """Return the numbers of merged PRs in a search answer that may be in the window."""
    numbers: list[int] = []
    for item in body["items"]:
        pull = item.get("pull_request")
        if not isinstance(pull, dict):
            continue
        # Search items carry merged_at; older GitHub Enterprise servers may not, and
        # then the PR itself tells.
        if "merged_at" in pull:
            merged = pull["merged_at"]
            if merged is None or not window.contains(datetime.fromisoformat(merged)):
                continue
        numbers.append(int(item["number"]))

    return numbers


def _pr_from_rest(repo: str, pull: Mapping[str, Any]) -> PullRequestFact:
    """Return the fact for a REST pull request: totals, no lists."""
    body = pull.get("body") or ""

    return PullRequestFact(
        repo=repo,
        number=pull["number"],
        title=pull["title"],
        url=pull["html_url"],
        body=body,
        author=_login(pull.get("user")),
        created_at=pull.get("created_at"),
        merged_at=pull["merged_at"],
        additions=pull["additions"],
        deletions=pull["deletions"],
        changed_files=pull["changed_files"],
        commit_count=pull["commits"],
        linked_issues=closing_issues(body, repo),
    )


def _complete(
    session: _Session, pr: PullRequestFact, *, authenticated: bool
) -> PullRequestFact:
    """Return the PR with the files, commits and reviews it lacked."""
    base = f"/repos/{pr.repo}/pulls/{pr.number}"
    # A PR from the GraphQL search lists commits already, reviews included.
    listed = bool(pr.commits or pr.files)
    files = _fetch_more(
        session,
        f"{base}/files",
        pr.files,
        total=min(pr.changed_files, GITHUB_FILE_LIMIT),
        cap=MAX_FILES if authenticated else PER_PAGE,
        parse=lambda item: _file(item["filename"], item),
        identity=lambda fact: fact.path,
    )
    commits = _fetch_more(
        session,
        f"{base}/commits",
        pr.commits,
        total=pr.commit_count,
        cap=MAX_COMMITS if authenticated else PER_PAGE,
        parse=lambda item: _commit(item["sha"], item["commit"]),
        identity=lambda fact: fact.sha,
    )
    reviews = pr.reviews if listed else _fetch_reviews(session, base)
    linked = pr.linked_issues or closing_issues(pr.body, pr.repo)

    return pr.model_copy(
        update={
            "files": files,
            "commits": commits,
            "reviews": reviews,
            "linked_issues": linked,
        }
    )


def _fetch_more(
    session: _Session,
    path: str,
    have: tuple[T, ...],
    *,
    total: int,
    cap: int,
    parse: Callable[[Any], T],
    identity: Callable[[T], str],
) -> tuple[T, ...]:
    """Return `have` plus the REST pages of 100 that bring it to min(total, cap)."""
    kept = list(have)
    seen = {identity(item) for item in kept}
    for page in _pages_to_fetch(len(have), total, cap):
        body = session.get_json(path, {"per_page": PER_PAGE, "page": page})
        batch = _parse(path, lambda items: [parse(item) for item in items], body)
        kept.extend(item for item in batch if identity(item) not in seen)
        seen.update(identity(item) for item in batch)
        if len(batch) < PER_PAGE:
            break

    return tuple(kept[:cap])


def _pages_to_fetch(have: int, total: int, cap: int) -> range:
    """Return the page numbers (of 100) still needed to hold min(total, cap) items."""
    want = min(total, cap)
    if have >= want:
        return range(0)

    return range(have // PER_PAGE + 1, math.ceil(want / PER_PAGE) + 1)


def _fetch_reviews(session: _Session, base: str) -> tuple[ReviewFact, ...]:
    """Return a PR's reviews and review comments, one REST page of each."""
    reviews = session.get_json(f"{base}/reviews", {"per_page": PER_PAGE})
    comments = session.get_json(f"{base}/comments", {"per_page": PER_PAGE})
    submitted = _parse(
        f"{base}/reviews",
        lambda items: [
            _review(item, "user", kind="review")
            for item in items
            if item.get("state") != "PENDING"
        ],
        reviews,
    )
    remarks = _parse(
        f"{base}/comments",
        lambda items: [_review(item, "user", kind="comment") for item in items],
        comments,
    )

    return tuple(submitted + remarks)


def _nodes(connection: Any) -> list[Any]:
    """Return a GraphQL connection's nodes, without nulls."""
    if not isinstance(connection, dict):
        return []

    return [node for node in connection.get("nodes") or () if node]


def _login(actor: Any) -> str:
    """Return a user's login; deleted users are GitHub's "ghost"."""
    login = actor.get("login") if isinstance(actor, dict) else None

    return login if isinstance(login, str) and login else "ghost"


def _file(path: str, item: Mapping[str, Any]) -> FileFact:
    """Return a changed file from a REST or GraphQL file entry."""
    return FileFact(path=path, additions=item["additions"], deletions=item["deletions"])


def _commit(sha: str, commit: Mapping[str, Any]) -> CommitFact:
    """Return a commit from a GraphQL Commit or a REST commit's `commit` object."""
    authored = commit.get("authoredDate") or (commit.get("author") or {}).get("date")

    return CommitFact(sha=sha, message=commit["message"], authored_at=authored)


def _review(
    item: Mapping[str, Any], who: str, *, kind: Literal["review", "comment"]
) -> ReviewFact:
    """Return a review or review comment; `who` names the field holding the user."""
    return ReviewFact(
        author=_login(item.get(who)),
        body=item.get("body") or "",
        kind=kind,
        state=item.get("state") if kind == "review" else None,
    )


def _is_repo(repo: str) -> bool:
    """Return whether `repo` reads as owner/name."""
    owner, slash, name = repo.partition("/")

    return bool(owner and slash and name and "/" not in name)


def _last_good_key(name: str, queries: Sequence[AuthorQuery]) -> str:
    """Return the last-good key of a source and author set (windows move; not in it)."""
    handles = sorted({query.handle.lower() for query in queries})

    return f"{name} {','.join(handles)}"


def _load_last_good(cache: JsonCache, key: str) -> SourceOutcome | None:
    """Return the last good outcome, or None when there is none usable."""
    value = cache.get(LAST_GOOD_NAMESPACE, key)
    if value is None:
        return None
    try:
        return SourceOutcome.model_validate(value)
    except ValidationError:
        return None


def _within_windows(
    prs: Mapping[str, tuple[PullRequestFact, ...]], queries: Sequence[AuthorQuery]
) -> dict[str, tuple[PullRequestFact, ...]]:
    """Return stored PRs filtered to the current windows."""
    return {
        query.handle.lower(): tuple(
            pr
            for pr in prs.get(query.handle.lower(), ())
            if query.window.contains(pr.merged_at)
        )
        for query in queries
    }


def _failed(
    name: str,
    reason: str,
    last_good: SourceOutcome | None,
    queries: Sequence[AuthorQuery],
    *,
    requests: int,
) -> SourceOutcome:
    """Return the last good outcome as stale, or an error; log one warning."""
    if last_good is None:
        outcome = SourceOutcome(
            name=name, status="error", fetched_at=None, detail=reason, requests=requests
        )
    else:
        outcome = SourceOutcome(
            name=name,
            status="stale",
            fetched_at=last_good.fetched_at,
            detail=f"{reason}; using data fetched {_stamp(last_good.fetched_at)}",
            prs=_within_windows(last_good.prs, queries),
            requests=requests,
        )
    logger.warning("%s: %s", name, outcome.detail)

    return outcome


def _offline_outcome(
    name: str, last_good: SourceOutcome | None, queries: Sequence[AuthorQuery]
) -> SourceOutcome:
    """Return what --offline can offer: the last good outcome, or nothing."""
    if last_good is None:
        return SourceOutcome(
            name=name,
            status="offline",
            fetched_at=None,
            detail="--offline: nothing cached yet",
        )

    return SourceOutcome(
        name=name,
        status="offline",
        fetched_at=last_good.fetched_at,
        detail=f"--offline: last fetched {_stamp(last_good.fetched_at)}",
        prs=_within_windows(last_good.prs, queries),
    )


def _stamp(moment: datetime | None) -> str:
    """Return an instant as `YYYY-MM-DD HH:MM UTC`."""
    if moment is None:
        return "at an unknown time"

    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
