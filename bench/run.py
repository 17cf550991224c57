"""briefgen's benchmark: what briefgen adds on top of the tools a user would otherwise run.

Run with `make bench` (or `.venv/bin/python bench/run.py [--quick]`). It asserts nothing
about time; it prints a table of medians and ratios against the targets, and writes the
same numbers as JSON to bench/results/latest.json so runs can be compared.

What makes the comparisons fair: every baseline does the same work as the briefgen run it
is compared with. The plain WeasyPrint runs lay out the very HTML briefgen lays out, with
its fonts and PDF/UA-1 (bench/plain.py); `check` is compared with libyaml's C parser; a
briefgen run with N worker processes is compared with N baseline processes sharing the
same sheets. The sheets are bench/synth.py's realistic ones: accented and Cyrillic names,
a direct quote, some needing a tighter layout, and some that fail `check` (builds use
--keep-going and are expected to exit 1; the failing sheets are skipped by the baselines).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import kind, write_project  # noqa: E402

T = TypeVar("T")
PY = sys.executable
BRIEFGEN = [PY, "-m", "briefgen"]
PLAIN = [PY, str(HERE / "plain.py")]
# As briefgen's default: all the cores this process may use (workers.usable_cores).
JOBS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
CHECK_MINIMUM = 100  # `check` uses worker processes from this many sheets (pipeline.py)


def timed(
    *cmds: list[str],
    cwd: Path,
    repeat: int = 1,
    env: dict[str, str] | None = None,
    sample_rss: bool = False,
    ok: tuple[int, ...] = (0,),
) -> dict[str, float]:
    """Median wall time of CMDS started together (until the last ends), over REPEAT runs.

    With SAMPLE_RSS, the peak RSS of the first command's process and of its children.
    OK are the exit statuses that count as success (1 when failing sheets are expected).
    """
    times, main_rss, worker_rss = [], 0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            for cmd in cmds
        ]
        peaks: dict[int, int] = {}
        sampler = threading.Thread(target=_sample, args=(procs[0], peaks), daemon=True)
        if sample_rss:
            sampler.start()
        errors = [proc.communicate()[1] for proc in procs]
        times.append(time.perf_counter() - start)
        for cmd, proc, err in zip(cmds, procs, errors, strict=True):
            if proc.returncode not in ok:
                raise SystemExit(
                    f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-2000:]}"
                )
        if sample_rss:
            sampler.join()
            main_rss = max(main_rss, peaks.pop(procs[0].pid, 0))
            worker_rss = max([worker_rss, *peaks.values()])
    result = {"median_s": statistics.median(times), "runs": repeat, "processes": len(cmds)}
    if sample_rss:
        result |= {"main_rss_mb": main_rss / 1024, "worker_rss_mb": worker_rss / 1024}
    return result


def shards(cmd: list[str], k: int) -> list[list[str]]:
    """CMD for each of K processes, each taking every K-th item (bench/plain.py's I K)."""
    return [[*cmd, str(i), str(k)] for i in range(k)]


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


def project(root: Path, n: int, *, failing: bool = True) -> Path:
    """A project with N realistic synthetic sheets (without the failing ones: FAILING)."""
    folder = root / f"p{n}{'' if failing else '-valid'}"
    for sheet in write_project(folder, n, realistic=True):
        if not failing and kind(int(sheet.parent.name[6:]), realistic=True) == "failing":
            shutil.rmtree(sheet.parent)
    return folder


def mix(folder: Path) -> dict[str, int]:
    """How many of FOLDER's sheets are plain, tight (need a ladder rung) and failing."""
    counts = {"plain": 0, "tight": 0, "failing": 0}
    for sheet in (folder / "seeds").glob("brief-*/facts.yaml"):
        counts[kind(int(sheet.parent.name[6:]), realistic=True)] += 1
    return counts


SIZES = {  # build, pandoc, site, preview
    "full": (200, 20, 1000, 100),
    "quick": (20, 6, 100, 20),
    "smoke": (3, 2, 4, 2),  # the test suite runs this to keep the script working
}
CHECKS = {"full": (300, 1000), "quick": (300, 1000), "smoke": (10,)}  # issue 21's check rows
NOOPS = {"full": (1000, 10000), "quick": (1000,), "smoke": (10,)}  # its no-op rows
NOOP_TARGETS = {1000: 0.5, 10000: 2.0}  # seconds (issue 21)
CHECK_TARGET = 2.0  # briefgen check / libyaml parse, same files and processes (issue 21)
EDIT_TARGET = 0.3  # s: one edited sheet's rebuild beyond building that briefing alone


def run(size: str) -> dict[str, object]:
    n_build, n_pandoc, n_site, n_preview = SIZES[size]
    reps = 1 if size != "full" else 3
    small = 1 if size == "smoke" else 5  # repetitions of the cheap measures
    results: dict[str, object] = {"machine": _machine(), "size": size, "jobs": JOBS}
    root = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    env.pop("BRIEFGEN_STRICT", None)
    try:
        results["example"] = _example(root, env, small)
        results["layout"] = _layout(env, 1 if size == "smoke" else 3 * small)
        rows = []
        for n in CHECKS[size]:
            big = project(root, n)
            rows.append(_check(big, env, small))
        results["check"] = {"rows": rows}
        results["noop"] = {"rows": [_noop(root, n, env, small) for n in NOOPS[size]]}
        results["build"] = _build(project(root, n_build), env, reps)
        results["pandoc"] = _pandoc(project(root, n_pandoc), env, reps)
        results["site"] = _site(project(root, n_site, failing=False), env, small)
        results["preview"] = _preview(project(root, n_preview), env, small)
        one = big / "seeds" / "brief-0000"
        results["startup"] = {
            "help": timed([*BRIEFGEN, "--help"], cwd=big, repeat=small, env=env),
            "check_one": timed([*BRIEFGEN, "check", str(one)], cwd=big, repeat=small, env=env),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return results


def _check(folder: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    """`briefgen check` of FOLDER's sheets next to libyaml parsing the same files in as many
    processes (from CHECK_MINIMUM sheets `check` uses one worker per core), interleaved."""
    procs = JOBS if len(list((folder / "seeds").iterdir())) >= CHECK_MINIMUM else 1
    check, parse = [], []
    for _ in range(reps):  # one after the other, so a busy moment hits both alike
        check.append(timed([*BRIEFGEN, "check"], cwd=folder, env=env, ok=(0, 1))["median_s"])
        parse.append(
            timed(*shards([*PLAIN, "yaml", str(folder)], procs), cwd=folder, env=env)["median_s"]
        )
    return {
        "n": sum(mix(folder).values()),
        "mix": mix(folder),
        "briefgen_check": {"median_s": statistics.median(check), "runs": reps},
        "yaml_csafe_loop": {
            "median_s": statistics.median(parse),
            "runs": reps,
            "processes": procs,
        },
    }


def _noop(root: Path, n: int, env: dict[str, str], reps: int) -> dict[str, object]:
    """A rebuild of N synthetic briefings that finds nothing to do, as a whole process.

    What is measured: `briefgen build --format md` on a site built once the same way (all
    sheets pass). The decision is the one every build makes whatever the formats: every
    sheet, its two sources and every published file are looked at (by their stamps, read
    only when their metadata changed). Before timing, the racy window (keys.Stamps.RACY)
    is waited out and one untimed no-op lets the stamps settle, as on a cron's second run.
    """
    folder = root / "noop" / str(n)
    write_project(folder, n)  # the plain synthetic sheets: every one passes check
    command = [*BRIEFGEN, "build", "--format", "md"]
    subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
    time.sleep(2.1)
    subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
    return {"n": n, "nothing_changed": timed(command, cwd=folder, repeat=reps, env=env)}


def _plain_pages(folder: Path, env: dict[str, str]) -> Path:
    """The HTML briefgen lays out for FOLDER's valid sheets, ready for plain WeasyPrint."""
    pages = folder / "plain"
    subprocess.run([*PLAIN, "prepare", str(folder), str(pages)], env=env, check=True)
    return pages


def _example(root: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    """Issue 3's measure: `briefgen build` of the example vs WeasyPrint on the same page."""
    folder = root / "example"
    shutil.copytree(
        HERE.parent / "seeds" / "helsinki-summit-2018", folder / "seeds" / "helsinki-summit-2018"
    )
    pages = _plain_pages(folder, env)
    return {
        "briefgen_build": timed([*BRIEFGEN, "build", "--force"], cwd=folder, repeat=reps, env=env),
        "plain_weasyprint": timed([*PLAIN, "pdf", str(pages)], cwd=folder, repeat=reps, env=env),
    }


def _layout(env: dict[str, str], reps: int) -> dict[str, object]:
    """Issue 21's measure: the example page's layout by the PDF step vs the same HTML
    without its column declarations, interleaved in one warm process (bench/layout.py)."""
    done = subprocess.run(
        [PY, str(HERE / "layout.py"), str(reps)], env=env, check=True, capture_output=True,
        text=True,
    )
    found: dict[str, object] = json.loads(done.stdout)
    return found


def _build(folder: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    """Build N briefings with JOBS workers and with one, next to as many plain processes."""
    pages = _plain_pages(folder, env)
    build: dict[str, object] = {"n": sum(mix(folder).values()), "mix": mix(folder)}
    command = [*BRIEFGEN, "build", "--force", "--keep-going"]
    build["default_jobs"] = timed(
        command, cwd=folder, repeat=reps, env=env, sample_rss=True, ok=(0, 1)
    )
    build["plain_weasyprint_default_jobs"] = timed(
        *shards([*PLAIN, "pdf", str(pages)], JOBS), cwd=folder, repeat=reps, env=env
    )
    build["jobs_1"] = timed(
        [*command, "--jobs", "1"], cwd=folder, repeat=reps, env=env, sample_rss=True, ok=(0, 1)
    )
    build["plain_weasyprint_jobs_1"] = timed(
        [*PLAIN, "pdf", str(pages)], cwd=folder, repeat=reps, env=env
    )
    return build


def _pandoc(folder: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    if not shutil.which("pandoc"):
        return {"skipped": "pandoc is not installed (apt-get install pandoc)"}
    subprocess.run(
        [*BRIEFGEN, "build", "--format", "md", "--keep-going"],
        cwd=folder,
        env=env,
        capture_output=True,
    )
    weasy_bin = str(Path(PY).parent)
    penv = dict(env, PATH=f"{weasy_bin}:{env.get('PATH', '')}")
    return {
        "n": sum(mix(folder).values()),
        "mix": mix(folder),
        "pandoc_pipeline": timed(
            *shards([*PLAIN, "pandoc", str(folder)], JOBS), cwd=folder, repeat=reps, env=penv
        ),
        "briefgen_build": timed(
            [*BRIEFGEN, "build", "--force", "--keep-going"],
            cwd=folder,
            repeat=reps,
            env=env,
            ok=(0, 1),
        ),
    }


def _site(folder: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    """Scheduled rebuilds of a site whose sheets all pass (the state cron normally sees)."""
    full = timed([*BRIEFGEN, "build"], cwd=folder, env=env, sample_rss=True)
    nothing = timed([*BRIEFGEN, "build"], cwd=folder, repeat=reps, env=env)
    sheet = folder / "seeds" / "brief-0001" / "facts.yaml"  # a plain sheet
    edits = []
    for i in range(3):
        text = sheet.read_text(encoding="utf-8")
        sheet.write_text(
            text.replace('audience: "Benchmark readers', f'audience: "Benchmark readers {i}', 1),
            encoding="utf-8",
        )
        edits.append(timed([*BRIEFGEN, "build"], cwd=folder, env=env)["median_s"])
    one_render = timed(
        [*BRIEFGEN, "build", "--force", "-o", "out-one", str(sheet)], cwd=folder, env=env
    )
    return {
        "n": sum(mix(folder).values()),
        "mix": mix(folder),
        "full_build": full,
        "nothing_changed": nothing,
        "one_sheet_edited": {"median_s": statistics.median(edits)},
        "one_briefing_alone": one_render,
    }


def _preview(folder: Path, env: dict[str, str], reps: int) -> dict[str, object]:
    """Issue 12's three preview latencies under `briefgen serve`, on FOLDER's sheets:
    serve start → the first briefing page served (no out/ yet: nothing old to show);
    save → the open page in a real browser (headless Chromium) shows the edit, nobody
    touching it; save → the served PDF shows it (bytes changed; pdftotext at the end)."""
    slug = "brief-0001"  # a plain sheet that passes check
    sheet = folder / "seeds" / slug / "facts.yaml"
    path = f"{slug}/{slug}.html"
    firsts = []
    for _ in range(reps):
        shutil.rmtree(folder / "out", ignore_errors=True)
        start = time.perf_counter()
        serve, lines = _start_serve(folder, env)
        try:
            url = _wait(lambda: _announced(lines), 60, "serve did not start", lines)  # noqa: B023
            _wait(lambda: _status(url + path) == 200, 60, "no first page", lines)  # noqa: B023
            firsts.append(time.perf_counter() - start)
        finally:
            _stop_serve(serve)
    serve, lines = _start_serve(folder, env)
    browser = _browser(folder)
    try:
        url = _wait(lambda: _announced(lines), 600, "serve did not start", lines)
        _wait(lambda: "built " in "".join(lines), 600, "serve did not build", lines)
        page, pdf = url + path, f"{url}{slug}/{slug}.pdf"
        if browser is not None:
            browser.load("navigate", url=page)
        html_times, pdf_times = [], []
        for i in range(reps):
            token = f"Preview probe {i:03d}"
            old_pdf = _get(pdf)
            text = sheet.read_text(encoding="utf-8")
            edited = re.sub(r'title: "[^:"]*1:', f'title: "{token} 1:', text, count=1)
            start = time.perf_counter()
            sheet.write_text(edited, encoding="utf-8")
            if browser is not None:
                h1 = "(document.querySelector('h1') || {textContent: ''}).textContent"  # mid-load
                shown = f"{h1}.includes({token!r})"
                _wait(lambda: browser.evaluate(shown), 60, "no new page", lines, 0.005)  # noqa: B023
            else:
                _wait(lambda: token in _get(page).decode("utf-8"), 60, "no new HTML", lines)  # noqa: B023
            html_times.append(time.perf_counter() - start)
            _wait(lambda: _get(pdf) != old_pdf, 300, "no new PDF", lines)  # noqa: B023
            pdf_times.append(time.perf_counter() - start)
            time.sleep(0.5)  # let the page's reload finish before the next save
        shown_pdf = _pdf_text(_get(pdf), folder)
        if shown_pdf is not None and token not in shown_pdf:
            raise SystemExit(f"the served PDF does not show {token!r}")
    finally:
        if browser is not None:
            browser.close()
        _stop_serve(serve)
    return {
        "n": sum(mix(folder).values()),
        "mix": mix(folder),
        "browser": "headless Chromium" if browser is not None else "none: served HTML polled",
        "first_page": {"median_s": statistics.median(firsts), "runs": reps},
        "html_in_browser": {"median_s": statistics.median(html_times), "runs": reps},
        "pdf_shows_edit": {"median_s": statistics.median(pdf_times), "runs": reps},
    }


def _start_serve(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], list[str]]:
    serve = subprocess.Popen(
        [*BRIEFGEN, "serve", "--port", "0"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=_follow, args=(serve, lines), daemon=True).start()
    return serve, lines


def _stop_serve(serve: subprocess.Popen[str]) -> None:
    os.killpg(serve.pid, signal.SIGTERM)
    try:
        serve.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()


def _browser(folder: Path) -> Any:
    """Headless Chromium driven by tests/cdp.py, or None (said on stderr) without one."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    import pytest
    from cdp import Browser, chromium

    try:
        browser = Browser(chromium("the in-browser preview latency"), folder)
    except pytest.skip.Exception as skipped:
        print(f"{skipped}; timing the served HTML instead", file=sys.stderr)
        return None
    browser.open_page()
    return browser


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except OSError:
        return 0


def _follow(proc: subprocess.Popen[str], lines: list[str]) -> None:
    """Collect PROC's stderr line by line (serve reports its address and builds there)."""
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line)


def _announced(lines: list[str]) -> str | None:
    found = re.search(r"at (http://127\.0\.0\.1:\d+/)", "".join(lines))
    return found.group(1) if found else None


def _wait(
    probe: Callable[[], T], timeout: float, what: str, lines: list[str], every: float = 0.02
) -> T:
    """Call PROBE EVERY s until it returns something true; fail after TIMEOUT s."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(every)
    raise SystemExit(f"{what} within {timeout} s:\n{''.join(lines)[-2000:]}")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def _pdf_text(data: bytes, folder: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    path = folder / "served.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.machine(),
    }


def _mix_text(m: dict[str, int]) -> str:
    return f"{m['tight']} need a tighter rung, {m['failing']} fail check"


def table(r: dict[str, object]) -> list[str]:
    """The results as readable lines; every ratio names both sides and the target."""

    def s(x: object) -> float:
        return float(x["median_s"])  # type: ignore[index]

    c, b, p, site, pv, st = (
        r[k] for k in ("check", "build", "pandoc", "site", "preview", "startup")
    )
    jobs = r["jobs"]
    lines = [
        f"machine: {r['machine']}",
        f"sheets: realistic synthetic ones; builds use --keep-going and exit 1 for the sheets "
        f"that fail check; baselines skip those. Default jobs here: {jobs}.",
        "",
        f"{'measure':<52}{'median':>10}  ratio: what is compared (target)",
    ]
    ex = r["example"]

    def row(name: str, value: float, ratio: str = "") -> None:
        lines.append(f"{name:<52}{value:>9.2f}s  {ratio}")

    def verdict(ok: bool) -> str:
        return "meets target" if ok else "MISSES target"

    ratio = s(ex["briefgen_build"]) / s(ex["plain_weasyprint"])
    row(
        "build the Helsinki example (process, all formats)",
        s(ex["briefgen_build"]),
        f"{ratio:.2f}x = briefgen build / plain WeasyPrint process on the same page",
    )
    row("plain WeasyPrint process, same HTML, fonts, PDF/UA", s(ex["plain_weasyprint"]))
    lay: Any = r["layout"]
    split, none, before = (float(lay["median_s"][k]) for k in ("split", "none", "balanced"))
    lines.append("layout: example page vs same HTML without column declarations")
    row(
        f"  as the PDF step lays it out ({lay['split_layouts']} layout)",
        split,
        f"{split / none:.2f}x = PDF step / no columns, one warm process, {lay['reps']} reps "
        f"(<= 1.15x: {verdict(split / none <= 1.15)})",
    )
    row(
        "  balanced by WeasyPrint (columns: 2, as before)",
        before,
        f"{before / none:.2f}x = balanced / no columns, same process",
    )
    row("  without column declarations (the floor)", none)
    for one in c["rows"]:
        procs = one["yaml_csafe_loop"]["processes"]
        ratio = s(one["briefgen_check"]) / s(one["yaml_csafe_loop"])
        row(
            f"check, {one['n']} sheets ({one['mix']['failing']} fail)",
            s(one["briefgen_check"]),
            f"{ratio:.2f}x = briefgen check / libyaml parse only, {procs} process(es) "
            f"(<= {CHECK_TARGET}x: {verdict(ratio <= CHECK_TARGET)})",
        )
        row(
            f"libyaml CSafeLoader parse, {one['n']} sheets, {procs} proc.",
            s(one["yaml_csafe_loop"]),
        )
    one = s(b["plain_weasyprint_jobs_1"])
    for key, plain in (("default_jobs", "plain_weasyprint_default_jobs"), ("jobs_1", None)):
        base = s(b[plain]) if plain else one
        n_procs = b[plain or "plain_weasyprint_jobs_1"]["processes"]
        ratio = s(b[key]) / base
        target = "" if plain else f" (<= 1.15x: {verdict(ratio <= 1.15)})"
        row(
            f"build {b['n']} briefings, {f'jobs {jobs}' if plain else 'jobs 1'}",
            s(b[key]),
            f"{ratio:.2f}x = briefgen / plain WeasyPrint, both {n_procs} process(es){target}",
        )
        if plain:
            row(f"plain WeasyPrint, same pages, {n_procs} process(es)", base)
            ratio = s(b[key]) / one
            lines.append(
                f"{'':<52}{'':>10}  {ratio:.2f}x = briefgen jobs {jobs} / plain WeasyPrint in 1 "
                f"process (the issue's <= 0.6x: {verdict(ratio <= 0.6)})"
            )
    row("plain WeasyPrint, same pages, 1 process", one)
    lines.append(f"{'':<52}{'':>10}  ({_mix_text(b['mix'])})")
    if "skipped" not in p:
        n_procs = p["pandoc_pipeline"]["processes"]
        ratio = s(p["pandoc_pipeline"]) / s(p["briefgen_build"])
        row(f"pandoc → weasyprint, {p['n']} briefings, {n_procs} proc.", s(p["pandoc_pipeline"]))
        row(
            f"briefgen build, same {p['n']}, jobs {jobs}",
            s(p["briefgen_build"]),
            f"{ratio:.1f}x = pandoc time / briefgen time (>= 10x: {verdict(ratio >= 10)})",
        )
    else:
        lines.append(f"pandoc: {p['skipped']}")
    full, none = s(site["full_build"]), s(site["nothing_changed"])
    row(f"full build of {site['n']} briefings (all pass check)", full)
    row(
        f"rebuild, nothing changed, {site['n']}",
        none,
        f"{none / full:.1%} = no-op rebuild / full build (< 1 s and < 3%: "
        f"{verdict(none < 1 and none / full < 0.03)})",
    )
    extra = s(site["one_sheet_edited"]) - s(site["one_briefing_alone"])
    row(
        f"rebuild, one sheet edited, {site['n']}",
        s(site["one_sheet_edited"]),
        f"{extra:+.2f}s over building that one briefing alone "
        f"(<= +{EDIT_TARGET} s: {verdict(extra <= EDIT_TARGET)})",
    )
    row("build that one briefing alone (all formats)", s(site["one_briefing_alone"]))
    for one in r["noop"]["rows"]:  # type: ignore[index]
        target = NOOP_TARGETS.get(one["n"])
        value = s(one["nothing_changed"])
        row(
            f"rebuild, nothing changed, {one['n']} (md site)",
            value,
            f"whole process (< {target} s: {verdict(value < target)})" if target else "",
        )
    lines += preview_lines(pv)  # type: ignore[arg-type]
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


PREVIEW_TARGETS = (  # key, what is timed, target in seconds (issue 12)
    ("first_page", "start → first briefing page served", 3.0),
    ("html_in_browser", "save → open page shows it", 0.3),
    ("pdf_shows_edit", "save → served PDF shows it", 1.5),
)


def preview_lines(pv: dict[str, Any]) -> list[str]:
    """The three preview latencies, each with its target."""
    lines = []
    for key, what, target in PREVIEW_TARGETS:
        value = float(pv[key]["median_s"])
        verdict = "meets target" if value <= target else "MISSES target"
        name = f"serve: {what} ({pv['n']})"
        lines.append(f"{name:<52}{value:>9.2f}s  (<= {target} s: {verdict})")
    lines.append(f"{'':<52}{'':>10}  (browser: {pv['browser']}; {pv['first_page']['runs']} runs)")
    return lines


def run_serve(size: str) -> dict[str, object]:
    """Only the preview latencies (`--only serve`): a minute instead of the whole run."""
    root = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    env.pop("BRIEFGEN_STRICT", None)
    try:
        n_preview = SIZES[size][3]
        preview = _preview(project(root, n_preview), env, 1 if size == "smoke" else 5)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"machine": _machine(), "size": size, "jobs": JOBS, "preview": preview}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Small N, one repetition.")
    parser.add_argument("--smoke", action="store_true", help="Tiny N: only checks it runs.")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="Results folder.")
    parser.add_argument("--only", choices=["serve"], help="Only the preview latencies.")
    args = parser.parse_args()
    started = time.perf_counter()
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    results = run_serve(size) if args.only == "serve" else run(size)
    results["bench_s"] = time.perf_counter() - started
    if args.only == "serve":
        preview: Any = results["preview"]
        lines = [f"machine: {results['machine']}", *preview_lines(preview)]
    else:
        lines = table(results)
    lines.append(f"(the whole benchmark took {results['bench_s']:.0f} s)")
    print("\n".join(lines))
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    name = "latest-serve" if args.only == "serve" else "latest"
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / f"{name}.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
