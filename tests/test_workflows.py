"""The GitHub Actions workflows: actionlint-clean, and doing what CI promises.

actionlint comes from the dev extra (a wheel carrying the binary) together with
shellcheck, which actionlint runs on every ``run:`` script. The scripts the workflows run
(the sweep action's step, the shard report merge, the newer-release check) run here for
real: the sweep on a small project, the release check against a local package index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.catalog.yamlsource import load_text
from tests.conftest import ROOT, catalog_yaml, run_cli, write_project
from tests.lessons.test_lessons import SCRIPT_CONFIG
from tests.notebooks.conftest import MKDOCS_YML, write_lesson

WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONS = ROOT / ".github" / "actions"
MERGE = ROOT / ".github" / "scripts" / "merge_execution_reports.py"
NEWER_RELEASE = ROOT / ".github" / "scripts" / "newer_release.py"
KERNEL_PATHS = ["default", "avx2", "avx512"]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; run: pip install -e '.[dev]'", pytrace=False)
    return found


def _actionlint(*paths: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = [_tool("actionlint"), "-no-color", "-shellcheck", _tool("shellcheck")]
    return subprocess.run(
        [*command, *map(str, paths)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _yaml(path: Path) -> dict:
    # The project's YAML 1.2 loader: "on" stays a key instead of becoming True.
    return load_text(path.read_text(encoding="utf-8"), str(path)).data


def _workflow(name: str) -> dict:
    return _yaml(WORKFLOWS / name)


def _runs(steps: list[dict]) -> str:
    return " ".join(step.get("run", "") for step in steps)


def _sweeps(steps: list[dict]) -> list[str]:
    """The arguments of every step that runs the sweep action, as one line each."""
    return [
        " ".join(step["with"]["args"].split())
        for step in steps
        if step.get("uses") == "./.github/actions/sweep"
    ]


def test_every_workflow_passes_actionlint():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "gpu.yml", "links.yml", "pages.yml", "weekly.yml"}
    result = _actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_really_checks(tmp_path):
    """A workflow with an undefined matrix value and a shell bug is reported, with its line."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    bad = folder / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.python }}\n"
        "      - run: cd $HOME/x && ls\n",
        encoding="utf-8",
    )
    result = _actionlint(bad, cwd=tmp_path)
    assert result.returncode == 1
    assert ".github/workflows/bad.yml:6:" in result.stdout and "python" in result.stdout
    assert "shellcheck" in result.stdout


def test_ci_covers_lint_pythons_shards_and_a_strict_build():
    ci = _workflow("ci.yml")
    assert set(ci["on"]) >= {"push", "pull_request"}
    jobs = ci["jobs"]
    assert jobs["tests"]["strategy"]["matrix"]["python"] == ["3.10", "3.11", "3.12"]
    lint = " ".join(step.get("run", "") for step in jobs["lint"]["steps"])
    for command in (
        "build_tools check",
        "build_tools fmt --check",
        "ruff check",
        "ruff format --check",
        "actionlint",
    ):
        assert command in lint
    shards = jobs["lessons"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(ci["env"]["SHARDS"]) + 1))
    steps = jobs["lessons"]["steps"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert "hashFiles('docs/lessons/**', 'pyproject.toml')" in cache["with"]["key"]
    assert cache["with"]["path"] == ".cache/tdl/notebooks"
    assert any("execute --shard" in step.get("run", "") for step in steps)
    build = " ".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "merge_execution_reports.py" in build and "mkdocs build --strict" in build
    assert jobs["build"]["needs"] == "lessons"
    # The other two engines build the same pages from the same cache.
    assert "for engine in properdocs zensical" in build and '--engine "$engine"' in build


def test_ci_checks_the_lessons_in_a_second_configuration_as_the_scripts_do():
    """Each shard is swept once more with the seed and kernel path the plain-script tests
    use locally, and its report travels with the shard's artifact."""
    steps = _workflow("ci.yml")["jobs"]["lessons"]["steps"]
    (args,) = _sweeps(steps)
    assert SCRIPT_CONFIG == {"TDL_SEED": "1", "ATEN_CPU_CAPABILITY": "default"}
    assert args.startswith("--seeds 1 --kernels default --shard ${{ matrix.shard }}/")
    report = args.split("--json ")[1]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload"))
    assert report in upload["with"]["path"]


def test_gpu_links_and_pages_workflows():
    gpu = _workflow("gpu.yml")
    assert set(gpu["on"]) == {"workflow_dispatch", "schedule"}
    assert "runner" in gpu["on"]["workflow_dispatch"]["inputs"]
    assert "inputs.runner" in gpu["jobs"]["gpu"]["runs-on"]
    gpu_runs = " ".join(step.get("run", "") for step in gpu["jobs"]["gpu"]["steps"])
    assert "pytest -m gpu" in gpu_runs and "build_tools execute --force" in gpu_runs
    gpu_sweep = _sweeps(gpu["jobs"]["gpu"]["steps"])
    assert gpu_sweep == ["--device cuda --seeds 0-4 --tf32 off,on --json gpu-sweep.json"]

    links = _workflow("links.yml")
    assert "schedule" in links["on"]
    link_steps = links["jobs"]["links"]["steps"]
    assert any("linkcheck --site site --json" in step.get("run", "") for step in link_steps)
    assert "--offline" not in " ".join(step.get("run", "") for step in link_steps)
    # Fails only on confirmed breaks, after keeping the history and the one issue up to date.
    check = next(step for step in link_steps if step.get("id") == "check")
    assert check["continue-on-error"] is True and "--issue links-issue.md" in check["run"]
    assert '--summary "$GITHUB_STEP_SUMMARY"' in check["run"]
    history = [s for s in link_steps if s.get("with", {}).get("path") == ".cache/tdl/links.json"]
    assert [s["uses"].split("@")[0] for s in history] == [
        "actions/cache/restore",
        "actions/cache/save",
    ]
    issue = next(step for step in link_steps if "gh issue" in step.get("run", ""))
    assert all(f"gh issue {verb}" in issue["run"] for verb in ("create", "edit", "close"))
    assert links["permissions"]["issues"] == "write"
    assert link_steps[-1]["if"] == "steps.check.outcome == 'failure'"

    pages = _workflow("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["permissions"]["pages"] == "write"
    assert pages["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_the_weekly_sweep_covers_every_kernel_path_in_shards_and_merges_them():
    weekly = _workflow("weekly.yml")
    assert "schedule" in weekly["on"] and "workflow_dispatch" in weekly["on"]
    jobs = weekly["jobs"]
    matrix = jobs["sweep"]["strategy"]["matrix"]
    shards = int(weekly["env"]["SHARDS"])
    assert matrix["kernel"] == KERNEL_PATHS and matrix["shard"] == list(range(1, shards + 1))
    assert int(weekly["env"]["SWEEP_REPORTS"]) == len(KERNEL_PATHS) * shards
    assert jobs["sweep"]["strategy"]["fail-fast"] is False
    steps = jobs["sweep"]["steps"]
    (args,) = _sweeps(steps)
    report = "sweep-${{ matrix.kernel }}-${{ matrix.shard }}.json"
    assert args == (
        "--seeds 0-4 --kernels ${{ matrix.kernel }} "
        f"--shard ${{{{ matrix.shard }}}}/${{{{ env.SHARDS }}}} --json {report}"
    )
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload"))
    assert upload["if"] == "always()" and upload["with"]["path"] == report

    merge = jobs["merge"]
    assert merge["needs"] == "sweep" and "!cancelled()" in merge["if"]
    download = next(s for s in merge["steps"] if s.get("uses", "").startswith("actions/download"))
    assert download["with"]["pattern"] == "sweep-*"
    (merged,) = _sweeps(merge["steps"])
    assert merged.startswith("--merge ") and merged.endswith("--json sweep.json")
    assert any(s.get("with", {}).get("path") == "sweep.json" for s in merge["steps"])

    zensical = _runs(jobs["zensical"]["steps"])
    assert "newer_release.py zensical" in zensical


def _sweep_step() -> str:
    """The shell script of the sweep action's one step."""
    (step,) = _yaml(ACTIONS / "sweep" / "action.yml")["runs"]["steps"]
    assert step["shell"] == "bash"
    return step["run"]


def _run_sweep_action(project: Path, args: str, title: str) -> tuple[int, str, str]:
    """Run the action's step as a runner does (bash -e, GitHub's default options) in
    ``project``; its exit status, output and job summary."""
    summary = project / "summary.md"
    summary.unlink(missing_ok=True)
    script = project / "step.sh"
    script.write_text(_sweep_step(), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "SWEEP_ARGS": args,
        "SWEEP_TITLE": title,
        "RUNNER_TEMP": str(project),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout, summary.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_sweep_action_puts_the_table_in_the_summary_and_fails_as_the_sweep(tmp_path):
    project = write_project(tmp_path, MKDOCS_YML, catalog_yaml())
    write_lesson(project, "01-holds")
    write_lesson(project, "02-breaks", "# %%\nvalue = 3\nassert value < 2, 'value too big'\n")
    for lesson in ("01-holds", "02-breaks"):
        done = run_cli(
            "sweep", "--seeds", "0", "--kernels", "default", "--only", f"*{lesson}*",
            "--json", f"{lesson}.json", cwd=project,
        )  # fmt: skip
        assert (project / f"{lesson}.json").is_file(), done.stdout + done.stderr

    status, output, summary = _run_sweep_action(
        project, "--merge 01-holds.json --json merged.json", "Good shard"
    )
    assert status == 0, output
    assert summary.startswith("### Good shard\n\n```\n") and summary.endswith("```\n")
    assert "stage-1/01-holds" in summary and "1/1" in summary

    status, output, summary = _run_sweep_action(
        project, "--merge 01-holds.json 02-breaks.json --json merged.json", "Both shards"
    )
    assert status == 1  # the step fails, after writing the summary
    assert "02-breaks.py:" in summary and "value too big" in summary
    assert "stage-1/01-holds" in summary and summary.count("```") == 2
    merged = json.loads((project / "merged.json").read_text(encoding="utf-8"))
    assert [lesson["id"] for lesson in merged["lessons"]] == [
        "stage-1/01-holds",
        "stage-1/02-breaks",
    ]


def _wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> None:
    """A minimal pure-Python wheel of ``name`` that requires ``requires``."""
    import base64
    import hashlib
    import zipfile

    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    needs = "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{dist}/__init__.py": "",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{needs}",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    with zipfile.ZipFile(folder / f"{dist}-{version}-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)
            digest = hashlib.sha256(text.encode()).digest()
            encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            record.append(f"{path},sha256={encoded},{len(text)}")
        wheel.writestr(f"{info}/RECORD", "\n".join([*record, f"{info}/RECORD,,"]) + "\n")


def _newer_release(tmp_path: Path, index: Path, pin: str) -> subprocess.CompletedProcess:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project.optional-dependencies]\nengine = ["{pin}"]\n', "utf-8")
    env = {
        **os.environ,
        # A local package index only: a folder of wheels, no configured index, no network.
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(index),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    return subprocess.run(
        [sys.executable, str(NEWER_RELEASE), "demo-engine", "--pyproject", str(pyproject)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_a_newer_release_is_a_notice_whether_or_not_it_installs(tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    _wheel(index, "demo-engine", "1.0.0")
    current = _newer_release(tmp_path, index, "demo-engine==1.0.0")
    assert current.returncode == 0, current.stderr
    assert "::notice title=demo-engine releases::demo-engine 1.0.0, the pinned" in current.stdout

    # The newer release needs a package the index does not serve yet.
    _wheel(index, "demo-engine", "1.1.0", ("demo-engine-ui>=1",))
    blocked = _newer_release(tmp_path, index, "demo-engine==1.0.0")
    assert blocked.returncode == 0, blocked.stderr
    assert "demo-engine 1.1.0 does not install yet (pinned: 1.0.0)" in blocked.stdout
    assert "demo-engine-ui" in blocked.stdout

    _wheel(index, "demo-engine-ui", "1.0.0")
    ready = _newer_release(tmp_path, index, "demo-engine==1.0.0")
    assert ready.returncode == 0, ready.stderr
    assert "demo-engine 1.1.0 installs now (pinned: 1.0.0)" in ready.stdout
    assert "installs now" in (tmp_path / "summary.md").read_text(encoding="utf-8")

    unpinned = _newer_release(tmp_path, index, "other==2.0")
    assert unpinned.returncode == 2 and "no demo-engine==VERSION pin" in unpinned.stderr


def _report(path: Path, runs: list[dict], wall: float) -> Path:
    data = {
        "python": "CPython 3.12.1",
        "device": "cpu",
        "jobs": 2,
        "wall_seconds": wall,
        "lessons": runs,
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _run(lesson: str, status: str = "ok") -> dict:
    return {
        "id": lesson,
        "path": f"docs/lessons/{lesson}.py",
        "title": lesson,
        "status": status,
        "cache": "miss",
        "seconds": 1.5,
        "device": "cpu",
    }


def _merge(tmp_path: Path, *reports: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    return subprocess.run(
        [sys.executable, str(MERGE), str(tmp_path / "merged.json"), *map(str, reports)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_shard_reports_merge_into_one(tmp_path):
    one = _report(tmp_path / "1.json", [_run("stage-2/06-b"), _run("stage-1/01-a")], 30.0)
    two = _report(tmp_path / "2.json", [_run("stage-1/02-c")], 45.0)
    result = _merge(tmp_path, one, two)
    assert result.returncode == 0, result.stderr
    merged = json.loads((tmp_path / "merged.json").read_text(encoding="utf-8"))
    assert [run["id"] for run in merged["lessons"]] == [
        "stage-1/01-a",
        "stage-1/02-c",
        "stage-2/06-b",
    ]
    assert merged["wall_seconds"] == 45.0 and merged["summary"]["lessons"] == 3
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| `stage-1/02-c` | ok | miss | 1.5 s | cpu |" in summary

    failed = _report(tmp_path / "3.json", [_run("stage-3/09-d", "failed")], 5.0)
    assert _merge(tmp_path, one, failed).returncode == 1
    missing = _merge(tmp_path, one, tmp_path / "absent.json")
    assert missing.returncode == 1 and "absent.json: missing or unreadable" in missing.stderr
