"""A fake GitHub API on 127.0.0.1, for tests that want a real socket.

It answers the endpoints roastbot uses, REST and GraphQL, from pull requests seeded
with `add_pr`, in GitHub's shapes (trimmed to the fields that matter), with ETags
and 304s, Link pagination and GitHub's list limits (3,000 files, 250 commits).
The search answer has no ETag, as GitHub's has none. Set `mode` to misbehave:

    normal          answer properly
    ratelimit       403 with x-ratelimit-remaining: 0 and a reset `reset_in` s away
    secondary       429 with retry-after: `retry_after`
    5xx             `error_status` (502)
    hang            wait `hang_seconds` before answering, past a client's timeout
    garbage         200 with a body that is not JSON
    graphql-errors  200 from /graphql with an `errors` array (REST is normal)

`faults` is how many requests misbehave before it answers normally again (None:
all of them). Each request is kept in `requests`, with lower-cased header names.

Use the `fake_github` fixture, or `serve()` as a context manager; `transport()`
gives the same answers without a socket (except that hang mode just waits).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from loopback import running

MODES = ("normal", "ratelimit", "secondary", "5xx", "hang", "garbage", "graphql-errors")
FILE_LIMIT = 3000
COMMIT_LIMIT = 250
DOCS = "https://docs.github.com/rest"

_PULL_PATH = re.compile(
    r"/repos/(?P<repo>[^/]+/[^/]+)/pulls/(?P<number>\d+)"
    r"(?:/(?P<part>files|commits|reviews|comments))?"
)
_FIRST_ARGUMENT = re.compile(r"(\w+)\(first:\s*(\d+)")

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class FakePR:
    """A merged pull request the fake serves; lists are generated from counts."""

    repo: str
    number: int
    author: str
    merged_at: datetime
    title: str = "Make it work"
    body: str = ""
    created_at: datetime | None = None
    files: int = 3
    commits: int = 2
    reviews: tuple[tuple[str, str, str], ...] = (("octo-reviewer", "APPROVED", ""),)
    comments: tuple[tuple[str, str], ...] = (("octo-reviewer", "Is this final?"),)
    closes: tuple[int, ...] = ()

    @property
    def opened(self) -> datetime:
        """Return when the PR was opened: as given, else a day before the merge."""
        return self.created_at or self.merged_at - timedelta(days=1)

    def file_list(self) -> list[tuple[str, int, int]]:
        """Return (path, additions, deletions) for every changed file."""
        return [
            (f"src/module_{index:04d}.py", index % 7 + 1, index % 3)
            for index in range(1, self.files + 1)
        ]

    def commit_list(self) -> list[tuple[str, str, datetime]]:
        """Return (sha, message, authored) for every commit."""
        return [
            (
                hashlib.sha1(f"{self.repo}#{self.number}/{index}".encode()).hexdigest(),
                f"Step {index} of #{self.number}",
                self.opened + timedelta(minutes=index),
            )
            for index in range(1, self.commits + 1)
        ]

    @property
    def additions(self) -> int:
        """Return the lines added over all files."""
        return sum(added for _, added, _ in self.file_list())

    @property
    def deletions(self) -> int:
        """Return the lines deleted over all files."""
        return sum(deleted for _, _, deleted in self.file_list())


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeGitHub:
    """The fake API's state: seeded PRs, the mode, and the requests received."""

    url: str = ""
    mode: str = "normal"
    faults: int | None = None
    reset_in: int = 3600
    retry_after: int = 120
    hang_seconds: float = 5.0
    error_status: int = 502
    prs: list[FakePR] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _release: threading.Event = field(default_factory=threading.Event, repr=False)

    def add_pr(
        self, repo: str, number: int, author: str, merged_at: datetime, **details: Any
    ) -> FakePR:
        """Seed a merged PR and return it."""
        pr = FakePR(repo, number, author, merged_at, **details)
        self.prs.append(pr)

        return pr

    def paths(self) -> list[str]:
        """Return `METHOD /path?query` of each request received, in order."""
        with self._lock:
            return [
                f"{r.method} {r.path}" + (f"?{_query(r.query)}" if r.query else "")
                for r in self.requests
            ]

    def release(self) -> None:
        """Let hanging handlers answer now (at shutdown)."""
        self._release.set()

    def transport(self) -> httpx.MockTransport:
        """Return a transport that gets the fake's answers without a socket."""

        def answer(request: httpx.Request) -> httpx.Response:
            headers = {name.lower(): value for name, value in request.headers.items()}
            target = request.url.raw_path.decode("ascii")
            status, extra, body = self.handle(
                request.method, target, headers, request.content
            )

            return httpx.Response(status, headers=extra, content=body)

        return httpx.MockTransport(answer)

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        """Return (status, headers, body) for one request, after recording it."""
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, headers, body))
            fault = self._take_fault(parts.path)
        if fault == "hang":
            self._release.wait(self.hang_seconds)
        elif fault is not None:
            return self._fault(fault)
        if method == "POST" and parts.path == "/graphql":
            return self._graphql(headers, body)
        if method == "GET":
            return self._rest(parts.path, query, headers)

        return _json(404, {"message": "Not Found", "documentation_url": DOCS})

    def _take_fault(self, path: str) -> str | None:
        """Return the fault this request gets, if any, counting it down."""
        if self.mode == "normal" or (
            self.mode == "graphql-errors" and path != "/graphql"
        ):
            return None
        if self.faults is not None:
            if self.faults <= 0:
                return None
            self.faults -= 1

        return self.mode

    def _fault(self, mode: str) -> Answer:
        """Return the misbehaving answer of a mode."""
        if mode == "ratelimit":
            headers = {
                "x-ratelimit-limit": "60",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(int(time.time()) + self.reset_in),
                "x-ratelimit-used": "60",
                "x-ratelimit-resource": "core",
            }
            message = "API rate limit exceeded for 127.0.0.1."
            return _json(403, {"message": message, "documentation_url": DOCS}, headers)
        if mode == "secondary":
            message = (
                "You have exceeded a secondary rate limit. Please wait a few minutes."
            )
            headers = {"retry-after": str(self.retry_after)}
            return _json(429, {"message": message, "documentation_url": DOCS}, headers)
        if mode == "5xx":
            page = b"<html><body><h1>Bad Gateway</h1></body></html>"
            return self.error_status, {"content-type": "text/html"}, page
        if mode == "garbage":
            return 200, {"content-type": "application/json"}, b'{"items": [{"numb'
        if mode == "graphql-errors":
            return _json(200, {"data": {"search": None}, "errors": [_GRAPHQL_ERROR]})
        raise ValueError(f"unknown fake GitHub mode {mode!r}; choose from {MODES}")

    def _rest(
        self, path: str, query: dict[str, str], headers: dict[str, str]
    ) -> Answer:
        """Return the answer of a REST GET."""
        if path == "/search/issues":
            return _json(200, self._search_answer(query), _limits(headers, "search"))
        match = _PULL_PATH.fullmatch(path)
        pr = self._find(match["repo"], int(match["number"])) if match else None
        if match is None or pr is None:
            return _json(404, {"message": "Not Found", "documentation_url": DOCS})
        part = match["part"]
        if part is None:
            return _conditional(headers, _pull_payload(pr))
        items = _PART_PAYLOADS[part](pr)
        page, link = self._page(path, items, query)

        return _conditional(headers, page, {"link": link} if link else {})

    def _find(self, repo: str, number: int) -> FakePR | None:
        """Return the seeded PR, if any."""
        for pr in self.prs:
            if pr.repo.lower() == repo.lower() and pr.number == number:
                return pr

        return None

    def _matching(self, text: str) -> list[FakePR]:
        """Return the seeded PRs a search text finds, newest first."""
        terms = dict(term.split(":", 1) for term in text.split() if ":" in term)
        since = terms.get("merged", ">=1970-01-01").removeprefix(">=")
        found = [
            pr
            for pr in self.prs
            if pr.repo.lower() == terms.get("repo", pr.repo).lower()
            and pr.author.lower() == terms.get("author", pr.author).lower()
            and pr.merged_at.astimezone(UTC).date() >= date.fromisoformat(since)
        ]

        return sorted(found, key=lambda pr: pr.merged_at, reverse=True)

    def _search_answer(self, query: dict[str, str]) -> dict[str, Any]:
        """Return a /search/issues answer."""
        found = self._matching(query.get("q", ""))
        per_page = min(int(query.get("per_page", 30)), 100)
        start = (int(query.get("page", 1)) - 1) * per_page
        items = [_search_item(pr) for pr in found[start : start + per_page]]

        return {"total_count": len(found), "incomplete_results": False, "items": items}

    def _page(
        self, path: str, items: list[Any], query: dict[str, str]
    ) -> tuple[list[Any], str | None]:
        """Return one page of a REST list and its Link header."""
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        if page >= last:
            return chunk, None
        base = f"{self.url}{path}?per_page={per_page}&page="

        return chunk, f'<{base}{page + 1}>; rel="next", <{base}{last}>; rel="last"'

    def _graphql(self, headers: dict[str, str], body: bytes) -> Answer:
        """Return the answer of a GraphQL POST (only the search roastbot sends)."""
        if "authorization" not in headers:
            message = "This endpoint requires you to be authenticated."
            return _json(401, {"message": message, "documentation_url": DOCS})
        try:
            document = json.loads(body)
            text = document["query"]
            variables = document.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return _json(400, {"message": "Problems parsing JSON"})
        if "search(" not in text:
            return _json(200, {"errors": [{"message": "the fake only answers search"}]})

        found = self._matching(variables.get("q", ""))
        start = _offset(variables.get("after"))
        chunk = found[start : start + int(variables.get("first", 10))]
        limits = {name: int(count) for name, count in _FIRST_ARGUMENT.findall(text)}
        search = {
            "issueCount": len(found),
            "pageInfo": {
                "hasNextPage": start + len(chunk) < len(found),
                "endCursor": _cursor(start + len(chunk)) if chunk else None,
            },
            "nodes": [_pr_node(pr, limits) for pr in chunk],
        }

        return _json(200, {"data": {"search": search}}, _limits(headers, "graphql"))


_GRAPHQL_ERROR = {
    "type": "SERVICE_UNAVAILABLE",
    "path": ["search"],
    "locations": [{"line": 3, "column": 3}],
    "message": "Something went wrong while executing your query.",
}


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Answer:
    """Return a JSON answer."""
    body = json.dumps(payload).encode("utf-8")
    content = {"content-type": "application/json; charset=utf-8"}

    return status, {**content, **(headers or {})}, body


def _conditional(
    headers: dict[str, str], payload: Any, extra: dict[str, str] | None = None
) -> Answer:
    """Return a JSON answer with an ETag, or a 304 when the client has it already."""
    body = json.dumps(payload).encode("utf-8")
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:40]}"'
    common = {"etag": etag, **_limits(headers, "core"), **(extra or {})}
    if headers.get("if-none-match") == etag:
        return 304, common, b""

    return 200, {"content-type": "application/json; charset=utf-8", **common}, body


def _limits(headers: dict[str, str], resource: str) -> dict[str, str]:
    """Return plausible x-ratelimit-* headers."""
    limit = "5000" if "authorization" in headers else "60"

    return {
        "x-ratelimit-limit": limit,
        "x-ratelimit-remaining": str(int(limit) - 1),
        "x-ratelimit-reset": str(int(time.time()) + 3600),
        "x-ratelimit-resource": resource,
    }


def _query(query: dict[str, str]) -> str:
    return "&".join(f"{name}={value}" for name, value in query.items())


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(base64.b64decode(cursor).decode().removeprefix("cursor:"))


def _user(login: str) -> dict[str, Any]:
    return {
        "login": login,
        "id": 1000 + len(login),
        "type": "User",
        "site_admin": False,
    }


def _html_url(pr: FakePR) -> str:
    return f"https://github.com/{pr.repo}/pull/{pr.number}"


def _search_item(pr: FakePR) -> dict[str, Any]:
    """Return a /search/issues item for a PR."""
    api = f"https://api.github.com/repos/{pr.repo}"
    return {
        "url": f"{api}/issues/{pr.number}",
        "repository_url": api,
        "html_url": _html_url(pr),
        "number": pr.number,
        "title": pr.title,
        "user": _user(pr.author),
        "state": "closed",
        "created_at": _iso(pr.opened),
        "closed_at": _iso(pr.merged_at),
        "pull_request": {
            "url": f"{api}/pulls/{pr.number}",
            "html_url": _html_url(pr),
            "merged_at": _iso(pr.merged_at),
        },
        "body": pr.body or None,
        "score": 1.0,
    }


def _pull_payload(pr: FakePR) -> dict[str, Any]:
    """Return a /repos/{o}/{r}/pulls/{n} answer."""
    return {
        "url": f"https://api.github.com/repos/{pr.repo}/pulls/{pr.number}",
        "html_url": _html_url(pr),
        "number": pr.number,
        "state": "closed",
        "title": pr.title,
        "user": _user(pr.author),
        "body": pr.body or None,
        "created_at": _iso(pr.opened),
        "closed_at": _iso(pr.merged_at),
        "merged_at": _iso(pr.merged_at),
        "merged": True,
        "commits": pr.commits,
        "additions": pr.additions,
        "deletions": pr.deletions,
        "changed_files": pr.files,
    }


def _file_payloads(pr: FakePR) -> list[dict[str, Any]]:
    return [
        {
            "filename": path,
            "status": "modified",
            "additions": added,
            "deletions": deleted,
            "changes": added + deleted,
        }
        for path, added, deleted in pr.file_list()[:FILE_LIMIT]
    ]


def _commit_payloads(pr: FakePR) -> list[dict[str, Any]]:
    return [
        {
            "sha": sha,
            "commit": {
                "author": {"name": pr.author, "date": _iso(authored)},
                "message": message,
            },
            "author": _user(pr.author),
        }
        for sha, message, authored in pr.commit_list()[:COMMIT_LIMIT]
    ]


def _review_payloads(pr: FakePR) -> list[dict[str, Any]]:
    return [
        {"id": index, "user": _user(login), "body": body, "state": state}
        for index, (login, state, body) in enumerate(pr.reviews, start=1)
    ]


def _comment_payloads(pr: FakePR) -> list[dict[str, Any]]:
    return [
        {"id": index, "path": "src/module_0001.py", "user": _user(login), "body": body}
        for index, (login, body) in enumerate(pr.comments, start=1)
    ]


_PART_PAYLOADS = {
    "files": _file_payloads,
    "commits": _commit_payloads,
    "reviews": _review_payloads,
    "comments": _comment_payloads,
}


def _pr_node(pr: FakePR, limits: dict[str, int]) -> dict[str, Any]:
    """Return a GraphQL PullRequest node, honouring the query's `first:` limits."""

    def first(name: str, items: list[Any]) -> list[Any]:
        return items[: limits.get(name, 100)]

    commits = [
        {"commit": {"oid": sha, "message": message, "authoredDate": _iso(authored)}}
        for sha, message, authored in pr.commit_list()
    ]
    files = [
        {"path": path, "additions": added, "deletions": deleted}
        for path, added, deleted in pr.file_list()
    ]
    reviews = [
        {"author": {"login": login}, "body": body, "state": state}
        for login, state, body in pr.reviews
    ]
    threads = [
        {
            "comments": {
                "nodes": first("comments", [{"author": {"login": login}, "body": body}])
            }
        }
        for login, body in pr.comments
    ]
    issues = [
        {"number": number, "repository": {"nameWithOwner": pr.repo}}
        for number in pr.closes
    ]

    return {
        "number": pr.number,
        "title": pr.title,
        "url": _html_url(pr),
        "body": pr.body,
        "createdAt": _iso(pr.opened),
        "mergedAt": _iso(pr.merged_at),
        "additions": pr.additions,
        "deletions": pr.deletions,
        "changedFiles": pr.files,
        "author": {"login": pr.author},
        "commits": {"totalCount": pr.commits, "nodes": first("commits", commits)},
        "files": {"nodes": first("files", files)},
        "reviews": {"nodes": first("reviews", reviews)},
        "reviewThreads": {"nodes": first("reviewThreads", threads)},
        "closingIssuesReferences": {"nodes": first("closingIssuesReferences", issues)},
    }


class _Handler(BaseHTTPRequestHandler):
    """Hand each request to the server's FakeGitHub."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep quiet; tests read `requests` instead."""

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, extra, payload = self.server.fake.handle(
            self.command, self.path, headers, body
        )
        try:
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (hang mode); nothing left to tell it.
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, fake: FakeGitHub) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


@contextmanager
def serve() -> Iterator[FakeGitHub]:
    """Run a fake GitHub on 127.0.0.1 (a free port) until the block ends."""
    fake = FakeGitHub()
    with running(_Server(fake), fake.release) as url:
        fake.url = url
        yield fake


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """Yield a running fake GitHub API; seed it with `add_pr`, set `mode`."""
    with serve() as fake:
        yield fake
