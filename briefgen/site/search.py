"""Stage 7 (optional), search: Pagefind's static index of the staged site, as {path: bytes}.

Why on the staging folder: the index must describe exactly the pages that are swapped in
together, so it is built before the swap and staged with them (publish stays atomic). Why
in a scratch folder first: Pagefind writes files by itself; reading them back through
`Stage.write` keeps the manifest's list of published files complete.
The index is progressive enhancement: the site works without JavaScript, and without
`briefgen[search]` installed `build --search` fails with BG611 instead of half-indexing.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from briefgen.errors import BriefError, Diagnostic, Location
from briefgen.sheet.files import reason

BUNDLE = "pagefind"  # out/pagefind/: the index and its UI, fetched by assets/filter.js
TIMEOUT = 600


def executable() -> Path | None:
    """The binary of the `pagefind[bin]` package (extra `briefgen[search]`), if installed."""
    try:
        import pagefind_bin  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    try:
        return Path(pagefind_bin.get_executable())
    except FileNotFoundError:
        return None


def index(site: Path) -> dict[str, bytes]:
    """Pagefind's bundle for the built pages under SITE, keyed 'pagefind/<file>' in sorted order."""
    binary = executable()
    if binary is None:
        raise _fail(
            site,
            "search needs Pagefind, which is not installed",
            "pip install 'briefgen[search]', or build without --search",
        )
    with tempfile.TemporaryDirectory(prefix="briefgen-search-") as scratch:
        bundle = Path(scratch) / BUNDLE
        try:
            done = subprocess.run(
                [str(binary), "--site", str(site), "--output-path", str(bundle), "--silent"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _fail(site, "Pagefind did not run: it took too long", "") from None
        except OSError as error:
            raise _fail(site, f"Pagefind did not run: {reason(error)}", "") from None
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise _fail(site, f"Pagefind failed: {last[0]}", "run `briefgen build --search` again")
        files = sorted(p for p in bundle.rglob("*") if p.is_file())
        return {f"{BUNDLE}/{p.relative_to(bundle).as_posix()}": p.read_bytes() for p in files}


def _fail(site: Path, message: str, hint: str) -> BriefError:
    return BriefError(Diagnostic(Location(str(site)), "BG611", message, hint))
