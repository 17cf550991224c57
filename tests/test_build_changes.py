"""`briefgen build` says what changed per briefing since the published version."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.compose.changes import Change, compare
from briefgen.publish import manifest

ROOT = Path(__file__).resolve().parent.parent
SLUG = "helsinki-summit-2018"
F1 = '    text: "Trump and Putin are to meet in Helsinki, Finland, on 16 July."'
LONGER = ('    text: "Trump and Putin are to meet in Helsinki, Finland, on 16 July, for their '
          'first official summit since 2009, amid the lowest relations since the Cold War, '
          'after sanctions, expulsions and a year of talks about talks that came to nothing, '
          'with allies in Europe and Asia watching every word the two leaders say in public."')
# (long enough to add lines in the two-column layout, so the page fill moves)


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "briefgen", "build", "-j", "1", *args],
                          cwd=project, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "seeds" / SLUG, tmp_path / "seeds" / SLUG)
    return tmp_path


def edit(project: Path, old: str, new: str) -> None:
    sheet = project / "seeds" / SLUG / "facts.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert text.count(old) == 1
    sheet.write_text(text.replace(old, new), encoding="utf-8")


def test_first_build_new_then_an_edited_fact_and_the_fill(project: Path) -> None:
    first = build(project)
    assert f"{SLUG}: new\n" in first.stderr
    edit(project, F1, LONGER)
    second = build(project)
    said = re.search(rf"^{SLUG}: key facts: 1 edited; page (\d+)% → (\d+)% full$",
                     second.stderr, re.M)
    assert said, second.stderr
    assert said.group(1) != said.group(2)
    assert [line for line in second.stderr.splitlines() if line.startswith(f"{SLUG}: ")] == [
        said.group(0)]  # once, and nothing about the sections that did not change


def test_nothing_changed_says_nothing_extra(project: Path) -> None:
    build(project)
    again = build(project, "--force")  # rebuilt, but the same content and page
    assert f"{SLUG}:" not in again.stderr, again.stderr
    assert build(project).stderr.startswith("up to date")


def test_a_manifest_from_before_still_builds_and_claims_nothing(project: Path) -> None:
    build(project)
    path = project / "out" / manifest.NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    for record in doc["briefings"].values():  # what a briefgen before digests wrote
        for key in ("sections", "fill", "content", "published", "snapshot"):
            record.pop(key, None)
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert manifest.read(project / "out").briefings  # still read, not thrown away
    edit(project, F1, LONGER)
    done = build(project)
    assert f"{SLUG}:" not in done.stderr, done.stderr
    assert "built 1, unchanged 0" in done.stderr
    assert "sections" in path.read_text(encoding="utf-8")  # recorded from now on


def test_compare_counts_added_removed_and_edited() -> None:
    before = {"key_facts": {"F1": "a", "F2": "b", "F3": "c"}, "bottom_line": {"#1": "x"}}
    after = {"key_facts": {"F1": "a", "F2": "B", "F4": "d"}, "bottom_line": {"#1": "y"}}
    change = compare(before, 0.87, after, 0.912)
    assert change.sections == {"bottom_line": (0, 0, 1), "key_facts": (1, 1, 1)}
    assert str(change) == (
        "bottom line: 1 edited; key facts: 1 added, 1 removed, 1 edited; page 87% → 91% full")
    assert str(compare(before, 0.87, before, 0.871)) == ""
    assert str(compare(None, None, after, 0.9)) == ""
    assert str(Change(new=True)) == "new"


def test_a_failed_build_claims_no_change_and_the_next_one_does(project: Path) -> None:
    """What changed is said of the published version: a build that fails publishes
    nothing, so it says nothing changed, and the build that publishes says it."""
    other = project / "seeds" / "russia-us-relations-2018"
    shutil.copytree(ROOT / "seeds" / other.name, other)
    build(project)
    edit(project, F1, LONGER)
    sheet = other / "facts.yaml"
    good = sheet.read_text(encoding="utf-8")
    sheet.write_text(good + "broken: [\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFGEN_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    failed = subprocess.run([sys.executable, "-m", "briefgen", "build", "-j", "1"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert failed.returncode == 1, failed.stderr
    assert f"{SLUG}: key facts" not in failed.stderr
    sheet.write_text(good, encoding="utf-8")
    assert f"{SLUG}: key facts: 1 edited" in build(project).stderr
