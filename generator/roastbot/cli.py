"""The `roastbot` command line: parse, call the pipeline, report.

Exit codes: 0 on success (warnings allowed), 1 on input roastbot cannot honour (or on
warnings with --strict), 2 on usage errors.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from roastbot import __version__
from roastbot.clock import ClockError
from roastbot.errors import Diagnostics, RoastbotError

if TYPE_CHECKING:
    from roastbot.pipeline import Run
    from roastbot.report import AuthorReport

app = typer.Typer(
    name="roastbot",
    help=(
        "Keep a Hugo dev log's authors honest: days since each author's last entry "
        "and whether they keep their promise, written to data/roastbot.json before "
        "every build.\n\nExit codes: 0 success, 1 bad input (or warnings with "
        "--strict), 2 usage error."
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SiteOption = Annotated[
    Path,
    typer.Option(
        "--site",
        "-s",
        help="Hugo site root (where hugo.toml or config/ is).",
        exists=True,
        file_okay=False,
        show_default="current directory",
    ),
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Fix the clock, like `hugo --clock`: an ISO 8601 date or date-time. "
        "Without it, SOURCE_DATE_EPOCH, else the system clock.",
        show_default=False,
    ),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Log each network request and wait to stderr (never tokens).",
    ),
]
EnvironmentOption = Annotated[
    str | None,
    typer.Option(
        "--environment",
        "-e",
        envvar="HUGO_ENVIRONMENT",
        help="Hugo environment whose config/ folder is merged.",
        show_default="production",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"roastbot {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Keep a Hugo dev log's authors honest."""


@app.command()
def generate(
    site: SiteOption = Path(),
    now: NowOption = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Make no network calls: GitHub sources answer from the cache.",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 on any warning, writing nothing."),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the data file instead of writing it."),
    ] = False,
    environment: EnvironmentOption = None,
    verbose: VerboseOption = False,
    roast: Annotated[
        bool,
        typer.Option(
            "--roast",
            help="Write a roast post for each author who missed a period (also "
            "roast = true under [params.roastbot]). A model writes it when "
            "OPENAI_API_KEY is set, else the built-in roaster.",
        ),
    ] = False,
) -> None:
    """Write <dataDir>/roastbot.json for the site.

    Run it before `hugo`: the roastbot partials read the file at build time.
    """
    _configure_logging(verbose=verbose)
    with _progress("reading the site, its sources and roasts"):
        run = _run(site, now, environment, offline=offline, roast=roast or None)
    _report_warnings(run.diagnostics, strict=strict)

    from roastbot.report import render_json, write_atomic

    text = render_json(run.data)
    if dry_run:
        typer.echo(text, nl=False)
        for post in run.plan.posts if run.plan else []:
            _log(f"would write {run.site.relative(run.site.content_dir / post.path)}")
        return

    _write_posts(run)
    changed = write_atomic(run.data_path, text)
    shown = run.site.relative(run.data_path)
    verb = "wrote" if changed else "unchanged"
    _log(
        f"{verb} {shown}: {len(run.data.authors)} authors, "
        f"{run.data.site.entry_count} entries"
    )
    for author in run.data.authors:
        _log("  " + _summary(author))


@app.command()
def status(
    site: SiteOption = Path(),
    now: NowOption = None,
    environment: EnvironmentOption = None,
) -> None:
    """Show each author's last entry, days since, promise status and due date."""
    run = _run(site, now, environment, roast=False)
    _report_warnings(run.diagnostics, strict=False)

    from roastbot.table import render_status

    render_status(run.data)


@app.command()
def roast(
    pr: Annotated[
        str,
        typer.Option(
            "--pr",
            help="The pull request to roast, as OWNER/REPO#N. Its facts come from "
            "the last generate (the cache) or the configured sources.",
            show_default=False,
        ),
    ],
    site: SiteOption = Path(),
    now: NowOption = None,
    print_only: Annotated[
        bool,
        typer.Option("--print", help="Print the roast post and write nothing."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Roast a PR that already has a roast post."),
    ] = False,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="Make no network calls; use the built-in roaster."
        ),
    ] = False,
    environment: EnvironmentOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Roast one pull request on demand and write its post (or --print it)."""
    repo, number = _parse_pr(pr)
    _configure_logging(verbose=verbose)
    run = _run(site, now, environment, offline=offline, roast=False)

    from roastbot.roasting import roast_on_demand, write_planned

    with _user_errors():
        post = roast_on_demand(
            run, repo, number, env=os.environ, offline=offline, force=force
        )
    _report_warnings(run.diagnostics, strict=False)
    if print_only:
        typer.echo(post.text, nl=False)
        return

    path = write_planned(run.site, post)
    _log(f"wrote {run.site.relative(path)}: roast of {repo}#{number}")
    refreshed = _run(site, now, environment, offline=True, roast=False)

    from roastbot.report import render_json, write_atomic

    write_atomic(refreshed.data_path, render_json(refreshed.data))
    _log(f"updated {refreshed.site.relative(refreshed.data_path)}")


def _parse_pr(text: str) -> tuple[str, int]:
    """Split OWNER/REPO#N, or fail as a usage error."""
    import re

    match = re.fullmatch(r"([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(\d+)", text.strip())
    if match is None:
        raise typer.BadParameter(
            f"{text!r} is not OWNER/REPO#N (for example PrefectHQ/prefect#123)",
            param_hint="--pr",
        )

    return match.group(1), int(match.group(2))


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    options_metavar="[OPTIONS] [HUGO SERVER FLAGS]...",
)
def serve(
    ctx: typer.Context,
    site: SiteOption = Path(),
    now: NowOption = None,
    environment: Annotated[
        str | None,
        typer.Option(
            "--environment",
            "-e",
            envvar="HUGO_ENVIRONMENT",
            help="Hugo environment whose config/ folder is merged; passed to hugo "
            "server too.",
            show_default="development, as for hugo server",
        ),
    ] = None,
    verbose: VerboseOption = False,
    hugo: Annotated[
        str | None,
        typer.Option(
            "--hugo",
            metavar="PATH",
            help="The Hugo binary to run. Without it, the one HUGO names, else "
            "hugo on PATH.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Preview the site with `hugo server`; the footer follows saved entries.

    Runs generate, starts `hugo server`, and re-runs generate (from the cache, no
    network) whenever content or config is saved. Options roastbot does not know go
    to `hugo server` as they are: `roastbot serve --port 1414 --bind 127.0.0.1`
    (a `--` before them is accepted too). Ctrl-C stops both. Never writes roasts.
    """
    _configure_logging(verbose=verbose)
    from roastbot.serve import find_hugo, hugo_arguments, run_serve

    binary = find_hugo(hugo, os.environ)
    if binary is None:
        named = hugo or os.environ.get("HUGO") or "hugo on PATH"
        _fail(f"cannot find Hugo ({named}); install it, or pass --hugo PATH")

    with _user_errors():
        code = run_serve(
            site,
            hugo_arguments(ctx.args),
            hugo=binary,
            env=os.environ,
            now=now,
            environment=environment,
        )
    raise typer.Exit(code)


@app.command()
def schema() -> None:
    """Print the JSON Schema of data/roastbot.json."""
    from roastbot.report import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def _run(
    site: Path,
    now: str | None,
    environment: str | None,
    *,
    offline: bool = False,
    roast: bool | None = None,
) -> Run:
    """Run the pipeline, turning roastbot's errors into exit codes."""
    from roastbot.pipeline import generate as run_pipeline

    with _user_errors():
        return run_pipeline(
            site,
            now=now,
            source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"),
            tz_variable=os.environ.get("TZ"),
            environment=environment,
            offline=offline,
            env=os.environ,
            roast=roast,
            version=__version__,
        )


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Turn roastbot's errors into exit codes: a bad clock is 2, bad input 1.

    ROASTBOT_DEBUG=1 lets the exception through, with its traceback.
    """
    try:
        yield
    except ClockError as exc:
        raise typer.BadParameter(str(exc), param_hint="--now") from None
    except RoastbotError as exc:
        if os.environ.get("ROASTBOT_DEBUG"):
            raise
        _fail(str(exc))


def _progress(message: str) -> contextlib.AbstractContextManager[object]:
    """Show a spinner on a terminal; in CI logs (no TTY) show nothing but results."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(f"roastbot: {message}")


def _write_posts(run: Run) -> None:
    """Create the roast posts the run planned, before the data file that lists them."""
    if run.plan is None:
        return
    from roastbot.roasting import write_planned

    for post in run.plan.posts:
        try:
            path = write_planned(run.site, post)
        except FileExistsError:
            _fail(
                f"{post.path} appeared while roastbot ran; nothing overwritten. "
                "Run roastbot generate --roast again."
            )
        writer = "model-written" if post.provenance.writer == "model" else "built-in"
        _log(
            f"wrote {run.site.relative(path)}: {writer} roast of "
            f"{post.pr.repo}#{post.pr.number} for {post.handle}"
        )


def _configure_logging(*, verbose: bool) -> None:
    """Send roastbot's log to stderr with --verbose; else keep it quiet.

    Degraded sources reach the user once, as warnings from the run's diagnostics,
    so the logger itself stays silent unless asked for detail.
    """
    import logging

    logger = logging.getLogger("roastbot")
    logger.propagate = False
    logger.handlers.clear()
    if verbose:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("roastbot: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    else:
        logger.addHandler(logging.NullHandler())


def _report_warnings(diagnostics: Diagnostics, *, strict: bool) -> None:
    """Print each warning once; with `strict`, stop before anything is written."""
    for warning in diagnostics.warnings:
        _log(f"warning: {warning.render()}")
    if strict and diagnostics.warnings:
        count = len(diagnostics.warnings)
        _fail(f"{count} warning(s) with --strict; nothing written")


def _summary(author: AuthorReport) -> str:
    """Return one line about an author, for build logs."""
    if author.days_since is None:
        since = "no entries yet"
    else:
        since = f"last entry {author.days_since} day(s) ago"

    line = f"{author.handle}: {since}, {author.status.replace('_', ' ')}"
    if author.activity is not None:
        count = len(author.activity.prs)
        line += f", {count} PR{'' if count == 1 else 's'} merged in the window"
        if picked := author.activity.picked:
            line += f" (picked {picked.repo}#{picked.number})"

    return line


def _log(message: str) -> None:
    typer.echo(f"roastbot: {message}", err=True)


def _fail(message: str) -> NoReturn:
    typer.echo(f"roastbot: error: {message}", err=True)
    raise typer.Exit(1)


def main() -> None:
    """Run the CLI (the `roastbot` console script)."""
    app(prog_name="roastbot")


if __name__ == "__main__":  # pragma: no cover
    main()
