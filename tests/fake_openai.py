"""A fake OpenAI chat completions server on 127.0.0.1, for tests that want a socket.

The openai client's 3.x line speaks HTTP through httpx2, so httpx mocks never see
its requests; this server does. It answers POST /v1/chat/completions (and
/chat/completions) with chat completion objects in OpenAI's documented shape, and
misbehaves on request. Set `mode`:

    normal              a valid draft (`draft`, by default SAMPLE_DRAFT)
    429                 429 with retry-after: `retry_after`
    500                 500 with an OpenAI-style error body
    hang                wait `hang_seconds` before answering, past a client's timeout
    garbage             200, content-type JSON, a body that is not JSON
    refusal             200 with `message.refusal` set and no content
    schema-invalid      200 with JSON that is not a RoastDraft (no verdict)
    reject-json-schema  400 for response_format json_schema; others answer normally
    reject-json-object  400 for any response_format; only plain text answers
    fenced              the draft inside prose and a ```json fence
    length              first a truncated draft with finish_reason "length", then
                        normal answers

Replies queued with `script()` are served first, one per request, whatever the
mode. Each request is kept in `requests` (lower-cased header names, parsed body).
Use the `fake_openai` fixture, or `serve()` as a context manager.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from loopback import running

MODES = (
    "normal",
    "429",
    "500",
    "hang",
    "garbage",
    "refusal",
    "schema-invalid",
    "reject-json-schema",
    "reject-json-object",
    "fenced",
    "length",
)
PATHS = ("/v1/chat/completions", "/chat/completions")
CREATED = 1_767_225_600  # 2026-01-01T00:00:00Z

# A roast of tests/test_llm.py's sample PR that quotes only its facts.
SAMPLE_DRAFT: dict[str, Any] = {
    "title": "The Retry Whisperer",
    "description": "octocat teaches the uploader to try again, then does the same.",
    "opening": (
        "octocat merged PR #42 to make the uploader retry failed uploads, "
        "a goal nobody could argue with."
    ),
    "sections": [
        {
            "heading": "Five commits, two of them apologies",
            "body": 'The log goes from "Add upload retries" to "fix lint" to '
            '"fix tests again", which is retrying, just by hand.',
        },
        {
            "heading": "The reviewer asked",
            "body": "hubot asked for tests; the PR answered with +180 -20 lines.",
        },
    ],
    "compliment": "The backoff itself is clean and small.",
    "verdict": {
        "persona": "The Retry Whisperer",
        "line": "teaches code to try again by trying again",
    },
}


@dataclass
class Reply:
    """One scripted answer: a completion (content or refusal) or a raw body."""

    status: int = 200
    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    """One request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def authorization(self) -> str | None:
        """Return the Authorization header, if any."""
        return self.headers.get("authorization")

    @property
    def format_type(self) -> str | None:
        """Return `response_format.type`, or None when there is none."""
        format_ = self.body.get("response_format")

        return format_.get("type") if isinstance(format_, dict) else None


@dataclass
class FakeOpenAI:
    """The fake's state: how to answer, and what it was asked."""

    mode: str = "normal"
    draft: dict[str, Any] = field(default_factory=lambda: dict(SAMPLE_DRAFT))
    retry_after: str = "1"
    hang_seconds: float = 10.0
    usage: tuple[int, int] = (100, 50)
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    replies: deque[Reply] = field(default_factory=deque)
    _released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        """Return the URL to configure as `base_url` (with /v1)."""
        return f"{self.url}/v1"

    @property
    def calls(self) -> int:
        """Return how many chat completion requests arrived."""
        return sum(1 for r in self.requests if r.path in PATHS)

    def script(self, *replies: Reply) -> None:
        """Queue replies to serve, in order, before the mode applies."""
        self.replies.extend(replies)

    def release(self) -> None:
        """Wake any hanging request, so the server can stop."""
        self._released.set()

    def handle(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[Request, Reply]:
        """Record a request and return it with the reply to send."""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        request = Request(path, headers, body if isinstance(body, dict) else {})
        with self._lock:
            self.requests.append(request)
            calls = self.calls
            if path not in PATHS:
                return request, _error(404, "Unknown endpoint.", "invalid_request")
            if self.replies:
                return request, self.replies.popleft()

        return request, self._by_mode(request, calls)

    def _by_mode(self, request: Request, calls: int) -> Reply:
        """Return the reply the mode calls for."""
        draft = json.dumps(self.draft)
        replies = {
            "429": lambda: _error(
                429, "Rate limit reached.", "rate_limit_exceeded", self.retry_after
            ),
            "500": lambda: _error(500, "The server had an error.", "server_error"),
            "hang": lambda: Reply(content=draft, delay=self.hang_seconds),
            "garbage": lambda: Reply(body=b"<html>upstream exploded"),
            "refusal": lambda: Reply(refusal="I can't help with roasting people."),
            "schema-invalid": lambda: Reply(
                content=json.dumps(_without_verdict(self.draft))
            ),
            "fenced": lambda: Reply(
                content=f"Here you go!\n```json\n{draft}\n```\nEnjoy."
            ),
            "length": lambda: (
                Reply(content=draft[: len(draft) // 2], finish_reason="length")
                if calls == 1
                else Reply(content=draft)
            ),
        }
        if self._rejects(request):
            return _error(
                400,
                f"Invalid parameter: 'response_format' of type "
                f"'{request.format_type}' is not supported with this model.",
                "invalid_request_error",
            )

        return replies.get(self.mode, lambda: Reply(content=draft))()

    def _rejects(self, request: Request) -> bool:
        """Return whether the mode refuses this request's response_format."""
        kind = request.format_type
        if self.mode == "reject-json-schema":
            return kind == "json_schema"
        if self.mode == "reject-json-object":
            return kind is not None

        return False

    def encode(self, reply: Reply, model: str) -> tuple[int, dict[str, str], bytes]:
        """Return status, headers and body for a reply."""
        headers = {"content-type": reply.content_type, **reply.headers}
        if reply.body is not None:
            return reply.status, headers, reply.body
        prompt, completion = self.usage
        document = {
            "id": f"chatcmpl-fake{self.calls:04d}",
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": reply.content,
                        "refusal": reply.refusal,
                    },
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }

        return reply.status, headers, json.dumps(document).encode("utf-8")

    def wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, or until the fake is released."""
        self._released.wait(seconds)


def _error(
    status: int, message: str, kind: str, retry_after: str | None = None
) -> Reply:
    """Return an error reply with OpenAI's error body."""
    body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
    headers = {"retry-after": retry_after} if retry_after is not None else {}

    return Reply(status=status, headers=headers, body=json.dumps(body).encode("utf-8"))


def _without_verdict(draft: dict[str, Any]) -> dict[str, Any]:
    """Return the draft with its verdict removed, so it fails the schema."""
    return {name: value for name, value in draft.items() if name != "verdict"}


class _Handler(BaseHTTPRequestHandler):
    """Hand each request to the server's FakeOpenAI."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        fake = self.server.fake
        request, reply = fake.handle(self.path, headers, raw)
        if reply.delay:
            fake.wait(reply.delay)
        model = request.body.get("model")
        status, extra, payload = fake.encode(
            reply, model if isinstance(model, str) else ""
        )
        try:
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (hang mode); nothing left to tell it.
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Keep quiet; tests read `requests` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, fake: FakeOpenAI) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


@contextmanager
def serve(mode: str = "normal", **options: Any) -> Iterator[FakeOpenAI]:
    """Run a fake OpenAI server on 127.0.0.1 (a free port) until the block ends."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    fake = FakeOpenAI(mode=mode, **options)
    with running(_Server(fake), fake.release) as url:
        fake.url = url
        yield fake


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """Yield a running fake OpenAI server; set `mode` or `script()` replies."""
    with serve() as fake:
        yield fake
