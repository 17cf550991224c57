"""`briefgen doctor`: what the PDF stage will run with, and what to install if not.

Why: WeasyPrint needs Pango; without HarfBuzz's subsetter it falls back to fontTools,
which was about ten times slower at writing a one-page PDF and stamps the current time
into every embedded font (PDFs stop being byte-reproducible). Bug reports need versions.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata

from briefgen import __version__


@dataclass(frozen=True)
class Finding:
    """One line of the report: what, its state, and the fix when it is not ok. SKIPPED: not
    checked (offline, or no answer in time): it does not fail the report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    skipped: bool = False


def diagnose() -> list[Finding]:
    """Inspect Python packages, Pango, HarfBuzz-Subset, libyaml and the bundled fonts."""
    import yaml

    found = [
        Finding("briefgen", True, __version__),
        Finding("python", True, platform.python_version()),
    ]
    for package in ("pydantic", "jinja2", "markdown-it-py", "click", "pyyaml"):
        found.append(_package(package))
    found.append(
        Finding(
            "libyaml (fast YAML)",
            bool(getattr(yaml, "__with_libyaml__", False)),
            "C loader in use"
            if getattr(yaml, "__with_libyaml__", False)
            else "pure-Python loader (slower)",
            "pip install --force-reinstall pyyaml (a wheel with libyaml)",
        )
    )
    found += _weasyprint()
    found.append(_fonts())
    return found


def _package(name: str) -> Finding:
    try:
        return Finding(name, True, metadata.version(name))
    except metadata.PackageNotFoundError:
        return Finding(name, False, "not installed", f"pip install {name}")


def _weasyprint() -> list[Finding]:
    try:
        import weasyprint
        from weasyprint.text import ffi
    except (ImportError, OSError) as error:
        return [
            Finding(
                "weasyprint",
                False,
                f"cannot import: {error}",
                "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 && "
                "pip install 'weasyprint>=68,<71'",
            )
        ]
    number = int(ffi.pango.pango_version())  # e.g. 15012 for 1.50.12
    subset = getattr(ffi, "harfbuzz_subset", None) is not None
    return [
        Finding("weasyprint", True, weasyprint.__version__),
        Finding("pango", True, f"{number // 10000}.{number // 100 % 100}.{number % 100}"),
        Finding(
            "harfbuzz-subset",
            subset,
            "fonts subset by HarfBuzz (fast, reproducible PDFs)"
            if subset
            else "missing: WeasyPrint falls back to fontTools (about 10x slower to write a "
            "PDF, and PDFs stop being byte-reproducible)",
            "sudo apt-get install -y libharfbuzz-subset0",
        ),
    ]


def _fonts() -> Finding:
    """Every font file the built-in fonts.css names is there (the PDF has no other)."""
    from briefgen.verify.glyphs import faces

    files = sorted({file for file, _ in faces()})
    missing = [f.name for f in files if not f.is_file()]
    return Finding(
        "bundled fonts",
        bool(files) and not missing,
        f"missing: {', '.join(missing)}" if missing else ", ".join(f.name for f in files),
        "reinstall briefgen: its templates/fonts/ folder is incomplete",
    )
