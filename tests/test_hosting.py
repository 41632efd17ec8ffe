"""The hosted-build templates, run here: the GitHub Actions workflow's script steps.

The workflow in examples/hosting/github-pages.yml is read, and each `run:` step
(except the install step: this environment has roastbot and Hugo already) runs in
order with bash, in a git clone of the example site whose origin is a local bare
repository, so the template cannot rot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLE_CLOCK, REPO, Hugo, build_example_repo

WORKFLOW = REPO / "examples" / "hosting" / "github-pages.yml"


def workflow() -> dict[str, Any]:
    """Return the workflow as data."""
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))

    return data


def script_steps() -> list[dict[str, Any]]:
    """Return the build job's steps that run shell, minus the install step."""
    steps = workflow()["jobs"]["build"]["steps"]

    return [s for s in steps if "run" in s and s.get("id") != "install"]


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", "-C", str(cwd), *args],
        check=True,
        capture_output=True,
        text=True,
        env={
            **env,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
        },
    ).stdout


@pytest.fixture
def checkout(copy_example: Path, tmp_path: Path) -> Path:
    """The example site as a repository with a pushable origin, as after checkout."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    (copy_example / ".gitignore").write_text(
        "public/\nresources/\n.roastbot/\nrepo/\ndata/roastbot.json\n.hugo_build.lock\n"
    )
    git(copy_example, "init", "-q", "-b", "main")
    git(copy_example, "add", ".")
    git(copy_example, "commit", "-q", "-m", "site")
    git(copy_example, "remote", "add", "origin", str(origin))
    git(copy_example, "push", "-q", "origin", "main")

    return copy_example


def run_steps(site: Path, hugo: Hugo) -> list[subprocess.CompletedProcess[str]]:
    """Run the workflow's script steps in order, as the runner would."""
    bin_dir = tmp_bin(site, hugo)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
        + os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "SOURCE_DATE_EPOCH": "",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    results = []
    for step in script_steps():
        # ${{ secrets.* }} are empty outside GitHub; roastbot then works without them.
        step_env = dict.fromkeys(step.get("env", {}), "")
        script = step["run"].replace(
            "roastbot generate", f"roastbot generate --now {EXAMPLE_CLOCK}"
        )
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=site,
            env={**env, **step_env},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, f"step {step['id']} failed:\n{result.stderr}"
        results.append(result)

    return results


def tmp_bin(site: Path, hugo: Hugo) -> Path:
    """Put the real Hugo binary first on PATH, as `hugo`, with the clock fixed."""
    folder = site.parent / "bin"
    folder.mkdir(exist_ok=True)
    wrapper = folder / "hugo"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{hugo.binary}" --clock {EXAMPLE_CLOCK} "$@"\n'
    )
    wrapper.chmod(0o755)

    return folder


def test_the_workflow_asks_for_the_least_it_needs() -> None:
    """No permissions by default; build may push, deploy may publish to Pages."""
    data = workflow()

    assert data["permissions"] == {}
    assert data["jobs"]["build"]["permissions"] == {
        "contents": "write",
        "pull-requests": "read",
    }
    assert data["jobs"]["deploy"]["permissions"] == {
        "pages": "write",
        "id-token": "write",
    }
    triggers = data[True] if True in data else data["on"]  # YAML 1.1 reads `on` as True
    assert {"schedule", "push", "workflow_dispatch"} <= set(triggers)


@pytest.mark.hugo
def test_the_workflow_steps_run_on_the_example(checkout: Path, hugo: Hugo) -> None:
    """Generate, commit only new roast posts, push, build; a second run is idle."""
    build_example_repo(checkout / "repo", EXAMPLE_CLOCK)
    head = git(checkout, "rev-parse", "HEAD").strip()

    first = run_steps(checkout, hugo)

    committed = git(checkout, "show", "--name-only", "--format=", "HEAD").split()
    assert git(checkout, "rev-parse", "HEAD^").strip() == head
    assert sorted(committed) == sorted(
        str(p.relative_to(checkout))
        for p in (checkout / "content" / "posts").glob("roast-*.md")
    )
    assert len(committed) == 2
    assert git(checkout, "rev-parse", "origin/main") == git(
        checkout, "rev-parse", "HEAD"
    )
    assert (checkout / "public" / "index.html").is_file()
    assert "Committed:" in first[1].stdout

    second = run_steps(checkout, hugo)

    assert "No new roast post." in second[1].stdout
    assert git(checkout, "rev-parse", "HEAD^").strip() == head
    assert git(checkout, "status", "--porcelain") == ""
    shutil.rmtree(checkout / "public")
