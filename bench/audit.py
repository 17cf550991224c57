"""Audit the built example site as browsers and checkers see it: `make audit`.

Builds the example (plus 4 synthetic briefings, with --search) into a temporary project,
serves it on 127.0.0.1 and runs:
  * Lighthouse 12 (mobile and desktop) on the index, a briefing and its sources page:
    accessibility, best practices and SEO must score 100, and the legible-font audit must
    pass for 100 % of the text (the 404 page is left out: it is noindex on purpose);
  * axe-core with every rule (best practices and experimental included) at 1280 and 390 px,
    light and dark, on those three pages and the 404 page: no violation;
  * the Nu HTML checker on the HTML, CSS and SVG files: no error.
Prints what it measured; exits 1 on any shortfall, 2 when a tool is missing (`make audit-tools`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from audits import LIGHTHOUSE, PAGES, axe, missing_tools, serving, vnu  # noqa: E402
from cdp import Browser, chromium  # noqa: E402
from site_helpers import make_project  # noqa: E402

CATEGORIES = ("accessibility", "best-practices", "seo")
EXTRA_BUILD_ARGS = ["--search"]  # Pagefind (briefgen[search], in the test extra)
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


def build_example(folder: Path) -> Path:
    """The example plus 4 synthetic briefings (so the index has filters), built by the
    installed briefgen into FOLDER/out."""
    make_project(folder, 4)
    briefgen = Path(sys.executable).parent / "briefgen"
    subprocess.run([str(briefgen), "build", *EXTRA_BUILD_ARGS], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    return folder / "out"


def lighthouse(url: str, preset: str, report: Path) -> tuple[dict[str, object], list[str]]:
    """Lighthouse's category scores (0-100) for URL and the failing audits, one line each."""
    args = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if preset == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": chromium("Lighthouse")}
    subprocess.run(args, check=True, env=env, timeout=300, stdout=subprocess.DEVNULL)
    result = json.loads(report.read_text(encoding="utf-8"))
    scores: dict[str, object] = {
        c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES
    }
    failing = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if audit["score"] is not None and audit["score"] < 1 and ref["weight"] >= 0:
                failing.append(f"{url} ({preset}): {ref['id']}: {audit['title']}"
                               f" {audit.get('displayValue', '')}")
    legible = result["audits"]["font-size"]  # not applicable on desktop
    if legible["scoreDisplayMode"] != "notApplicable":
        scores["legible text"] = legible.get("displayValue", "?")
        items = legible.get("details", {}).get("items", [])
        small = [i for i in items if not str(i.get("fontSize", "")).startswith("≥")]
        for i in small:
            print(f"    too small: {i.get('selector')} {i.get('fontSize')} {i.get('coverage')}")
        if legible["score"] != 1 or small:
            failing.append(f"{url} ({preset}): font-size: {legible.get('displayValue')}")
    return scores, failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-lighthouse", action="store_true", help="axe and Nu only (fast)")
    parser.add_argument("--site", type=Path, help="audit this built site instead of the example")
    options = parser.parse_args()
    lacking = missing_tools()
    if lacking:
        print(f"missing: {', '.join(lacking)}; run `make audit-tools`", file=sys.stderr)
        return 2
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="briefgen-audit-") as tmp:
        work = Path(tmp)
        out = options.site or build_example(work)
        slug = "helsinki-summit-2018" if (out / "helsinki-summit-2018").is_dir() else sorted(
            p.parent.name for p in out.glob("*/sources.html"))[0]
        pages = [p.format(slug=slug) for p in PAGES]
        checked = sorted({*out.glob("*.html"), *out.glob("*/*.html"), *out.glob("**/*.css"),
                          *out.glob("*.svg")} - set(out.glob("pagefind/**/*")))
        errors = [m for m in vnu(checked) if ": error" in m]
        print(f"Nu HTML checker: {len(checked)} files, {len(errors)} errors")
        problems += errors
        with serving(out) as base:
            browser = Browser(chromium("axe-core"), work)
            try:
                browser.open_page()
                for page in pages:
                    for width in (1280, 390):
                        for dark in (False, True):
                            found = axe(browser, base + page, width=width, dark=dark)
                            problems += found
                print(f"axe-core: {len(pages)} pages × 2 widths × light/dark,"
                      f" {sum('(' in p and 'px,' in p for p in problems)} violations")
            finally:
                browser.close()
            if not options.no_lighthouse:
                for page in pages[:3]:
                    for preset in ("mobile", "desktop"):
                        scores, failing = lighthouse(base + page, preset, work / "lh.json")
                        print(f"Lighthouse {preset:7} {page}: "
                              + " ".join(f"{c} {s}" for c, s in scores.items()))
                        problems += failing
    for problem in problems:
        print(problem)
    print("audit: clean" if not problems else f"audit: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
