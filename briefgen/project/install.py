"""How a project's scheduled workflow installs briefgen: the `install` setting.

Why: `briefgen init` wrote a workflow that installed `briefgen==<version>` from the
package index, where briefgen was not published, so a new project's first scheduled run
failed at its install step. The spec now lives in `briefgen.toml` (`install = "…"`, written
by `init --install`), the workflow reads it from there when it runs, and `briefgen doctor`
says whether it can be had (project/doctor.py). Only four forms are accepted, each one pip
installs as given: a requirement of briefgen, an https URL of a briefgen wheel, a
`git+https://` URL, or a path to a briefgen wheel (relative to the project folder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import urlsplit

from briefgen import __version__
from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location, inert

Kind = Literal["requirement", "url", "git", "wheel"]

EXPECTED = (
    "a requirement of briefgen, an https:// URL or a path of a briefgen wheel, "
    "or a git+https:// URL"
)
HINT = (
    'e.g. "briefgen==1.2.0", "dist/briefgen-1.2.0-py3-none-any.whl" or '
    '"git+https://github.com/you/briefgen@v1.2.0"'
)

_OPERATOR = r"(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+"
# NAME[extras] and version clauses, no markers and no `@ URL` (those forms have their own)
REQUIREMENT = re.compile(
    rf"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[\s*[\w-]+(?:\s*,\s*[\w-]+)*\s*\])?"
    rf"\s*(?:{_OPERATOR}(?:\s*,\s*{_OPERATOR})*)?"
)
# name-version(-build)-python-abi-platform.whl, with the name briefgen (PEP 427)
WHEEL = re.compile(r"briefgen-\d[\w.+!]*(?:-\d\w*)?-[\w.]+-[\w.]+-[\w.]+\.whl", re.IGNORECASE)
PINNED = re.compile(r"briefgen(?:\[[^\]]*\])?\s*===?\s*([\w.+!]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Spec:
    """A valid install spec: which of the four forms, and the text as written."""

    kind: Kind
    text: str

    @property
    def pinned(self) -> str | None:
        """The version a `briefgen==X` requirement names; None for any other spec."""
        found = PINNED.fullmatch(self.text) if self.kind == "requirement" else None
        return found.group(1) if found else None


def default() -> str:
    """What `init` records when no --install is given: this version, from the index."""
    return f"briefgen=={__version__}"


def parse(text: str) -> Spec | str:
    """TEXT as a Spec, or what is wrong with it (a phrase after "install must be …;")."""
    shown = f"found '{inert(text)}'"
    if not text.strip():
        return "found an empty text"
    if inert(text) != text or text != text.strip():
        return f"{shown}, with a control character or surrounding spaces"
    lowered = text.lower()
    if lowered.startswith("git+"):
        return _git(text, shown)
    if "://" in text:
        return _url(text, shown)
    if lowered.endswith(".whl"):
        name = PurePosixPath(text.replace("\\", "/")).name
        if WHEEL.fullmatch(name):
            return Spec("wheel", text)
        return f"{shown}: not the file name of a briefgen wheel (briefgen-VERSION-py3-none-any.whl)"
    requirement = REQUIREMENT.fullmatch(text)
    if requirement and re.sub(r"[-_.]+", "-", requirement.group(1)).lower() == "briefgen":
        return Spec("requirement", text)
    if requirement:
        return f"{shown}: that installs another package, not briefgen"
    return f"{shown}: not a requirement, a wheel or a git URL"


def checked(text: str, where: str = "--install") -> str:
    """TEXT when it is an install spec, else BriefError BG707 at WHERE (exit 2)."""
    found = parse(text)
    if isinstance(found, str):
        raise BriefError(
            Diagnostic(Location(where), "BG707", f"install must be {EXPECTED}; {found}", HINT),
            exit_code=EXIT_USAGE,
        )
    return text


def _git(text: str, shown: str) -> Spec | str:
    parts = urlsplit(text)
    if parts.scheme.lower() != "git+https":
        return f"{shown}: a git URL must be git+https:// (no ssh, no plain http)"
    repository = parts.path.split("@", 1)[0].strip("/")
    if not parts.hostname or "/" not in repository or re.search(r"\s", text):
        return f"{shown}: a git URL names a host and a repository, git+https://HOST/OWNER/REPO"
    return Spec("git", text)


def _url(text: str, shown: str) -> Spec | str:
    parts = urlsplit(text)
    if parts.scheme.lower() == "http":
        return f"{shown}: a wheel URL must be https:// (plain http can be tampered with)"
    if parts.scheme.lower() != "https":
        return f"{shown}: write a wheel's URL alone, starting https://"
    if not parts.hostname or re.search(r"\s", text):
        return f"{shown}: not a well-formed URL"
    if not WHEEL.fullmatch(PurePosixPath(parts.path).name):
        return f"{shown}: an https URL must name a briefgen .whl (for a repository, git+https://)"
    return Spec("url", text)
