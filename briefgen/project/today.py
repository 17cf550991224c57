"""The build date: what day a build or a check takes it to be (`--today`).

Why an input, and why here: review and validity dates are compared with it and new
editions are dated by it, so it must be given, never read from the clock below the CLI
(the same sheet on the same day gives the same bytes). The CLI reads the clock when no
`--today` is given and checks a given one here. Light: an up-to-date build imports no
models.
"""

from __future__ import annotations

import datetime
import re

from briefgen.errors import EXIT_USAGE, BriefError, Diagnostic, Location


def build_date(text: str, origin: str = "--today") -> str:
    """TEXT as the build date (a real day, YYYY-MM-DD); BG230 at ORIGIN when it is not one."""
    try:
        ok = bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text))
        ok = ok and datetime.date.fromisoformat(text).isoformat() == text
    except ValueError:
        ok = False
    if not ok:
        raise BriefError(
            Diagnostic(
                Location(origin),
                "BG230",
                f"the build date must be a day YYYY-MM-DD; found {text!r}",
                "write it as 2026-12-07; without --today the build uses today's date",
            ),
            exit_code=EXIT_USAGE,
        )
    return text
