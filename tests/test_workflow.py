"""Checks on the CI workflow that tests, builds and publishes the site (issue 4).

- actionlint finds nothing in .github/workflows/*.yml;
- the publish workflow has the agreed shape: triggers, least-privilege permissions,
  a concurrency group, deploy only after a successful build on the default branch,
  and the build runs the Makefile's targets rather than a copy of its commands;
- every action is pinned to the commit of a release, the release named in a comment;
- a rejected dump produces a correctly formatted GitHub annotation line;
- the build never depends on git history (CI checks out shallow on purpose);
- the daily fetch (fetch.yml) is off unless the repository variable FETCH_DAILY is 'true', reads
  with one job and pushes with another that runs no project code, and uses no secret but the
  workflow's own token.

Everything here is offline and fast: no network, no browser, no site build.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
DEFAULT_BRANCH = "main"

# ---------------------------------------------------------------------------
# helpers


def _workflow() -> dict:
    return yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    assert triggers is not None, "the workflow has no `on:` triggers"
    if isinstance(triggers, str):
        return {triggers: None}
    if isinstance(triggers, list):
        return dict.fromkeys(triggers)
    return triggers


def _jobs() -> dict:
    return _workflow()["jobs"]


def _job_using(action: str) -> tuple[str, dict]:
    """The one job with a step that uses `action` (e.g. actions/deploy-pages)."""
    found = [
        (name, job)
        for name, job in _jobs().items()
        if any(str(step.get("uses", "")).split("@")[0] == action for step in job.get("steps", []))
    ]
    assert len(found) == 1, f"expected exactly one job using {action}, found {[n for n, _ in found]}"
    return found[0]


def _step(job: dict, action: str) -> dict:
    steps = [s for s in job["steps"] if str(s.get("uses", "")).split("@")[0] == action]
    assert len(steps) == 1, f"expected exactly one {action} step"
    return steps[0]


def _run_lines(job: dict) -> list[str]:
    return [
        line.strip()
        for step in job["steps"]
        for line in str(step.get("run", "")).splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def _make_targets(job: dict) -> list[str]:
    return [m.group(1) for line in _run_lines(job) if (m := re.fullmatch(r"make\s+([\w.-]+)", line))]


def _step_index(job: dict, predicate) -> int:
    for index, step in enumerate(job["steps"]):
        if predicate(step):
            return index
    raise AssertionError("step not found")


def _flat(expression: object) -> str:
    """An `if:` value without ${{ }} and extra spaces, for substring checks."""
    text = str(expression).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return re.sub(r"\s+", " ", text).strip()


def _only_on_default_branch(condition: object) -> bool:
    text = _flat(condition)
    on_default = (
        "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)" in text
        or f"github.ref == 'refs/heads/{DEFAULT_BRANCH}'" in text
    )
    return on_default and "github.event_name != 'pull_request'" in text and "||" not in text


# ---------------------------------------------------------------------------
# actionlint


def _actionlint() -> str | None:
    beside_python = Path(sys.executable).parent / "actionlint"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("actionlint")


def test_actionlint_reports_nothing() -> None:
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed (it is pinned in the test requirements)")
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    assert PUBLISH in files and FETCH in files
    result = subprocess.run(
        [
            binary,
            "-no-color",
            "-shellcheck=",
            "-pyflakes=",
            *(str(f.relative_to(ROOT)) for f in files),
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"actionlint found problems:\n{result.stdout}{result.stderr}"


# ---------------------------------------------------------------------------
# the workflow's shape


def test_triggers_push_to_default_branch_pull_requests_and_by_hand() -> None:
    triggers = _triggers(_workflow())
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    assert triggers["push"]["branches"] == [DEFAULT_BRANCH]
    # A path filter would let a push skip publishing (e.g. a change to the theme only).
    assert "paths" not in triggers["push"] and "paths-ignore" not in triggers["push"]


def test_default_permissions_are_read_only() -> None:
    assert _workflow()["permissions"] == {"contents": "read"}


def test_only_the_deploy_job_may_write_pages_and_mint_tokens() -> None:
    deploy_name, deploy = _job_using("actions/deploy-pages")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    for name, job in _jobs().items():
        if name == deploy_name:
            continue
        permissions = job.get("permissions", {})
        assert permissions in ({}, {"contents": "read"}), f"job {name} asks for {permissions}"


def test_runs_are_serialised_per_branch_and_never_cancelled_on_the_default_branch() -> None:
    concurrency = _workflow()["concurrency"]
    group = _flat(concurrency["group"])
    assert "github.ref" in group and "github.workflow" in group
    # Cancelling a run half-way through a deploy is what this must never do on main:
    # only pull request runs may be cancelled by a newer push.
    cancel = concurrency.get("cancel-in-progress", False)
    assert cancel is False or _flat(cancel) == "github.event_name == 'pull_request'"
    for name, job in _jobs().items():
        # A job-level group could let a later build deploy before an earlier one.
        assert "concurrency" not in job, f"job {name} has its own concurrency group"


def test_deploy_runs_only_after_a_successful_build_on_the_default_branch() -> None:
    build_name, _ = _job_using("actions/upload-pages-artifact")
    _, deploy = _job_using("actions/deploy-pages")
    needs = deploy["needs"]
    assert build_name in ([needs] if isinstance(needs, str) else needs)
    # No status function (always(), failure(), ...) means "only if every needed job succeeded".
    condition = _flat(deploy["if"])
    assert not re.search(r"\b(always|failure|cancelled)\(\)", condition)
    assert _only_on_default_branch(condition)
    assert deploy["environment"]["name"] == "github-pages"
    assert _flat(deploy["environment"]["url"]) == "steps.deployment.outputs.page_url"
    assert [s.get("uses", "").split("@")[0] for s in deploy["steps"]] == [
        "actions/configure-pages",
        "actions/deploy-pages",
    ]
    assert _step(deploy, "actions/deploy-pages").get("id") == "deployment"


def test_the_site_is_uploaded_only_from_a_successful_build_on_the_default_branch() -> None:
    _, build = _job_using("actions/upload-pages-artifact")
    upload = _step(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site"
    condition = _flat(upload["if"])
    assert condition.startswith("success() &&")
    assert _only_on_default_branch(condition)
    assert upload is build["steps"][-1]


def test_build_runs_the_makefile_targets_and_no_copy_of_their_commands() -> None:
    _, build = _job_using("actions/upload-pages-artifact")
    assert _make_targets(build) == ["deps", "test", "site"]
    # Every run line is a make call: pip, mkdocs and the generator are the Makefile's business.
    assert [line for line in _run_lines(build) if not line.startswith("make ")] == []

    def runs(target: str):
        return lambda step: str(step.get("run", "")).strip() == f"make {target}"

    deps, tests, site = (_step_index(build, runs(t)) for t in ("deps", "test", "site"))
    upload = _step_index(
        build,
        lambda s: str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"),
    )
    assert deps < tests < site < upload
    # `make site` still runs when a test failed, so a rejected dump is always annotated,
    # but not when the install failed or the run was cancelled.
    assert build["steps"][deps]["id"] == "deps"
    site_if = _flat(build["steps"][site]["if"])
    assert site_if == "!cancelled() && steps.deps.outcome == 'success'"


def test_make_targets_used_by_the_workflow_exist() -> None:
    makefile = ROOT / "Makefile"
    assert makefile.is_file(), "the workflow runs make targets but there is no Makefile"
    defined = set(
        re.findall(
            r"^([A-Za-z0-9_.-]+)\s*:(?!=)",
            makefile.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    )
    for name, job in _jobs().items():
        missing = [target for target in _make_targets(job) if target not in defined]
        assert not missing, f"job {name} runs make targets the Makefile lacks: {missing}"


def test_python_is_set_up_with_a_pip_cache_keyed_on_the_pinned_requirements() -> None:
    _, build = _job_using("actions/upload-pages-artifact")
    setup = _step(build, "actions/setup-python")
    assert str(setup["with"]["python-version"]) == "3.11"
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements*.txt"
    assert sorted(ROOT.glob("requirements*.txt")), "the pip cache is keyed on requirements*.txt"
    assert _step_index(build, lambda s: "actions/setup-python" in str(s.get("uses"))) < _step_index(
        build, lambda s: str(s.get("run", "")).strip() == "make deps"
    )


def test_generated_pages_and_the_page_cache_are_kept_between_runs() -> None:
    """Issue 18: a run starts from the last run's generated pages and page cache (restored
    before `make site`, saved after it succeeded and before the upload), never from a cached
    copy of the tracked hand-written pages."""
    from generator.site import PAGE_CACHE
    from generator.write import MANIFEST, OWNED_DIRS, OWNED_FILES, STAMPS

    _, build = _job_using("actions/upload-pages-artifact")
    restore, save = _step(build, "actions/cache/restore"), _step(build, "actions/cache/save")
    kept = {f"docs/{name}" for name in (*OWNED_FILES, *OWNED_DIRS, MANIFEST, STAMPS)} | {PAGE_CACHE.as_posix()}
    for step in (restore, save):
        assert set(step["with"]["path"].split()) == kept
    # a key of its own for every run (an entry is never overwritten), restored by its prefix:
    # this branch's last run, else the default branch's
    key = restore["with"]["key"]
    assert "github.run_id" in key and "github.ref" in key
    prefixes = restore["with"]["restore-keys"].splitlines()
    assert len(prefixes) == 2 and key.startswith(prefixes[0]) and "default_branch" in prefixes[1]
    assert save["with"]["key"] == "${{ steps.restore.outputs.cache-primary-key }}"
    steps = build["steps"]
    site = _step_index(build, lambda s: str(s.get("run", "")).strip() == "make site")
    assert steps.index(restore) < site < steps.index(save) < len(steps) - 1
    # restored whenever `make site` runs (also after a failed test: a rejected dump is
    # reported as fast), saved only after it succeeded
    assert _flat(restore["if"]) == _flat(steps[site]["if"])
    assert _flat(save["if"]) == (
        f"!cancelled() && steps.{steps[site]['id']}.outcome == 'success' && steps.restore.outcome == 'success'"
    )


def test_checkout_is_shallow_on_purpose_and_keeps_no_credentials() -> None:
    _, build = _job_using("actions/upload-pages-artifact")
    assert build["steps"][0]["uses"].split("@")[0] == "actions/checkout"
    options = build["steps"][0].get("with", {})
    # Shallow: nothing may read git history (see the no-git tests below).
    assert options.get("fetch-depth", 1) == 1
    assert options.get("persist-credentials") is False


# `uses: owner/action@<commit> # vX.Y.Z`: the commit a release tag points to, the tag after it.
_PINNED_USES = re.compile(r"uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?:\s+#\s*(?P<release>\S+))?\s*")


def _uses_lines(path: Path) -> list[str]:
    """The text of every `uses:` of a workflow file, as written (YAML drops the comments)."""
    return [
        re.sub(r"^\s*(-\s+)?", "", line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*(-\s+)?uses:", line)
    ]


def test_actions_are_pinned_to_the_commit_of_a_release() -> None:
    """A tag can be moved to other code; a commit cannot. The comment names the release."""
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    for path in files:
        lines = _uses_lines(path)
        steps = [
            step["uses"]
            for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values()
            for step in job.get("steps", [])
            if "uses" in step
        ]
        assert [line.split("#")[0].split()[1] for line in lines] == steps, f"{path.name}: every `uses:` is read"
        for line in lines:
            pinned = _PINNED_USES.fullmatch(line)
            assert pinned, f"{path.name}: {line!r}"
            assert pinned["action"].startswith("actions/"), f"{path.name}: only GitHub's own actions, not {line}"
            assert re.fullmatch(r"[0-9a-f]{40}", pinned["ref"]), f"{path.name}: {line} is not pinned to a commit"
            assert pinned["release"] and re.fullmatch(r"v\d+\.\d+\.\d+", pinned["release"]), (
                f"{path.name}: {line} does not name its release (# vX.Y.Z)"
            )


# ---------------------------------------------------------------------------
# annotations for rejected dumps

EMPTY_DUMP = "2026-11-22-x.txt"
# The line of the error is a title with nothing after it: the copy was cut short.
CUT_SHORT_DUMP = (
    "Subscribe\n"
    "A Study of Something Quite Interesting\n"
    "We study something. It turns out to be quite interesting, and we explain at length why it is so.\n"
    "A Title With No Abstract After It\n"
)
VALID_DUMP = (
    "Subscribe\n"
    "A Study of Something Quite Interesting\n"
    "We study something. It turns out to be quite interesting, and we explain at length why it is so.\n"
)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _expected_annotation(path: str, line: int | None, message: str) -> str:
    where = f"file={_escape_property(path)}"
    if line is not None:
        where += f",line={line}"
    return f"::error {where},title=Rejected dump::{_escape_data(message)}"


def _build(tmp_path: Path, dumps: dict[str, str], *, github_actions: bool) -> subprocess.CompletedProcess:
    folder = tmp_path / "dumps"
    folder.mkdir()
    for name, text in dumps.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"GITHUB_ACTIONS", "CI"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if github_actions:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--dumps",
            "dumps",
            "--docs",
            "docs",
            "--taxonomy",
            str(ROOT / "taxonomy" / "tags.yml"),
            "--overrides",
            "",
        ],
        cwd=tmp_path,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _stderr_error(result: subprocess.CompletedProcess, name: str) -> tuple[str, int | None, str]:
    """The FILE[:LINE]: message the generator printed for `name`."""
    pattern = re.compile(rf"^(?P<file>\S*{re.escape(name)})(?::(?P<line>\d+))?: (?P<message>.+)$")
    for text in result.stderr.splitlines():
        if match := pattern.match(text):
            line = int(match["line"]) if match["line"] else None
            return match["file"], line, match["message"]
    raise AssertionError(f"no FILE:LINE: message for {name} on stderr:\n{result.stderr}")


@pytest.mark.parametrize(
    ("name", "text", "has_line"),
    [(EMPTY_DUMP, "", None), ("2026-11-23-cut-short.txt", CUT_SHORT_DUMP, True)],
    ids=["empty", "cut-short"],
)
def test_a_rejected_dump_is_annotated_in_github_actions(tmp_path: Path, name: str, text: str, has_line) -> None:
    result = _build(tmp_path, {name: text}, github_actions=True)
    assert result.returncode == 1, result.stderr
    path, line, message = _stderr_error(result, name)
    # Relative to the checkout, so GitHub can attach the annotation to the file.
    assert path == f"dumps/{name}"
    if has_line:
        assert line is not None and line > 1
    if not text:
        assert "file is empty" in message
    annotations = [text for text in result.stdout.splitlines() if text.startswith("::")]
    assert annotations == [_expected_annotation(path, line, message)]


def test_no_annotation_outside_github_actions(tmp_path: Path) -> None:
    result = _build(tmp_path, {EMPTY_DUMP: ""}, github_actions=False)
    assert result.returncode == 1
    _stderr_error(result, EMPTY_DUMP)
    assert "::error" not in result.stdout


@pytest.mark.parametrize(
    ("path", "line", "message", "expected"),
    [
        (
            "dumps/2026-11-22-x.txt",
            1,
            "the file is empty: paste the text of a Hugging Face Papers page into it",
            (
                "::error file=dumps/2026-11-22-x.txt,line=1,title=Rejected dump::"
                "the file is empty: paste the text of a Hugging Face Papers page into it"
            ),
        ),
        (
            "dumps/2026-11-22-x.txt",
            None,
            "cannot read the file",
            "::error file=dumps/2026-11-22-x.txt,title=Rejected dump::cannot read the file",
        ),
        (
            "dumps/2026-11-22-a,b:c%.txt",
            7,
            "50% done\r\nthen: stopped, here",
            (
                "::error file=dumps/2026-11-22-a%2Cb%3Ac%25.txt,line=7,title=Rejected dump::"
                "50%25 done%0D%0Athen: stopped, here"
            ),
        ),
        (
            "dumps/2026-01-01-a\n::error file=x::pwned.txt",
            1,
            "the file name holds a control character (U+000A): rename the file",
            (
                "::error file=dumps/2026-01-01-a%0A%3A%3Aerror file=x%3A%3Apwned.txt,line=1,title=Rejected dump::"
                "the file name holds a control character (U+000A): rename the file"
            ),
        ),
    ],
    ids=["with-line", "without-line", "escaped", "injected"],
)
def test_github_annotation_format(path: str, line: int | None, message: str, expected: str) -> None:
    from generator.cli import github_annotation
    from generator.errors import DumpError, InputError

    assert github_annotation(InputError(path, message, line)) == expected
    assert github_annotation(DumpError(path, message, line)) == expected
    assert _expected_annotation(path, line, message) == expected


# ---------------------------------------------------------------------------
# nothing depends on git history (CI checks out with fetch-depth 1)

_GIT_MODULES = {"subprocess", "git", "pygit2", "dulwich"}
_SHELL_CALLS = {
    "system",
    "popen",
    "spawnl",
    "spawnlp",
    "spawnv",
    "spawnvp",
    "execv",
    "execvp",
    "execl",
    "execlp",
}


#: generator/site.py runs MkDocs (`sys.executable -m mkdocs build`), and nothing else
_RUNS_MKDOCS = "generator/site.py"


def test_the_generator_never_shells_out() -> None:
    offenders = []
    site = (ROOT / _RUNS_MKDOCS).read_text(encoding="utf-8")
    assert site.count("subprocess.run(") == 1 and '[sys.executable, "-m", "mkdocs", "build"' in site
    for source in sorted((ROOT / "generator").rglob("*.py")):
        if source.relative_to(ROOT).as_posix() == _RUNS_MKDOCS:
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [(node.module or "").split(".")[0]]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                names = [f"os.{node.attr}"] if node.value.id == "os" and node.attr in _SHELL_CALLS else []
            else:
                names = []
            for name in names:
                if name in _GIT_MODULES or name.startswith("os."):
                    offenders.append(f"{source.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not offenders, "the generator must not run git or other programs:\n" + "\n".join(offenders)


def test_no_git_based_plugins_or_packages() -> None:
    for name in ["mkdocs.yml", *(p.name for p in ROOT.glob("requirements*.txt"))]:
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        found = re.findall(
            r"(?im)^\s*-?\s*((?:mkdocs-)?git[-_][\w-]+|gitpython|pygit2|dulwich)\b",
            text,
        )
        assert not found, f"{name} uses git history: {found}"


def test_a_build_outside_any_git_repository_never_calls_git(tmp_path: Path, monkeypatch) -> None:
    marker = tmp_path / "git-was-called"
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake_git = fake_bin / "git"
    fake_git.write_text(f'#!/bin/sh\necho "$@" >> "{marker}"\nexit 128\n', encoding="utf-8")
    fake_git.chmod(fake_git.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    work = tmp_path / "work"
    work.mkdir()
    result = _build(work, {"2026-11-22-trending.txt": VALID_DUMP}, github_actions=False)
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), f"the generator ran git: {marker.read_text()}"


def test_the_site_is_built_for_the_address_it_is_published_at() -> None:
    workflow = _workflow()
    site_step = next(step for step in workflow["jobs"]["build"]["steps"] if step.get("run") == "make site")
    assert "SITE_URL" in site_step["env"]
    assert "github.io" in site_step["env"]["SITE_URL"] and "vars.SITE_URL" in site_step["env"]["SITE_URL"]


# ---------------------------------------------------------------------------
# the daily fetch (issue 17): off unless asked for, least privilege, pinned

FETCH = WORKFLOWS / "fetch.yml"


def _fetch_workflow() -> dict:
    return yaml.safe_load(FETCH.read_text(encoding="utf-8"))


def _fetch_jobs() -> dict:
    return _fetch_workflow()["jobs"]


def _job_running(fragment: str) -> tuple[str, dict]:
    found = [(name, job) for name, job in _fetch_jobs().items() if any(fragment in line for line in _run_lines(job))]
    assert len(found) == 1, f"expected exactly one job running {fragment!r}, found {[n for n, _ in found]}"
    return found[0]


def test_fetch_runs_daily_and_by_hand_with_a_date() -> None:
    triggers = _triggers(_fetch_workflow())
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    (schedule,) = triggers["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert minute.isdigit() and hour.isdigit() and rest == ["*", "*", "*"], "once a day"
    date_input = triggers["workflow_dispatch"]["inputs"]["date"]
    assert date_input["required"] is False and date_input["type"] == "string"


def test_fetch_does_nothing_unless_the_repository_variable_says_so() -> None:
    for name, job in _fetch_jobs().items():
        assert "vars.FETCH_DAILY == 'true'" in _flat(job.get("if", "")), f"job {name} is not gated on FETCH_DAILY"
        assert "||" not in _flat(job["if"]), f"job {name}: the gate must not be bypassable"


def test_fetch_has_no_permissions_but_those_each_job_needs() -> None:
    workflow = _fetch_workflow()
    assert workflow["permissions"] in ({}, {"contents": "read"})
    fetch_name, fetch = _job_running("-m generator fetch")
    assert fetch["permissions"] == {"contents": "read"}
    assert _run_lines(fetch)[0] == "make deps"
    assert fetch["steps"][0]["uses"].split("@")[0] == "actions/checkout"
    assert fetch["steps"][0]["with"]["persist-credentials"] is False
    commit_name, commit = _job_running("git push")
    assert commit["permissions"] == {"contents": "write", "actions": "write"}
    writers = [name for name, job in _fetch_jobs().items() if job.get("permissions", {}).get("contents") == "write"]
    assert writers == [commit_name]
    assert commit["needs"] in (fetch_name, [fetch_name])
    # the job that can push runs no project code: no make, no Python, no generator
    assert not [line for line in _run_lines(commit) if re.search(r"\b(make|python|pip|generator)\b", line)]


def test_fetch_pushes_only_to_the_default_branch_and_starts_publish() -> None:
    _, commit = _job_running("git push")
    condition = _flat(commit["if"])
    assert "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)" in condition
    assert "needs.fetch.outputs.fetched == 'true'" in condition
    lines = _run_lines(commit)
    assert 'git push origin "HEAD:refs/heads/$BRANCH"' in lines
    assert not [line for line in lines if "--force" in line or " -f " in line]
    assert any(line.startswith("gh workflow run publish.yml ") for line in lines)
    assert "workflow_dispatch" in _triggers(_workflow()), "publish.yml can be started by hand (and so by gh)"


def test_fetch_uses_no_secret_but_the_workflows_own_token() -> None:
    text = FETCH.read_text(encoding="utf-8")
    assert set(re.findall(r"secrets\.(\w+)", text)) <= {"GITHUB_TOKEN"}
    assert re.findall(r"\$\{\{\s*(github\.token|secrets\.GITHUB_TOKEN)\s*\}\}", text), "the token is passed to gh"
    # the Hub's address is huggingface_hub's default: no variable can point it elsewhere
    assert "HF_ENDPOINT" not in text and "HF_TOKEN" not in text


def test_fetch_commits_only_the_files_the_fetch_job_made() -> None:
    _, fetch = _job_running("-m generator fetch")
    upload = next(s for s in fetch["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].split() == [
        "dumps/${{",
        "steps.day.outputs.day",
        "}}-daily.txt",
        "dumps/records.jsonl",
        "dumps/permalinks.tsv",
        "dumps/related.tsv",
    ]
    _, commit = _job_running("git push")
    download = next(s for s in commit["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact@"))
    assert (download["with"]["name"], download["with"]["path"]) == (upload["with"]["name"], "dumps")
    script = "\n".join(str(s.get("run", "")) for s in commit["steps"])
    assert '"dumps/$DAY-daily.txt" | dumps/records.jsonl | dumps/permalinks.tsv | dumps/related.tsv) ;;' in script
    assert "unexpected change" in script
