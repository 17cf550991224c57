"""briefgen's benchmark: what briefgen adds on top of WeasyPrint, measured side by side.

Run with `make bench` (or `.venv/bin/python bench/run.py [--quick]`). It asserts nothing
about time; it prints a table of medians and ratios against the targets, and writes the
same numbers as JSON to bench/results/latest.json so runs can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import write_project  # noqa: E402

PY = sys.executable
BRIEFGEN = [PY, "-m", "briefgen"]


def timed(
    cmd: list[str],
    cwd: Path,
    *,
    repeat: int = 1,
    env: dict[str, str] | None = None,
    sample_rss: bool = False,
) -> dict[str, float]:
    """Median wall time of CMD over REPEAT runs; with SAMPLE_RSS, peak RSS per process."""
    times, main_rss, worker_rss = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        peaks: dict[int, int] = {}
        sampler = threading.Thread(target=_sample, args=(proc, peaks), daemon=True)
        if sample_rss:
            sampler.start()
        _, err = proc.communicate()
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0,):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
        if sample_rss:
            sampler.join()
            main_rss = max(main_rss, peaks.pop(proc.pid, 0))
            worker_rss = max([worker_rss, *peaks.values()])
    result = {"median_s": statistics.median(times), "runs": repeat}
    if sample_rss:
        result |= {"main_rss_mb": main_rss / 1024, "worker_rss_mb": worker_rss / 1024}
    return result


def _sample(proc: subprocess.Popen[bytes], peaks: dict[int, int]) -> None:
    """Poll /proc for the RSS of PROC and its descendants until it exits."""
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            try:
                text = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                if line.startswith("VmRSS:"):
                    peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
        time.sleep(0.05)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(Path(entry, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


PLAIN_LOOP = """
import glob, sys
from weasyprint import HTML
for f in sorted(glob.glob("out/*/*.html")):
    if not f.endswith("sources.html"):
        HTML(filename=f).write_pdf(f[:-5] + ".plain.pdf")
"""
SAFE_LOAD_LOOP = """
import glob, yaml
for f in sorted(glob.glob("seeds/*/facts.yaml")):
    with open(f, encoding="utf-8") as h:
        yaml.safe_load(h)
"""


def project(root: Path, n: int) -> Path:
    """A project with N synthetic sheets (and the schema the modelines point at)."""
    folder = root / f"p{n}"
    write_project(folder, n)
    return folder


SIZES = {  # check, build, pandoc, site
    "full": (1000, 200, 20, 1000),
    "quick": (100, 20, 5, 100),
    "smoke": (10, 3, 2, 10),  # the test suite runs this to keep the script working
}


def run(size: str) -> dict[str, object]:
    n_check, n_build, n_pandoc, n_site = SIZES[size]
    quick = size != "full"
    reps = 1 if quick else 3
    small = 1 if size == "smoke" else 5  # repetitions of the cheap measures
    results: dict[str, object] = {"machine": _machine(), "size": size}
    root = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    try:
        results["example"] = _example(root, env, small)
        big = project(root, n_check)
        results["check"] = {
            "n": n_check,
            "briefgen_check": timed([*BRIEFGEN, "check"], big, repeat=reps, env=env),
            "yaml_safe_load_loop": timed([PY, "-c", SAFE_LOAD_LOOP], big, repeat=reps, env=env),
        }
        mid = project(root, n_build)
        build = {"n": n_build}
        build["default_jobs"] = timed(
            [*BRIEFGEN, "build", "--force"], mid, repeat=reps, env=env, sample_rss=True
        )
        build["jobs_1"] = timed(
            [*BRIEFGEN, "build", "--force", "--jobs", "1"],
            mid,
            repeat=reps,
            env=env,
            sample_rss=True,
        )
        build["plain_weasyprint_loop"] = timed([PY, "-c", PLAIN_LOOP], mid, repeat=reps, env=env)
        results["build"] = build
        results["pandoc"] = _pandoc(root, n_pandoc, env, reps)
        results["site"] = _site(big if n_site == n_check else project(root, n_site), env, small)
        one = mid / "seeds" / "brief-0000"
        results["startup"] = {
            "help": timed([*BRIEFGEN, "--help"], mid, repeat=small, env=env),
            "check_one": timed([*BRIEFGEN, "check", str(one)], mid, repeat=small, env=env),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return results


PLAIN_ONE = """
from weasyprint import HTML
HTML(filename="plain.html").write_pdf("plain.pdf")
"""


def _example(root: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    """Issue 3's measure: `briefgen build` of the example vs WeasyPrint on its HTML."""
    folder = root / "example"
    shutil.copytree(
        HERE.parent / "seeds" / "helsinki-summit-2018", folder / "seeds" / "helsinki-summit-2018"
    )
    subprocess.run([*BRIEFGEN, "build"], cwd=folder, env=env, check=True, capture_output=True)
    shutil.copy(
        folder / "out" / "helsinki-summit-2018" / "helsinki-summit-2018.html", folder / "plain.html"
    )
    return {
        "briefgen_build": timed([*BRIEFGEN, "build", "--force"], folder, repeat=reps, env=env),
        "plain_weasyprint": timed([PY, "-c", PLAIN_ONE], folder, repeat=reps, env=env),
    }


def _pandoc(root: Path, n: int, env: dict[str, str], reps: int) -> dict[str, object]:
    if not shutil.which("pandoc"):
        return {"skipped": "pandoc is not installed (apt-get install pandoc)"}
    folder = project(root, n)
    subprocess.run(
        [*BRIEFGEN, "build", "--format", "md"], cwd=folder, env=env, check=True, capture_output=True
    )
    weasy_bin = str(Path(PY).parent)
    penv = dict(env, PATH=f"{weasy_bin}:{env.get('PATH', '')}")
    script = (
        'set -e; for f in out/*/*.md; do pandoc "$f" -o "${f%.md}.pandoc.pdf" '
        "--pdf-engine=weasyprint; done"
    )
    return {
        "n": n,
        "pandoc_pipeline": timed(["bash", "-c", script], folder, repeat=reps, env=penv),
        "briefgen_build": timed([*BRIEFGEN, "build", "--force"], folder, repeat=reps, env=env),
    }


def _site(folder: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    full = timed([*BRIEFGEN, "build"], folder, env=env, sample_rss=True)
    nothing = timed([*BRIEFGEN, "build"], folder, repeat=reps, env=env)
    sheet = folder / "seeds" / "brief-0007" / "facts.yaml"
    edits = []
    for i in range(3):
        sheet.write_text(
            sheet.read_text().replace(
                'audience: "Benchmark readers', f'audience: "Benchmark readers {i}', 1
            )
        )
        edits.append(timed([*BRIEFGEN, "build"], folder, env=env)["median_s"])
    one_render = timed(
        [*BRIEFGEN, "build", "--force", "-o", "out-one", str(sheet)], folder, env=env
    )
    return {
        "n": len(list((folder / "seeds").iterdir())),
        "full_build": full,
        "nothing_changed": nothing,
        "one_sheet_edited": {"median_s": statistics.median(edits)},
        "one_briefing_alone": one_render,
    }


def _machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.machine(),
    }


def table(r: dict[str, object]) -> list[str]:
    """The results as readable lines, with ratios against the issue's targets."""

    def s(x: object) -> float:
        return float(x["median_s"])  # type: ignore[index]

    c, b, p, site, st = (r[k] for k in ("check", "build", "pandoc", "site", "startup"))
    lines = [f"machine: {r['machine']}", "", f"{'measure':<52}{'median':>10}  ratio (target)"]
    ex = r["example"]

    def row(name: str, value: float, ratio: str = "") -> None:
        lines.append(f"{name:<52}{value:>9.2f}s  {ratio}")

    def verdict(ok: bool) -> str:
        return "meets target" if ok else "MISSES target"

    row(
        "build the Helsinki example (process, all formats)",
        s(ex["briefgen_build"]),
        f"{s(ex['briefgen_build']) / s(ex['plain_weasyprint']):.2f}x plain WeasyPrint process",
    )
    row("plain WeasyPrint process, the example's HTML", s(ex["plain_weasyprint"]))
    ratio = s(c["briefgen_check"]) / s(c["yaml_safe_load_loop"])
    row(
        f"check, {c['n']} sheets",
        s(c["briefgen_check"]),
        f"{ratio:.2f}x yaml.safe_load loop (<= 4x: {verdict(ratio <= 4)})",
    )
    row(f"yaml.safe_load loop, {c['n']} sheets", s(c["yaml_safe_load_loop"]))
    floor = s(b["plain_weasyprint_loop"])
    for key, target in (("default_jobs", 0.6), ("jobs_1", 1.15)):
        ratio = s(b[key]) / floor
        row(
            f"build {b['n']} briefings, {key.replace('_', ' ')}",
            s(b[key]),
            f"{ratio:.2f}x plain loop (<= {target}x: {verdict(ratio <= target)})",
        )
    row(f"plain WeasyPrint loop, {b['n']} HTML → PDF", floor)
    if "skipped" not in p:
        ratio = s(p["pandoc_pipeline"]) / s(p["briefgen_build"])
        row(f"pandoc → weasyprint, {p['n']} briefings", s(p["pandoc_pipeline"]))
        row(
            f"briefgen build, same {p['n']}",
            s(p["briefgen_build"]),
            f"{ratio:.1f}x faster than pandoc (>= 10x: {verdict(ratio >= 10)})",
        )
    full, none = s(site["full_build"]), s(site["nothing_changed"])
    row(f"full build of {site['n']} briefings", full)
    row(
        f"rebuild, nothing changed, {site['n']}",
        none,
        f"{none / full:.1%} of full (< 1 s and < 3%: {verdict(none < 1 and none / full < 0.03)})",
    )
    row(
        f"rebuild, one sheet edited, {site['n']}",
        s(site["one_sheet_edited"]),
        f"vs one briefing alone {s(site['one_briefing_alone']):.2f}s",
    )
    for key in ("default_jobs", "jobs_1"):
        m = b[key]
        lines.append(
            f"{'peak RSS, build ' + str(b['n']) + ', ' + key:<52}"
            f"main {m['main_rss_mb']:.0f} MB, worker {m['worker_rss_mb']:.0f} MB"
        )
    fb = site["full_build"]
    rss_ok = max(fb["main_rss_mb"], fb["worker_rss_mb"]) < 250
    lines.append(
        f"{'peak RSS, build ' + str(site['n']):<52}main {fb['main_rss_mb']:.0f} MB, "
        f"worker {fb['worker_rss_mb']:.0f} MB (< 250 MB: {verdict(rss_ok)})"
    )
    row("briefgen --help", s(st["help"]), f"(< 0.3 s: {verdict(s(st['help']) < 0.3)})")
    row("briefgen check, one sheet", s(st["check_one"]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small N, one repetition.")
    parser.add_argument("--smoke", action="store_true", help="Tiny N: only checks it runs.")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="Results folder.")
    args = parser.parse_args()
    results = run("smoke" if args.smoke else "quick" if args.quick else "full")
    lines = table(results)
    print("\n".join(lines))
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "latest.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
