"""Ask an OpenAI-compatible model for a roast draft, and bring back only a valid one.

    answer cache hit?  -> the cached draft, no call
    rung ladder        json_schema -> json_object -> text, one step down per rejection
    each answer        refusal? valid RoastDraft? (else re-ask once) grounded? (else
                       re-ask once) -> the draft, or a one-line reason it failed

Nothing here raises for a misbehaving server: every fault ends as
`ModelResult.failure`. Each call costs one INFO line on the `roastbot` logger and one
line in the JSONL call log, which records what the model was told and answered.

The key rule. `OPENAI_API_KEY` is sent only to a base URL it was configured for:
OpenAI's own (`https://api.openai.com/v1`), the URL in `key_base_url`, or the URL in
`OPENAI_BASE_URL` (a key and a URL set side by side in one environment belong
together). URLs compare after normalising case, default ports and trailing slashes.
Any other server (Ollama, LM Studio, a proxy) gets the placeholder key "not-sent",
and, with it, none of the OpenAI organisation, project or custom headers the SDK
would otherwise take from the environment.

Base URL precedence: `base_url` in `[params.roastbot.llm]`, else `OPENAI_BASE_URL`,
else OpenAI's. The site's setting wins because it is the explicit, reviewed choice,
as an argument beats an environment variable in the SDK itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlsplit, urlunsplit

import openai
from pydantic import ValidationError

from roastbot.cache import JsonCache
from roastbot.errors import ConfigError
from roastbot.facts import PullRequestFact
from roastbot.prompt import RUNGS, build_messages, response_format
from roastbot.roastdraft import PROMPT_VERSION, RoastDraft

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.chat.completion_create_params import ResponseFormat

logger = logging.getLogger("roastbot")

DEFAULT_BASE_URL = "https://api.openai.com/v1"
WITHHELD_KEY = "not-sent"
ANSWERS = "llm-answers"
RUNG_MEMORY = "llm-rungs"
# How long a remembered rung is trusted before the ladder is tried from the top.
RUNG_MEMORY_AGE = timedelta(days=30)
# The longest retry-after a 429 may ask for; a longer wait fails now.
MAX_RETRY_AFTER = 10.0
# The pause before retrying a 5xx or a connection error.
BACKOFF = 1.0
# No call starts once a conversation has run this many call timeouts, so a run's
# worst case is about (TOTAL_TIMEOUTS + 1) x timeout, however the server misbehaves.
TOTAL_TIMEOUTS = 4
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FENCED_JSON = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n(.*?)```", re.DOTALL)
# How many `{` positions to try when digging a JSON object out of prose.
_MAX_OBJECT_STARTS = 50

Sleep = Callable[[float], None]
Check = Callable[[RoastDraft], str | None]
Headers = dict[str, str | openai.Omit]
_Reask = Literal["invalid", "ungrounded"]


@dataclass(frozen=True)
class LLMConfig:
    """Which model writes roasts, where it lives, and how long it may take."""

    api_key: str | None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    temperature: float = 0.8
    timeout: float = 30.0
    max_retries: int = 1
    max_prompt_tokens: int = 6000
    key_base_url: str | None = None

    def __repr__(self) -> str:
        """Return the config with the key masked."""
        key = "'***'" if self.api_key else "None"
        return (
            f"LLMConfig(api_key={key}, base_url={self.base_url!r}, "
            f"model={self.model!r}, temperature={self.temperature!r}, "
            f"timeout={self.timeout!r}, max_retries={self.max_retries!r}, "
            f"max_prompt_tokens={self.max_prompt_tokens!r}, "
            f"key_base_url={self.key_base_url!r})"
        )

    @classmethod
    def from_settings(cls, llm: Mapping[str, Any], env: Mapping[str, str]) -> LLMConfig:
        """Build a config from `[params.roastbot.llm]` and the environment."""
        from roastbot.settings import LLMSettings

        given = {name: value for name, value in llm.items() if value is not None}
        try:
            settings = LLMSettings.model_validate(given)
        except ValidationError as error:
            raise _config_error(error) from None
        api_key = (env.get("OPENAI_API_KEY") or "").strip() or None
        env_url = (env.get("OPENAI_BASE_URL") or "").strip() or None
        base_url = (settings.base_url or "").strip() or env_url
        key_base_url = settings.key_base_url
        if base_url and env_url and same_url(base_url, env_url):
            key_base_url = base_url

        return cls(
            api_key=api_key,
            base_url=base_url,
            model=settings.model,
            temperature=settings.temperature,
            timeout=settings.timeout_seconds,
            max_retries=settings.max_retries,
            max_prompt_tokens=settings.max_prompt_tokens,
            key_base_url=key_base_url,
        )

    @property
    def endpoint(self) -> str:
        """Return the base URL calls go to, normalised."""
        return normalize_url(self.base_url or DEFAULT_BASE_URL)

    def sends_key(self) -> bool:
        """Return whether the real key may go to this config's base URL."""
        if not self.api_key:
            return False
        trusted = {normalize_url(DEFAULT_BASE_URL)}
        if self.key_base_url:
            trusted.add(normalize_url(self.key_base_url))

        return self.endpoint in trusted

    def wire_key(self) -> str:
        """Return the key to send: the real one, or the placeholder."""
        return self.api_key if self.api_key and self.sends_key() else WITHHELD_KEY


@dataclass(frozen=True)
class ModelResult:
    """What asking the model came to: a draft, or a one-line reason there is none."""

    draft: RoastDraft | None
    model: str
    rung: str | None
    tokens_in: int | None
    tokens_out: int | None
    cached: bool
    calls: int
    failure: str | None


def normalize_url(url: str) -> str:
    """Return a URL with scheme and host lower-cased, no default port, no end slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port if parts.port != _DEFAULT_PORTS.get(scheme) else None
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@" if userinfo else ""
    netloc += f"{host}:{port}" if port else host

    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))


def same_url(first: str, second: str) -> bool:
    """Return whether two base URLs name the same endpoint."""
    return normalize_url(first) == normalize_url(second)


def display_url(url: str) -> str:
    """Return a URL fit for logs: normalised, without user or password."""
    parts = urlsplit(normalize_url(url))
    netloc = parts.netloc.rpartition("@")[2]

    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def write_with_model(
    pr: PullRequestFact,
    parts: dict[str, float],
    *,
    config: LLMConfig,
    cache: JsonCache,
    log_path: Path | None,
    now: datetime,
    check: Check | None = None,
    sleep: Sleep = time.sleep,
) -> ModelResult:
    """Return a model-written draft of a roast of `pr`, or why there is none."""
    key = answer_key(pr, parts, config)
    hit = _cached_answer(cache, key, config, check)
    if hit is not None:
        return hit
    try:
        client = _client(config)
    except openai.OpenAIError as error:
        reason = f"could not set up the model client: {_one_line(str(error))}"
        return ModelResult(None, config.model, None, None, None, False, 0, reason)
    memory = _RungMemory(cache, config, now)
    deadline = time.monotonic() + TOTAL_TIMEOUTS * config.timeout
    headers = _withheld_headers(config)
    session = _Session(config, client, log_path, sleep, headers, deadline)
    try:
        result = _Conversation(session, pr, parts, memory, check).run()
    finally:
        client.close()
    if result.draft is not None:
        _store_answer(cache, key, result)

    return result


def answer_key(pr: PullRequestFact, parts: dict[str, float], config: LLMConfig) -> str:
    """Return the answer cache key: a digest of what decides the answer (no key)."""
    material = {
        "model": config.model,
        "base_url": display_url(config.endpoint),
        "prompt_version": PROMPT_VERSION,
        "temperature": config.temperature,
        "facts": pr.model_dump(mode="json"),
        "parts": parts,
    }
    text = json.dumps(material, sort_keys=True, separators=(",", ":"))

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cached_answer(
    cache: JsonCache, key: str, config: LLMConfig, check: Check | None
) -> ModelResult | None:
    """Return a stored answer that still validates and passes `check`, or None."""
    value = cache.get(ANSWERS, key)
    if not isinstance(value, dict):
        return None
    try:
        draft = RoastDraft.model_validate(value.get("draft"))
    except ValidationError:
        return None
    if check is not None and check(draft) is not None:
        return None
    usage = value.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    rung = value.get("rung")

    return ModelResult(
        draft=draft,
        model=config.model,
        rung=rung if isinstance(rung, str) else None,
        tokens_in=_count(usage.get("prompt_tokens")),
        tokens_out=_count(usage.get("completion_tokens")),
        cached=True,
        calls=0,
        failure=None,
    )


def _store_answer(cache: JsonCache, key: str, result: ModelResult) -> None:
    """Keep a good answer: the draft, its rung and usage; never the key."""
    assert result.draft is not None
    cache.put(
        ANSWERS,
        key,
        {
            "model": result.model,
            "rung": result.rung,
            "draft": result.draft.model_dump(mode="json"),
            "usage": {
                "prompt_tokens": result.tokens_in,
                "completion_tokens": result.tokens_out,
            },
        },
    )


def _client(config: LLMConfig) -> openai.OpenAI:
    """Return an SDK client that never retries on its own and sends the wire key."""
    key = config.wire_key()

    return openai.OpenAI(
        api_key=key,
        base_url=config.base_url or DEFAULT_BASE_URL,
        timeout=config.timeout,
        max_retries=0,
        # Explicit, so an Authorization line in OPENAI_CUSTOM_HEADERS never wins.
        default_headers={"Authorization": f"Bearer {key}"},
    )


def _withheld_headers(config: LLMConfig) -> Headers:
    """Return the ambient OpenAI headers to drop when the key is withheld."""
    if config.sends_key():
        return {}
    names = ["OpenAI-Organization", "OpenAI-Project"]
    for line in os.environ.get("OPENAI_CUSTOM_HEADERS", "").split("\n"):
        name = line.partition(":")[0].strip()
        if name and name.lower() != "authorization":
            names.append(name)

    return dict.fromkeys(names, openai.omit)


class _RungMemory:
    """Which rung last worked for a (base URL, model), kept in the cache."""

    def __init__(self, cache: JsonCache, config: LLMConfig, now: datetime) -> None:
        self.cache = cache
        self.key = f"{display_url(config.endpoint)} {config.model}"
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)
        self.known = self._read()

    def _read(self) -> str | None:
        """Return the remembered rung, unless it is unknown or too old."""
        value = self.cache.get(RUNG_MEMORY, self.key)
        if not isinstance(value, dict) or value.get("rung") not in RUNGS:
            return None
        try:
            saved = datetime.fromisoformat(str(value.get("at")))
        except ValueError:
            return None
        if (
            saved.tzinfo is None
            or not timedelta(0) <= self.now - saved <= RUNG_MEMORY_AGE
        ):
            return None

        return str(value["rung"])

    def start(self) -> str:
        """Return the rung to start on."""
        return self.known or RUNGS[0]

    def remember(self, rung: str) -> None:
        """Store the rung a server just accepted, if it is news."""
        if rung != self.known:
            value = {"rung": rung, "at": self.now.isoformat()}
            self.cache.put(RUNG_MEMORY, self.key, value)
            self.known = rung


@dataclass(frozen=True)
class _Answer:
    """One chat completion, as far as roastbot reads it."""

    text: str | None
    refusal: str | None
    finish_reason: str | None


class _Fault(Exception):
    """A call that brought no answer; `reason` is the failure line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _RungRejected(_Fault):
    """The server refused this rung's response_format."""


class _Retryable(_Fault):
    """A fault a retry may cure (429, 5xx, connection), after `wait` seconds."""

    def __init__(self, reason: str, wait: float) -> None:
        super().__init__(reason)
        self.wait = wait


class _Invalid(Exception):
    """An answer that is not a valid draft: the failure line and the re-ask text."""

    def __init__(self, reason: str, feedback: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.feedback = feedback


@dataclass
class _Session:
    """One run's client, counters and call log."""

    config: LLMConfig
    client: openai.OpenAI
    log_path: Path | None
    sleep: Sleep
    extra_headers: Headers
    deadline: float
    trim: dict[str, object] = field(default_factory=dict)
    calls: int = 0
    tokens_in: int | None = None
    tokens_out: int | None = None
    log_broken: bool = False

    def ask(self, rung: str, messages: list[dict[str, str]]) -> _Answer:
        """Post once, retrying 429s, 5xx and connection errors a bounded number."""
        failures = 0
        while True:
            if time.monotonic() >= self.deadline:
                spent = TOTAL_TIMEOUTS * self.config.timeout
                raise _Fault(f"gave up after {self.calls} calls in {spent:g} s")
            try:
                return self._post(rung, messages)
            except _Retryable as trouble:
                failures += 1
                if trouble.wait > MAX_RETRY_AFTER:
                    asked = f"; the server asked to wait {trouble.wait:g} s"
                    raise _Fault(trouble.reason + asked) from None
                if failures > self.config.max_retries:
                    raise _Fault(trouble.reason + _times(failures)) from None
                self.sleep(trouble.wait)

    def _post(self, rung: str, messages: list[dict[str, str]]) -> _Answer:
        """Post one request; the one place the SDK's exceptions become faults."""
        self.calls += 1
        format_ = response_format(rung)
        sent = {
            "messages": messages,
            "temperature": self.config.temperature,
            "response_format": format_,
        }
        create = self.client.chat.completions.with_raw_response.create
        try:
            raw = create(
                model=self.config.model,
                messages=cast("list[ChatCompletionMessageParam]", messages),
                temperature=self.config.temperature,
                response_format=cast("ResponseFormat", format_)
                if format_ is not None
                else openai.omit,
                extra_headers=self.extra_headers,
            )
        except openai.OpenAIError as error:
            fault = _translate(error, rung, self.config)
            self._record(rung, sent, _status(error), {"error": fault.reason})
            raise fault from None
        try:
            parsed: object = raw.parse()
        except (ValueError, openai.OpenAIError):
            parsed = None
        try:
            answer, usage = _read_completion(parsed)
        except _Fault as fault:
            outcome: dict[str, Any] = {"error": fault.reason, "body": raw.text[:2000]}
            self._record(rung, sent, raw.status_code, outcome)
            raise
        self._count(usage)
        outcome = {
            "answer": answer.text,
            "refusal": answer.refusal,
            "finish_reason": answer.finish_reason,
            "usage": usage,
        }
        self._record(rung, sent, raw.status_code, outcome)

        return answer

    def _count(self, usage: dict[str, int | None]) -> None:
        """Add one call's token counts to the run's."""
        prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
        if prompt is not None:
            self.tokens_in = (self.tokens_in or 0) + prompt
        if completion is not None:
            self.tokens_out = (self.tokens_out or 0) + completion

    def _record(
        self,
        rung: str,
        sent: dict[str, Any],
        status: int | str,
        outcome: dict[str, Any],
    ) -> None:
        """Log the call's INFO line and append its JSONL record."""
        where = display_url(self.config.endpoint)
        logger.info("POST %s/chat/completions %s (%s)", where, status, rung)
        if self.log_path is None:
            return
        self._append(
            {
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "base_url": where,
                "model": self.config.model,
                "rung": rung,
                "call": self.calls,
                "request": sent,
                "trimmed": self.trim,
                "status": status,
                **outcome,
            }
        )

    def _append(self, record: dict[str, Any]) -> None:
        """Append one line to the call log; a disk that refuses costs a warning."""
        assert self.log_path is not None
        line = json.dumps(record, ensure_ascii=False)
        secret = self.config.api_key
        if secret and secret in line:
            line = line.replace(secret, "[redacted]")
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as stream:
                stream.write(line + "\n")
        except OSError as error:
            if not self.log_broken:
                logger.warning(
                    "cannot write the model log %s: %s", self.log_path, error
                )
            self.log_broken = True


class _Conversation:
    """Walk the ladder and the re-asks for one PR until a draft or a failure."""

    def __init__(
        self,
        session: _Session,
        pr: PullRequestFact,
        parts: dict[str, float],
        memory: _RungMemory,
        check: Check | None,
    ) -> None:
        self.session = session
        self.pr = pr
        self.parts = parts
        self.memory = memory
        self.check = check
        self.rung = memory.start()
        self.messages = self._fresh_messages()
        self.reasks: dict[_Reask, int] = {"invalid": 1, "ungrounded": 1}

    def run(self) -> ModelResult:
        """Return the draft, or the reason there is none."""
        while True:
            result = self._step()
            if result is not None:
                return result

    def _step(self) -> ModelResult | None:
        """Make one call and judge it; None means call again."""
        try:
            answer = self.session.ask(self.rung, self.messages)
        except _RungRejected as rejected:
            return self._step_down(rejected.reason)
        except _Fault as fault:
            return self._end(None, fault.reason)
        self.memory.remember(self.rung)
        if answer.refusal:
            return self._end(None, f"refused: {_one_line(answer.refusal)}")

        return self._judge(answer)

    def _step_down(self, reason: str) -> ModelResult | None:
        """Move one rung down the ladder with a fresh prompt, or fail at the bottom."""
        index = RUNGS.index(self.rung)
        if index + 1 >= len(RUNGS):
            return self._end(None, reason)
        self.rung = RUNGS[index + 1]
        self.messages = self._fresh_messages()

        return None

    def _judge(self, answer: _Answer) -> ModelResult | None:
        """Accept a valid, grounded draft; else re-ask once per kind of problem."""
        try:
            draft = _read_draft(answer)
        except _Invalid as invalid:
            return self._reask("invalid", answer, invalid.reason, invalid.feedback)
        problem = self.check(draft) if self.check is not None else None
        if problem is None:
            return self._end(draft, None)
        feedback = f"it is not grounded in the facts: {problem}"

        return self._reask("ungrounded", answer, f"ungrounded: {problem}", feedback)

    def _reask(
        self, kind: _Reask, answer: _Answer, reason: str, feedback: str
    ) -> ModelResult | None:
        """Ask again with the problem spelled out, once per kind; else fail."""
        if self.reasks[kind] == 0:
            return self._end(None, reason)
        self.reasks[kind] -= 1
        self.messages = [
            *self.messages,
            {"role": "assistant", "content": answer.text or ""},
            {
                "role": "user",
                "content": f"Your answer was invalid: {feedback}. "
                "Answer again with only the JSON object.",
            },
        ]

        return None

    def _end(self, draft: RoastDraft | None, failure: str | None) -> ModelResult:
        """Return the result, with the session's counts."""
        session = self.session
        secret = session.config.api_key
        if failure and secret:
            failure = failure.replace(secret, "[redacted]")

        return ModelResult(
            draft=draft,
            model=session.config.model,
            rung=self.rung,
            tokens_in=session.tokens_in,
            tokens_out=session.tokens_out,
            cached=False,
            calls=session.calls,
            failure=failure,
        )

    def _fresh_messages(self) -> list[dict[str, str]]:
        """Return this rung's first prompt."""
        budget = self.session.config.max_prompt_tokens
        messages, self.session.trim = build_messages(
            self.pr, self.parts, budget_tokens=budget, rung=self.rung
        )

        return messages


def _translate(error: openai.OpenAIError, rung: str, config: LLMConfig) -> _Fault:
    """Return the fault an SDK exception stands for."""
    if isinstance(error, openai.APITimeoutError):
        return _Fault(f"timed out after {config.timeout:g} s")
    if isinstance(error, openai.APIConnectionError):
        host = urlsplit(config.endpoint).netloc.rpartition("@")[2]
        return _Retryable(f"could not reach {host}", BACKOFF)
    if isinstance(error, openai.APIStatusError):
        return _status_fault(error, rung)
    if isinstance(error, openai.APIResponseValidationError):
        return _Fault("the model server's answer is not a chat completion")

    return _Fault(f"{type(error).__name__}: {_one_line(str(error))}")


def _status_fault(error: openai.APIStatusError, rung: str) -> _Fault:
    """Return the fault for an HTTP error status."""
    status = error.status_code
    message = _error_message(error)
    if status == 429:
        wait = _retry_after(error.response.headers) or BACKOFF
        return _Retryable("rate limited (429)", wait)
    if status >= 500:
        return _Retryable(f"server error ({status})", BACKOFF)
    mentions_format = "response_format" in message or rung in message
    if rung != RUNGS[-1] and (status == 400 or (status == 422 and mentions_format)):
        return _RungRejected(f"rejected {rung} ({status}): {message}")
    if status in (401, 403):
        return _Fault(f"the model server refused the credentials ({status})")

    return _Fault(f"HTTP {status}: {message}")


def _error_message(error: openai.APIStatusError) -> str:
    """Return the server's own error message, on one short line."""
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return _one_line(inner["message"])
        if isinstance(inner, str):
            return _one_line(inner)

    return _one_line(error.message)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Return the seconds a 429 asks to wait, from retry-after-ms or retry-after."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        if seconds >= 0:
            return seconds

    return None


def _status(error: openai.OpenAIError) -> int | str:
    """Return what the INFO line shows for a failed call: a status, or what happened."""
    if isinstance(error, openai.APIStatusError):
        return error.status_code
    if isinstance(error, openai.APITimeoutError):
        return "timeout"
    if isinstance(error, openai.APIConnectionError):
        return "connection-error"

    return type(error).__name__


def _read_completion(completion: object) -> tuple[_Answer, dict[str, int | None]]:
    """Return the first choice and the usage of a chat completion."""
    from openai.types.chat import ChatCompletion

    if completion is None or isinstance(completion, str):
        raise _Fault("the model server sent a body that is not JSON")
    if not isinstance(completion, ChatCompletion):
        raise _Fault("the model server's answer is not a chat completion")
    try:
        choice = completion.choices[0]
        message = choice.message
        answer = _Answer(
            text=_text_or_none(message.content),
            refusal=_text_or_none(message.refusal),
            finish_reason=_text_or_none(choice.finish_reason),
        )
    except (AttributeError, IndexError, TypeError, KeyError):
        raise _Fault("the model server's answer is not a chat completion") from None
    usage = getattr(completion, "usage", None)
    counts = {
        "prompt_tokens": _count(getattr(usage, "prompt_tokens", None)),
        "completion_tokens": _count(getattr(usage, "completion_tokens", None)),
    }
    if answer.finish_reason == "content_filter" and not answer.refusal:
        answer = _Answer(
            answer.text, "the content filter stopped the answer", "content_filter"
        )

    return answer, counts


def _read_draft(answer: _Answer) -> RoastDraft:
    """Return the answer as a valid draft, or raise what is wrong with it."""
    if answer.finish_reason == "length":
        raise _Invalid(
            "the answer was cut off at the model's length limit",
            'it was cut off before the end (finish_reason "length"); write less',
        )
    value = _json_object(answer.text or "")
    try:
        return RoastDraft.model_validate(value)
    except ValidationError as error:
        summary = _schema_errors(error)
        raise _Invalid(
            f"answer did not match the schema: {summary}",
            f"it does not match the schema ({summary})",
        ) from None


def _json_object(text: str) -> object:
    """Return the first JSON object in `text`: whole, in a ```json fence, in prose."""
    invalid = _Invalid("invalid JSON from the model", "it is not a JSON object")
    candidates = [
        text.strip(),
        *(m.group(1).strip() for m in _FENCED_JSON.finditer(text)),
    ]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    starts = [m.start() for m in re.finditer(r"\{", text)][:_MAX_OBJECT_STARTS]
    for start in starts:
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value

    raise invalid


def _schema_errors(error: ValidationError) -> str:
    """Return the first few validation errors as `where: what` on one line."""
    problems = []
    for item in error.errors()[:4]:
        where = ".".join(str(part) for part in item["loc"]) or "the answer"
        problems.append(f"{where}: {item['msg']}")
    more = error.error_count() - len(problems)
    if more > 0:
        problems.append(f"{more} more")

    return "; ".join(problems)


def _config_error(error: ValidationError) -> ConfigError:
    """Return a ConfigError naming the first bad `[params.roastbot.llm]` key."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "llm"

    return ConfigError(
        f"[params.roastbot.llm] {where}: {first['msg']}",
        hint="see the llm settings in the README for the keys and their ranges",
    )


def _times(failures: int) -> str:
    """Return how often a fault happened, as words after its reason."""
    if failures == 1:
        return ""
    if failures == 2:
        return " twice"

    return f" {failures} times"


def _one_line(text: str, width: int = 200) -> str:
    """Return text on one line, cut to `width` characters."""
    flat = " ".join(text.split())

    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _text_or_none(value: object) -> str | None:
    """Return a string value, or None for anything else."""
    return value if isinstance(value, str) else None


def _count(value: object) -> int | None:
    """Return a token count, or None when it is missing or not a number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
