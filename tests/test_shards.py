"""Past one machine (issue 25): sharded builds merged, and the Dask executor, both give
the very bytes of a plain build; a bad part set is refused, each case by its own code.

Why one module-scoped project: the three builds of 60 briefings (plain, 3 shards merged,
a 2-worker LocalCluster) are the expensive part, made once and compared by a hash of
every file. They write Markdown and HTML (with the site's shared pages, a sitemap and
the search index); the PDF, which the same `make` writes on the same path, is compared
on a smaller project in the worker-kill test, where a slow page also keeps the build
running while a worker is killed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
from pathlib import Path

import pytest

from briefgen.pipeline import BuildOptions, shards
from briefgen.project.discover import find_sheets
from briefgen.publish.parts import Shard
from tests.cli_helpers import run
from tests.conftest import ROOT

SEEDS = sorted(p for p in (ROOT / "seeds").iterdir() if p.is_dir())  # one of each kind
SITE = ("--format", "md,html", "--base-url", "https://example.org/briefs/", "--search")


def kinds_project(root: Path, n: int) -> Path:
    """A project of N briefings, the example's four (event, issue, country, organization)
    in turn, each copy under its own id."""
    for i in range(n):
        seed = SEEDS[i % len(SEEDS)]
        slug = f"{seed.name}-{i // len(SEEDS):02d}"
        target = root / "seeds" / slug
        shutil.copytree(seed, target)
        sheet = target / "facts.yaml"
        text = sheet.read_text("utf-8")
        sheet.write_text(text.replace(f"  id: {seed.name}\n", f"  id: {slug}\n", 1), "utf-8")
    (root / "briefgen.toml").write_text('output = "out"\n', "utf-8")
    return root


def tree(folder: Path) -> dict[str, str]:
    """Every file below FOLDER (dotfiles too) → its sha256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def ok(*args: str, cwd: Path) -> str:
    done = run(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def sixty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 briefings, 15 of each kind, built three ways: plain/, merged/ (3 shards), dask/."""
    project = kinds_project(tmp_path_factory.mktemp("sixty"), 60)
    ok("build", *SITE, "-o", "plain", cwd=project)
    for i in (1, 2, 3):
        ok("build", *SITE, "--shard", f"{i}/3", "-o", f"part-{i}", cwd=project)
    ok("merge", *SITE, "part-1", "part-2", "part-3", "-o", "merged", cwd=project)
    ok("build", *SITE, "--executor", "dask", "--jobs", "2", "-o", "dask", cwd=project)
    return project


@pytest.mark.slow
def test_sixty_briefings_plain_sharded_and_dask_are_the_same_bytes(sixty: Path) -> None:
    plain = tree(sixty / "plain")
    assert len([f for f in plain if f.endswith(".html") and "/" in f]) == 120  # page, sources
    assert {"index.html", "feed.xml", "sitemap.xml", "404.html"} <= set(plain)
    assert any(f.startswith("pagefind/") for f in plain)
    assert tree(sixty / "merged") == plain
    assert tree(sixty / "dask") == plain


@pytest.mark.slow
def test_each_shard_holds_its_own_briefings_and_no_shared_page(sixty: Path) -> None:
    held = [{f.split("/")[0] for f in tree(sixty / f"part-{i}") if "/" in f} for i in (1, 2, 3)]
    assert all(held), held  # 60 briefings over 3 shards: none is empty
    assert sum(len(h) for h in held) == len(held[0] | held[1] | held[2]) == 60  # disjoint
    assert not (sixty / "part-1" / "index.html").exists()


@pytest.mark.slow
def test_a_shard_built_again_with_nothing_changed_is_up_to_date(sixty: Path) -> None:
    said = ok("build", *SITE, "--shard", "2/3", "-o", "part-2", cwd=sixty)
    assert "up to date" in said


def test_shards_split_the_sheets_by_a_stable_hash_of_their_names() -> None:
    names = [f"seeds/brief-{i:04d}/facts.yaml" for i in range(200)]
    cut = [[n for n in names if Shard(i, 4).holds(n)] for i in range(1, 5)]
    assert sorted(n for c in cut for n in c) == names  # each sheet in exactly one shard
    assert all(len(c) > 20 for c in cut), [len(c) for c in cut]
    assert Shard.parse(" 3/4 ") == Shard(3, 4)


# --- a bad part set is refused, each by its own code ------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Six briefings (of every kind) built as 2 Markdown-only parts (of 5 and 1)."""
    project = kinds_project(tmp_path, 6)
    for i in (1, 2):
        ok("build", "--format", "md", "--shard", f"{i}/2", "-o", f"part-{i}", cwd=project)
    return project


def refused(project: Path, *args: str) -> str:
    done = run("merge", "--format", "md", *args, "-o", "site", cwd=project)
    assert done.returncode == 2, done.stderr
    assert not (project / "site").exists()  # nothing published
    return done.stderr


def test_merge_refuses_each_bad_part_set_with_its_own_error(small: Path) -> None:
    assert "error BG643: shard 2/2 is missing" in refused(small, "part-1")
    assert "error BG642: the part is given twice" in refused(small, "part-1", "part-1", "part-2")
    shutil.copytree(small / "part-2", small / "copy")
    assert "error BG642: the part is shard 2/2 like" in refused(small, "part-1", "part-2", "copy")
    assert "error BG640: not a part" in refused(small, "part-1", "seeds")
    ok("build", "--format", "md", "--shard", "1/3", "-o", "other", cwd=small)
    assert "error BG643: the parts come from builds of 2 and 3 shards" in refused(
        small, "part-1", "other")
    assert "error BG641: the part was built with other settings" in refused(
        small, "part-1", "part-2", "--paper", "Letter")
    sheet = small / "seeds" / "nato-profile-2018-00" / "facts.yaml"
    sheet.write_text(sheet.read_text("utf-8") + "# edited\n", "utf-8")
    said = refused(small, "part-1", "part-2")
    assert "error BG644: the part is stale: seeds/nato-profile-2018-00/facts.yaml changed" in said
    shutil.copytree(SEEDS[0], small / "seeds" / "added")
    said = refused(small, "part-1", "part-2")
    assert "error BG644: the part is stale: it was cut from another set of sheets" in said


def test_merge_refuses_a_site_folder_that_is_one_of_its_parts(small: Path) -> None:
    before = tree(small / "part-1")
    said = run("merge", "--format", "md", "part-1", "part-2", "-o", "part-1", cwd=small)
    assert said.returncode == 2
    assert "error BG649: the site folder part-1 overlaps this part" in said.stderr
    said = run("merge", "--format", "md", "part-1", "part-2", "-o", "part-2/site", cwd=small)
    assert "error BG649" in said.stderr
    assert tree(small / "part-1") == before


def test_merge_refuses_a_part_whose_file_was_changed(small: Path) -> None:
    page = next((small / "part-1").glob("*/*.md"))
    page.write_text(page.read_text("utf-8") + "tampered\n", "utf-8")
    said = refused(small, "part-1", "part-2")
    assert "error BG644: the part is stale: this file is missing or changed" in said


def test_a_shard_rebuilt_after_one_edit_rewrites_only_that_briefing(small: Path) -> None:
    ok("build", "--format", "md", "-o", "plain", cwd=small)  # the same history as the parts
    part = small / "part-1"
    before = {f: (part / f).stat().st_ino for f in tree(part)}
    edited = sorted({f.split("/")[0] for f in before if "/" in f})[0]
    sheet = small / "seeds" / edited / "facts.yaml"
    text = sheet.read_text("utf-8")
    sheet.write_text(text.replace("  title: \"", "  title: \"Edited: ", 1), "utf-8")
    said = ok("build", "--format", "md", "--shard", "1/2", "-o", "part-1", cwd=small)
    assert f"{edited}: " in said
    assert "built 1, unchanged" in said
    after = {f: (part / f).stat().st_ino for f in tree(part)}
    rewritten = sorted(f for f in after if after[f] != before.get(f))
    # the edited briefing, its changes page and its archived first edition; nothing else
    assert rewritten[0] == ".briefgen-manifest.json"
    assert f"{edited}/{edited}.md" in rewritten
    assert f"{edited}/changes.md" in rewritten
    assert all(f.startswith(f"{edited}/") for f in rewritten[1:])
    assert any(f.startswith(f"{edited}/editions/") for f in rewritten)
    merged = ok("merge", "--format", "md", "part-1", "part-2", "-o", "site", cwd=small)
    assert "merged 2 part(s): 6 briefing(s)" in merged
    ok("build", "--format", "md", "-o", "plain", cwd=small)
    assert tree(small / "site") == tree(small / "plain")


# --- the Dask executor ------------------------------------------------------------------


@pytest.mark.slow
def test_a_dask_worker_killed_mid_build_still_gives_the_same_tree(tmp_path: Path) -> None:
    project = kinds_project(tmp_path, 4)
    ok("build", "--format", "md,html,pdf", "--today", "2026-12-07", "-o", "plain", cwd=project)
    options = BuildOptions(
        formats=("md", "html", "pdf"), project=project, jobs=2, today="2026-12-07"
    )
    killed: list[int] = []

    def kill_a_worker(_built: object) -> None:
        if not killed:
            killed.extend(_workers()[:1])
            os.kill(killed[0], signal.SIGKILL)

    sheets = find_sheets(project)
    report = shards.build_scaled(sheets, project / "dask", options, executor="dask",
                                 on_built=kill_a_worker)
    assert killed, "no Dask worker process was found to kill"
    assert report.published
    assert not report.failed
    assert len(report.built) == 4
    assert tree(project / "dask") == tree(project / "plain")


def _workers() -> list[int]:
    """This process's children that are Dask worker processes (multiprocessing spawn)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"spawn_main" in cmdline:
            found.append(int(status.parent.name))
    return sorted(found)


@pytest.mark.slow
def test_a_failing_briefing_under_dask_is_reported_as_under_a_plain_build(
    tmp_path: Path,
) -> None:
    project = kinds_project(tmp_path, 4)
    ok("build", "--format", "md", "-o", "out", cwd=project)
    published = tree(project / "out")
    sheet = project / "seeds" / "nato-profile-2018-00" / "facts.yaml"
    sheet.write_text(sheet.read_text("utf-8").replace("  kind: organization", "  kind: x"), "utf-8")
    plain = run("build", "--format", "md", "-o", "out", cwd=project)
    dask = run("build", "--format", "md", "--executor", "dask", "-o", "out", cwd=project)
    assert plain.returncode == dask.returncode == 1
    assert "error BG203" in plain.stderr
    assert _lines(dask.stderr) == _lines(plain.stderr)
    assert tree(project / "out") == published  # nothing published


def _lines(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if not line.startswith("note:"))


def test_dask_without_its_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from briefgen.errors import BriefError
    from briefgen.pipeline import cluster

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else real(name, *a))
    with pytest.raises(BriefError) as raised:
        shards.build_scaled([], Path("unused"), BuildOptions(), executor="dask")
    assert raised.value.exit_code == 2
    assert [d.code for d in raised.value.diagnostics] == ["BG646"]
    assert "pip install 'briefgen[dask]'" in raised.value.diagnostics[0].hint
    del cluster


def test_build_refuses_a_bad_shard_and_a_scheduler_without_dask(tmp_path: Path) -> None:
    project = kinds_project(tmp_path, 1)
    done = run("build", "--shard", "3/2", cwd=project)
    assert done.returncode == 2
    assert "error BG645: not a shard: '3/2'" in done.stderr
    done = run("build", "--scheduler", "tcp://127.0.0.1:1", cwd=project)
    assert done.returncode == 2
    assert "--scheduler needs --executor dask" in done.stderr
    assert not (project / "out").exists()


# --- init --shards: the CI matrix recipe ------------------------------------------------


@pytest.mark.slow
def test_init_shards_writes_a_matrix_whose_steps_build_the_plain_site(tmp_path: Path) -> None:
    import re
    import subprocess
    import sys

    import yaml

    ok("init", "plain", cwd=tmp_path)
    ok("init", "briefs", "--shards", "2", cwd=tmp_path)
    plain = yaml.safe_load((tmp_path / "plain/.github/workflows/briefs.yml").read_text("utf-8"))
    flow = yaml.safe_load((tmp_path / "briefs/.github/workflows/briefs.yml").read_text("utf-8"))
    assert list(flow["jobs"]) == ["shard", "build", "deploy"]
    shard, merge = flow["jobs"]["shard"], flow["jobs"]["build"]
    assert shard["strategy"] == {"matrix": {"shard": [1, 2]}}
    assert merge["needs"] == "shard"
    assert flow["jobs"]["deploy"] == plain["jobs"]["deploy"]
    setup = plain["jobs"]["build"]["steps"][:4]  # check out … install briefgen, as today
    assert [s["name"] for s in setup][-1] == "Install briefgen"
    assert shard["steps"][:4] == setup
    assert merge["steps"][:4] == setup
    assert shard["env"] == merge["env"] == plain["jobs"]["build"]["env"]
    upload = shard["steps"][5]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["include-hidden-files"] is True  # the part's record is a dotfile
    assert merge["steps"][4]["with"] == {"pattern": "part-*"}
    assert merge["steps"][-1] == plain["jobs"]["build"]["steps"][-1]  # upload the site
    project = tmp_path / "briefs"
    shutil.copytree(SEEDS[0], project / "seeds" / SEEDS[0].name)
    venv = project / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "briefgen").write_text(f'#!/bin/sh\nexec {sys.executable} -m briefgen "$@"\n')
    (venv / "briefgen").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = str(ROOT)
    env["BRIEFGEN_BASE_URL"] = "https://owner.github.io/briefs/"
    scripts = [re.sub(r"\$\{\{matrix\.shard\}\}", str(i), shard["steps"][4]["run"])
               for i in (1, 2)] + [merge["steps"][5]["run"]]
    for script in scripts:
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    ok("build", "--strict", "--base-url", "https://owner.github.io/briefs/", "-o", "plain",
       cwd=project)
    assert tree(project / "out") == tree(project / "plain")
    assert "https://owner.github.io/briefs/" in (project / "out" / "sitemap.xml").read_text()


def test_a_dask_scheduler_that_cannot_be_reached_is_bg647_and_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.errors import BriefError
    from briefgen.pipeline import cluster

    project = kinds_project(tmp_path, 1)
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2)
    options = BuildOptions(formats=("md",), project=project)
    with pytest.raises(BriefError) as raised:
        shards.build_scaled(find_sheets(project), project / "out", options, executor="dask",
                            scheduler="tcp://127.0.0.1:9")
    assert [d.code for d in raised.value.diagnostics] == ["BG647"]
    assert raised.value.exit_code == 3
    assert not (project / "out").exists()
