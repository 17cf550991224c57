"""`briefgen new`: start a brief, with its documents stored exactly as `sources add` would.

Why here and not in project/scaffold.py: a document given to `new` (a text file, a saved
page, a PDF, a URL) must become the same text, title and `sources:` entry (type,
`accessed`, the original under sources/original/) as when it is added later, so `new` is
the scaffold followed by `sources add`'s own two steps (ingest.py), and project/ may not
import authoring/. Every document is read before anything is written, and a run that
fails after the folder was made takes the whole folder back: nothing is left half-made.
"""

from __future__ import annotations

import shutil
from contextlib import suppress
from datetime import date
from pathlib import Path

from briefgen.authoring.ingest import read_documents, store_documents
from briefgen.project.scaffold import planned, scaffold, write_schema


def new_brief(
    slug: str,
    documents: list[str],
    *,
    root: Path,
    kind: str,
    today: date,
    proxies: dict[str, str],
) -> Path:
    """Create ROOT/seeds/SLUG/facts.yaml for a brief of KIND with DOCUMENTS (files or
    http(s) URLs, maybe none) as its sources S1, S2, …; return the sheet's path.

    TODAY is the retrieval date recorded as `accessed`; PROXIES as
    `urllib.request.getproxies()`."""
    planned(slug, root=root, kind=kind)  # a bad or taken slug: before any download
    read = read_documents(documents, proxies)
    seeds = root / "seeds"
    had_seeds = seeds.exists()
    sheet = scaffold(slug, root=root, kind=kind)
    try:
        if read:
            store_documents(sheet, read, today=today)
    except BaseException:
        with suppress(OSError):  # the folder scaffold just made: this run's, and only it
            shutil.rmtree(sheet.parent)
            if not had_seeds:
                seeds.rmdir()  # empty unless another run made a brief there meanwhile
        raise
    write_schema(root)
    return sheet
