"""`briefgen doctor` in a project: can its workflow install briefgen as briefgen.toml says?

Why: a new project's workflow once installed a briefgen version the package index did not
have, and nothing said so before the first scheduled run failed. The PDF stage's findings
are render/doctor.py's; this adds one line for the `install` setting (project/install.py).

A wheel path is opened (it must exist and be a wheel of briefgen). A requirement is asked
of the package index the way pip installs it, with `pip download` in a child process that
is killed after TIMEOUT seconds; OFFLINE skips it. A URL is checked for its form only: the
doctor neither clones nor downloads.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

from briefgen.project import install, settings
from briefgen.render.doctor import Finding

NAME = "install"
TIMEOUT = 30.0
FIX = (
    "set install in briefgen.toml to a wheel (a path in the project such as "
    'dist/briefgen-VERSION-py3-none-any.whl, or an https:// URL of one) or to "git+https://'
    'HOST/OWNER/briefgen@TAG"; `briefgen init DIR --install SPEC` writes it'
)


def diagnose_project(start: Path, *, offline: bool = False, timeout: float = TIMEOUT) -> Finding:
    """The install finding of the project START is in (BriefError if its settings are bad)."""
    found = settings.discover(start)
    if not found.found:
        return Finding(NAME, True, "not in a project (no briefgen.toml here or above)",
                       skipped=True)
    if found.install is None:
        return Finding(
            NAME,
            False,
            "briefgen.toml sets no install: its workflow cannot install briefgen",
            f'add install = "{install.default()}" (or a wheel path, or a git+https:// URL)',
        )
    return check(found.install, start / found.root, offline=offline, timeout=timeout)


def check(text: str, root: Path, *, offline: bool = False, timeout: float = TIMEOUT) -> Finding:
    """Whether the install spec TEXT (a wheel path relative to ROOT) can be had."""
    spec = install.parse(text)
    if isinstance(spec, str):
        return Finding(NAME, False, f"install must be {install.EXPECTED}; {spec}", install.HINT)
    if spec.kind == "wheel":
        return _wheel(text, root)
    if spec.kind == "git":
        tagged = "@" in text.split("://", 1)[1].split("/", 1)[-1]
        note = "" if tagged else "; no @TAG: every run installs the newest commit"
        return Finding(NAME, True, f"{text}: a well-formed git URL (not cloned){note}")
    if spec.kind == "url":
        return Finding(NAME, True, f"{text}: an https URL of a briefgen wheel (not downloaded)")
    if offline:
        return Finding(NAME, True, f"{text}: the package index was not asked (--offline)",
                       skipped=True)
    return _index(text, timeout)


def _wheel(text: str, root: Path) -> Finding:
    path = Path(text)
    wheel = path if path.is_absolute() else root / path
    if not wheel.is_file():
        return Finding(NAME, False, f"{text}: no such file", f"build one (python -m build); {FIX}")
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            meta = next((n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)), "")
            headers = HeaderParser().parsestr(archive.read(meta).decode("utf-8") if meta else "")
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, KeyError):
        return Finding(NAME, False, f"{text}: not a wheel (not a readable zip file)", FIX)
    if (headers["Name"] or "").lower() != "briefgen" or "briefgen/__init__.py" not in names:
        return Finding(NAME, False, f"{text}: not a wheel of briefgen", FIX)
    outside = path.is_absolute() or ".." in path.parts
    note = "; outside the project, so a CI checkout will not have it" if outside else ""
    return Finding(NAME, True, f"{text}: a wheel of briefgen {headers['Version']}{note}")


def _index(text: str, timeout: float) -> Finding:
    """Ask the package index for TEXT with `pip download` (verbose enough to tell an index
    that has no briefgen from one that cannot be reached), killed after TIMEOUT seconds."""
    if importlib.util.find_spec("pip") is None:
        return Finding(NAME, True, f"{text}: cannot ask the package index (no pip here)",
                       skipped=True)
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "-vv", "--no-deps",
                   "--only-binary", ":all:", "--dest", folder, "--retries", "0",
                   "--timeout", str(max(1, round(timeout))), "--disable-pip-version-check", text]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            return Finding(NAME, True, f"{text}: no answer from the package index within "
                           f"{timeout:g} s (not checked; --offline skips this)", skipped=True)
        got = sorted(p.name for p in Path(folder).iterdir())
    if done.returncode == 0 and got:
        return Finding(NAME, True, f"{text}: on the package index ({got[0]})")
    output = done.stdout + done.stderr
    unreachable = [line for line in output.splitlines()
                   if line.startswith("Could not fetch URL") and " 404 " not in line]
    if unreachable:
        return Finding(NAME, True, f"{text}: cannot reach the package index (not checked): "
                       f"{unreachable[0][:160]}", skipped=True)
    versions = re.search(r"\(from versions: ([^)]*)\)", output)
    if versions is None:
        last = next((ln for ln in reversed(done.stderr.splitlines()) if ln.strip()), "")
        return Finding(NAME, False, f"{text}: pip download failed: {last[:160]}", FIX)
    have = versions.group(1)
    detail = (
        "the package index has no briefgen at all (briefgen is not published there)"
        if have == "none"
        else f"the package index has briefgen {have}, none of which matches"
    )
    return Finding(NAME, False, f"{text}: {detail}", FIX)
