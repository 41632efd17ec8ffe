"""`roastbot serve`: `hugo server` with a data file that follows the author's saves.

    generate (online, as configured) -> hugo server --source SITE ...
                                     -> watch content and config
                                        -> generate (offline) -> write if changed

The watcher looks only at what roastbot reads: the content directory and the Hugo
config (root file and config/). Everything `hugo server` and roastbot write (public/,
resources/, .hugo_build.lock, the data file, the cache, temporary files) is filtered
out, so an idle preview never rewrites its data file. Re-runs use the cache only, so a
save shows up in the footer as soon as Hugo rebuilds; a run that fails on bad input
leaves the previous data file in place and the preview keeps going.

Serving never writes roast posts and never calls a model: the pipeline gets no
OPENAI_API_KEY, and it asks for no roasts even when the config says `roast = true`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from roastbot import __version__
from roastbot.clock import ClockError
from roastbot.errors import Diagnostics, RoastbotError

if TYPE_CHECKING:
    import watchfiles

    from roastbot.pipeline import Run
    from roastbot.site import Site

# `hugo server` reads config/development/ unless told otherwise; so does serve.
SERVER_ENVIRONMENT = "development"
# How long Hugo gets to exit after SIGTERM before it is killed.
STOP_TIMEOUT = 5.0
# How often the watcher wakes with nothing to report (to notice a stop, or readiness).
IDLE_WAKE_MS = 400
# Editor and tool scratch files: vim swap and its write test, emacs locks, backups.
SCRATCH_SUFFIXES = (".swp", ".swo", ".swx", ".tmp", ".part", ".kate-swp", "~")
SCRATCH_NAMES = frozenset({"4913", ".DS_Store"})
ROOT_CONFIG_STEMS = ("hugo", "config")
CONFIG_SUFFIXES = (".toml", ".yaml", ".yml", ".json")

Log = Callable[[str], None]


class ServeError(RoastbotError):
    """Report that the preview cannot start (for example, Hugo will not run)."""


@dataclass(frozen=True)
class Update:
    """What one re-run after a save did."""

    changed: tuple[str, ...]
    """The saved paths that started it, relative to the site root, sorted."""
    written: bool
    """Whether the data file was replaced (False: unchanged, or the run failed)."""
    error: str | None = None
    """The error the run stopped at; the previous data file was kept."""
    seconds: float = 0.0


def _log(message: str) -> None:
    import typer

    typer.echo(f"roastbot: {message}", err=True)


def hugo_arguments(args: Sequence[str]) -> list[str]:
    """Return the arguments for `hugo server`: those roastbot did not take.

    A leading `--` (as in `roastbot serve -- --port 1414`) only separates them.
    """
    rest = list(args)
    if rest[:1] == ["--"]:
        rest = rest[1:]

    return rest


def find_hugo(option: str | None, env: Mapping[str, str]) -> str | None:
    """Return the Hugo to run: --hugo, else $HUGO, else `hugo` on PATH."""
    named = option or env.get("HUGO") or "hugo"
    if os.sep in named or (os.altsep and os.altsep in named):
        return named if Path(named).is_file() else None

    return shutil.which(named, path=env.get("PATH"))


def server_environment(environment: str | None, env: Mapping[str, str]) -> str:
    """Return the Hugo environment `hugo server` builds: as given, else development."""
    return (
        environment
        or env.get("HUGO_ENVIRONMENT")
        or env.get("HUGO_ENV")
        or SERVER_ENVIRONMENT
    )


class Regenerator:
    """Run the pipeline for one site and replace its data file when it changes."""

    def __init__(
        self,
        site_dir: Path,
        *,
        now: str | None,
        environment: str,
        env: Mapping[str, str],
        log: Log,
    ) -> None:
        self.site_dir = site_dir
        self.now = now
        self.environment = environment
        # No key, no model: a roast the preview asked for would cost money per save.
        self.env = {k: v for k, v in env.items() if k != "OPENAI_API_KEY"}
        self.log = log
        self._warned: set[str] = set()

    def run(self, *, offline: bool) -> tuple[Run, bool]:
        """Compute the report and write it; return the run and whether it was written.

        Raises `RoastbotError` (or `ClockError`) on input roastbot cannot honour.
        """
        from roastbot.pipeline import generate
        from roastbot.report import render_json, write_atomic

        run = generate(
            self.site_dir,
            now=self.now,
            source_date_epoch=self.env.get("SOURCE_DATE_EPOCH"),
            tz_variable=self.env.get("TZ"),
            environment=self.environment,
            offline=offline,
            env=self.env,
            roast=False,
            version=__version__,
        )
        self._report(run.diagnostics)

        return run, write_atomic(run.data_path, render_json(run.data))

    def _report(self, diagnostics: Diagnostics) -> None:
        """Print each warning the first time a run finds it, not on every save."""
        rendered = {w.render() for w in diagnostics.warnings}
        for text in sorted(rendered - self._warned):
            self.log(f"warning: {text}")
        self._warned = rendered


@dataclass(frozen=True)
class SiteWatch:
    """Decide which file events change roastbot's answer (a `watchfiles` filter)."""

    root: Path
    content_dir: Path
    ignored: tuple[Path, ...]

    @classmethod
    def of(cls, site: Site, env: Mapping[str, str]) -> SiteWatch:
        """Return the filter for a loaded site: its content dir and its config."""
        from roastbot.activity import cache_dir
        from roastbot.report import DATA_FILE_NAME

        root = site.root
        config = site.config
        ignored = (
            root / str(config.get("publishdir") or "public"),
            root / str(config.get("resourcedir") or "resources"),
            root / ".hugo_build.lock",
            cache_dir(site, env).resolve(),
            site.data_dir / DATA_FILE_NAME,
        )

        return cls(root, site.content_dir.resolve(), ignored)

    @classmethod
    def load(
        cls, site_dir: Path, environment: str, env: Mapping[str, str]
    ) -> SiteWatch:
        """Return the filter for the site at `site_dir`; defaults if unreadable."""
        from roastbot.report import DATA_FILE_NAME
        from roastbot.site import load_site

        try:
            site = load_site(
                site_dir, environment=environment, diagnostics=Diagnostics()
            )
        except RoastbotError:
            root = site_dir.resolve()
            return cls(
                root,
                root / "content",
                (
                    root / "public",
                    root / "resources",
                    root / ".hugo_build.lock",
                    root / ".roastbot",
                    root / "data" / DATA_FILE_NAME,
                ),
            )

        return cls.of(site, env)

    def roots(self) -> tuple[Path, ...]:
        """Return the folders to watch: the site, and the content dir if outside it."""
        if _within(self.content_dir, self.root) or not self.content_dir.is_dir():
            return (self.root,)

        return (self.root, self.content_dir)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        """Return whether a change at `path` can change the data file."""
        where = Path(path)
        if _is_scratch(where.name):
            return False
        if any(where == p or _within(where, p) for p in self.ignored):
            return False
        if _within(where, self.content_dir):
            return not _hidden(where, self.content_dir)
        if where.parent == self.root:
            return (
                where.stem.lower() in ROOT_CONFIG_STEMS
                and where.suffix.lower() in CONFIG_SUFFIXES
            )
        config_dir = self.root / "config"

        return _within(where, config_dir) and not _hidden(where, config_dir)

    def shown(self, path: str) -> str:
        """Return `path` relative to the site root, for messages."""
        where = Path(path)
        with contextlib.suppress(ValueError):
            return where.relative_to(self.root).as_posix()

        return str(where)


def _within(path: Path, folder: Path) -> bool:
    return folder in path.parents


def _hidden(path: Path, base: Path) -> bool:
    """Return whether a part of `path` below `base` is a dot name (Hugo skips them)."""
    return any(part.startswith(".") for part in path.relative_to(base).parts)


def _is_scratch(name: str) -> bool:
    """Return whether a file name is a temporary or editor file, never content."""
    return (
        name in SCRATCH_NAMES
        or name.startswith((".", "#"))
        or name.endswith(SCRATCH_SUFFIXES)
    )


def watch_and_regenerate(
    site_dir: Path,
    *,
    stop_event: threading.Event,
    now: str | None = None,
    environment: str | None = None,
    env: Mapping[str, str] | None = None,
    on_update: Callable[[Update], None] | None = None,
    ready: threading.Event | None = None,
    log: Log = _log,
    regenerator: Regenerator | None = None,
) -> None:
    """Re-run generate (offline) whenever content or config changes, until stopped.

    Sets `ready` once the watch is in place; calls `on_update` after every re-run.
    Bad input is reported and the previous data file kept; the watch goes on.
    """
    env = dict(os.environ if env is None else env)
    environment = server_environment(environment, env)
    regenerator = regenerator or Regenerator(
        site_dir, now=now, environment=environment, env=env, log=log
    )
    watch = SiteWatch.load(site_dir, environment, env)

    while not stop_event.is_set():
        roots = watch.roots()
        for changes in _changes(roots, watch, stop_event):
            if ready is not None:
                ready.set()
            if not changes:
                continue
            shown = tuple(sorted({watch.shown(path) for _, path in changes}))
            update, site = _rerun(regenerator, shown, log)
            if site is not None:
                watch = SiteWatch.of(site, env)
            if on_update is not None:
                on_update(update)
            if watch.roots() != roots:
                break  # contentDir moved out of (or into) the site: watch anew


def _changes(
    roots: tuple[Path, ...], watch: SiteWatch, stop_event: threading.Event
) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Yield batches of relevant changes, and an empty batch when idle for a while."""
    import watchfiles

    yield from watchfiles.watch(
        *roots,
        watch_filter=watch,
        stop_event=stop_event,
        rust_timeout=IDLE_WAKE_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    )


def _rerun(
    regenerator: Regenerator, changed: tuple[str, ...], log: Log
) -> tuple[Update, Site | None]:
    """Re-run generate after `changed` were saved; report it in one line."""
    from roastbot.report import DATA_FILE_NAME

    what = (
        changed[0] if len(changed) == 1 else f"{changed[0]} and {len(changed) - 1} more"
    )
    started = time.monotonic()
    try:
        run, written = regenerator.run(offline=True)
    except (RoastbotError, ClockError) as exc:
        log(f"error: {exc}")
        log(f"kept the previous {DATA_FILE_NAME} after {what} changed")
        return Update(changed, written=False, error=str(exc)), None

    seconds = time.monotonic() - started
    shown = run.site.relative(run.data_path)
    if written:
        log(f"updated {shown} after {what} changed ({seconds:.2f} s)")
    else:
        log(f"{shown} unchanged after {what} changed")

    return Update(changed, written=written, seconds=seconds), run.site


def run_serve(
    site: Path,
    hugo_args: Sequence[str],
    *,
    hugo: str,
    env: Mapping[str, str],
    now: str | None = None,
    environment: str | None = None,
    stop: threading.Event | None = None,
    on_update: Callable[[Update], None] | None = None,
    log: Log = _log,
) -> int:
    """Generate, run `hugo server` on the site, and keep the data file current.

    Returns Hugo's exit code if it stops by itself, else 0 once `stop` is set or the
    user presses Ctrl-C (SIGTERM and SIGHUP count as Ctrl-C). Either way Hugo and the
    watcher are stopped before this returns. Raises `RoastbotError` (or `ClockError`)
    if the first generate fails, and `ServeError` if Hugo cannot be started.
    """
    environment = server_environment(environment, env)
    regenerator = Regenerator(site, now=now, environment=environment, env=env, log=log)
    restore = _signals_as_interrupt()
    try:
        return _serve(
            site,
            hugo_args,
            hugo=hugo,
            env=env,
            environment=environment,
            regenerator=regenerator,
            stop=stop,
            on_update=on_update,
            log=log,
        )
    except KeyboardInterrupt:
        log("stopped")
        return 0
    finally:
        restore()


def _serve(
    site: Path,
    hugo_args: Sequence[str],
    *,
    hugo: str,
    env: Mapping[str, str],
    environment: str,
    regenerator: Regenerator,
    stop: threading.Event | None,
    on_update: Callable[[Update], None] | None,
    log: Log,
) -> int:
    run, written = regenerator.run(offline=False)
    shown = run.site.relative(run.data_path)
    log(f"{'wrote' if written else 'unchanged'} {shown}; starting hugo server")

    command = [
        hugo,
        "server",
        "--source",
        str(run.site.root),
        "--environment",
        environment,
        *hugo_args,
    ]
    try:
        # A session of its own: Ctrl-C reaches roastbot only, which stops Hugo.
        process = subprocess.Popen(command, env=dict(env), start_new_session=True)
    except OSError as exc:
        raise ServeError(f"cannot run {hugo}: {exc.strerror or exc}") from None

    watch_stop = threading.Event()
    watch = partial(
        watch_and_regenerate,
        site,
        stop_event=watch_stop,
        env=env,
        environment=environment,
        on_update=on_update,
        log=log,
        regenerator=regenerator,
    )
    watcher = threading.Thread(
        target=_watch_in_thread, args=(watch, log), name="roastbot-watch", daemon=True
    )
    code: int | None = None
    try:
        watcher.start()
        while code is None and not (stop is not None and stop.is_set()):
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=0.2)
    finally:
        with _interrupts_ignored():
            watch_stop.set()
            stop_process(process)
            watcher.join(timeout=STOP_TIMEOUT)

    if code is None:
        log("stopped")
        return 0
    log(f"hugo server exited with code {code}")

    return code


def _watch_in_thread(watch: Callable[[], None], log: Log) -> None:
    """Run the watcher; a crash ends the live updates, not the preview."""
    try:
        watch()
    except Exception:
        log("error: the watcher stopped; saves no longer update the data file")
        traceback.print_exc()


def stop_process(
    process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT
) -> None:
    """Stop a process started in its own session, and anything it started.

    SIGTERM to the group, a wait of `timeout`, then SIGKILL; returns once it is reaped.
    """
    group = process.pid
    if process.poll() is None:
        _signal_group(group, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(group, signal.SIGKILL)
            process.wait()
    # Hugo has gone; whatever it started (a PostCSS, say) must not outlive it.
    if group_alive(group):
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + 1.0
        while group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.05)
        _signal_group(group, signal.SIGKILL)


def group_alive(group: int) -> bool:
    """Return whether any process is left in process group `group`."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True

    return True


def _signal_group(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _signals_as_interrupt() -> Callable[[], None]:
    """Treat SIGTERM and SIGHUP like Ctrl-C, so they stop Hugo too; return an undo.

    A signal the caller set to be ignored (`nohup`) stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {
        sig: signal.signal(sig, _interrupt)
        for sig in (signal.SIGTERM, signal.SIGHUP)
        if signal.getsignal(sig) == signal.SIG_DFL
    }

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Let a second Ctrl-C not cut the shutdown short (it is bounded by timeouts)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
