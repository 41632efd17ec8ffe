"""The GitHub source: request plans and counts, caching, faults, and the token.

Unit tests answer through httpx.MockTransport with the JSON in tests/fixtures/github/,
written in the shapes GitHub documents and records (search-issues, pull, pull-files,
pull-commits, pull-reviews, pull-comments, graphql-search, graphql-errors,
rate-limited), trimmed and with made-up names. Socket tests run the fake server of
tests/fake_github.py on 127.0.0.1. Nothing here touches the internet.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_github import FakeGitHub, fake_github  # noqa: F401  (a fixture, by name)
from roastbot import __version__
from roastbot.cache import JsonCache
from roastbot.facts import (
    AuthorQuery,
    CommitFact,
    FileFact,
    PullRequestFact,
    ReviewFact,
    SourceOutcome,
    Window,
    closing_issues,
)
from roastbot.github import GitHubConfig, complete_pr, list_prs

FIXTURES = Path(__file__).parent / "fixtures" / "github"
REPO = "octo-org/devlog"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
WINDOW = Window(start=datetime(2026, 11, 3, 9, 0, tzinfo=UTC), end=NOW)
TOKEN = "ghp_roastbotFakeTokenThatMustNeverLeak42"
SEARCH = "is:pr is:merged author:alice repo:octo-org/devlog merged:>=2026-11-03"

Handler = Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    """Return a fixture answer, parsed."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def alice(window: Window = WINDOW) -> AuthorQuery:
    """Return the query for alice's PRs."""
    return AuthorQuery(handle="alice", window=window)


class MockGitHub:
    """Answer requests by `METHOD /path` through a MockTransport; keep each one."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.sent: list[httpx.Request] = []

    def on(
        self,
        route: str,
        payload: Any = None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
    ) -> None:
        """Answer `route` with a JSON payload, or a 304 when the client has `etag`."""

        def answer(request: httpx.Request) -> httpx.Response:
            if etag and request.headers.get("if-none-match") == etag:
                return httpx.Response(304, headers={"etag": etag})
            extra = {**(headers or {}), **({"etag": etag} if etag else {})}
            return httpx.Response(status, json=payload, headers=extra)

        self.routes[route] = answer

    def on_call(self, route: str, handler: Handler) -> None:
        """Answer `route` with a function of the request."""
        self.routes[route] = handler

    def transport(self) -> httpx.MockTransport:
        """Return the transport to hand to the code under test."""
        return httpx.MockTransport(self._answer)

    def targets(self) -> list[str]:
        """Return `METHOD /path?query` of each request, in order."""
        return [
            f"{r.method} {r.url.path}"
            + (f"?{r.url.query.decode()}" if r.url.query else "")
            for r in self.sent
        ]

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        handler = self.routes.get(f"{request.method} {request.url.path}")
        if handler is None:
            return httpx.Response(404, json={"message": "Not Found"})

        return handler(request)


def pull(number: int, merged_at: str) -> dict[str, Any]:
    """Return the pull.json answer renumbered."""
    payload: dict[str, Any] = load("pull.json")
    payload.update(
        number=number,
        merged_at=merged_at,
        html_url=f"https://github.com/{REPO}/pull/{number}",
    )

    return payload


def rest_api(*, search_etag: str | None = None) -> MockGitHub:
    """Return a REST GitHub with the search fixture and its PRs #12 and #15."""
    api = MockGitHub()
    api.on("GET /search/issues", load("search-issues.json"), etag=search_etag)
    api.on(
        "GET /repos/octo-org/devlog/pulls/12",
        pull(12, "2026-11-10T12:00:00Z"),
        etag='W/"p12"',
    )
    api.on(
        "GET /repos/octo-org/devlog/pulls/15",
        pull(15, "2026-11-20T16:30:00Z"),
        etag='W/"p15"',
    )

    return api


def graphql_api() -> MockGitHub:
    """Return a GraphQL GitHub answering the search fixture."""
    api = MockGitHub()
    api.on("POST /graphql", load("graphql-search.json"))

    return api


def no_sleep(seconds: float) -> None:
    """Skip a pause."""


def no_network() -> httpx.MockTransport:
    """Return a transport that fails the test if anything is sent."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request to {request.url}")

    return httpx.MockTransport(refuse)


def at(root: Path, moment: datetime) -> JsonCache:
    """Return the cache under `root` as seen at `moment`."""
    return JsonCache(root, now=moment)


def run(
    transport: httpx.BaseTransport,
    root: Path,
    *,
    token: str | None = None,
    now: datetime = NOW,
    queries: list[AuthorQuery] | None = None,
    slept: list[float] | None = None,
    **settings: Any,
) -> SourceOutcome:
    """List alice's PRs (or `queries`') through `transport`, caching under `root`."""
    return list_prs(
        REPO,
        queries or [alice()],
        config=GitHubConfig(token=token, **settings),
        cache=at(root, now),
        now=now,
        transport=transport,
        sleep=(slept if slept is not None else []).append,
    )


def paged(total: int, make: Callable[[int], dict[str, Any]]) -> Handler:
    """Return a handler serving `total` items in pages, as REST lists do."""

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        per_page = int(request.url.params.get("per_page", "30"))
        indexes = range((page - 1) * per_page, min(page * per_page, total))
        return httpx.Response(200, json=[make(index) for index in indexes])

    return answer


def file_item(index: int) -> dict[str, Any]:
    """Return a pull-files.json entry for file `index`."""
    item = load("pull-files.json")[0]
    item["filename"] = f"src/file_{index:04d}.py"

    return dict(item)


def commit_item(index: int) -> dict[str, Any]:
    """Return a pull-commits.json entry for commit `index`."""
    item = load("pull-commits.json")[0]
    item["sha"] = f"{index:040x}"

    return dict(item)


def big_pr(*, files: int, commits: int) -> PullRequestFact:
    """Return a PR as the GraphQL search lists it: the first 100 files and commits."""
    return PullRequestFact(
        repo=REPO,
        number=12,
        title="Rewrite everything",
        url=f"https://github.com/{REPO}/pull/12",
        author="alice",
        merged_at=datetime(2026, 11, 10, 12, tzinfo=UTC),
        additions=9000,
        deletions=4000,
        changed_files=files,
        commit_count=commits,
        files=tuple(
            FileFact(path=f"src/file_{i:04d}.py", additions=1, deletions=0)
            for i in range(100)
        ),
        commits=tuple(
            CommitFact(sha=f"{i:040x}", message=f"step {i}") for i in range(100)
        ),
        reviews=(ReviewFact(author="bob", body="", kind="review", state="APPROVED"),),
    )


def bare_pr() -> PullRequestFact:
    """Return PR #12 as the REST plan lists it: totals, no lists."""
    return PullRequestFact(
        repo=REPO,
        number=12,
        title="Rewrite the date parser",
        url=f"https://github.com/{REPO}/pull/12",
        body="Fixes #4 and tidies up.",
        author="alice",
        merged_at=datetime(2026, 11, 10, 12, tzinfo=UTC),
        additions=120,
        deletions=45,
        changed_files=3,
        commit_count=2,
    )


def completion_api() -> MockGitHub:
    """Return a REST GitHub with the lists of PR #12."""
    api = MockGitHub()
    base = "GET /repos/octo-org/devlog/pulls/12"
    api.on(f"{base}/files", load("pull-files.json"), etag='W/"files"')
    api.on(f"{base}/commits", load("pull-commits.json"), etag='W/"commits"')
    api.on(f"{base}/reviews", load("pull-reviews.json"), etag='W/"reviews"')
    api.on(f"{base}/comments", load("pull-comments.json"), etag='W/"comments"')

    return api


def complete(
    pr: PullRequestFact,
    transport: httpx.BaseTransport,
    root: Path,
    *,
    token: str | None = None,
    now: datetime = NOW,
    offline: bool = False,
) -> tuple[PullRequestFact, int]:
    """Complete `pr` through `transport`, caching under `root`."""
    return complete_pr(
        pr,
        config=GitHubConfig(token=token),
        cache=at(root, now),
        now=now,
        offline=offline,
        transport=transport,
        sleep=no_sleep,
    )


def failing(*responses: httpx.Response | Exception) -> Handler:
    """Return a handler that gives `responses` in turn, then the search fixture."""
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        if not queue:
            return httpx.Response(200, json=load("search-issues.json"))
        next_one = queue.pop(0)
        if isinstance(next_one, Exception):
            raise next_one
        return next_one

    return answer


# The GraphQL plan (with a token)


def test_graphql_plan_sends_one_post_per_author(tmp_path: Path) -> None:
    """With a token, each author's PRs cost exactly one GraphQL request."""
    api = graphql_api()
    bob = AuthorQuery(handle="Bob", window=WINDOW)

    outcome = run(api.transport(), tmp_path, token=TOKEN, queries=[alice(), bob])

    assert outcome.requests == 2
    assert api.targets() == ["POST /graphql", "POST /graphql"]
    assert outcome.name == "github:octo-org/devlog"
    assert outcome.status == "fresh"
    assert outcome.fetched_at == NOW
    assert set(outcome.prs) == {"alice", "bob"}
    sent = json.loads(api.sent[0].content)
    assert sent["variables"] == {"q": SEARCH, "first": 50, "after": None}
    assert "search(query: $q, type: ISSUE" in sent["query"]


def test_graphql_plan_reads_the_whole_pr_and_keeps_the_window(tmp_path: Path) -> None:
    """A search node becomes a full fact; a PR merged before the window is dropped."""
    outcome = run(graphql_api().transport(), tmp_path, token=TOKEN)

    [pr] = outcome.prs["alice"]
    assert (pr.number, pr.author, pr.changed_files, pr.commit_count) == (
        12,
        "alice",
        3,
        2,
    )
    assert pr.merged_at == datetime(2026, 11, 10, 12, tzinfo=UTC)
    assert pr.files[0].path == "generator/roastbot/dates.py"
    assert pr.commits[0].message == "wip: it parses now, probably"
    assert [(r.author, r.kind, r.state) for r in pr.reviews] == [
        ("bob", "review", "APPROVED"),
        ("carol", "review", "COMMENTED"),
        ("carol", "comment", None),
    ]
    assert pr.linked_issues == (4,)


def test_graphql_search_pages_only_past_fifty(tmp_path: Path) -> None:
    """A second POST, with the end cursor, is sent only when GitHub has more."""
    first = load("graphql-search.json")
    first["data"]["search"]["pageInfo"] = {
        "hasNextPage": True,
        "endCursor": "Y3Vyc29yOjUw",
    }
    second = load("graphql-search.json")
    second["data"]["search"]["nodes"][0]["number"] = 13
    answers = iter([first, second])
    api = MockGitHub()
    api.on_call("POST /graphql", lambda _: httpx.Response(200, json=next(answers)))

    outcome = run(api.transport(), tmp_path, token=TOKEN)

    assert outcome.requests == 2
    assert json.loads(api.sent[1].content)["variables"]["after"] == "Y3Vyc29yOjUw"
    assert [pr.number for pr in outcome.prs["alice"]] == [12, 13]


def test_graphql_errors_with_http_200_are_a_failure(tmp_path: Path) -> None:
    """An `errors` array fails the source: error when cold, stale after a good run."""
    broken = MockGitHub()
    broken.on("POST /graphql", load("graphql-errors.json"))

    cold = run(broken.transport(), tmp_path / "cold", token=TOKEN)
    good = run(graphql_api().transport(), tmp_path / "warm", token=TOKEN)
    stale = run(broken.transport(), tmp_path / "warm", token=TOKEN, now=LATER)

    assert cold.status == "error"
    assert cold.prs == {}
    assert cold.detail == (
        "GraphQL errors: Something went wrong while executing your query. "
        "This may be the result of a timeout."
    )
    assert stale.status == "stale"
    assert stale.prs == good.prs
    assert stale.fetched_at == NOW
    assert stale.detail is not None
    assert stale.detail.startswith("GraphQL errors: Something went wrong")
    assert stale.detail.endswith("; using data fetched 2026-12-03 09:00 UTC")


def test_graphql_rate_limit_error_says_when_it_resets(tmp_path: Path) -> None:
    """GraphQL's RATE_LIMITED error (HTTP 200) reads as the rate limit it is."""
    reset = int(time.time()) + 3600
    api = MockGitHub()
    body = {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]}
    api.on("POST /graphql", body, headers={"x-ratelimit-reset": str(reset)})

    outcome = run(api.transport(), tmp_path, token=TOKEN)

    resets = datetime.fromtimestamp(reset, UTC)
    assert outcome.detail == f"GitHub rate limit; resets at {resets:%H:%M} UTC"


def test_unauthorized_token_says_to_check_it(tmp_path: Path) -> None:
    """A 401 names the endpoint, GitHub's message and the variable to fix."""
    api = MockGitHub()
    api.on("POST /graphql", {"message": "Bad credentials"}, status=401)

    outcome = run(api.transport(), tmp_path, token=TOKEN)

    assert outcome.status == "error"
    assert (
        outcome.detail == "HTTP 401 from /graphql: Bad credentials (check GITHUB_TOKEN)"
    )


# The REST plan (no token)


def test_rest_plan_sends_one_search_and_one_request_per_pr(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a token, N PRs in the window cost 1 + N requests; #7 is skipped."""
    caplog.set_level(logging.INFO, logger="roastbot")
    api = rest_api()

    outcome = run(api.transport(), tmp_path)

    assert outcome.requests == 3
    assert api.targets() == [
        "GET /search/issues?q=is%3Apr+is%3Amerged+author%3Aalice"
        "+repo%3Aocto-org%2Fdevlog+merged%3A%3E%3D2026-11-03&per_page=100",
        "GET /repos/octo-org/devlog/pulls/15",
        "GET /repos/octo-org/devlog/pulls/12",
    ]
    assert [pr.number for pr in outcome.prs["alice"]] == [12, 15]
    assert "GET /search/issues 200" in caplog.messages


def test_rest_plan_lists_totals_and_no_lists(tmp_path: Path) -> None:
    """A REST-listed PR has its totals and body-linked issues, and empty lists."""
    outcome = run(rest_api().transport(), tmp_path)

    pr = outcome.prs["alice"][0]
    assert (pr.additions, pr.deletions, pr.changed_files, pr.commit_count) == (
        120,
        45,
        3,
        2,
    )
    assert (pr.files, pr.commits, pr.reviews) == ((), (), ())
    assert pr.linked_issues == (4,)
    assert pr.url == "https://github.com/octo-org/devlog/pull/12"
    assert pr.created_at == datetime(2026, 11, 9, 10, tzinfo=UTC)


def test_requests_without_a_token_send_no_authorization(tmp_path: Path) -> None:
    """Unauthenticated requests still carry GitHub's version, media type and agent."""
    api = rest_api()

    run(api.transport(), tmp_path)

    for request in api.sent:
        assert "authorization" not in request.headers
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["user-agent"] == f"roastbot/{__version__}"


def test_requests_with_a_token_send_it_as_a_bearer(tmp_path: Path) -> None:
    """The token goes as `Authorization: Bearer`, on GraphQL and REST alike."""
    api = graphql_api()
    pages = completion_api()
    pages.on_call("GET /repos/octo-org/devlog/pulls/12/files", paged(400, file_item))

    run(api.transport(), tmp_path, token=TOKEN)
    complete(big_pr(files=400, commits=100), pages.transport(), tmp_path, token=TOKEN)

    for request in [*api.sent, *pages.sent]:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert request.headers["user-agent"] == f"roastbot/{__version__}"
    assert pages.sent[0].headers["accept"] == "application/vnd.github+json"


# Caching


def test_fresh_cache_answers_with_no_request(tmp_path: Path) -> None:
    """Within fresh_seconds, a re-run sends nothing and is "cached"."""
    first = run(rest_api().transport(), tmp_path)
    again = run(no_network(), tmp_path, now=NOW + timedelta(minutes=10))

    assert again.requests == 0
    assert again.status == "cached"
    assert again.prs == first.prs
    assert again.fetched_at == NOW


def test_fresh_graphql_answer_is_reused_with_no_request(tmp_path: Path) -> None:
    """A GraphQL answer is reused by its query's hash within fresh_seconds."""
    first = run(graphql_api().transport(), tmp_path, token=TOKEN)
    again = run(no_network(), tmp_path, token=TOKEN, now=NOW + timedelta(minutes=59))

    assert (again.status, again.requests, again.prs) == ("cached", 0, first.prs)


def test_etag_revalidation_makes_the_rerun_cached(tmp_path: Path) -> None:
    """Past freshness, every request is conditional; all 304s make the run "cached"."""
    api = rest_api(search_etag='W/"search"')
    first = run(api.transport(), tmp_path)
    api.sent.clear()

    again = run(api.transport(), tmp_path, now=LATER)

    assert again.requests == 3
    assert [r.headers.get("if-none-match") for r in api.sent] == [
        'W/"search"',
        'W/"p15"',
        'W/"p12"',
    ]
    assert again.status == "cached"
    assert again.prs == first.prs
    assert again.fetched_at == LATER


def test_search_without_etag_is_sent_again_in_full(tmp_path: Path) -> None:
    """GitHub's search sends no ETag: it is asked again whole, and the run is fresh."""
    api = rest_api()
    run(api.transport(), tmp_path)
    api.sent.clear()

    again = run(api.transport(), tmp_path, now=LATER)

    assert [r.headers.get("if-none-match") for r in api.sent] == [
        None,
        'W/"p15"',
        'W/"p12"',
    ]
    assert again.status == "fresh"


def test_corrupt_cache_files_are_misses(tmp_path: Path) -> None:
    """Unreadable cache files are ignored: requests go out and nothing breaks."""
    run(rest_api().transport(), tmp_path)
    for path in tmp_path.rglob("*.json"):
        path.write_text("{not json", encoding="utf-8")
    api = rest_api()

    again = run(api.transport(), tmp_path, now=NOW + timedelta(minutes=5))

    assert again.status == "fresh"
    assert again.requests == 3
    assert all("if-none-match" not in r.headers for r in api.sent)


def test_corrupt_last_good_gives_an_error_not_a_crash(tmp_path: Path) -> None:
    """A last-good entry of the wrong shape counts as none."""
    run(rest_api().transport(), tmp_path)
    for path in (tmp_path / "github-last-good").glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        document["value"] = {"status": "sparkling"}
        path.write_text(json.dumps(document), encoding="utf-8")
    broken = MockGitHub()
    broken.on("GET /search/issues", {"message": "Server Error"}, status=500)

    outcome = run(broken.transport(), tmp_path, now=LATER, retries=0)

    assert (outcome.status, outcome.prs) == ("error", {})


def test_offline_makes_no_requests(tmp_path: Path) -> None:
    """--offline serves the last good listing, or says nothing is cached yet."""
    cold = list_prs(
        REPO,
        [alice()],
        config=GitHubConfig(token=TOKEN),
        cache=at(tmp_path, NOW),
        now=NOW,
        offline=True,
        transport=no_network(),
    )
    good = run(rest_api().transport(), tmp_path)
    warm = list_prs(
        REPO,
        [alice()],
        config=GitHubConfig(token=None),
        cache=at(tmp_path, LATER),
        now=LATER,
        offline=True,
        transport=no_network(),
    )

    assert (cold.status, cold.requests, cold.prs) == ("offline", 0, {})
    assert cold.detail == "--offline: nothing cached yet"
    assert (warm.status, warm.requests, warm.prs) == ("offline", 0, good.prs)
    assert warm.detail == "--offline: last fetched 2026-12-03 09:00 UTC"


# Faults


def test_stale_listing_keeps_only_prs_inside_the_current_window(tmp_path: Path) -> None:
    """The last good PRs are filtered to today's window, with since when and why."""
    run(rest_api().transport(), tmp_path)
    broken = MockGitHub()
    broken.on("GET /search/issues", status=502)
    later_window = Window(start=datetime(2026, 11, 15, tzinfo=UTC), end=LATER)

    outcome = run(
        broken.transport(), tmp_path, now=LATER, queries=[alice(later_window)]
    )

    assert outcome.status == "stale"
    assert [pr.number for pr in outcome.prs["alice"]] == [15]
    assert outcome.detail == (
        "HTTP 502 after 3 attempts (GET /search/issues); "
        "using data fetched 2026-12-03 09:00 UTC"
    )
    assert outcome.requests == 3


def test_server_errors_are_retried_with_backoff(tmp_path: Path) -> None:
    """Two 502s, then an answer: two pauses of 0.5 s and 1 s, and fresh data."""
    api = rest_api()
    api.on_call("GET /search/issues", failing(httpx.Response(502), httpx.Response(503)))
    slept: list[float] = []

    outcome = run(api.transport(), tmp_path, slept=slept)

    assert slept == [0.5, 1.0]
    assert outcome.status == "fresh"
    assert outcome.requests == 5


def test_connection_errors_are_retried(tmp_path: Path) -> None:
    """A refused connection is tried again, like a 5xx."""
    api = rest_api()
    api.on_call("GET /search/issues", failing(httpx.ConnectError("refused")))
    slept: list[float] = []

    outcome = run(api.transport(), tmp_path, slept=slept)

    assert slept == [0.5]
    assert outcome.status == "fresh"


def test_persistent_connection_errors_name_the_host(tmp_path: Path) -> None:
    """When the connection never works, the detail says which host and how often."""
    api = MockGitHub()
    errors = [httpx.ConnectError("refused") for _ in range(5)]
    api.on_call("GET /search/issues", failing(*errors))

    outcome = run(api.transport(), tmp_path)

    assert outcome.detail == (
        "could not reach api.github.com (ConnectError) after 3 attempts "
        "(GET /search/issues)"
    )


def test_timeout_fails_the_source_at_once(tmp_path: Path) -> None:
    """A timeout is not retried: the source fails after one wait for the server."""
    api = MockGitHub()
    api.on_call("GET /search/issues", failing(httpx.ReadTimeout("slow")))
    slept: list[float] = []

    outcome = run(api.transport(), tmp_path, slept=slept)

    assert outcome.status == "error"
    assert outcome.detail == "timed out after 10 s (GET /search/issues)"
    assert (outcome.requests, slept) == (1, [])


def test_rate_limit_wait_that_fits_is_honoured(tmp_path: Path) -> None:
    """A 429 whose retry-after fits in max_wait is slept through, then retried."""
    api = rest_api()
    limited = httpx.Response(429, headers={"retry-after": "2"})
    api.on_call("GET /search/issues", failing(limited))
    slept: list[float] = []

    outcome = run(api.transport(), tmp_path, slept=slept)

    assert slept == [2.0]
    assert outcome.status == "fresh"
    assert outcome.requests == 4


def test_rate_limit_past_the_budget_gives_up_at_once(tmp_path: Path) -> None:
    """A primary limit resetting in an hour is not waited for; the reset is named."""
    reset = int(time.time()) + 3600
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    api = MockGitHub()
    api.on("GET /search/issues", load("rate-limited.json"), status=403, headers=headers)
    slept: list[float] = []

    outcome = run(api.transport(), tmp_path, slept=slept)

    resets = datetime.fromtimestamp(reset, UTC)
    assert outcome.detail == f"GitHub rate limit; resets at {resets:%H:%M} UTC"
    assert (outcome.status, outcome.requests, slept) == ("error", 1, [])


def test_secondary_limit_without_a_time_waits_a_minute_or_gives_up(
    tmp_path: Path,
) -> None:
    """A 403 secondary limit naming no time would need 60 s: past the budget."""
    api = MockGitHub()
    message = {"message": "You have exceeded a secondary rate limit."}
    api.on("GET /search/issues", message, status=403)

    outcome = run(api.transport(), tmp_path)

    assert outcome.detail == "GitHub rate limit"


def test_validation_failure_passes_on_githubs_explanation(tmp_path: Path) -> None:
    """A 422 (say, an unknown user) carries GitHub's message and its errors'."""
    api = MockGitHub()
    explained = {
        "message": "Validation Failed",
        "errors": [
            {"message": "The listed users cannot be searched.", "code": "invalid"}
        ],
        "documentation_url": "https://docs.github.com/v3/search/",
    }
    api.on("GET /search/issues", explained, status=422)

    outcome = run(api.transport(), tmp_path)

    assert outcome.detail == (
        "HTTP 422 from /search/issues: Validation Failed: "
        "The listed users cannot be searched."
    )


def test_forbidden_without_a_rate_limit_is_an_http_error(tmp_path: Path) -> None:
    """A plain 403 is not waited for; GitHub's message is passed on."""
    api = MockGitHub()
    message = {"message": "Resource not accessible by integration"}
    api.on("GET /search/issues", message, status=403)

    outcome = run(api.transport(), tmp_path)

    assert outcome.detail == (
        "HTTP 403 from /search/issues: Resource not accessible by integration"
    )


def test_invalid_json_is_a_failure(tmp_path: Path) -> None:
    """A 200 whose body is not JSON fails the source, naming the endpoint."""
    api = MockGitHub()
    api.on_call("GET /search/issues", lambda _: httpx.Response(200, text="{not json"))

    outcome = run(api.transport(), tmp_path)

    assert (outcome.status, outcome.detail) == (
        "error",
        "invalid JSON from /search/issues",
    )


def test_answer_of_the_wrong_shape_is_a_failure(tmp_path: Path) -> None:
    """JSON without the expected fields fails the source instead of raising."""
    api = MockGitHub()
    api.on("GET /search/issues", {"total": 1})

    outcome = run(api.transport(), tmp_path)

    assert outcome.detail == "unexpected answer from /search/issues"


def test_repository_must_read_owner_slash_name(tmp_path: Path) -> None:
    """A repository that is not owner/name is an error outcome with no request."""
    outcome = list_prs(
        "devlog",
        [alice()],
        config=GitHubConfig(token=None),
        cache=at(tmp_path, NOW),
        now=NOW,
        transport=no_network(),
    )

    assert (outcome.status, outcome.requests) == ("error", 0)
    assert outcome.detail == "'devlog' is not owner/name"


def test_degraded_source_logs_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing source logs exactly one WARNING, carrying the detail."""
    broken = MockGitHub()
    broken.on("GET /search/issues", status=502)

    outcome = run(broken.transport(), tmp_path)

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [f"github:{REPO}: {outcome.detail}"]


# complete_pr


def test_complete_pr_with_token_fetches_only_the_missing_pages(tmp_path: Path) -> None:
    """A 400-file, 250-commit PR costs 5 requests: files pages 2-4, commits 2-3."""
    api = MockGitHub()
    api.on_call("GET /repos/octo-org/devlog/pulls/12/files", paged(400, file_item))
    api.on_call("GET /repos/octo-org/devlog/pulls/12/commits", paged(250, commit_item))
    pr = big_pr(files=400, commits=250)

    completed, requests = complete(pr, api.transport(), tmp_path, token=TOKEN)

    assert requests == 5
    base = "GET /repos/octo-org/devlog/pulls/12"
    assert api.targets() == [
        f"{base}/files?per_page=100&page=2",
        f"{base}/files?per_page=100&page=3",
        f"{base}/files?per_page=100&page=4",
        f"{base}/commits?per_page=100&page=2",
        f"{base}/commits?per_page=100&page=3",
    ]
    assert (len(completed.files), len(completed.commits)) == (400, 250)
    assert completed.files[-1].path == "src/file_0399.py"
    assert (completed.changed_files, completed.commit_count) == (400, 250)
    assert (completed.additions, completed.deletions) == (9000, 4000)
    assert completed.reviews == pr.reviews


def test_complete_pr_keeps_at_most_500_files(tmp_path: Path) -> None:
    """GitHub's 3,000-file PR costs 4 pages, never 30: 500 files are kept."""
    api = MockGitHub()
    api.on_call("GET /repos/octo-org/devlog/pulls/12/files", paged(3000, file_item))

    completed, requests = complete(
        big_pr(files=3000, commits=100), api.transport(), tmp_path, token=TOKEN
    )

    pages = [r.url.params["page"] for r in api.sent]
    assert (requests, pages) == (4, ["2", "3", "4", "5"])
    assert len(completed.files) == 500


def test_complete_pr_with_everything_listed_sends_nothing(tmp_path: Path) -> None:
    """A PR the GraphQL search listed whole needs no more requests."""
    pr = run(graphql_api().transport(), tmp_path, token=TOKEN).prs["alice"][0]

    completed, requests = complete(pr, no_network(), tmp_path, token=TOKEN)

    assert (completed, requests) == (pr, 0)


def test_complete_pr_without_token_costs_four_requests(tmp_path: Path) -> None:
    """Unauthenticated: one page each of commits, files, reviews and comments."""
    api = completion_api()

    completed, requests = complete(bare_pr(), api.transport(), tmp_path)

    assert requests == 4
    assert [target.rsplit("/", 1)[1] for target in api.targets()] == [
        "files?per_page=100&page=1",
        "commits?per_page=100&page=1",
        "reviews?per_page=100",
        "comments?per_page=100",
    ]
    assert [f.path for f in completed.files] == ["generator/roastbot/dates.py"]
    assert completed.commits[0].authored_at == datetime(2026, 11, 9, 10, tzinfo=UTC)
    assert [(r.author, r.kind, r.body) for r in completed.reviews] == [
        ("bob", "review", ""),
        ("carol", "review", "Three regexes for one date?"),
        ("carol", "comment", "This handles February 30th. On purpose?"),
    ]
    assert completed.linked_issues == (4,)
    assert (completed.changed_files, completed.commit_count) == (3, 2)


def test_complete_pr_returns_the_pr_as_it_was_on_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Network trouble leaves the PR untouched and logs one warning; nothing raises."""
    api = MockGitHub()
    api.on("GET /repos/octo-org/devlog/pulls/12/files", status=502)
    pr = bare_pr()

    completed, requests = complete(pr, api.transport(), tmp_path)

    assert (completed, requests) == (pr, 3)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [
        f"github:{REPO}: could not complete #12: HTTP 502 after 3 attempts "
        "(GET /repos/octo-org/devlog/pulls/12/files)"
    ]


def test_complete_pr_offline_uses_cached_answers_only(tmp_path: Path) -> None:
    """Offline, a PR completes from the cache, or stays as it was, with no request."""
    cold, cold_requests = complete(bare_pr(), no_network(), tmp_path, offline=True)
    online, _ = complete(bare_pr(), completion_api().transport(), tmp_path)
    warm, warm_requests = complete(
        bare_pr(), no_network(), tmp_path, offline=True, now=NOW + timedelta(days=30)
    )

    assert (cold, cold_requests) == (bare_pr(), 0)
    assert (warm, warm_requests) == (online, 0)


def test_complete_pr_revalidates_with_etags(tmp_path: Path) -> None:
    """Past freshness, completion asks again conditionally and reuses 304 bodies."""
    api = completion_api()
    first, _ = complete(bare_pr(), api.transport(), tmp_path)
    api.sent.clear()

    again, requests = complete(bare_pr(), api.transport(), tmp_path, now=LATER)

    assert requests == 4
    assert all(r.headers.get("if-none-match") for r in api.sent)
    assert again == first


@pytest.mark.parametrize(
    ("body", "issues"),
    [
        ("Fixes #12", (12,)),
        ("closes octo-org/devlog#3, resolves #5", (3, 5)),
        ("Fixes: #8", (8,)),
        ("fixes other-org/elsewhere#9", ()),
        ("Closes https://github.com/octo-org/devlog/issues/21", (21,)),
        ("See #4; prefixes #6 are not keywords", ()),
        ("Fixes #1 and #2", (1,)),
    ],
)
def test_closing_issues_reads_keywords_for_this_repository(
    body: str, issues: tuple[int, ...]
) -> None:
    """Closing keywords link issues of this repository only, one per keyword."""
    assert closing_issues(body, REPO) == issues


# Config


def test_config_reads_the_environment_and_hides_the_token() -> None:
    """from_env reads GitHub's variables; repr never shows the token."""
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": "https://ghe.example.com/api/v3/"}

    config = GitHubConfig.from_env(env, timeout=1.5)

    assert config.token == TOKEN
    assert config.timeout == 1.5
    assert config.graphql_endpoint == "https://ghe.example.com/api/v3/graphql"
    assert TOKEN not in repr(config)
    assert TOKEN not in str(config)
    assert "token='***'" in repr(config)


def test_config_defaults_without_variables() -> None:
    """No variables: no token, api.github.com, GitHub's GraphQL endpoint."""
    config = GitHubConfig.from_env({"GITHUB_TOKEN": "  "})
    custom = GitHubConfig.from_env(
        {"GITHUB_GRAPHQL_URL": "https://ghe.example.com/api/graphql"}
    )

    assert config.token is None
    assert config.api_url == "https://api.github.com"
    assert config.graphql_endpoint == "https://api.github.com/graphql"
    assert custom.graphql_endpoint == "https://ghe.example.com/api/graphql"
    assert "token=None" in repr(config)


# The fake server, over a socket


@pytest.fixture
def github(request: pytest.FixtureRequest) -> FakeGitHub:
    """Seed the fake GitHub: alice's #12 (big) and #15, #7 out of window, bob's #16."""
    fake: FakeGitHub = request.getfixturevalue("fake_github")
    fake.add_pr(REPO, 7, "alice", datetime(2026, 11, 3, 8, tzinfo=UTC))
    fake.add_pr(
        REPO,
        12,
        "alice",
        datetime(2026, 11, 10, 12, tzinfo=UTC),
        files=400,
        commits=250,
        body="Fixes #4",
        closes=(4,),
    )
    fake.add_pr(REPO, 15, "alice", datetime(2026, 11, 20, 16, tzinfo=UTC))
    fake.add_pr(REPO, 16, "bob", datetime(2026, 11, 21, tzinfo=UTC))

    return fake


def over_socket(
    fake: FakeGitHub,
    root: Path,
    *,
    token: str | None = None,
    now: datetime = NOW,
    slept: list[float] | None = None,
) -> SourceOutcome:
    """List alice's PRs from the fake server over a socket."""
    return list_prs(
        REPO,
        [alice()],
        config=GitHubConfig(token=token, api_url=fake.url, timeout=0.3),
        cache=at(root, now),
        now=now,
        sleep=(slept if slept is not None else []).append,
    )


def complete_over_socket(
    fake: FakeGitHub, pr: PullRequestFact, root: Path, *, token: str | None = None
) -> tuple[PullRequestFact, int]:
    """Complete `pr` from the fake server over a socket."""
    return complete_pr(
        pr,
        config=GitHubConfig(token=token, api_url=fake.url, timeout=0.3),
        cache=at(root, NOW),
        now=NOW,
        sleep=no_sleep,
    )


def test_socket_graphql_plan_costs_one_request_then_five(
    github: FakeGitHub, tmp_path: Path
) -> None:
    """Over a socket with a token: 1 POST lists; the 400-file PR completes in 5."""
    outcome = over_socket(github, tmp_path, token=TOKEN)
    big = outcome.prs["alice"][0]
    completed, requests = complete_over_socket(github, big, tmp_path, token=TOKEN)

    assert (outcome.status, outcome.requests) == ("fresh", 1)
    assert [pr.number for pr in outcome.prs["alice"]] == [12, 15]
    assert (len(big.files), len(big.commits), big.linked_issues) == (100, 100, (4,))
    assert requests == 5
    assert (len(completed.files), len(completed.commits)) == (400, 250)


def test_socket_rest_plan_costs_one_plus_n_then_four(
    github: FakeGitHub, tmp_path: Path
) -> None:
    """Over a socket without a token: 1 + 2 requests list; completion costs 4."""
    outcome = over_socket(github, tmp_path)
    completed, requests = complete_over_socket(
        github, outcome.prs["alice"][0], tmp_path
    )

    assert (outcome.status, outcome.requests) == ("fresh", 3)
    assert github.paths()[1:3] == [
        "GET /repos/octo-org/devlog/pulls/15",
        "GET /repos/octo-org/devlog/pulls/12",
    ]
    assert requests == 4
    assert (len(completed.files), len(completed.commits)) == (100, 100)
    assert completed.reviews[0].state == "APPROVED"


def test_socket_rerun_sends_if_none_match_and_gets_304s(
    github: FakeGitHub, tmp_path: Path
) -> None:
    """Past freshness, the fake sees If-None-Match on each PR and answers 304."""
    first = over_socket(github, tmp_path)
    github.requests.clear()

    again = over_socket(github, tmp_path, now=LATER)

    pulls = [r for r in github.requests if r.path.startswith("/repos/")]
    assert [bool(r.headers.get("if-none-match")) for r in pulls] == [True, True]
    assert "if-none-match" not in github.requests[0].headers
    assert again.prs == first.prs


FAULTS = [
    ("ratelimit", None, "GitHub rate limit; resets at "),
    ("ratelimit", TOKEN, "GitHub rate limit; resets at "),
    ("secondary", None, "GitHub secondary rate limit; retry after 120 s"),
    ("5xx", None, "HTTP 502 after 3 attempts (GET /search/issues)"),
    ("5xx", TOKEN, "HTTP 502 after 3 attempts (POST /graphql)"),
    ("hang", None, "timed out after 0.3 s (GET /search/issues)"),
    ("hang", TOKEN, "timed out after 0.3 s (POST /graphql)"),
    ("garbage", None, "invalid JSON from /search/issues"),
    ("garbage", TOKEN, "invalid JSON from /graphql"),
    ("graphql-errors", TOKEN, "GraphQL errors: Something went wrong"),
]


@pytest.mark.parametrize(
    ("mode", "token", "reason"),
    FAULTS,
    ids=[f"{mode}-{'token' if token else 'anonymous'}" for mode, token, _ in FAULTS],
)
def test_socket_faults_give_error_cold_and_stale_after_a_good_run(
    github: FakeGitHub, tmp_path: Path, mode: str, token: str | None, reason: str
) -> None:
    """Each fault mode: error with no cache, the last good PRs as stale after one."""
    github.mode = mode
    started = time.monotonic()
    cold = over_socket(github, tmp_path / "cold", token=token)
    elapsed = time.monotonic() - started
    github.mode = "normal"
    good = over_socket(github, tmp_path / "warm", token=token)
    github.mode = mode
    stale = over_socket(github, tmp_path / "warm", token=token, now=LATER)

    assert (cold.status, cold.prs, cold.fetched_at) == ("error", {}, None)
    assert cold.detail is not None
    assert cold.detail.startswith(reason)
    assert elapsed < 2
    assert (good.status, stale.status) == ("fresh", "stale")
    assert stale.prs == good.prs
    assert stale.detail is not None
    assert stale.detail.startswith(reason)
    assert stale.detail.endswith("using data fetched 2026-12-03 09:00 UTC")


def test_socket_short_rate_limit_is_waited_out(
    github: FakeGitHub, tmp_path: Path
) -> None:
    """A reset a few seconds away fits in max_wait: sleep once, then succeed."""
    github.mode = "ratelimit"
    github.faults = 1
    github.reset_in = 3
    slept: list[float] = []

    outcome = over_socket(github, tmp_path, slept=slept)

    assert outcome.status == "fresh"
    assert len(slept) == 1
    assert 2 <= slept[0] <= 6


def test_socket_server_errors_back_off_then_recover(
    github: FakeGitHub, tmp_path: Path
) -> None:
    """Two 502s, then the fake recovers: pauses of 0.5 s and 1 s, fresh data."""
    github.mode = "5xx"
    github.faults = 2
    slept: list[float] = []

    outcome = over_socket(github, tmp_path, token=TOKEN, slept=slept)

    assert (outcome.status, outcome.requests, slept) == ("fresh", 3, [0.5, 1.0])


def test_token_never_leaks(
    github: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The token is only the Authorization header: not in logs, cache or outcomes."""
    caplog.set_level(logging.DEBUG)
    outcomes = [over_socket(github, tmp_path, token=TOKEN)]
    big = outcomes[0].prs["alice"][0]
    completed, _ = complete_over_socket(github, big, tmp_path, token=TOKEN)
    for mode in ("ratelimit", "5xx", "garbage", "graphql-errors", "hang"):
        github.mode = mode
        outcomes.append(over_socket(github, tmp_path, token=TOKEN, now=LATER))
        outcomes.append(over_socket(github, tmp_path / mode, token=TOKEN))
        complete_over_socket(github, big, tmp_path / mode, token=TOKEN)

    assert TOKEN not in caplog.text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(encoding="utf-8"), path
    for outcome in outcomes:
        assert TOKEN not in outcome.model_dump_json()
        assert TOKEN not in (outcome.detail or "")
    assert TOKEN not in completed.model_dump_json()
    for request in github.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        others = {k: v for k, v in request.headers.items() if k != "authorization"}
        assert TOKEN not in f"{request.path} {request.query} {others}"
        assert TOKEN.encode() not in request.body


def test_fake_transport_answers_like_the_socket(
    github: FakeGitHub, tmp_path: Path
) -> None:
    """The fake's MockTransport gives the same listing as its socket."""
    by_socket = over_socket(github, tmp_path / "socket")
    by_transport = run(github.transport(), tmp_path / "transport")

    assert by_transport.prs == by_socket.prs
    assert by_transport.requests == by_socket.requests == 3


def test_fake_payloads_use_fixture_field_names(github: FakeGitHub) -> None:
    """The fake's answers hold only fields the recorded-shape fixtures have."""
    transport = github.transport()
    with httpx.Client(transport=transport, base_url="http://fake") as client:
        base = f"/repos/{REPO}/pulls/12"
        search = client.get("/search/issues", params={"q": SEARCH}).json()
        answers = {
            "search-issues.json": search["items"][0],
            "pull.json": client.get(base).json(),
            "pull-files.json": client.get(f"{base}/files").json()[0],
            "pull-commits.json": client.get(f"{base}/commits").json()[0],
            "pull-reviews.json": client.get(f"{base}/reviews").json()[0],
            "pull-comments.json": client.get(f"{base}/comments").json()[0],
        }
        graphql = client.post(
            "/graphql",
            json={
                "query": "{ search(first: 1) }",
                "variables": {"q": SEARCH, "first": 1},
            },
            headers={"Authorization": "Bearer x"},
        ).json()

    for name, fake in answers.items():
        recorded = load(name)
        recorded = recorded["items"][0] if "items" in recorded else recorded
        recorded = recorded[0] if isinstance(recorded, list) else recorded
        assert set(fake) <= set(recorded), name
        assert set(fake.get("pull_request", {})) <= set(
            recorded.get("pull_request", {})
        )
    node = graphql["data"]["search"]["nodes"][0]
    recorded_node = load("graphql-search.json")["data"]["search"]["nodes"][0]
    assert set(node) == set(recorded_node)
