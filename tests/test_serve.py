"""`roastbot serve`: flags for Hugo, the watch loop, stopping, real `hugo server`."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import watchfiles
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from conftest import Hugo, SiteFactory, _clean_env, write
from roastbot import serve
from roastbot.cli import app
from roastbot.serve import SiteWatch, Update

CONFIG = """
title = "Log"
timeZone = "America/Chicago"
[params]
mainSections = ["posts"]
[[params.roastbot.authors]]
handle = "ada"
name = "Ada Quill"
"""
# Dates well in the past, so `hugo server` (on the real clock) publishes them all.
FIRST = '+++\ntitle = "First"\ndate = 2020-01-10\nauthor = "Ada Quill"\n+++\nHi.\n'
NEWER = '+++\ntitle = "Newer"\ndate = 2020-02-10\nauthor = "Ada Quill"\n+++\nHo.\n'
NOW = "2020-03-01T12:00:00-06:00"

runner = CliRunner()


# Flags: what roastbot keeps and what `hugo server` gets.


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace run_serve with a recorder of its arguments."""
    calls: list[dict[str, Any]] = []

    def record(site: Path, hugo_args: list[str], **options: Any) -> int:
        calls.append({"site": site, "hugo_args": hugo_args, **options})
        return 0

    monkeypatch.setattr(serve, "run_serve", record)

    return calls


BIND = ["--port", "1414", "--bind", "127.0.0.1"]


@pytest.mark.parametrize(
    ("args", "hugo_args"),
    [
        (BIND, BIND),
        (["--", *BIND], BIND),
        (
            ["--port=1414", "-D", "--disableFastRender"],
            ["--port=1414", "-D", "--disableFastRender"],
        ),
        (
            ["-v", "--baseURL", "http://x/", "--", "-e", "x"],
            ["--baseURL", "http://x/", "-e", "x"],
        ),
        ([], []),
    ],
)
def test_unknown_flags_go_to_hugo_server(
    make_site: SiteFactory,
    captured: list[dict[str, Any]],
    args: list[str],
    hugo_args: list[str],
) -> None:
    """roastbot takes its own options; the rest reach `hugo server` in order."""
    site = make_site({"hugo.toml": CONFIG})

    result = runner.invoke(
        app, ["serve", "--site", str(site), "--hugo", sys.executable, *args]
    )

    assert result.exit_code == 0, result.output
    [call] = captured
    assert call["hugo_args"] == hugo_args
    assert call["site"] == site
    assert call["hugo"] == sys.executable


def test_roastbot_options_are_not_passed_on(
    make_site: SiteFactory, captured: list[dict[str, Any]]
) -> None:
    """--site, --now, -e and --hugo are roastbot's, wherever they stand."""
    site = make_site({"hugo.toml": CONFIG})

    result = runner.invoke(
        app,
        ["serve", "--port", "1", "-e", "staging", "--now", NOW, "-s", str(site),
         "--hugo", sys.executable, "--bind", "0.0.0.0"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    [call] = captured
    assert call["hugo_args"] == ["--port", "1", "--bind", "0.0.0.0"]
    assert call["environment"] == "staging"
    assert call["now"] == NOW


def test_hugo_arguments_drop_only_a_leading_separator() -> None:
    """A `--` first only separates; a later one is Hugo's."""
    assert serve.hugo_arguments(["--", "--port", "1"]) == ["--port", "1"]
    assert serve.hugo_arguments(["--port", "1", "--"]) == ["--port", "1", "--"]
    assert serve.hugo_arguments([]) == []


def test_find_hugo_prefers_the_flag_then_hugo_then_path(tmp_path: Path) -> None:
    """--hugo wins over $HUGO, which wins over `hugo` on PATH."""
    folder = tmp_path / "bin"
    on_path, named, flagged = (
        _script(folder / "hugo"), _script(tmp_path / "h2"), _script(tmp_path / "h3")
    )  # fmt: skip
    env = {"PATH": str(folder), "HUGO": str(named)}

    assert serve.find_hugo(str(flagged), env) == str(flagged)
    assert serve.find_hugo(None, env) == str(named)
    assert serve.find_hugo(None, {"PATH": str(folder)}) == str(on_path)
    assert serve.find_hugo(None, {"PATH": str(tmp_path / "none")}) is None
    assert serve.find_hugo(str(tmp_path / "missing"), env) is None


def test_missing_hugo_is_an_error(make_site: SiteFactory, tmp_path: Path) -> None:
    """Without a Hugo to run, serve says so and exits 1 before generating."""
    site = make_site({"hugo.toml": CONFIG})

    result = runner.invoke(
        app, ["serve", "--site", str(site), "--hugo", str(tmp_path / "nope")]
    )

    assert result.exit_code == 1
    assert "cannot find Hugo" in result.output
    assert not (site / "data" / "roastbot.json").exists()


# What the watcher reacts to.


def test_the_filter_sees_content_and_config_only(make_site: SiteFactory) -> None:
    """Entries and config count; Hugo's output, roastbot's files, temp files don't."""
    site = make_site({"hugo.toml": CONFIG}).resolve()
    watch = SiteWatch.load(site, "development", {})
    relevant = [
        "content/posts/new.md",
        "content/posts/bundle/index.md",
        "content/_index.md",
        "hugo.toml",
        "hugo.yaml",
        "config/_default/params.toml",
        "config/development/hugo.toml",
    ]
    ignored = [
        "public/index.html",
        "public/posts/new/index.html",
        "resources/_gen/images/x.png",
        ".hugo_build.lock",
        "data/roastbot.json",
        "data/.roastbot.json.abc123.tmp",
        ".roastbot/cache/github/0.json",
        "content/posts/.new.md.swp",
        "content/posts/new.md~",
        "content/posts/4913",
        "content/posts/#new.md#",
        "content/.git/index",
        "layouts/home.html",
        "README.md",
        "config/_default/.params.toml.swp",
    ]

    def sees(name: str) -> bool:
        return watch(watchfiles.Change.modified, str(site / name))

    assert [n for n in relevant if not sees(n)] == []
    assert [n for n in ignored if sees(n)] == []


def test_the_filter_follows_content_and_publish_dirs(make_site: SiteFactory) -> None:
    """contentDir, publishDir and the cache dir come from the site's config."""
    config = (
        CONFIG.replace('title = "Log"', 'title = "Log"\ncontentDir = "posts-src"\n'
                       'publishDir = "out"')
        + '\n[params.roastbot]\ncache_dir = "cache"\n'
    )  # fmt: skip
    site = make_site({"hugo.toml": config}).resolve()
    watch = SiteWatch.load(site, "development", {})

    def sees(name: str) -> bool:
        return watch(watchfiles.Change.added, str(site / name))

    assert sees("posts-src/a.md")
    assert not sees("content/a.md")
    assert not sees("out/index.html")
    assert not sees("cache/github/0.json")


# The watch loop, without Hugo.


@contextlib.contextmanager
def watching(site: Path, updates: list[Update]) -> Iterator[list[str]]:
    """Run watch_and_regenerate on `site` in a thread until the block ends."""
    stop, ready, log = threading.Event(), threading.Event(), list[str]()
    thread = threading.Thread(
        target=serve.watch_and_regenerate,
        args=(site,),
        kwargs={
            "stop_event": stop,
            "now": NOW,
            "env": {},
            "on_update": updates.append,
            "ready": ready,
            "log": log.append,
        },
        daemon=True,
    )
    thread.start()
    try:
        assert ready.wait(10), "the watcher did not start"
        yield log
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive(), "the watcher did not stop"


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll `check` until true; return how long it took, or fail after `seconds`."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            pytest.fail(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)

    return time.monotonic() - start


def last_post(site: Path) -> str | None:
    data = json.loads((site / "data" / "roastbot.json").read_text(encoding="utf-8"))
    post = data["site"]["last_post"]

    return None if post is None else str(post["path"])


# What `hugo server`, roastbot's cache and an editor write while nothing is saved.
IDLE_WRITES = (
    "public/index.html",
    "public/posts/newer/index.html",
    ".hugo_build.lock",
    "resources/_gen/assets/a.css",
    ".roastbot/cache/facts/x.json",
    "content/posts/.newer.md.swp",
    "content/posts/newer.md~",
    "data/.roastbot.json.1.tmp",
)


@pytest.fixture
def small_site(make_site: SiteFactory) -> Path:
    """A one-author site with one entry and its data file already generated."""
    site = make_site({"hugo.toml": CONFIG, "content/posts/first.md": FIRST})
    regenerator = serve.Regenerator(
        site, now=NOW, environment="development", env={}, log=lambda _: None
    )
    regenerator.run(offline=True)
    assert last_post(site) == "posts/first.md"

    return site


def test_a_saved_entry_updates_the_data_file_and_idle_writes_nothing(
    small_site: Path,
) -> None:
    """A new entry shows up within seconds; Hugo's own writes trigger nothing."""
    site, data = small_site, small_site / "data" / "roastbot.json"
    updates: list[Update] = []

    with watching(site, updates) as log:
        write(site / "content/posts/newer.md", NEWER)
        wait_for(lambda: last_post(site) == "posts/newer.md", 10, "the new entry")
        assert updates[-1].written
        assert updates[-1].changed == ("content/posts/newer.md",)
        assert log[-1].startswith(
            "updated data/roastbot.json after content/posts/newer.md changed"
        )

        before, stamp, seen = data.read_bytes(), data.stat().st_mtime_ns, len(updates)
        for name in IDLE_WRITES:
            write(site / name, "x\n")
        time.sleep(2)

        assert len(updates) == seen, updates[seen:]
        assert data.read_bytes() == before
        assert data.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in (site / "data").iterdir()) == [
        ".roastbot.json.1.tmp",  # the test's own stray file, not roastbot's
        "roastbot.json",
    ]


def test_bad_input_keeps_the_file_and_the_watch(small_site: Path) -> None:
    """A broken entry is reported, the old data file stays, and a fix is picked up."""
    site, data = small_site, small_site / "data" / "roastbot.json"
    updates: list[Update] = []
    before = data.read_bytes()

    with watching(site, updates) as log:
        write(site / "content/posts/newer.md", '+++\ntitle = "Newer\n+++\n')
        wait_for(lambda: bool(updates), 10, "the failed run")
        assert updates[-1].error is not None
        assert "content/posts/newer.md" in updates[-1].error
        assert data.read_bytes() == before
        assert any(line.startswith("error: content/posts/newer.md:") for line in log)

        write(site / "content/posts/newer.md", NEWER)
        wait_for(lambda: last_post(site) == "posts/newer.md", 10, "the fixed entry")
    assert not any("Traceback" in line for line in log)


def test_a_config_change_reruns_generate(small_site: Path) -> None:
    """Saving hugo.toml re-reads the config (here: a second author appears)."""
    site = small_site
    updates: list[Update] = []

    with watching(site, updates):
        config = CONFIG + '[[params.roastbot.authors]]\nhandle = "bo"\n'
        write(site / "hugo.toml", config)

        def has_bo() -> bool:
            text = (site / "data" / "roastbot.json").read_text(encoding="utf-8")
            return [a["handle"] for a in json.loads(text)["authors"]] == ["ada", "bo"]

        wait_for(has_bo, 10, "the second author")
    assert updates[-1].changed == ("hugo.toml",)


def test_serve_never_roasts(make_site: SiteFactory) -> None:
    """`roast = true` is left to generate: no model key, no plan, no roast posts."""
    site = make_site(
        {
            "hugo.toml": CONFIG + "\n[params.roastbot]\nroast = true\n",
            "content/posts/first.md": FIRST,
        }
    )
    regenerator = serve.Regenerator(
        site,
        now=NOW,
        environment="development",
        env={"OPENAI_API_KEY": "sk-never-sent"},
        log=lambda _: None,
    )

    run, written = regenerator.run(offline=True)

    assert written
    assert "OPENAI_API_KEY" not in regenerator.env
    assert run.plan is None
    assert run.data.roasts == []
    assert [a.roast_status for a in run.data.authors] == [None]
    assert sorted(p.name for p in (site / "content/posts").iterdir()) == ["first.md"]


# run_serve with a stand-in Hugo: arguments, exit codes, nothing left behind.


def _script(path: Path, body: str = "exit 0") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)

    return path


def _fake_hugo(tmp_path: Path, tail: str) -> tuple[Path, Path]:
    """A `hugo` that records its arguments and PID, starts a child, then runs `tail`."""
    record = tmp_path / "argv.txt"
    body = (
        f'printf "%s\\n" "$@" > {record}.part && mv {record}.part {record}\n'
        f"echo $$ > {record.with_name('pid.txt')}.part\n"
        f"mv {record.with_name('pid.txt')}.part {record.with_name('pid.txt')}\n"
        'touch "$3/.hugo_build.lock"\n'
        "sleep 60 &\n"
        f"{tail}"
    )

    return _script(tmp_path / "fake-hugo", body), record


@pytest.fixture
def serving(
    small_site: Path,
) -> Iterator[Callable[[Path], tuple[threading.Thread, threading.Event, list[int]]]]:
    """Return a function that runs run_serve with a given Hugo in a thread."""
    started: list[tuple[threading.Thread, threading.Event]] = []

    def start(hugo: Path) -> tuple[threading.Thread, threading.Event, list[int]]:
        stop, result = threading.Event(), list[int]()
        thread = threading.Thread(
            target=lambda: result.append(
                serve.run_serve(
                    small_site,
                    ["--port", "1414"],
                    hugo=str(hugo),
                    env={"PATH": os.environ["PATH"]},
                    now=NOW,
                    stop=stop,
                    log=lambda _: None,
                )
            ),
            daemon=True,
        )
        thread.start()
        started.append((thread, stop))

        return thread, stop, result

    yield start
    for thread, stop in started:
        stop.set()
        thread.join(10)


def _pid_of_group(record: Path) -> int:
    """Return the stand-in Hugo's PID, which leads its own process group."""
    pid_file = record.with_name("pid.txt")
    wait_for(lambda: pid_file.exists() and record.exists(), 10, "the stand-in hugo")
    pid = int(pid_file.read_text())
    assert os.getpgid(pid) == pid

    return pid


def live_members(group: int) -> list[str]:
    """Return the processes of a group that still run (zombies, awaiting their
    reaper, have stopped and are left out)."""
    out = subprocess.run(
        ["ps", "-A", "-o", "pgid=", "-o", "stat=", "-o", "pid=", "-o", "args="],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split(maxsplit=2) for line in out.splitlines()]

    return [
        row[2] for row in rows if int(row[0]) == group and not row[1].startswith("Z")
    ]


def test_run_serve_stops_hugo_and_its_children(
    small_site: Path, tmp_path: Path, serving: Any
) -> None:
    """Stopping ends Hugo's whole process group; Hugo gets `server --source SITE`."""
    hugo, record = _fake_hugo(tmp_path, "exec sleep 60")
    thread, stop, result = serving(hugo)
    group = _pid_of_group(record)
    assert len(live_members(group)) == 2

    stop.set()
    thread.join(10)

    assert result == [0]
    assert live_members(group) == []
    assert record.read_text().split("\n")[:-1] == [
        "server", "--source", str(small_site.resolve()),
        "--environment", "development", "--port", "1414",
    ]  # fmt: skip


def test_run_serve_returns_hugos_exit_code(tmp_path: Path, serving: Any) -> None:
    """When Hugo exits by itself, serve stops watching and exits with its code."""
    hugo, record = _fake_hugo(tmp_path, "sleep 0.5; exit 3")
    thread, _, result = serving(hugo)
    group = _pid_of_group(record)

    thread.join(10)

    assert result == [3]
    assert live_members(group) == []


# End to end with the real `hugo server`.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]

    return port


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            text: str = response.read().decode("utf-8")
            return text
    except OSError:
        return None


def entries(html: str | None) -> list[str]:
    """Return the footer's last-entry titles."""
    soup = BeautifulSoup(html or "", "html.parser")

    return [a.get_text() for a in soup.select(".roastbot-footer .roastbot-entry")]


@pytest.mark.hugo
def test_serve_with_real_hugo_follows_a_new_entry(
    hugo: Hugo, theme_site: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    """serve, page up, save an entry, footer follows; Ctrl-C leaves nothing behind."""
    site = theme_site(
        {
            "hugo.toml": CONFIG,
            "layouts/home.html": '<footer>{{ partial "roastbot/footer.html" . }}'
            "</footer>",
            "content/posts/first.md": FIRST,
        }
    )
    port, out = free_port(), tmp_path / "serve.log"
    command = [
        str(Path(sys.executable).parent / "roastbot"), "serve", "--site", str(site),
        "--hugo", str(hugo.binary), "--port", str(port), "--bind", "127.0.0.1",
        "--disableFastRender",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}/"

    with out.open("wb") as log:
        process = subprocess.Popen(
            [*DEFAULT_SIGINT, *command],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_clean_env(),
        )
    group = None
    try:
        wait_for(lambda: entries(fetch(url)) == ["First"], 20, f"{url}: {out}")
        group = _hugo_group(process.pid)

        write(site / "content/posts/newer.md", NEWER)
        wait_for(lambda: entries(fetch(url)) == ["Newer"], 20, "the new entry")

        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        if group is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)

    text = out.read_text(encoding="utf-8", errors="replace")
    assert code == 0, text
    assert "Traceback" not in text
    assert text.rstrip().endswith("roastbot: stopped"), text
    assert "roastbot: updated data/roastbot.json after content/posts/newer.md" in text
    assert live_members(group) == []


# Ctrl-C must reach roastbot even when the tests run with SIGINT ignored (`cmd &`).
DEFAULT_SIGINT = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


def _hugo_group(parent: int) -> int:
    """Return the process group of `parent`'s hugo child (its own group)."""
    out = subprocess.run(
        ["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "pgid="],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        pid, ppid, pgid = (int(part) for part in line.split())
        if ppid == parent:
            assert pid == pgid, "hugo should lead a process group of its own"
            return pid

    pytest.fail("no hugo child of roastbot serve")
